/**
 * PowerPoint 97–2003 presentations (`.ppt`): the text atoms of the compound file's
 * `PowerPoint Document` stream. Records are an 8-byte header (version and instance, type, length)
 * and a body; containers (version 0xF) hold records, which a linear walk steps into. Text sits in
 * TextCharsAtom (UTF-16), TextBytesAtom (8-bit: the low bytes of UTF-16) and CString records
 * (UTF-16: comments, notes' author names…); each becomes a line, vertical tabs and carriage returns
 * inside it line breaks.
 *
 * @module
 */
import type { CompoundFile } from './cfb.ts';
import type { OfficeDocument } from './ooxml.ts';

const TEXT_CHARS = 0x0fa0;
const TEXT_BYTES = 0x0fa8;
const CSTRING = 0x0fba;

/** The text of a `PowerPoint Document` stream, one line per text record. */
export function pptText(stream: Buffer): string {
  const lines: string[] = [];
  for (let at = 0; at + 8 <= stream.length; ) {
    const version = stream.readUInt16LE(at) & 0x0f;
    const type = stream.readUInt16LE(at + 2);
    const length = stream.readUInt32LE(at + 4);
    if (version === 0x0f) {
      at += 8; // a container: its records follow
      continue;
    }
    const end = Math.min(stream.length, at + 8 + length);
    if (type === TEXT_CHARS || type === CSTRING) lines.push(stream.toString('utf16le', at + 8, end));
    else if (type === TEXT_BYTES) lines.push(stream.toString('latin1', at + 8, end));
    at = end;
  }
  return (
    lines.map((l) => l.replace(/[\r\v]/g, '\n').replace(/\0/g, '')).join('\n') +
    (lines.length > 0 ? '\n' : '')
  );
}

/** Reads `cf` as a presentation; `undefined` if it holds no `PowerPoint Document` stream. */
export function pptFromCompound(cf: CompoundFile): OfficeDocument | undefined {
  const stream = cf.stream('PowerPoint Document');
  if (stream === undefined) return undefined;
  const text = Buffer.from(pptText(stream), 'utf8');
  return {
    kind: 'ppt',
    async *parts() {
      yield {
        name: 'slides',
        format: 'text',
        chunks: (async function* () {
          yield text;
        })(),
      };
    },
    close() {},
  };
}

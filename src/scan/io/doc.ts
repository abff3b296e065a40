/**
 * Word 97–2003 documents (`.doc`; WPS writes the same format): the text of a compound file's
 * `WordDocument` stream, put in order by the piece table (MS-DOC: the FIB points at the Clx in the
 * `0Table` or `1Table` stream; each piece is a run of characters stored either 16-bit or, when
 * "compressed", 8-bit). Résumés and application forms full of ID numbers are still passed around
 * as `.doc`.
 *
 * Text comes out with paragraphs as lines and table cells separated by tabs; fields keep both
 * their instructions (`HYPERLINK "mailto:…"`) and their results. An encrypted document has no
 * readable text.
 * Word 6/95 files (no piece table) are not read.
 *
 * @module
 */
import type { CompoundFile } from './cfb.ts';
import type { OfficeDocument } from './ooxml.ts';

const WIDENT = 0xa5ec;
/** Where the FIB keeps fcClx / lcbClx (FibRgFcLcb97, 34th pair). */
const FC_CLX = 0x1a2;

/** The characters of the pieces, in order (no cleaning yet). */
function pieceText(word: Buffer, table: Buffer, fcClx: number, lcbClx: number): string {
  const clx = table.subarray(fcClx, Math.min(table.length, fcClx + lcbClx));
  let at = 0;
  // Property runs (Prc) come first: clxt 1, a 16-bit size, the data.
  while (at < clx.length && clx[at] === 0x01) {
    if (at + 3 > clx.length) return '';
    const size = clx.readInt16LE(at + 1);
    if (size < 0) return '';
    at += 3 + size;
  }
  if (at + 5 > clx.length || clx[at] !== 0x02) return '';
  const lcb = clx.readUInt32LE(at + 1);
  const plc = clx.subarray(at + 5, Math.min(clx.length, at + 5 + lcb));
  const n = Math.floor((plc.length - 4) / 12);
  let out = '';
  // A document's text cannot outgrow the stream that holds it: a hostile piece table repeating
  // one long piece stops there.
  for (let i = 0; i < n && out.length <= word.length; i++) {
    const cpStart = plc.readUInt32LE(4 * i);
    const cpEnd = plc.readUInt32LE(4 * (i + 1));
    if (cpEnd <= cpStart) continue;
    const count = Math.min(cpEnd - cpStart, word.length);
    const pcd = 4 * (n + 1) + 8 * i;
    const raw = plc.readUInt32LE(pcd + 2);
    if (raw & 0x40000000) {
      // 8-bit characters at half the stated offset (Windows-1252; Chinese text is never here).
      const fc = (raw & 0x3fffffff) / 2;
      out += word.toString('latin1', fc, Math.min(word.length, fc + count));
    } else {
      const fc = raw & 0x3fffffff;
      out += word.toString('utf16le', fc, Math.min(word.length, fc + 2 * count));
    }
  }
  return out;
}

/**
 * Word's control characters turned into text: paragraph, line, page and column breaks become line
 * breaks, cell marks tabs, field marks spaces (a field's instructions are kept: a HYPERLINK's
 * `mailto:` or `tel:` target is personal data too); object anchors and footnote marks dropped.
 */
export function cleanWordText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (c === 0x0d || c === 0x0b || c === 0x0c || c === 0x0e) out += '\n';
    else if (c === 0x07) out += '\t';
    else if (c === 0x13 || c === 0x14 || c === 0x15 || c === 0xa0) out += ' ';
    else if (c === 0x1e) out += '-';
    else if (c < 0x20 && c !== 0x09) continue;
    else out += ch;
  }
  return out;
}

/** Reads `cf` as a Word document; `undefined` if it holds no `WordDocument` stream or is Word 95. */
export function docFromCompound(cf: CompoundFile): OfficeDocument | undefined {
  const word = cf.stream('WordDocument');
  if (word === undefined || word.length < FC_CLX + 8 || word.readUInt16LE(0) !== WIDENT) return undefined;
  const flags = word.readUInt16LE(0x0a);
  if (flags & 0x0100) return { kind: 'doc', encrypted: true, async *parts() {}, close() {} };
  const table = cf.stream(flags & 0x0200 ? '1Table' : '0Table');
  if (table === undefined) return undefined;
  const text = cleanWordText(
    pieceText(word, table, word.readUInt32LE(FC_CLX), word.readUInt32LE(FC_CLX + 4)),
  );
  return {
    kind: 'doc',
    async *parts() {
      yield {
        name: 'document',
        format: 'text',
        chunks: (async function* () {
          yield Buffer.from(text, 'utf8');
        })(),
      };
    },
    close() {},
  };
}

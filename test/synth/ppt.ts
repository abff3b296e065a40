/**
 * A PowerPoint 97–2003 (`.ppt`) writer for fixtures: a `PowerPoint Document` stream of records —
 * a document container holding slide containers, each with its text as TextCharsAtom (UTF-16) or,
 * for ASCII, TextBytesAtom — and a CString in a comment, in a compound file (cfb.ts).
 *
 * @module
 */
import { compoundFile } from './cfb.ts';

function record(version: number, type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(version, 0);
  head.writeUInt16LE(type, 2);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

const text = (s: string): Buffer =>
  /^[\x00-\x7f]*$/.test(s)
    ? record(0, 0x0fa8, Buffer.from(s, 'latin1'))
    : record(0, 0x0fa0, Buffer.from(s, 'utf16le'));

/** A .ppt file's bytes: one slide per entry of `slides` (its text lines), and an optional comment. */
export function ppt(slides: readonly (readonly string[])[], comment?: string): Uint8Array {
  const slideRecords = slides.map((lines) =>
    record(0x0f, 0x03ee, Buffer.concat([record(0, 0x03ef, Buffer.alloc(24)), ...lines.map(text)])),
  );
  const extra =
    comment === undefined ? [] : [record(0x0f, 0x2ee0, record(0, 0x0fba, Buffer.from(comment, 'utf16le')))];
  const documentStream = record(
    0x0f,
    0x03e8,
    Buffer.concat([record(0, 0x03e9, Buffer.alloc(40)), ...slideRecords, ...extra]),
  );
  return compoundFile([
    { name: 'PowerPoint Document', data: documentStream },
    { name: 'Current User', data: Buffer.alloc(20) },
  ]);
}

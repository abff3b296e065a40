/**
 * A Word 97–2003 (`.doc`) writer for fixtures: a `WordDocument` stream starting with a FIB (the
 * fields a reader needs: wIdent, flags, ccpText, fcClx / lcbClx), the text stored in pieces — runs
 * of ASCII "compressed" to 8 bits, the rest UTF-16 — and a `1Table` (or `0Table`) stream holding
 * the Clx: a property run, then the piece table. In a compound file (cfb.ts).
 *
 * @module
 */
import { compoundFile } from './cfb.ts';

/** A paragraph, or a table (rows of cells). Word's own marks (0x13 field begin…) may appear. */
export type DocBlock = string | { readonly table: readonly (readonly string[])[] };

export interface DocOptions {
  /** Store ASCII runs as 8-bit pieces (as Word does for Latin text). Default true. */
  readonly compress?: boolean;
  /** Which table stream the FIB names (default 1). */
  readonly table?: 0 | 1;
  readonly encrypted?: boolean;
}

const FIB_SIZE = 0x200;

/** The document's characters as Word stores them: paragraphs end in 0x0D, cells and rows in 0x07. */
export function wordText(blocks: readonly DocBlock[]): string {
  let text = '';
  for (const b of blocks) {
    if (typeof b === 'string') text += `${b}\r`;
    else for (const row of b.table) text += `${row.map((c) => `${c}\x07`).join('')}\x07`;
  }
  return text;
}

/** A .doc file's bytes. */
export function doc(blocks: readonly DocBlock[], options: DocOptions = {}): Uint8Array {
  const text = wordText(blocks);
  // Pieces: maximal runs of ASCII (8-bit when compressing) and of everything else (16-bit).
  const runs: { text: string; compressed: boolean }[] = [];
  for (const ch of text) {
    const compressed = (options.compress ?? true) && ch.charCodeAt(0) < 0x80;
    const last = runs[runs.length - 1];
    if (last && last.compressed === compressed) last.text += ch;
    else runs.push({ text: ch, compressed });
  }
  const body: Buffer[] = [];
  let offset = FIB_SIZE;
  const cps: number[] = [0];
  const fcs: number[] = [];
  for (const r of runs) {
    const bytes = Buffer.from(r.text, r.compressed ? 'latin1' : 'utf16le');
    fcs.push(r.compressed ? ((offset * 2) | 0x40000000) >>> 0 : offset);
    body.push(bytes);
    offset += bytes.length;
    cps.push(cps[cps.length - 1]! + r.text.length);
  }
  const fib = Buffer.alloc(FIB_SIZE);
  fib.writeUInt16LE(0xa5ec, 0);
  fib.writeUInt16LE(0x00c1, 2);
  // fWhichTblStm, fEncrypted, fExtChar (Word 97 and later: text may be 16-bit).
  fib.writeUInt16LE(
    ((options.table ?? 1) === 1 ? 0x0200 : 0) | (options.encrypted ? 0x0100 : 0) | 0x1000,
    0x0a,
  );
  fib.writeUInt16LE(14, 0x20);
  fib.writeUInt16LE(22, 0x3e);
  // fcMin / fcMac: where the text lies (older readers use them), and ccpText.
  fib.writeUInt32LE(FIB_SIZE, 0x18);
  fib.writeUInt32LE(offset, 0x1c);
  fib.writeUInt32LE(text.length, 0x4c);
  fib.writeUInt16LE(0x5d, 0x98);

  const plc = Buffer.alloc(4 * cps.length + 8 * fcs.length);
  for (const [i, cp] of cps.entries()) plc.writeUInt32LE(cp, 4 * i);
  for (const [i, fc] of fcs.entries()) plc.writeUInt32LE(fc, 4 * cps.length + 8 * i + 2);
  const prc = Buffer.from([0x01, 0x02, 0x00, 0x00, 0x00]);
  const pcdt = Buffer.alloc(5);
  pcdt[0] = 0x02;
  pcdt.writeUInt32LE(plc.length, 1);
  const clx = Buffer.concat([prc, pcdt, plc]);
  const table = Buffer.concat([Buffer.alloc(64), clx]);
  fib.writeUInt32LE(64, 0x1a2);
  fib.writeUInt32LE(clx.length, 0x1a6);

  return compoundFile([
    { name: 'WordDocument', data: Buffer.concat([fib, ...body]) },
    { name: `${options.table ?? 1}Table`, data: table },
  ]);
}

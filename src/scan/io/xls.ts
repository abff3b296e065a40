/**
 * Excel 97–2003 workbooks (`.xls`: BIFF8 records in the `Workbook` stream of a compound file), as
 * Chinese government and enterprise systems still export them. Read like xlsx (sheet-text.ts):
 * every worksheet in workbook order, hidden ones included, one TSV line per row with cells under
 * their headers, findings placed at their row and column.
 *
 * Records read (MS-XLS): BOUNDSHEET8 (sheet names and where they start), SST with its CONTINUE
 * records (the shared strings, whose characters may switch between 8- and 16-bit at each
 * CONTINUE), LABELSST, LABEL, RSTRING, NUMBER, RK, MULRK, FORMULA with its STRING, BOOLERR, and
 * XF / FORMAT / DATEMODE for date-formatted numbers. A FILEPASS record means the workbook is
 * encrypted: it has no readable sheets. BIFF5 (`Book` stream, Excel 95) is not read.
 *
 * The stream is read from memory (ole.ts reads the file; an `.xls` holds at most 65,536 rows by
 * 256 columns per sheet).
 *
 * @module
 */
import type { CompoundFile } from './cfb.ts';
import type { OfficeDocument, OfficePart } from './ooxml.ts';
import { BUILTIN_DATE_FORMATS, isDateFormat, type SheetCell, SheetText, serialToDate } from './sheet-text.ts';

const BOF = 0x0809;
const EOF = 0x000a;
const CONTINUE = 0x003c;
const SST = 0x00fc;
const BOUNDSHEET = 0x0085;
const FILEPASS = 0x002f;
const DATEMODE = 0x0022;
const XF = 0x00e0;
const FORMAT = 0x041e;
const LABELSST = 0x00fd;
const LABEL = 0x0204;
const RSTRING = 0x00d6;
const NUMBER = 0x0203;
const RK = 0x027e;
const MULRK = 0x00bd;
const FORMULA = 0x0006;
const STRING = 0x0207;
const BOOLERR = 0x0205;

interface Record_ {
  readonly type: number;
  readonly data: Buffer;
}

/** The records from `offset` on; stops at the end of the stream or at a truncated record. */
function* records(stream: Buffer, offset: number): Generator<Record_ & { readonly at: number }> {
  let at = offset;
  while (at + 4 <= stream.length) {
    const type = stream.readUInt16LE(at);
    const size = stream.readUInt16LE(at + 2);
    if (at + 4 + size > stream.length) return;
    yield { type, data: stream.subarray(at + 4, at + 4 + size), at };
    at += 4 + size;
  }
}

/**
 * Reads across a record and its CONTINUE records as one byte stream, except for string
 * characters: when a string's characters run into the next CONTINUE, that record starts with a
 * fresh option byte saying whether the rest are 8- or 16-bit.
 */
class ContinuedReader {
  readonly #parts: Buffer[];
  #part = 0;
  #pos = 0;

  constructor(parts: Buffer[]) {
    this.#parts = parts;
  }

  #ensure(): boolean {
    while (this.#part < this.#parts.length && this.#pos >= this.#parts[this.#part]!.length) {
      this.#part++;
      this.#pos = 0;
    }
    return this.#part < this.#parts.length;
  }

  get done(): boolean {
    return !this.#ensure();
  }

  u8(): number {
    if (!this.#ensure()) throw new RangeError('past the end of the record');
    return this.#parts[this.#part]![this.#pos++]!;
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }

  skip(n: number): void {
    for (let left = n; left > 0; ) {
      if (!this.#ensure()) throw new RangeError('past the end of the record');
      const part = this.#parts[this.#part]!;
      const take = Math.min(left, part.length - this.#pos);
      this.#pos += take;
      left -= take;
    }
  }

  /** `count` characters, 16-bit when `wide`, switching width at CONTINUE boundaries. */
  chars(count: number, wide: boolean): string {
    let out = '';
    let left = count;
    let w = wide;
    while (left > 0) {
      let part = this.#parts[this.#part];
      if (part === undefined || this.#pos >= part.length) {
        // The characters go on in the next CONTINUE, which starts with its own option byte.
        this.#part++;
        this.#pos = 0;
        part = this.#parts[this.#part];
        if (part === undefined || part.length === 0) throw new RangeError('string past the end');
        w = (part[this.#pos++]! & 1) === 1;
      }
      const width = w ? 2 : 1;
      const n = Math.min(left, Math.floor((part.length - this.#pos) / width));
      if (n === 0) throw new RangeError('string character split across records');
      const end = this.#pos + n * width;
      out += w ? part.toString('utf16le', this.#pos, end) : part.toString('latin1', this.#pos, end);
      this.#pos = end;
      left -= n;
    }
    return out;
  }
}

/** XLUnicodeRichExtendedString (an SST entry). */
function sstString(r: ContinuedReader): string {
  const cch = r.u16();
  const flags = r.u8();
  const runs = flags & 0x08 ? r.u16() : 0;
  const ext = flags & 0x04 ? r.u32() : 0;
  const text = r.chars(cch, (flags & 1) === 1);
  r.skip(4 * runs + ext);
  return text;
}

/** XLUnicodeString (LABEL, STRING, FORMAT): 16-bit count, option byte, characters. */
function unicodeString(data: Buffer, at: number): string {
  if (at + 3 > data.length) return '';
  const cch = data.readUInt16LE(at);
  const wide = (data[at + 2]! & 1) === 1;
  const start = at + 3;
  const end = Math.min(data.length, start + cch * (wide ? 2 : 1));
  return wide ? data.toString('utf16le', start, end) : data.toString('latin1', start, end);
}

/** ShortXLUnicodeString (a sheet name): 8-bit count, option byte, characters. */
function shortString(data: Buffer, at: number): string {
  if (at + 2 > data.length) return '';
  const cch = data[at]!;
  const wide = (data[at + 1]! & 1) === 1;
  const start = at + 2;
  const end = Math.min(data.length, start + cch * (wide ? 2 : 1));
  return wide ? data.toString('utf16le', start, end) : data.toString('latin1', start, end);
}

/** An RK number: a 30-bit integer or the top 30 bits of a double, optionally hundredths. */
export function rkValue(rk: number): number {
  const value =
    rk & 0x02
      ? rk >> 2
      : new DataView(new Uint32Array([0, (rk & 0xfffffffc) >>> 0]).buffer).getFloat64(0, true);
  return rk & 0x01 ? value / 100 : value;
}

/** A number as Excel shows it in a General cell: integers in full while exact, else as written. */
export function doubleText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  // An 18-digit ID typed as a number lost its last digits in Excel already: never invent them.
  if (Number.isInteger(n)) return n.toExponential();
  return String(n);
}

interface Globals {
  readonly sst: string[];
  readonly sheets: { name: string; offset: number; type: number }[];
  readonly dateXf: Set<number>;
  readonly date1904: boolean;
  readonly encrypted: boolean;
}

function readGlobals(stream: Buffer): Globals {
  const sst: string[] = [];
  const sheets: { name: string; offset: number; type: number }[] = [];
  const formats = new Map<number, string>();
  const xfFormats: number[] = [];
  let date1904 = false;
  let encrypted = false;
  // Records one at a time (a workbook's stream holds millions), with one of look-ahead for the
  // CONTINUE records of the SST.
  const it = records(stream, 0);
  let next = it.next();
  let depth = 0;
  while (!next.done) {
    const { type, data } = next.value;
    next = it.next();
    if (type === BOF) depth++;
    else if (type === EOF) {
      if (--depth <= 0) break;
    } else if (type === FILEPASS) encrypted = true;
    else if (type === DATEMODE && data.length >= 2) date1904 = data.readUInt16LE(0) === 1;
    else if (type === XF && data.length >= 4) xfFormats.push(data.readUInt16LE(2));
    else if (type === FORMAT && data.length >= 2) formats.set(data.readUInt16LE(0), unicodeString(data, 2));
    else if (type === BOUNDSHEET && data.length >= 8) {
      sheets.push({ offset: data.readUInt32LE(0), type: data[5]!, name: shortString(data, 6) });
    } else if (type === SST && data.length >= 8) {
      const parts = [data.subarray(8)];
      while (!next.done && next.value.type === CONTINUE) {
        parts.push(next.value.data);
        next = it.next();
      }
      const unique = data.readUInt32LE(4);
      const r = new ContinuedReader(parts);
      try {
        for (let k = 0; k < unique && !r.done; k++) sst.push(sstString(r));
      } catch {
        // A damaged tail: keep the strings read so far.
      }
    }
  }
  const dateXf = new Set<number>();
  for (const [i, ifmt] of xfFormats.entries()) {
    const code = formats.get(ifmt);
    if (code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(ifmt)) dateXf.add(i);
  }
  return { sst, sheets, dateXf, date1904, encrypted };
}

/**
 * One worksheet as TSV text, from its BOF to the matching EOF, handed out every couple of thousand
 * rows. BIFF8 writes a sheet's cells row by row (columns in order within a row), so a row is done
 * when the next cell is on another row; cells are still sorted in case a writer did not.
 */
async function* sheetText(
  stream: Buffer,
  offset: number,
  g: Globals,
  text: SheetText,
): AsyncGenerator<Uint8Array> {
  let row = -1;
  let cells: SheetCell[] = [];
  let rows = 0;
  const put = (r: number, col: number, value: string) => {
    if (value === '') return;
    if (r !== row) {
      endRow();
      row = r;
    }
    cells.push({ col: col + 1, text: value });
  };
  const endRow = () => {
    if (cells.length > 0) {
      cells.sort((a, b) => a.col - b.col);
      text.addRow(row + 1, cells);
      cells = [];
      rows++;
    }
  };
  const number = (xf: number, n: number): string =>
    (g.dateXf.has(xf) ? serialToDate(n, g.date1904) : undefined) ?? doubleText(n);
  let depth = 0;
  let pendingFormula: [number, number] | undefined;
  for (const { type, data } of records(stream, offset)) {
    if (rows >= 2048) {
      rows = 0;
      const out = text.take();
      if (out) yield out;
    }
    if (type === BOF) {
      depth++;
      continue;
    }
    if (type === EOF) {
      if (--depth <= 0) break;
      continue;
    }
    if (type === STRING) {
      if (pendingFormula && depth === 1) put(pendingFormula[0], pendingFormula[1], unicodeString(data, 0));
      pendingFormula = undefined;
      continue;
    }
    if (depth !== 1 || data.length < 6) continue;
    const r = data.readUInt16LE(0);
    const col = data.readUInt16LE(2);
    const xf = data.readUInt16LE(4);
    switch (type) {
      case LABELSST:
        if (data.length >= 10) put(r, col, g.sst[data.readUInt32LE(6)] ?? '');
        break;
      case LABEL:
      case RSTRING:
        put(r, col, unicodeString(data, 6));
        break;
      case NUMBER:
        if (data.length >= 14) put(r, col, number(xf, data.readDoubleLE(6)));
        break;
      case RK:
        if (data.length >= 10) put(r, col, number(xf, rkValue(data.readUInt32LE(6))));
        break;
      case MULRK:
        // row, first column, then (xf, rk) pairs, then the last column.
        for (let at = 4, c = col; at + 6 <= data.length - 2; at += 6, c++) {
          put(r, c, number(data.readUInt16LE(at), rkValue(data.readUInt32LE(at + 2))));
        }
        break;
      case FORMULA:
        if (data.length < 14) break;
        if (data.readUInt16LE(12) === 0xffff) {
          // Not a number: 0 = a string, in the STRING record that follows; 1 = a boolean.
          const kind = data[6];
          if (kind === 0) pendingFormula = [r, col];
          else if (kind === 1) put(r, col, data[8] ? 'TRUE' : 'FALSE');
        } else put(r, col, number(xf, data.readDoubleLE(6)));
        break;
      case BOOLERR:
        if (data.length >= 8 && data[7] === 0) put(r, col, data[6] ? 'TRUE' : 'FALSE');
        break;
    }
  }
  endRow();
  const out = text.take();
  if (out) yield out;
}

/** A worksheet as an OfficePart (1-based row and column numbers). */
function sheetPart(name: string, stream: Buffer, offset: number, g: Globals): OfficePart {
  const text = new SheetText();
  return {
    name,
    format: 'tsv',
    chunks: sheetText(stream, offset, g, text),
    locate: (at) => text.locate(at),
  };
}

/** Reads `cf` as an Excel 97-2003 workbook; `undefined` if it holds no `Workbook` stream. */
export function xlsFromCompound(cf: CompoundFile): OfficeDocument | undefined {
  const stream = cf.stream('Workbook');
  if (stream === undefined) return undefined;
  const g = readGlobals(stream);
  const worksheets = g.encrypted ? [] : g.sheets.filter((s) => s.type === 0);
  return {
    kind: 'xls',
    encrypted: g.encrypted,
    async *parts() {
      for (const s of worksheets) yield sheetPart(s.name, stream, s.offset, g);
    },
    close() {},
  };
}

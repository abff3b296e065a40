/**
 * A small Excel 97–2003 (`.xls`) writer for fixtures: BIFF8 records in the `Workbook` stream of a
 * compound file (version 3, 512-byte sectors), laid out as Excel writes them — a globals substream
 * (DATEMODE, FORMAT, XF, BOUNDSHEET, SST with CONTINUE records), then one substream per sheet
 * (LABELSST, RK, MULRK, NUMBER, FORMULA + STRING, BOOLERR). Workbooks under 4 KiB go in the mini
 * stream, and the shared strings split across CONTINUE records anywhere a reader must cope.
 *
 * @module
 */
import { compoundFile } from './cfb.ts';

/** A cell: strings go to the shared strings; integers that fit become RK records. */
export type XlsCell =
  | string
  | number
  | null
  | { readonly date: number }
  | { readonly formula: string }
  | { readonly bool: boolean };

export interface XlsSheet {
  readonly name: string;
  /** Rows from row 1; `[rowNumber, cells]` pairs leave gaps. */
  readonly rows: readonly (readonly XlsCell[] | readonly [number, readonly XlsCell[]])[];
  readonly hidden?: boolean;
  /** Write runs of integer cells as MULRK records. */
  readonly mulrk?: boolean;
}

export interface XlsOptions {
  /** Most bytes of shared-string data per SST / CONTINUE record (Excel: 8224). */
  readonly sstRecordBytes?: number;
  /** Continue 8-bit strings as 16-bit after a CONTINUE boundary (Excel does so at times). */
  readonly widenAfterContinue?: boolean;
  readonly date1904?: boolean;
  /** Add a FILEPASS record: the workbook reads as encrypted. */
  readonly encrypted?: boolean;
}

function record(type: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const isLatin1 = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x100);
const chars = (s: string, wide: boolean) => Buffer.from(s, wide ? 'utf16le' : 'latin1');

function bof(kind: number): Buffer {
  return record(0x0809, Buffer.concat([u16(0x0600), u16(kind), u16(0x0dbb), u16(0x07cc), u32(0), u32(0x06)]));
}

/** SST + CONTINUE records holding `strings`, split at `cap` bytes of data per record. */
function sst(strings: readonly string[], cap: number, widen: boolean): Buffer {
  const records: Buffer[] = [];
  let current: Buffer[] = [Buffer.concat([u32(strings.length), u32(strings.length)])];
  let size = 8;
  const flush = () => {
    records.push(record(records.length === 0 ? 0x00fc : 0x003c, Buffer.concat(current)));
    current = [];
    size = 0;
  };
  for (const s of strings) {
    let wide = !isLatin1(s);
    // The 3-byte header never straddles two records.
    if (size + 3 > cap) flush();
    current.push(u16(s.length), Buffer.from([wide ? 1 : 0]));
    size += 3;
    let rest = [...s];
    while (rest.length > 0) {
      const width = wide ? 2 : 1;
      const room = Math.floor((cap - size) / width);
      if (room <= 0) {
        flush();
        if (widen) wide = true;
        current.push(Buffer.from([wide ? 1 : 0]));
        size = 1;
        continue;
      }
      const take = rest.slice(0, room).join('');
      current.push(chars(take, wide));
      size += take.length * (wide ? 2 : 1);
      rest = rest.slice(room);
    }
  }
  flush();
  return Buffer.concat(records);
}

function rkOf(n: number): number | undefined {
  if (Number.isInteger(n) && n >= -(2 ** 29) && n < 2 ** 29) return ((n << 2) | 2) >>> 0;
  const cents = Math.round(n * 100);
  if (Math.abs(n * 100 - cents) < 1e-9 && cents >= -(2 ** 29) && cents < 2 ** 29)
    return ((cents << 2) | 3) >>> 0;
  return undefined;
}

function sheetStream(sheet: XlsSheet, shared: (s: string) => number): Buffer {
  const out: Buffer[] = [bof(0x0010)];
  let next = 0;
  for (const entry of sheet.rows) {
    const [rowNo, cells] =
      entry.length === 2 && typeof entry[0] === 'number' && Array.isArray(entry[1])
        ? (entry as readonly [number, readonly XlsCell[]])
        : [next + 1, entry as readonly XlsCell[]];
    next = rowNo;
    const row = rowNo - 1;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c];
      if (cell === null || cell === undefined) continue;
      const at = Buffer.concat([u16(row), u16(c)]);
      if (typeof cell === 'string') out.push(record(0x00fd, Buffer.concat([at, u16(0), u32(shared(cell))])));
      else if (typeof cell === 'number') {
        // A run of RK-able numbers as one MULRK.
        let end = c;
        while (
          sheet.mulrk &&
          typeof cells[end + 1] === 'number' &&
          rkOf(cells[end + 1] as number) !== undefined
        )
          end++;
        const rk = rkOf(cell);
        if (end > c && rk !== undefined) {
          const pairs = [];
          for (let k = c; k <= end; k++) pairs.push(u16(0), u32(rkOf(cells[k] as number)!));
          out.push(record(0x00bd, Buffer.concat([at, ...pairs, u16(end)])));
          c = end;
        } else if (rk !== undefined) out.push(record(0x027e, Buffer.concat([at, u16(0), u32(rk)])));
        else {
          const d = Buffer.alloc(8);
          d.writeDoubleLE(cell);
          out.push(record(0x0203, Buffer.concat([at, u16(0), d])));
        }
      } else if ('date' in cell) {
        const d = Buffer.alloc(8);
        d.writeDoubleLE(cell.date);
        out.push(record(0x0203, Buffer.concat([at, u16(1), d])));
      } else if ('formula' in cell) {
        // Cached result "string": type 0, then 0xFFFF in the last two bytes; then a STRING record.
        const value = Buffer.from([0, 0, 0, 0, 0, 0, 0xff, 0xff]);
        const parsed = Buffer.from([0x17, 0, 0]); // a stand-in formula token stream
        out.push(
          record(0x0006, Buffer.concat([at, u16(0), value, u16(0), u32(0), u16(parsed.length), parsed])),
        );
        const wide = !isLatin1(cell.formula);
        out.push(
          record(
            0x0207,
            Buffer.concat([u16(cell.formula.length), Buffer.from([wide ? 1 : 0]), chars(cell.formula, wide)]),
          ),
        );
      } else {
        out.push(record(0x0205, Buffer.concat([at, u16(0), Buffer.from([cell.bool ? 1 : 0, 0])])));
      }
    }
  }
  out.push(record(0x000a, Buffer.alloc(0)));
  return Buffer.concat(out);
}

/** The BIFF8 Workbook stream. */
export function workbookStream(sheets: readonly XlsSheet[], options: XlsOptions = {}): Buffer {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const shared = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const bodies = sheets.map((s) => sheetStream(s, shared));
  const xf = (ifmt: number) => record(0x00e0, Buffer.concat([u16(0), u16(ifmt), Buffer.alloc(16)]));
  const format = Buffer.concat([u16(164), u16(10), Buffer.from([0]), Buffer.from('yyyy-mm-dd', 'latin1')]);
  const boundsheet = (s: XlsSheet, offset: number) => {
    const name = Buffer.from(s.name, 'utf16le');
    return record(
      0x0085,
      Buffer.concat([u32(offset), Buffer.from([s.hidden ? 1 : 0, 0, s.name.length, 1]), name]),
    );
  };
  const head = Buffer.concat([
    bof(0x0005),
    ...(options.encrypted ? [record(0x002f, Buffer.from([0, 0]))] : []),
    record(0x0022, u16(options.date1904 ? 1 : 0)),
    record(0x041e, format),
    xf(0),
    xf(164),
  ]);
  const tail = Buffer.concat([
    sst(strings, options.sstRecordBytes ?? 8224, options.widenAfterContinue ?? false),
    record(0x000a, Buffer.alloc(0)),
  ]);
  const sheetsLength = sheets.reduce((n, s) => n + boundsheet(s, 0).length, 0);
  let offset = head.length + sheetsLength + tail.length;
  const entries: Buffer[] = [];
  for (const [i, s] of sheets.entries()) {
    entries.push(boundsheet(s, offset));
    offset += bodies[i]!.length;
  }
  return Buffer.concat([head, ...entries, tail, ...bodies]);
}

/** An .xls file's bytes. */
export function xls(sheets: readonly XlsSheet[], options: XlsOptions = {}): Uint8Array {
  return compoundFile([{ name: 'Workbook', data: workbookStream(sheets, options) }]);
}

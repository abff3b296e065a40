/**
 * A small Excel 97–2003 (`.xls`) writer for fixtures: BIFF8 records in the `Workbook` stream of a
 * compound file (version 3, 512-byte sectors), laid out as Excel writes them — a globals substream
 * (DATEMODE, FORMAT, XF, BOUNDSHEET, SST with CONTINUE records), then one substream per sheet
 * (LABELSST, RK, MULRK, NUMBER, FORMULA + STRING, BOOLERR). Workbooks under 4 KiB go in the mini
 * stream, and the shared strings split across CONTINUE records anywhere a reader must cope.
 *
 * @module
 */

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

const SECTOR = 512;
const END = 0xfffffffe;
const FREE = 0xffffffff;
const FATSECT = 0xfffffffd;
const DIFSECT = 0xfffffffc;
const NOSTREAM = 0xffffffff;

function dirEntry(name: string, type: number, child: number, start: number, size: number): Buffer {
  const e = Buffer.alloc(128);
  if (name !== '') {
    e.write(name, 0, 'utf16le');
    e.writeUInt16LE((name.length + 1) * 2, 0x40);
  }
  e[0x42] = type;
  e[0x43] = 1;
  e.writeUInt32LE(NOSTREAM, 0x44);
  e.writeUInt32LE(NOSTREAM, 0x48);
  e.writeUInt32LE(child, 0x4c);
  e.writeUInt32LE(start, 0x74);
  e.writeUInt32LE(size, 0x78);
  return e;
}

/** An .xls file's bytes. */
export function xls(sheets: readonly XlsSheet[], options: XlsOptions = {}): Uint8Array {
  const book = workbookStream(sheets, options);
  // Streams under the 4096-byte cutoff live in the mini stream, as the format requires.
  const mini = book.length < 4096;
  const pad = (b: Buffer, unit: number) =>
    Buffer.concat([b, Buffer.alloc((unit - (b.length % unit)) % unit)]);
  // What goes into regular sectors: the Workbook stream, or the mini stream holding it.
  const data = pad(book, mini ? 64 : SECTOR);
  const container = mini ? pad(data, SECTOR) : data;
  const dataSectors = container.length / SECTOR;
  const miniFatSectors = mini ? 1 : 0;
  const dirSectors = 1;
  // FAT sectors past the header's 109 are listed in DIFAT sectors (127 each, plus a next pointer).
  const perDifat = SECTOR / 4 - 1;
  let fatSectors = 1;
  let difatSectors = 0;
  for (;;) {
    difatSectors = Math.max(0, Math.ceil((fatSectors - 109) / perDifat));
    if (fatSectors * (SECTOR / 4) >= fatSectors + difatSectors + dirSectors + miniFatSectors + dataSectors)
      break;
    fatSectors++;
  }
  const total = fatSectors + difatSectors + dirSectors + miniFatSectors + dataSectors;
  const fat = new Uint32Array(fatSectors * (SECTOR / 4)).fill(FREE);
  for (let i = 0; i < fatSectors; i++) fat[i] = FATSECT;
  for (let i = 0; i < difatSectors; i++) fat[fatSectors + i] = DIFSECT;
  const difat = Buffer.alloc(difatSectors * SECTOR, 0xff);
  for (let k = 0; k < difatSectors; k++) {
    for (let i = 0; i < perDifat; i++) {
      const fatNo = 109 + k * perDifat + i;
      if (fatNo < fatSectors) difat.writeUInt32LE(fatNo, k * SECTOR + 4 * i);
    }
    difat.writeUInt32LE(k + 1 < difatSectors ? fatSectors + k + 1 : END, k * SECTOR + SECTOR - 4);
  }
  const dirStart = fatSectors + difatSectors;
  fat[dirStart] = END;
  const miniFatStart = dirStart + dirSectors;
  if (mini) fat[miniFatStart] = END;
  const dataStart = miniFatStart + miniFatSectors;
  for (let i = 0; i < dataSectors; i++) fat[dataStart + i] = i + 1 < dataSectors ? dataStart + i + 1 : END;

  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(fatSectors, 0x2c);
  header.writeUInt32LE(dirStart, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(mini ? miniFatStart : END, 0x3c);
  header.writeUInt32LE(miniFatSectors, 0x40);
  header.writeUInt32LE(difatSectors > 0 ? fatSectors : END, 0x44);
  header.writeUInt32LE(difatSectors, 0x48);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < fatSectors ? i : FREE, 0x4c + 4 * i);

  const fatBytes = Buffer.from(fat.buffer);
  const root = mini
    ? dirEntry('Root Entry', 5, 1, dataStart, data.length)
    : dirEntry('Root Entry', 5, 1, END, 0);
  const workbook = dirEntry('Workbook', 2, NOSTREAM, mini ? 0 : dataStart, book.length);
  const empty = dirEntry('', 0, NOSTREAM, 0, 0);
  const dir = Buffer.concat([root, workbook, empty, empty]);
  const miniFat = Buffer.alloc(miniFatSectors * SECTOR, 0xff);
  if (mini) {
    const n = data.length / 64;
    for (let i = 0; i < n; i++) miniFat.writeUInt32LE(i + 1 < n ? i + 1 : END, 4 * i);
  }
  const out = Buffer.concat([header, fatBytes, difat, dir, miniFat, container]);
  if (out.length !== (total + 1) * SECTOR) throw new Error('layout mismatch');
  return out;
}

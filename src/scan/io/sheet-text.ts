/**
 * What xlsx and xls reading share: a sheet's rows as TSV text for the engine (empty cells kept, so
 * each value sits under its header), the map back from a byte of that text to the row and column
 * of its cell, and how Excel shows numbers and dates.
 *
 * @module
 */

/** Where a value sits in a sheet (1-based, as Excel shows it: row 5, column 3 is C5). */
export interface CellPlace {
  readonly row: number;
  readonly column: number;
}

/** A non-empty cell of a row: its column number (A = 1) and text as shown. */
export interface SheetCell {
  readonly col: number;
  readonly text: string;
}

/** Rows further than this behind the text produced can no longer receive findings. */
const LOCATE_WINDOW_BYTES = 32 * 1024 * 1024;

/** Built-in number formats that show dates (ECMA-376 §18.8.30, with the CJK ones 27–36, 50–58). */
export const BUILTIN_DATE_FORMATS: ReadonlySet<number> = new Set([
  14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58,
]);

/** True if a custom format code shows a date (a y or d, or 年/月/日, outside quotes and brackets). */
export function isDateFormat(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\\./g, '')
    .replace(/_.|\*./g, '');
  return /[yd年月日]/i.test(bare);
}

const DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** A date serial as Excel shows it: `YYYY-MM-DD`, with ` HH:MM:SS` when it has a time. */
export function serialToDate(serial: number, date1904: boolean): string | undefined {
  if (!Number.isFinite(serial) || serial < 0 || serial >= 2_958_466) return undefined;
  // The 1900 system counts a 29 February 1900 that never was (serial 60).
  const days = Math.floor(serial);
  const base = date1904 ? EPOCH_1904 : days < 60 ? EPOCH_1900 + DAY_MS : EPOCH_1900;
  const d = new Date(base + days * DAY_MS + Math.round((serial - days) * DAY_MS));
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  const secs = d.getUTCHours() * 3600 + d.getUTCMinutes() * 60 + d.getUTCSeconds();
  return secs === 0 ? date : `${date} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** A numeric cell's text: the digits as written, exponent notation expanded when exact. */
export function numberText(v: string): string {
  if (!/e/i.test(v)) return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? String(n) : v;
}

/** Cell text as a TSV field: one line, quoted when it holds a tab or a quote. */
function tsvField(text: string): string {
  const flat = text.replace(/[\r\n]/g, ' ');
  return /[\t"]/.test(flat) ? `"${flat.replace(/"/g, '""')}"` : flat;
}

/** Rows of the text produced so far, for {@link OfficePart.locate}. */
class RowIndex {
  /** Per row: [row number, start byte, (cell start byte, column number)…]. */
  #rows: number[][] = [];
  #head = 0;

  add(entry: number[], produced: number): void {
    this.#rows.push(entry);
    // Forget rows the engine can no longer report on, in batches.
    while (this.#head < this.#rows.length - 1 && this.#rows[this.#head]![1]! < produced - LOCATE_WINDOW_BYTES)
      this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#rows.length) {
      this.#rows = this.#rows.slice(this.#head);
      this.#head = 0;
    }
  }

  locate(offset: number): CellPlace | undefined {
    const rows = this.#rows;
    while (this.#head + 1 < rows.length && rows[this.#head + 1]![1]! <= offset) this.#head++;
    const r = rows[this.#head];
    if (r === undefined || r[1]! > offset) return undefined;
    let column = r[3] ?? 1;
    for (let i = 2; i < r.length && r[i]! <= offset; i += 2) column = r[i + 1]!;
    return { row: r[0]!, column };
  }
}

/**
 * A sheet's text, built row by row and handed out in chunks: one TSV line per non-empty row
 * (cells in increasing column order), remembering where each cell starts.
 */
export class SheetText {
  readonly #index = new RowIndex();
  #produced = 0;
  #pending: string[] = [];
  #pendingBytes = 0;

  /** Adds row `row` (its cells in increasing column order); empty rows add nothing. */
  addRow(row: number, cells: readonly SheetCell[]): void {
    if (cells.length === 0) return;
    const entry = [row, this.#produced];
    let line = '';
    let bytes = 0;
    let last = 0;
    for (const c of cells) {
      // Empty columns stay, so each value sits under its header.
      const tabs = c.col - Math.max(last, 1);
      if (tabs > 0) {
        line += '\t'.repeat(tabs);
        bytes += tabs;
      }
      const field = tsvField(c.text);
      entry.push(this.#produced + bytes, c.col);
      line += field;
      bytes += Buffer.byteLength(field);
      last = c.col;
    }
    line += '\n';
    bytes++;
    this.#index.add(entry, this.#produced);
    this.#pending.push(line);
    this.#produced += bytes;
    this.#pendingBytes += bytes;
  }

  /** The text added since the last call, UTF-8; `undefined` if none. */
  take(): Uint8Array | undefined {
    if (this.#pendingBytes === 0) return undefined;
    const out = Buffer.from(this.#pending.join(''), 'utf8');
    this.#pending = [];
    this.#pendingBytes = 0;
    return out;
  }

  /** The cell holding byte `offset` of the text (offsets in increasing order). */
  locate(offset: number): CellPlace | undefined {
    return this.#index.locate(offset);
  }
}

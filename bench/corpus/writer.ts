/**
 * Labelled documents: a document is built line by line from segments; a segment is plain text, a
 * labelled PI value, or a recorded hard negative. Line numbers and columns come from the builder,
 * so labels can never drift from the text.
 *
 * @module
 */
import { gzipSync } from 'node:zlib';
import type { PiTypeId } from '../../src/pi/types.ts';
import { encodeGbk, gbkEncodable, gbkSafe } from '../../test/synth/gbk.ts';
import { type XlsxCell, xlsx } from '../../test/synth/office.ts';
import { type PdfPage, type PdfText, pdf } from '../../test/synth/pdf.ts';
import { type XlsCell, xls } from '../../test/synth/xls.ts';

/** A labelled PI value: `v` is exactly the text written. */
export interface PiSeg {
  readonly pi: PiTypeId;
  readonly v: string;
}

/** A hard negative (must not be reported), recorded with its kind. */
export interface NegSeg {
  readonly neg: string;
  readonly v: string;
}

export type Seg = string | PiSeg | NegSeg;

export const pi = (type: PiTypeId, v: string): PiSeg => ({ pi: type, v });
export const neg = (kind: string, v: string): NegSeg => ({ neg: kind, v });

/** One line of `labels.jsonl`. `column` (1-based, Unicode code points) is an extra, optional field. */
export interface Label {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly type: PiTypeId;
  readonly value: string;
}

/** One line of `negatives.jsonl`. */
export interface Negative {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly value: string;
}

export interface FileFormat {
  readonly encoding: 'utf8' | 'gbk';
  readonly eol: '\n' | '\r\n';
  readonly gzip: boolean;
  /** UTF-8 byte-order mark (Excel's "CSV UTF-8"). */
  readonly bom: boolean;
  /** Saved as an Excel workbook: the lines become rows (cells split at `Doc.cellSep`). */
  readonly xlsx?: boolean;
  /** …in the Excel 97-2003 format (`.xls`) rather than `.xlsx`. */
  readonly legacy?: boolean;
  /** Printed to PDF instead: each non-blank line a line of a page, a table's cells in columns. */
  readonly pdf?: boolean;
}

/** Lines on each page of a PDF rendering (the evaluation maps page and line back with it). */
export const PDF_LINES_PER_PAGE = 50;

export const PLAIN: FileFormat = { encoding: 'utf8', eol: '\n', gzip: false, bom: false };

/** Code points in a string (astral characters count once, like the scanner's columns). */
export function cpLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

export function segText(seg: Seg): string {
  return typeof seg === 'string' ? seg : seg.v;
}

function gbkSeg(seg: Seg): Seg {
  if (typeof seg === 'string') return gbkSafe(seg);
  const v = gbkSafe(seg.v);
  if (v === seg.v) return seg;
  return 'pi' in seg ? { pi: seg.pi, v } : { neg: seg.neg, v };
}

export class Doc {
  readonly path: string;
  readonly format: FileFormat;
  readonly lines: string[] = [];
  readonly labels: Label[] = [];
  readonly negatives: Negative[] = [];
  /** Approximate bytes written so far (UTF-8 or GBK estimate). */
  bytes = 0;
  /** The cell separator of a table (set by kinds that write one): how an `.xlsx` rendering splits lines. */
  cellSep: string | undefined;

  constructor(path: string, format: FileFormat) {
    this.path = path;
    this.format = format;
  }

  line(segs: readonly Seg[]): void {
    const lineNo = this.lines.length + 1;
    let text = '';
    let col = 1;
    const gbk = this.format.encoding === 'gbk';
    for (const raw of segs) {
      const seg: Seg = gbk ? gbkSeg(raw) : raw;
      if (typeof seg === 'string') {
        text += seg;
        col += cpLength(seg);
        continue;
      }
      if (seg.v.includes('\n')) throw new Error(`segment with a newline in ${this.path}`);
      if ('pi' in seg) {
        this.labels.push({ path: this.path, line: lineNo, column: col, type: seg.pi, value: seg.v });
      } else {
        this.negatives.push({ path: this.path, line: lineNo, column: col, kind: seg.neg, value: seg.v });
      }
      text += seg.v;
      col += cpLength(seg.v);
    }
    if (text.includes('\n')) throw new Error(`line with a newline in ${this.path}`);
    this.lines.push(text);
    // GBK is 2 bytes per CJK character, UTF-8 3: estimate without encoding twice.
    const wide = Buffer.byteLength(text) - text.length;
    this.bytes += text.length + (this.format.encoding === 'gbk' ? wide / 2 : wide) + this.format.eol.length;
  }

  /** The bytes to put on disk. GBK documents must hold only GBK characters. */
  render(): { readonly data: Buffer; readonly rawBytes: number } {
    if (this.format.xlsx) return this.#renderXlsx();
    if (this.format.pdf) return this.#renderPdf();
    const text = this.lines.join(this.format.eol) + this.format.eol;
    let raw: Buffer;
    if (this.format.encoding === 'gbk') {
      if (!gbkEncodable(text)) throw new Error(`non-GBK character in ${this.path}`);
      raw = encodeGbk(text);
    } else {
      raw = Buffer.from(this.format.bom ? `\uFEFF${text}` : text, 'utf8');
    }
    return { data: this.format.gzip ? gzipSync(raw, { level: 6 }) : raw, rawBytes: raw.length };
  }

  /**
   * The lines as the rows of one sheet: split at `cellSep` (a document without one, free text,
   * goes into column A). Labels and negatives move to the cell's column number, which is what the
   * scanner reports for a workbook. Plain digit strings on even rows are stored as numbers, as
   * Excel does when a column is not formatted as text.
   */
  #renderXlsx(): { readonly data: Buffer; readonly rawBytes: number } {
    const rows: XlsxCell[][] = [];
    const columnsByLine: { start: number; end: number }[][] = [];
    for (const [i, line] of this.lines.entries()) {
      const cells =
        this.cellSep === undefined
          ? [{ text: line, start: 1, end: cpLength(line) + 1 }]
          : splitCells(line, this.cellSep);
      columnsByLine.push(cells);
      rows.push(cells.map((c) => (i % 2 === 1 && /^[1-9]\d{0,14}$/.test(c.text) ? Number(c.text) : c.text)));
    }
    const cellOf = (line: number, column: number): number => {
      const cells = columnsByLine[line - 1] ?? [];
      const k = cells.findIndex((c) => column >= c.start && column < c.end);
      return k < 0 ? 1 : k + 1;
    };
    for (const [i, l] of this.labels.entries()) this.labels[i] = { ...l, column: cellOf(l.line, l.column) };
    for (const [i, n] of this.negatives.entries())
      this.negatives[i] = { ...n, column: cellOf(n.line, n.column) };
    const name = /花名册|员工/.test(this.path) ? '花名册' : /订单|order/i.test(this.path) ? '订单' : 'Sheet1';
    const data = Buffer.from(
      this.format.legacy ? xls([{ name, rows: rows as XlsCell[][] }]) : xlsx([{ name, rows }]),
    );
    return { data, rawBytes: Buffer.byteLength(this.lines.join('\n')) + 1 };
  }

  /**
   * The lines printed to PDF, as a report engine or Excel's "print to PDF" lays them out: blank
   * lines dropped, {@link PDF_LINES_PER_PAGE} lines a page, a table's cells (split at `cellSep`)
   * in columns as wide as their widest cell, the header on the first page only, pages as wide as
   * the widest line. Labels and negatives move to the line's number among the printed lines
   * (what the evaluation computes back from a finding's page and line).
   */
  #renderPdf(): { readonly data: Buffer; readonly rawBytes: number } {
    const size = 8;
    const margin = 20;
    const gap = 2 * size;
    const printed: { line: number; cells: { text: string }[] }[] = [];
    for (const [i, line] of this.lines.entries()) {
      if (line.trim() === '') continue;
      const cells = this.cellSep === undefined ? [{ text: line }] : splitCells(line, this.cellSep);
      printed.push({ line: i + 1, cells: cells.map((c) => ({ text: c.text.trim() })) });
    }
    const widths: number[] = [];
    for (const { cells } of printed) {
      if (cells.length < 2) continue;
      cells.forEach((c, k) => {
        widths[k] = Math.max(widths[k] ?? 0, textWidth(c.text) * size);
      });
    }
    const starts: number[] = [];
    let x = margin;
    for (const w of widths) {
      starts.push(x);
      x += w + gap;
    }
    let pageWidth = x + margin;
    for (const { cells } of printed) {
      if (cells.length < 2)
        pageWidth = Math.max(pageWidth, 2 * margin + textWidth(cells[0]?.text ?? '') * size);
    }
    const pageHeight = (PDF_LINES_PER_PAGE + 2) * size * 1.5;
    const pages: PdfPage[] = [];
    for (let at = 0; at < printed.length; at += PDF_LINES_PER_PAGE) {
      const texts: PdfText[] = [];
      printed.slice(at, at + PDF_LINES_PER_PAGE).forEach(({ cells }, r) => {
        const y = pageHeight - (r + 1) * size * 1.5;
        cells.forEach((c, k) => {
          if (c.text !== '') texts.push({ x: cells.length < 2 ? margin : starts[k]!, y, text: c.text, size });
        });
      });
      pages.push({ texts });
    }
    const moved = new Map(printed.map((p, k) => [p.line, k + 1]));
    for (const [i, l] of this.labels.entries()) this.labels[i] = { ...l, line: moved.get(l.line) ?? l.line };
    for (const [i, n] of this.negatives.entries())
      this.negatives[i] = { ...n, line: moved.get(n.line) ?? n.line };
    const data = Buffer.from(pdf(pages, { pageSize: [Math.ceil(pageWidth), Math.ceil(pageHeight)] }));
    return { data, rawBytes: Buffer.byteLength(this.lines.join('\n')) + 1 };
  }
}

/** Width of `text` in a 1-point CJK font: ASCII half a point, the rest a full one. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += ch.charCodeAt(0) < 0x80 ? 0.5 : 1;
  return w;
}

/**
 * Cells of a CSV line (RFC 4180 quotes; Excel's `="…"` text guard unwrapped, as a workbook would
 * hold the text itself) with the code-point column where each starts in the line.
 */
export function splitCells(line: string, sep: string): { text: string; start: number; end: number }[] {
  const cells: { text: string; start: number; end: number }[] = [];
  const cps = [...line];
  let i = 0;
  for (;;) {
    const start = i;
    let text = '';
    if (cps[i] === '"') {
      i++;
      for (; i < cps.length; i++) {
        if (cps[i] === '"') {
          if (cps[i + 1] === '"') {
            text += '"';
            i++;
          } else {
            i++;
            break;
          }
        } else text += cps[i];
      }
      while (i < cps.length && cps[i] !== sep) text += cps[i++];
    } else {
      while (i < cps.length && cps[i] !== sep) text += cps[i++];
    }
    const guarded = /^="(.*)"$/.exec(text);
    cells.push({ text: guarded ? guarded[1]! : text, start: start + 1, end: i + 1 });
    if (i >= cps.length) break;
    i++; // the separator
  }
  return cells;
}

/** A CSV cell written verbatim, never quoted (Excel's `="0123"` text guard is written this way). */
export interface RawCell {
  readonly raw: readonly Seg[];
}

export type CsvCell = Seg | readonly Seg[] | RawCell;

/** Join cells with `sep`, quoting a cell (RFC 4180) when its text needs it. */
export function csvRow(cells: readonly CsvCell[], sep = ','): Seg[] {
  const out: Seg[] = [];
  cells.forEach((cell, i) => {
    if (i > 0) out.push(sep);
    if (typeof cell === 'object' && 'raw' in cell) {
      out.push(...cell.raw);
      return;
    }
    const segs: readonly Seg[] = Array.isArray(cell) ? cell : [cell as Seg];
    const text = segs.map(segText).join('');
    const quote = text.includes(sep) || text.includes('"') || text.includes('\r');
    if (!quote) {
      out.push(...segs);
      return;
    }
    out.push('"');
    for (const s of segs) {
      if (typeof s === 'string') out.push(s.replaceAll('"', '""'));
      else if (s.v.includes('"')) throw new Error('quote inside a labelled value');
      else out.push(s);
    }
    out.push('"');
  });
  return out;
}

/** A JSON number written from a segment (so a numeric id or timestamp can be a recorded negative). */
export interface JRaw {
  readonly num: Seg;
}

/** JSON value made of segments. */
export type JVal = Seg | readonly Seg[] | number | boolean | null | JRaw | JObj;
export interface JObj {
  readonly [key: string]: JVal;
}

function isSegArray(v: unknown): v is readonly Seg[] {
  return Array.isArray(v);
}

function isSeg(v: unknown): v is Seg {
  return typeof v === 'string' || (typeof v === 'object' && v !== null && 'v' in v);
}

/** The segments of a JSON string literal holding `segs` (labelled values are never escaped). */
export function jsonString(segs: readonly Seg[]): Seg[] {
  const out: Seg[] = ['"'];
  for (const s of segs) {
    if (typeof s === 'string') out.push(JSON.stringify(s).slice(1, -1));
    else if (JSON.stringify(s.v).length !== s.v.length + 2) throw new Error('labelled value needs escaping');
    else out.push(s);
  }
  out.push('"');
  return out;
}

/** Serialise a JSON object of segments on one line, compact like most loggers. */
export function jsonLine(obj: JObj): Seg[] {
  const out: Seg[] = ['{'];
  let first = true;
  for (const [k, v] of Object.entries(obj)) {
    if (!first) out.push(',');
    first = false;
    out.push(JSON.stringify(k), ':');
    out.push(...jsonValue(v));
  }
  out.push('}');
  return out;
}

function jsonValue(v: JVal): Seg[] {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return [JSON.stringify(v)];
  if (isSegArray(v)) return jsonString(v);
  if (isSeg(v)) return jsonString([v]);
  if ('num' in v) return [v.num as Seg];
  return jsonLine(v as JObj);
}

/** A JSON document embedded as an escaped string (`"req":"{\"phone\":\"138…\"}"`). */
export function jsonInString(obj: JObj): Seg[] {
  const inner = jsonLine(obj);
  const out: Seg[] = [];
  for (const s of inner) {
    if (typeof s === 'string') out.push(JSON.stringify(s).slice(1, -1));
    else out.push(s);
  }
  return out;
}

/** Segments of one SQL string literal (`'…'`, quotes doubled). */
export function sqlString(segs: readonly Seg[]): Seg[] {
  const out: Seg[] = ["'"];
  for (const s of segs) {
    if (typeof s === 'string') out.push(s.replaceAll("'", "''").replaceAll('\\', '\\\\'));
    else if (s.v.includes("'") || s.v.includes('\\')) throw new Error('quote inside a labelled value');
    else out.push(s);
  }
  out.push("'");
  return out;
}

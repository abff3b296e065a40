/**
 * PDF as text, page by page, through Mozilla's PDF.js (`pdfjs-dist`, loaded only when a PDF is
 * met). Chinese PDFs show glyph ids, not characters: the text comes back through the font's
 * `ToUnicode` CMap, or through Adobe's predefined CMaps (`UniGB-UCS2-H`, `GBK-EUC-H`…) shipped
 * with PDF.js, which is why a hand-written parser is not enough.
 *
 * Each page becomes a part (`page3`): its text runs laid out as lines of cells (see
 * {@link layoutLines}); a page that is a table is read as TSV under its header, and the pages
 * after it under the same columns (see {@link pageText}); then come the page's filled form fields
 * as `label：value` lines (application forms carry their ID numbers there). The document's title, author, subject and keywords are a part of their own
 * (`metadata`). A PDF protected by an owner password only (copy or print restrictions) is read
 * like any other; one that needs a password to open is counted as unreadable, as is one with no
 * text at all (a scan, which would need OCR).
 *
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { looksLikeHeader } from '../fields.ts';
import { damagedFile, ScanIoError } from './errors.ts';
import type { OfficeDocument, OfficePart } from './ooxml.ts';

/** Largest PDF read into memory (PDF.js needs the whole file). */
export const MAX_PDF_BYTES = 256 * 1024 * 1024;

/** Names that promise a PDF (for entries of archives, which are read into memory first). */
export const PDF_NAME = /\.pdf$/i;

/**
 * `%PDF-` at the very start. (The specification lets it sit anywhere in the first 1,024 bytes, but
 * a text file that merely mentions `%PDF-1.4` must stay a text file.)
 */
export function isPdfHead(head: Uint8Array): boolean {
  return head[0] === 0x25 && head[1] === 0x50 && head[2] === 0x44 && head[3] === 0x46 && head[4] === 0x2d;
}

/**
 * Reads the PDF at `path` (see {@link pdfFromBytes}).
 * @throws ScanIoError `TOO_LARGE` past {@link MAX_PDF_BYTES}, `DECOMPRESS_ERROR` when damaged
 */
export async function openPdf(path: string): Promise<OfficeDocument> {
  const { size } = await stat(path);
  if (size > MAX_PDF_BYTES) {
    throw new ScanIoError('TOO_LARGE', path, `${path}: larger than ${MAX_PDF_BYTES} bytes`);
  }
  return pdfFromBytes(await readFile(path), path);
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
type PdfDocumentProxy = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

let loaded: Promise<{ pdfjs: PdfJs; resources: string }> | undefined;

/** PDF.js and the folder of its CMaps and standard font data, loaded once. */
function loadPdfJs(): Promise<{ pdfjs: PdfJs; resources: string }> {
  loaded ??= import('pdfjs-dist/legacy/build/pdf.mjs').then((pdfjs) => ({
    pdfjs,
    resources: dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')),
  }));
  return loaded;
}

/** One run of text on a page, as PDF.js gives it. */
export interface Run {
  readonly str: string;
  /** Baseline x, y and the font size, in page units. */
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly width: number;
  readonly hasEOL: boolean;
}

/** A letter-spaced stretch as PDF.js writes it: characters each followed by one space. */
const LETTER_SPACED = /^\S(?: \S){2,}$/u;
/** Two Chinese characters set apart (`张 伟`, a two-character name aligned with three-character ones). */
const SPACED_HAN_PAIR = /^\p{Script=Han} \p{Script=Han}$/u;

/**
 * A run's text with the spaces PDF.js puts between letter-spaced glyphs taken out. Headings,
 * table labels set as `姓  名`, and justified lines are set with extra space after every glyph;
 * PDF.js then writes `1 3 8 1 2 3 4 5 6 7 8`, which no one would read as a mobile number. A run
 * (or a stretch of it between wider gaps) whose every other character is a single space is
 * joined up again, and so is a run of two Chinese characters and a space (Chinese puts no spaces
 * between words); a run with real word spaces among its words is left alone.
 */
export function unspaceLetters(str: string): string {
  if (!str.includes(' ')) return str;
  if (LETTER_SPACED.test(str) || SPACED_HAN_PAIR.test(str)) return str.replace(/ /g, '');
  if (!/ {2}/.test(str)) return str;
  return str
    .split(/( {2,})/)
    .map((part) => (LETTER_SPACED.test(part) ? part.replace(/ /g, '') : part))
    .join('');
}

/** Text on one baseline between wide gaps: a table cell, or a whole line of prose. */
interface Cell {
  text: string;
  readonly x: number;
  end: number;
}

/**
 * Lays runs out as lines of cells. A run whose baseline moves by more than half the font size
 * starts a new line; on the same baseline, a gap of most of a character's width (between table
 * cells, which printed sheets set only a few points apart) starts a new cell, a narrower one is a
 * space, and glyphs set one by one (as some exporters place every character) join up again.
 */
export function layoutLines(runs: readonly Run[]): Cell[][] {
  const lines: Cell[][] = [];
  let line: Cell[] = [];
  let prev: Run | undefined;
  let lineY = 0;
  // PDF.js also hands out runs that are only a line break, or only a space it inferred from a
  // gap: they are remembered, not placed.
  let pendingBreak = false;
  let pendingSpace = false;
  for (const run of runs) {
    if (run.str.trim() === '') {
      if (run.hasEOL) pendingBreak = true;
      else if (run.str !== '') pendingSpace = true;
      continue;
    }
    const end = run.x + run.width;
    const cell = line[line.length - 1];
    if (prev === undefined || cell === undefined) {
      lineY = run.y;
      line.push({ text: run.str, x: run.x, end });
    } else {
      const size = Math.max(run.size, prev.size, 1);
      const gap = run.x - (prev.x + prev.width);
      if (pendingBreak || Math.abs(run.y - lineY) > size * 0.5) {
        lines.push(line);
        line = [{ text: run.str, x: run.x, end }];
        lineY = run.y;
      } else if (gap > size * 0.8) {
        line.push({ text: run.str, x: run.x, end });
      } else {
        if (
          (pendingSpace || gap > size * 0.25 || gap < -size * 2) &&
          !/\s$/.test(cell.text) &&
          !/^\s/.test(run.str)
        )
          cell.text += ' ';
        cell.text += run.str;
        cell.end = Math.max(cell.end, end);
      }
    }
    prev = run;
    pendingBreak = run.hasEOL;
    pendingSpace = false;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** A line of cells as text: cells apart by tabs. */
function lineText(cells: readonly Cell[]): string {
  return cells.map((c) => c.text).join('\t');
}

/** A table's columns: their labels and the stretch of the page each one covers. */
export interface Columns {
  readonly labels: readonly string[];
  readonly spans: readonly (readonly [from: number, to: number])[];
}

/**
 * Where a table's columns lie. The text of the header and of the rows below it, laid over each
 * other, leaves vertical gaps between columns (the way a reader sees them): when those gaps cut
 * the page into exactly one stretch per header cell, those stretches are the columns, whatever the
 * alignment of labels and values. Otherwise (a value spilling into the next column) each column
 * runs from half-way after the previous label to half-way before the next.
 */
function columnsOf(header: readonly Cell[], rows: readonly (readonly Cell[])[]): Columns {
  const labels = header.map((c) => c.text);
  const covered = [...header, ...rows.filter((r) => r.length >= 2).flat()]
    .map((c): [number, number] => [c.x, c.end])
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of covered) {
    const last = merged[merged.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  const inSpan = merged.map((span) => header.filter((c) => c.x < span[1] && c.end > span[0]).length);
  if (merged.length === header.length && inSpan.every((n) => n === 1)) return { labels, spans: merged };
  const spans = header.map((c, i): [number, number] => [
    i === 0 ? Number.NEGATIVE_INFINITY : (header[i - 1]!.end + c.x) / 2,
    i === header.length - 1 ? Number.POSITIVE_INFINITY : (c.end + header[i + 1]!.x) / 2,
  ]);
  return { labels, spans };
}

/**
 * The columns of `cells` when they are a table row: each cell to the column it overlaps most (or
 * lies nearest); `undefined` when two cells would share a column.
 */
function placeInColumns(cells: readonly Cell[], columns: Columns): string[] | undefined {
  const { spans } = columns;
  const out = new Array<string>(spans.length).fill('');
  const taken = new Set<number>();
  for (const cell of cells) {
    let best = 0;
    let bestOverlap = Number.NEGATIVE_INFINITY;
    spans.forEach(([from, to], i) => {
      const overlap = Math.min(cell.end, to) - Math.max(cell.x, from);
      if (overlap > bestOverlap) {
        best = i;
        bestOverlap = overlap;
      }
    });
    if (taken.has(best)) return undefined;
    taken.add(best);
    out[best] = cell.text.replace(/\t/g, ' ');
  }
  return out;
}

/** Lines a page's table header must be among (title rows may come first). */
const HEADER_WITHIN = 10;

/** A line of `label：value` pairs (a form's line, a report's sign-off): not a row of a table. */
const LABELLED = /[：:]\s*\S/;

/** How a page is read: its text, and for a table page the lines after the table apart. */
export interface PageText {
  readonly text: string;
  readonly format: 'tsv' | 'text';
  /** The table's columns, for the next page to carry. */
  readonly columns?: Columns;
  /** Lines put before the page's own (a carried header). */
  readonly linesBefore: number;
  /** After a table: the lines below its last row, as plain text, and the page line they start on. */
  readonly rest?: { readonly text: string; readonly firstLine: number };
}

/**
 * A page as TSV when it is a table, so that columns name their values' fields (`身份证号`,
 * `出生日期`) as they do in the workbook the page was printed from. The header is the first line
 * of three or more labels among the first ten; without one, a page continuing the previous
 * page's table (rows whose cells fall in its columns) is read under that header, which is then
 * put before the page's text (`linesBefore`). The table ends at its last row: what follows (a
 * sign-off line, prose, a footer) is plain text, so it is not read under the table's columns.
 * A page that is no table stays plain text.
 */
export function pageText(lines: readonly Cell[][], carried: Columns | undefined): PageText {
  const plain = (): string => lines.map(lineText).join('\n');
  let header = -1;
  for (let i = 0; i < Math.min(lines.length, HEADER_WITHIN); i++) {
    const cells = lines[i]!;
    if (cells.length >= 3 && looksLikeHeader(cells.map((c) => c.text))) {
      header = i;
      break;
    }
  }
  const columns = header >= 0 ? columnsOf(lines[header]!, lines.slice(header + 1)) : carried;
  if (columns === undefined) return { text: plain(), format: 'text', linesBefore: 0 };
  const rows = lines.slice(header + 1);
  const placed = rows.map((cells) =>
    cells.length >= 2 && !cells.every((c) => LABELLED.test(c.text))
      ? placeInColumns(cells, columns)
      : undefined,
  );
  // A table when most lines from the header down to its last row are rows of it (what follows
  // the last row, a sign-off or prose, does not count against it).
  let last = placed.length - 1;
  while (last >= 0 && placed[last] === undefined) last--;
  const fitting = placed.filter((p) => p !== undefined).length;
  if (last < 0 || fitting < (last + 1) / 2) {
    return header >= 0 && rows.length === 0
      ? { text: plain(), format: 'text', columns, linesBefore: 0 }
      : { text: plain(), format: 'text', linesBefore: 0 };
  }
  const end = header + 2 + last; // lines[0, end) are the title, header and table
  const text = lines.slice(0, end).map((cells, i) => {
    if (i === header) return lineText(cells);
    // Title lines above the header get its width in empty cells, as Excel writes a title row
    // into a CSV (`2024年工资表,,,,`): the engine then takes them for titles, not a header.
    if (i < header) return lineText(cells) + '\t'.repeat(Math.max(0, columns.labels.length - cells.length));
    return placed[i - header - 1]?.join('\t') ?? cells.map((c) => c.text).join(' ');
  });
  const rest =
    end < lines.length ? { text: lines.slice(end).map(lineText).join('\n'), firstLine: end + 1 } : undefined;
  const table = header >= 0 ? text : [columns.labels.join('\t'), ...text];
  return {
    text: table.join('\n'),
    format: 'tsv',
    columns,
    linesBefore: header >= 0 ? 0 : 1,
    ...(rest === undefined ? {} : { rest }),
  };
}

/** The page's filled form fields as `label：value` lines. */
function formLines(annotations: readonly Record<string, unknown>[]): string {
  const lines: string[] = [];
  for (const a of annotations) {
    if (a.subtype !== 'Widget') continue;
    const value = a.fieldValue;
    const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
    if (text.trim() === '' || a.checkBox === true || a.radioButton === true) continue;
    const label =
      typeof a.alternativeText === 'string' && a.alternativeText !== '' ? a.alternativeText : a.fieldName;
    lines.push(`${typeof label === 'string' ? label : ''}：${text.replace(/\r\n?|\n/g, ' ')}`);
  }
  return lines.join('\n');
}

const METADATA_LABELS: readonly (readonly [key: string, label: string])[] = [
  ['Title', '标题'],
  ['Author', '作者'],
  ['Subject', '主题'],
  ['Keywords', '关键词'],
];

const utf8 = new TextEncoder();

function textPart(name: string, text: string, format: 'tsv' | 'text' = 'text'): OfficePart {
  return {
    name,
    format,
    chunks: (async function* () {
      yield utf8.encode(text);
    })(),
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/**
 * Opens a PDF held in memory. A PDF that needs a password comes back `encrypted`, with no parts.
 * @throws ScanIoError `DECOMPRESS_ERROR` when it is not a readable PDF
 */
export async function pdfFromBytes(bytes: Uint8Array, label: string): Promise<OfficeDocument> {
  const { pdfjs, resources } = await loadPdfJs();
  // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    cMapUrl: join(resources, 'cmaps/'),
    cMapPacked: true,
    standardFontDataUrl: join(resources, 'standard_fonts/'),
    disableFontFace: true,
    useSystemFonts: false,
    enableXfa: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: PdfDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => {});
    if (errorName(error) === 'PasswordException') {
      return { kind: 'pdf', encrypted: true, parts: async function* () {}, close: () => {} };
    }
    throw damagedFile(label, 'cannot read the PDF', error);
  }
  let textless = true;
  let pagesRead = 0;
  return {
    kind: 'pdf',
    unreadableParts: () => (textless && doc.numPages > 0 ? 1 : 0),
    progress: () => (doc.numPages === 0 ? 1 : pagesRead / doc.numPages),
    parts: async function* () {
      const meta = await doc.getMetadata().catch(() => undefined);
      const info = (meta?.info ?? {}) as Record<string, unknown>;
      const lines = METADATA_LABELS.flatMap(([key, label]) => {
        const value = info[key];
        return typeof value === 'string' && value.trim() !== '' ? [`${label}：${value.trim()}`] : [];
      });
      if (lines.length > 0) yield textPart('metadata', `${lines.join('\n')}\n`);
      let carried: Columns | undefined;
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n).catch((error: unknown) => {
          throw damagedFile(label, `cannot read page ${n} of the PDF`, error);
        });
        try {
          const content = await page.getTextContent();
          const runs: Run[] = [];
          for (const item of content.items) {
            if (!('str' in item)) continue;
            const [a, b, , , x, y] = item.transform as number[];
            runs.push({
              str: unspaceLetters(item.str),
              x: x!,
              y: y!,
              size: Math.hypot(a!, b!) || item.height,
              width: item.width,
              hasEOL: item.hasEOL,
            });
          }
          const laid = pageText(layoutLines(runs), carried);
          carried = laid.columns;
          const annotations = (await page.getAnnotations().catch(() => [])) as Record<string, unknown>[];
          const form = formLines(annotations);
          const name = `page${n}`;
          if (laid.format === 'tsv') {
            // The table, then what follows it (and the form's fields) as text, on the page's lines.
            yield { ...textPart(name, `${laid.text}\n`, 'tsv'), linesBefore: laid.linesBefore };
            const after = [laid.rest?.text ?? '', form].filter((t) => t.trim() !== '').join('\n');
            const firstLine = laid.rest?.firstLine ?? laid.text.split('\n').length - laid.linesBefore + 1;
            if (after !== '') yield { ...textPart(name, `${after}\n`), firstLine };
            textless = false;
            continue;
          }
          const text = [laid.text, form].filter((t) => t.trim() !== '').join('\n');
          if (text === '') continue;
          textless = false;
          yield textPart(name, `${text}\n`);
        } finally {
          page.cleanup();
          pagesRead = n;
        }
      }
    },
    close: () => {
      void task.destroy().catch(() => {});
    },
  };
}

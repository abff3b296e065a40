/**
 * Office Open XML files (xlsx, docx, pptx) as text for the scan engine. Chinese PI leaks in
 * spreadsheets above all (员工花名册.xlsx, 客户信息导出.xlsx), and a scanner that skips them as
 * binary misses most of it.
 *
 * The file is a zip (read with `yauzl`: random access through the central directory, each part
 * inflated as a stream) of XML parts (read with `saxes`, a streaming parser), so memory stays
 * bounded by the shared-string table, not by the sheet:
 *
 * - xlsx: each worksheet, in workbook order, becomes tab-separated lines, one per non-empty row,
 *   with empty cells kept so columns line up under their header (the engine reads it as TSV,
 *   field-aware). Shared strings, inline strings and formula results are resolved; numbers keep
 *   their digits (`1.3912345678E+10` → `13912345678`); date-formatted serials become
 *   `YYYY-MM-DD` (1900 and 1904 date systems). Hidden sheets, rows and columns are read too:
 *   that is where PI hides. {@link OfficePart.locate} maps a byte offset of the text back to
 *   the sheet's row and column numbers.
 * - docx: the body, headers, footers, footnotes, endnotes and comments, one line per paragraph;
 *   a table row is one line with its cells separated by tabs. Deleted text of tracked changes is
 *   kept (it is still in the file), and so are field instructions (a HYPERLINK's `mailto:`).
 * - pptx: each slide and its notes, one line per paragraph.
 *
 * @module
 */
import { posix } from 'node:path';
import { TextDecoder } from 'node:util';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { damagedFile, ScanIoError } from './errors.ts';
import {
  BUILTIN_DATE_FORMATS,
  type CellPlace,
  isDateFormat,
  numberText,
  SheetText,
  serialToDate,
} from './sheet-text.ts';
import { openZipFile, type ZipArchive } from './zip.ts';

/** Documents read part by part (PDF among them: its parts are pages). */
export type OfficeKind = 'xlsx' | 'docx' | 'pptx' | 'xls' | 'doc' | 'ppt' | 'pdf';
export type { CellPlace } from './sheet-text.ts';

/** One part of the document, as text. */
export interface OfficePart {
  /** xlsx: the sheet's name; docx: `document`, `header1`, `footnotes`…; pptx: `slide3`, `notes3`. */
  readonly name: string;
  /** How the engine reads the text: TSV for sheets, plain text otherwise. */
  readonly format: 'tsv' | 'text';
  /** The text, UTF-8, in chunks. Iterate once. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /**
   * Sheets: the row and column of the cell holding byte `offset` of the text. Offsets must come
   * in increasing order (the engine yields findings in order); rows far behind are forgotten.
   */
  readonly locate?: (offset: number) => CellPlace | undefined;
  /**
   * Lines put before the part's own text (a PDF page continuing a table gets its header there):
   * taken off findings' line numbers, and findings on them dropped.
   */
  readonly linesBefore?: number;
  /** The line of the whole (a PDF page) this part's first line is (default 1): findings move there. */
  readonly firstLine?: number;
}

/** An opened Office file. */
export interface OfficeDocument {
  readonly kind: OfficeKind;
  /** Password-protected: nothing could be read (only binary formats can tell). */
  readonly encrypted?: boolean;
  /** The parts worth scanning, in reading order. */
  parts(): AsyncIterable<OfficePart>;
  /** Parts found unreadable while reading (a PDF with no text: a scan); asked after `parts`. */
  unreadableParts?(): number;
  /** How far reading has got, 0 to 1 (a PDF: pages read of all), for the progress bar. */
  progress?(): number;
  close(): void;
}

/** Limits against zip bombs and runaway files. */
export interface OfficeLimits {
  /** Most bytes inflated from all parts together (default 4 GiB). */
  readonly maxDecompressedBytes?: number;
  /** Most characters of shared strings kept in memory (default 256 Mi). */
  readonly maxSharedStringChars?: number;
}

const DEFAULT_MAX_DECOMPRESSED = 4 * 1024 ** 3;
const DEFAULT_MAX_SST_CHARS = 256 * 1024 ** 2;

function corrupt(label: string, what: string, cause?: unknown): ScanIoError {
  return damagedFile(label, `cannot read the Office file (${what})`, cause);
}

/** Which Office file `archive` is, by the part that makes it one; `undefined` for other zips. */
export function officeKind(archive: ZipArchive): OfficeKind | undefined {
  const { entries } = archive;
  if (entries.has('xl/workbook.xml')) return 'xlsx';
  if (entries.has('word/document.xml')) return 'docx';
  if (entries.has('ppt/presentation.xml')) return 'pptx';
  return undefined;
}

/**
 * Reads `archive` as an xlsx, docx or pptx file; `undefined` (the archive left open) when it is
 * none of them. The document owns the archive from then on: its `close` closes it.
 */
export function officeFromArchive(
  archive: ZipArchive,
  limits: OfficeLimits = {},
): OfficeDocument | undefined {
  const kind = officeKind(archive);
  if (kind === undefined) return undefined;
  const reader = new PartReader(archive, limits);
  return {
    kind,
    parts: () =>
      kind === 'xlsx'
        ? workbookParts(reader, limits)
        : kind === 'docx'
          ? documentParts(reader)
          : slideParts(reader),
    close: () => archive.close(),
  };
}

/**
 * Opens `path` if it is an xlsx, docx or pptx file (by content: a zip holding the workbook,
 * document or presentation part); `undefined` for anything else, other zips included.
 * @throws ScanIoError `DECOMPRESS_ERROR` for a damaged archive, `READ_ERROR` and the like for I/O
 */
export async function openOffice(
  path: string,
  limits: OfficeLimits = {},
): Promise<OfficeDocument | undefined> {
  const archive = await openZipFile(path);
  if (archive === undefined) return undefined;
  const office = officeFromArchive(archive, limits);
  if (office === undefined) archive.close();
  return office;
}

/** Streams the parts' XML, counting inflated bytes against the limit. */
class PartReader {
  readonly path: string;
  readonly #archive: ZipArchive;
  readonly #max: number;
  #inflated = 0;

  constructor(archive: ZipArchive, limits: OfficeLimits) {
    this.path = archive.label;
    this.#archive = archive;
    this.#max = limits.maxDecompressedBytes ?? DEFAULT_MAX_DECOMPRESSED;
  }

  has(name: string): boolean {
    return this.#archive.entries.has(name);
  }

  names(): string[] {
    return [...this.#archive.entries.keys()];
  }

  /**
   * Parses part `name` with `parser`, calling `flush` after each chunk (the caller's chance to
   * hand out what the chunk produced).
   */
  async *parse(
    name: string,
    parser: SaxesParser,
    flush: () => Uint8Array | undefined,
  ): AsyncGenerator<Uint8Array> {
    const entry = this.#archive.entries.get(name);
    if (entry === undefined) return;
    const stream = await this.#archive.open(entry);
    let decoder: TextDecoder | undefined;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        this.#inflated += chunk.length;
        if (this.#inflated > this.#max) {
          throw new ScanIoError(
            'TOO_LARGE',
            this.path,
            `${this.path}: inflates to more than ${this.#max} bytes (a zip bomb?); not scanned further`,
          );
        }
        // Parts are UTF-8; a UTF-16 part says so with its byte-order mark.
        decoder ??= new TextDecoder(chunk[0] === 0xff && chunk[1] === 0xfe ? 'utf-16le' : 'utf-8');
        try {
          parser.write(decoder.decode(chunk, { stream: true }));
        } catch (error) {
          if (error instanceof ScanIoError) throw error; // a limit, from a handler
          throw corrupt(this.path, `malformed XML in ${name}`, error);
        }
        const out = flush();
        if (out !== undefined) yield out;
      }
      try {
        parser.write(decoder?.decode() ?? '');
        parser.close();
      } catch (error) {
        if (error instanceof ScanIoError) throw error;
        throw corrupt(this.path, `malformed XML in ${name}`, error);
      }
      const out = flush();
      if (out !== undefined) yield out;
    } catch (error) {
      stream.destroy();
      if (error instanceof ScanIoError) throw error;
      throw corrupt(this.path, `part ${name} cannot be inflated`, error);
    }
  }

  /** Reads a whole (small) part through `parser`. */
  async drain(name: string, parser: SaxesParser): Promise<void> {
    for await (const _ of this.parse(name, parser, () => undefined)) {
      // parse() yields nothing when flush returns nothing
    }
  }
}

/** The local part of an element or attribute name (`w:t` → `t`). */
function local(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** An attribute by local name (`r:id` and `id` alike). */
function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const attributes = tag.attributes;
  const direct = attributes[name];
  if (direct !== undefined) return direct;
  // Called for every cell, mostly for attributes it does not have: no allocation on that path.
  for (const k in attributes) {
    if (k.length > name.length && k.charCodeAt(k.length - name.length - 1) === 0x3a && k.endsWith(name))
      return attributes[k];
  }
  return undefined;
}

function newParser(): SaxesParser {
  // No namespace processing: OOXML prefixes are conventional, and local names are enough here.
  return new SaxesParser({ xmlns: false, position: false });
}

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// xlsx

interface SheetRef {
  readonly name: string;
  readonly part: string;
}

/** Resolves a relationship target against the folder of the part that names it. */
function resolveTarget(baseDir: string, target: string): string {
  if (target.startsWith('/')) return posix.normalize(target.slice(1));
  return posix.normalize(posix.join(baseDir, target));
}

/** Reads `relsPart` into id → part path. */
async function relationships(
  reader: PartReader,
  relsPart: string,
  baseDir: string,
): Promise<Map<string, string>> {
  const rels = new Map<string, string>();
  const parser = newParser();
  parser.on('opentag', (tag) => {
    if (local(tag.name) !== 'Relationship') return;
    const id = attr(tag, 'Id');
    const target = attr(tag, 'Target');
    if (id !== undefined && target !== undefined && attr(tag, 'TargetMode') !== 'External')
      rels.set(id, resolveTarget(baseDir, target));
  });
  await reader.drain(relsPart, parser);
  return rels;
}

/** The sheets in workbook order, and whether dates count from 1904. */
async function workbook(
  reader: PartReader,
): Promise<{ sheets: SheetRef[]; date1904: boolean; rels: Map<string, string> }> {
  const rels = await relationships(reader, 'xl/_rels/workbook.xml.rels', 'xl');
  const declared: { name: string; id: string | undefined }[] = [];
  let date1904 = false;
  const parser = newParser();
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (name === 'sheet') declared.push({ name: attr(tag, 'name') ?? '', id: attr(tag, 'id') });
    else if (name === 'workbookPr') {
      const v = attr(tag, 'date1904');
      date1904 = v === '1' || v === 'true';
    }
  });
  await reader.drain('xl/workbook.xml', parser);
  const sheets: SheetRef[] = [];
  const seen = new Set<string>();
  for (const [i, d] of declared.entries()) {
    const part = (d.id !== undefined ? rels.get(d.id) : undefined) ?? `xl/worksheets/sheet${i + 1}.xml`;
    if (reader.has(part) && !seen.has(part)) {
      sheets.push({ name: d.name || `Sheet${i + 1}`, part });
      seen.add(part);
    }
  }
  // Worksheets the workbook does not list (a damaged or hand-made file) are read too.
  const sheetNumber = (p: string) => Number(/(\d+)\.xml$/.exec(p)?.[1] ?? 0);
  for (const part of reader
    .names()
    .filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n) && !seen.has(n))
    .sort((a, b) => sheetNumber(a) - sheetNumber(b))) {
    sheets.push({ name: posix.basename(part, '.xml'), part });
  }
  return { sheets, date1904, rels };
}

/** The shared-string table: every `<si>`'s text, phonetic runs left out. */
async function sharedStrings(
  reader: PartReader,
  rels: ReadonlyMap<string, string>,
  limits: OfficeLimits,
): Promise<string[]> {
  let part = 'xl/sharedStrings.xml';
  for (const target of rels.values()) if (/sharedStrings[^/]*\.xml$/i.test(target)) part = target;
  const max = limits.maxSharedStringChars ?? DEFAULT_MAX_SST_CHARS;
  const strings: string[] = [];
  let total = 0;
  let current = '';
  let inT = false;
  let phonetic = 0;
  const parser = newParser();
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (name === 'si') current = '';
    else if (name === 'rPh') phonetic++;
    else if (name === 't') inT = phonetic === 0;
  });
  parser.on('closetag', (tag) => {
    const name = local(tag.name);
    if (name === 'si') {
      total += current.length;
      if (total > max) {
        throw new ScanIoError(
          'TOO_LARGE',
          reader.path,
          `${reader.path}: more than ${max} characters of shared strings`,
        );
      }
      strings.push(current);
    } else if (name === 'rPh') phonetic--;
    else if (name === 't') inT = false;
  });
  const text = (t: string) => {
    if (inT) current += t;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  await reader.drain(part, parser);
  return strings;
}

/** Which cell styles (`s` index) show dates. */
async function dateStyles(reader: PartReader): Promise<Set<number>> {
  const custom = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  const parser = newParser();
  parser.on('opentag', (tag) => {
    const name = local(tag.name);
    if (name === 'numFmt') {
      const id = Number(attr(tag, 'numFmtId'));
      if (Number.isInteger(id)) custom.set(id, attr(tag, 'formatCode') ?? '');
    } else if (name === 'cellXfs') inCellXfs = true;
    else if (name === 'xf' && inCellXfs) xfFormats.push(Number(attr(tag, 'numFmtId') ?? 0));
  });
  parser.on('closetag', (tag) => {
    if (local(tag.name) === 'cellXfs') inCellXfs = false;
  });
  await reader.drain('xl/styles.xml', parser);
  const dates = new Set<number>();
  for (const [i, id] of xfFormats.entries()) {
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id)) dates.add(i);
  }
  return dates;
}

/** Column number of a cell reference (`C5` → 3), or 0 if it has none. */
export function columnOf(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    n = n * 26 + (c - 0x60);
  }
  return n;
}

/** One worksheet as TSV lines. */
function sheetPart(
  reader: PartReader,
  ref: SheetRef,
  sst: readonly string[],
  dates: ReadonlySet<number>,
  date1904: boolean,
): OfficePart {
  const text = new SheetText();
  let rowNumber = 0;
  let cells: { col: number; text: string }[] = [];
  let col = 0;
  let type = '';
  let style = -1;
  let value = '';
  let inline = '';
  let inV = false;
  let inT = false;
  let inIs = false;
  let phonetic = 0;

  const parser = newParser();
  parser.on('opentag', (tag) => {
    switch (local(tag.name)) {
      case 'row': {
        const r = Number(attr(tag, 'r'));
        rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
        cells = [];
        col = 0;
        break;
      }
      case 'c': {
        const c = columnOf(attr(tag, 'r') ?? '');
        col = c > col ? c : col + 1;
        type = attr(tag, 't') ?? 'n';
        const s = attr(tag, 's');
        style = s === undefined ? -1 : Number(s);
        value = '';
        inline = '';
        break;
      }
      case 'v':
        inV = true;
        break;
      case 'is':
        inIs = true;
        break;
      case 'rPh':
        phonetic++;
        break;
      case 't':
        inT = inIs && phonetic === 0;
        break;
    }
  });
  parser.on('closetag', (tag) => {
    switch (local(tag.name)) {
      case 'v':
        inV = false;
        break;
      case 'is':
        inIs = false;
        break;
      case 'rPh':
        phonetic--;
        break;
      case 't':
        inT = false;
        break;
      case 'c': {
        let shown: string;
        if (type === 's') shown = sst[Number(value)] ?? '';
        else if (type === 'inlineStr') shown = inline;
        else if (type === 'b') shown = value === '1' ? 'TRUE' : value === '0' ? 'FALSE' : value;
        else if (type === 'n' && value !== '' && dates.has(style))
          shown = serialToDate(Number(value), date1904) ?? numberText(value);
        else if (type === 'n') shown = numberText(value);
        else shown = value; // str (formula result), e, d (ISO 8601 date)
        if (shown !== '') cells.push({ col, text: shown });
        break;
      }
      case 'row':
        text.addRow(rowNumber, cells);
        break;
    }
  });
  const onText = (t: string) => {
    if (inV) value += t;
    else if (inT) inline += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  return {
    name: ref.name,
    format: 'tsv',
    chunks: reader.parse(ref.part, parser, () => text.take()),
    locate: (offset) => text.locate(offset),
  };
}

async function* workbookParts(reader: PartReader, limits: OfficeLimits): AsyncGenerator<OfficePart> {
  const { sheets, date1904, rels } = await workbook(reader);
  if (sheets.length === 0) return;
  const sst = await sharedStrings(reader, rels, limits);
  const dates = await dateStyles(reader);
  for (const ref of sheets) yield sheetPart(reader, ref, sst, dates, date1904);
}

// ---------------------------------------------------------------------------------------------
// docx and pptx

/**
 * A word-processing or slide part as text: `t` runs (and `delText`), tabs and breaks; a
 * paragraph ends a line, except inside a table cell, where cells are joined by tabs and a table
 * row ends the line.
 */
function textPart(reader: PartReader, part: string, name: string): OfficePart {
  let out = '';
  let inText = false;
  let cellDepth = 0;
  // Markup-compatibility fallbacks repeat the content of their choice (a text box, twice): skipped.
  // Tab-stop definitions (`<w:tabs><w:tab …/>`) are not tabs.
  let skipDepth = 0;
  let tabsDepth = 0;
  const parser = newParser();
  parser.on('opentag', (tag) => {
    const el = local(tag.name);
    if (el === 'Fallback') skipDepth++;
    if (skipDepth > 0) return;
    switch (el) {
      case 't':
      case 'delText':
      case 'instrText':
        inText = true;
        break;
      case 'tabs':
        tabsDepth++;
        break;
      case 'tab':
        if (!inText && tabsDepth === 0) out += '\t';
        break;
      case 'br':
      case 'cr':
        out += cellDepth > 0 ? ' ' : '\n';
        break;
      case 'tc':
        cellDepth++;
        break;
    }
  });
  parser.on('closetag', (tag) => {
    const el = local(tag.name);
    if (el === 'Fallback') {
      skipDepth--;
      return;
    }
    if (skipDepth > 0) return;
    switch (el) {
      case 't':
      case 'delText':
      case 'instrText':
        inText = false;
        break;
      case 'tabs':
        tabsDepth--;
        break;
      case 'p':
        out += cellDepth > 0 ? ' ' : '\n';
        break;
      case 'tc':
        cellDepth--;
        out += '\t';
        break;
      case 'tr':
        out += '\n';
        break;
    }
  });
  const text = (t: string) => {
    if (inText && skipDepth === 0) out += t;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  const flush = (): Uint8Array | undefined => {
    if (out === '') return undefined;
    const bytes = utf8.encode(out);
    out = '';
    return bytes;
  };
  return { name, format: 'text', chunks: reader.parse(part, parser, flush) };
}

const byNumber = (a: string, b: string) =>
  Number(/(\d+)\.xml$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.xml$/.exec(b)?.[1] ?? 0) || a.localeCompare(b);

async function* documentParts(reader: PartReader): AsyncGenerator<OfficePart> {
  yield textPart(reader, 'word/document.xml', 'document');
  const extra = reader
    .names()
    .filter((n) => /^word\/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/.test(n))
    .sort(byNumber);
  for (const part of extra) yield textPart(reader, part, posix.basename(part, '.xml'));
}

async function* slideParts(reader: PartReader): AsyncGenerator<OfficePart> {
  const names = reader.names();
  for (const part of names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).sort(byNumber))
    yield textPart(reader, part, posix.basename(part, '.xml'));
  for (const part of names.filter((n) => /^ppt\/notesSlides\/notesSlide\d+\.xml$/.test(n)).sort(byNumber))
    yield textPart(reader, part, posix.basename(part, '.xml').replace('notesSlide', 'notes'));
}

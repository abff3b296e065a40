/**
 * Which field (CSV column, JSON key, SQL column) a byte position sits in.
 *
 * Only positions of candidates are resolved, so the work is proportional to findings, not bytes.
 * Everything here is line-scoped: the scanner hands in the line's bounds.
 *
 * @module
 */
import { cnName } from '../pi/cn-name.ts';
import { decode, decodeValue } from './bytes.ts';
import type { SourceFormat } from './types.ts';

/** Lines searched for a table's header (title rows and blank lines above it are common). */
const HEADER_SEARCH_LINES = 10;

/**
 * Whether a cell reads as data rather than as a column label: long text, a long digit run (an
 * ID, a phone, a card), an e-mail, or a person's name. A line with such a cell is no header: its
 * cells would otherwise become field names, and reports would carry personal data in `field`.
 */
function looksLikeValue(cell: string): boolean {
  const c = cell.trim();
  if ([...c].length > 40) return true;
  if (/[0-9\uff10-\uff19]{5}/.test(c) || c.includes('@')) return true;
  if (/^[\u3400-\u9fff·]{2,4}$/.test(c) && !NAME_LIKE_LABELS.has(c)) {
    const name = cnName.validate(c);
    return name.valid && name.score >= 0.38;
  }
  return false;
}

/** Column labels the name check would take for names (rare surname + word). */
const NAME_LIKE_LABELS = new Set(['公积金', '章节', '金额', '金币', '项目', '车型', '车主', '房号', '房型']);

/** A header line: two or more labels and no value (a lone cell is a title row). */
export function looksLikeHeader(cells: readonly string[]): boolean {
  let labels = 0;
  for (const cell of cells) {
    if (cell.trim() === '') continue;
    if (looksLikeValue(cell)) return false;
    labels++;
  }
  return labels >= 2;
}

/**
 * Whether a field name (a header cell, a JSON key, a SQL column) may appear in reports. A JSON map
 * keyed by mobile or ID number (`{"13912345678": {…}}`) would otherwise put the number in `field`.
 */
export function safeFieldName(name: string): boolean {
  return !/[0-9\uff10-\uff19]{6}/.test(name) && !/@[^@\s]+\./.test(name);
}

const QUOTE = 0x22;
const APOS = 0x27;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** Split one CSV line into cells (RFC 4180 quoting), as strings. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === delimiter) {
      cells.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  cells.push(cur.replace(/\r$/, '').trim());
  return cells;
}

/** Guess the delimiter of a header line: the most frequent of `,` `\t` `;` `|`. */
export function guessDelimiter(header: string): string {
  let best = ',';
  let bestCount = 0;
  for (const d of [',', '\t', ';', '|']) {
    const n = header.split(d).length - 1;
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Byte offsets where each cell of `buf[lineStart, lineEnd)` starts (quote-aware). */
function cellStarts(
  buf: Uint8Array,
  lineStart: number,
  lineEnd: number,
  delim: number,
  startQuoted = false,
): number[] {
  const starts = [lineStart];
  const q = new QuoteState(startQuoted);
  for (let i = lineStart; i < lineEnd; i++) {
    const b = buf[i]!;
    if (q.step(b, buf[i + 1])) i++;
    else if (b === delim && !q.quoted) {
      starts.push(i + 1);
      q.cellStart();
    }
  }
  return starts;
}

/**
 * RFC 4180 quoting, byte by byte: a quote opens a quoted cell only at the cell's start (spaces
 * before it allowed), `""` inside is a quote, and a quote elsewhere (`24"显示器`) is just a
 * character. A stray quote in an unquoted cell then does not swallow the rest of the line, nor
 * (across lines) of the file.
 */
class QuoteState {
  quoted: boolean;
  #atStart: boolean;

  constructor(quoted = false) {
    this.quoted = quoted;
    this.#atStart = !quoted;
  }

  /** Feeds byte `b` (followed by `next`); true when `b` and `next` were an escaped quote. */
  step(b: number, next: number | undefined): boolean {
    if (this.quoted) {
      if (b === QUOTE) {
        if (next === QUOTE) return true;
        this.quoted = false;
      }
      return false;
    }
    if (b === QUOTE && this.#atStart) this.quoted = true;
    if (b !== 0x20) this.#atStart = false;
    return false;
  }

  /** A delimiter or a line break outside quotes: the next cell starts. */
  cellStart(): void {
    this.#atStart = true;
  }
}

/** Index of the last of the ascending `starts` at or before `pos` (0 when none is). */
export function indexIn(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The JSON key whose value contains `pos`: walk back to the opening quote of the string holding
 * `pos` (or to the value start for bare numbers), then over `:` to the key.
 */
export function jsonKeyAt(
  buf: Uint8Array,
  lineStart: number,
  pos: number,
): [key: string, keyStart: number] | undefined {
  let i = pos - 1;
  const floor = Math.max(lineStart, pos - 4096);
  // Inside a string value: find its opening quote (skipping escaped quotes).
  while (i >= floor) {
    const b = buf[i]!;
    if (b === QUOTE && buf[i - 1] !== BACKSLASH) break;
    if (b === COLON || b === 0x2c || b === 0x5b || b === 0x7b) break; // bare value: `: 138…`
    i--;
  }
  if (i < floor) return undefined;
  if (buf[i] === QUOTE) i--;
  while (i >= floor && (buf[i] === 0x20 || buf[i] === 0x09)) i--;
  // An element of an array (`"phones": ["139…", "138…"]`, arrays in arrays too): the array's
  // key names it.
  for (let level = 0; level < 8 && i >= floor && (buf[i] === 0x2c || buf[i] === 0x5b); level++) {
    i = arrayStart(buf, i, floor) - 1;
    while (i >= floor && (buf[i] === 0x20 || buf[i] === 0x09)) i--;
  }
  if (i < floor || buf[i] !== COLON) return undefined;
  i--;
  while (i >= floor && (buf[i] === 0x20 || buf[i] === 0x09)) i--;
  if (buf[i] !== QUOTE) return undefined;
  const keyEnd = i;
  i--;
  while (i >= floor && !(buf[i] === QUOTE && buf[i - 1] !== BACKSLASH)) i--;
  if (i < floor || keyEnd - i > 128) return undefined;
  // A key with a backslash in it is the tail of an escaped document: `"req":"{\"name\":\"张伟\"}"`.
  if (buf.subarray(i + 1, keyEnd).includes(BACKSLASH)) return escapedJsonKeyAt(buf, floor, pos);
  return [decodeValue(buf, i + 1, keyEnd), i];
}

/**
 * The `[` opening the array whose separator or opening is at `i`, walking back over earlier
 * elements (strings, numbers, nested arrays and objects); -1 when `i` turns out to be inside an
 * object or the walk leaves `[floor, i]`.
 */
function arrayStart(buf: Uint8Array, i: number, floor: number): number {
  let depth = 0;
  for (let j = i; j >= floor; j--) {
    const b = buf[j]!;
    if (b === QUOTE && buf[j - 1] !== BACKSLASH) {
      // Back over a string element to its opening quote.
      j--;
      while (j >= floor && !(buf[j] === QUOTE && buf[j - 1] !== BACKSLASH)) j--;
      continue;
    }
    if (b === 0x5d || b === 0x7d) depth++;
    else if (b === 0x5b || b === 0x7b) {
      if (depth > 0) depth--;
      else return b === 0x5b ? j : -1;
    }
  }
  return -1;
}

/** Is `buf[i]` a quote with backslashes before it (`\"`, or `\\\"` when escaped twice)? */
function escapedQuote(buf: Uint8Array, i: number): boolean {
  return buf[i] === QUOTE && buf[i - 1] === BACKSLASH;
}

/** Start of the run of backslashes that ends right before `i`. */
function backslashesFrom(buf: Uint8Array, i: number): number {
  let j = i;
  while (buf[j - 1] === BACKSLASH) j--;
  return j;
}

/**
 * `jsonKeyAt` for a JSON document carried as a string inside another (API logs quote request
 * bodies, sometimes twice): `\"name\":\"张伟\"`, whose quotes all carry backslashes.
 */
function escapedJsonKeyAt(buf: Uint8Array, floor: number, pos: number): [string, number] | undefined {
  let i = pos - 1;
  while (i >= floor && !escapedQuote(buf, i)) {
    const b = buf[i]!;
    if (b === QUOTE || b === COLON || b === 0x2c || b === 0x5b || b === 0x7b) return undefined;
    i--;
  }
  if (i < floor) return undefined;
  i = backslashesFrom(buf, i) - 1;
  while (i >= floor && (buf[i] === 0x20 || buf[i] === 0x09)) i--;
  if (buf[i] !== COLON) return undefined;
  i--;
  while (i >= floor && (buf[i] === 0x20 || buf[i] === 0x09)) i--;
  if (!escapedQuote(buf, i)) return undefined;
  const keyEnd = backslashesFrom(buf, i);
  i = keyEnd - 1;
  while (i >= floor && !escapedQuote(buf, i)) {
    if (buf[i] === QUOTE || keyEnd - i > 128) return undefined;
    i--;
  }
  if (i < floor) return undefined;
  return [decodeValue(buf, i + 1, keyEnd), backslashesFrom(buf, i)];
}

/** Column names of a `CREATE TABLE` / `INSERT INTO t (…)` / `COPY t (…)` column list. */
function sqlColumnList(list: string): string[] {
  return list
    .split(',')
    .map((c) => c.trim().replace(/^[`"[]|[`"\]]$/g, ''))
    .filter((c) => c !== '');
}

const CREATE_COLUMN = /^\s*[`"[]?([\p{L}\p{N}_$]+)[`"\]]?\s+[A-Za-z]/u;
/** A column's `COMMENT '…'` (MySQL), often the only readable name of a pinyin column (`xm` '姓名'). */
const COLUMN_COMMENT = /\bCOMMENT\s+'((?:[^'\\]|\\.|'')*)'/i;
const NOT_COLUMN = /^(?:PRIMARY|KEY|UNIQUE|INDEX|CONSTRAINT|FOREIGN|CHECK|FULLTEXT|SPATIAL)$/i;

interface SqlStatement {
  readonly offset: number;
  readonly kind: 'insert' | 'copy';
  readonly columns: readonly string[];
}

/**
 * Tracks SQL dump statements so that a value inside `INSERT … VALUES (…)` or a `COPY` row can be
 * named by its column. Columns come from an explicit list or the table's `CREATE TABLE`.
 */
class SqlTracker {
  readonly #tables = new Map<string, string[]>();
  /** Column name → its COMMENT, from every CREATE TABLE seen (the last one wins). */
  readonly comments = new Map<string, string>();
  #statements: SqlStatement[] = [];

  /** Index the statements in a region of text (called once per region, before lookups). */
  index(buf: Uint8Array, from: number, to: number): void {
    this.#statements = this.#statements.filter((s) => s.offset < 0); // region-local
    this.resetLookups();
    const text = decode(buf, from, to);
    const re =
      /CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([^\s(]+)\s*\(([\s\S]*?)\n\)|INSERT\s+INTO\s+([^\s(]+)\s*(?:\(([^)]*)\))?\s*VALUES|COPY\s+([^\s(]+)\s*\(([^)]*)\)\s+FROM\s+stdin/gi;
    // Byte offset of the last match, so each offset costs only the text since the previous one.
    let lastIndex = 0;
    let lastOffset = from;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[1] !== undefined) {
        const cols: string[] = [];
        for (const line of (m[2] ?? '').split('\n')) {
          const c = CREATE_COLUMN.exec(line);
          if (c && !NOT_COLUMN.test(c[1]!)) {
            cols.push(c[1]!);
            const comment = COLUMN_COMMENT.exec(line)?.[1];
            if (comment !== undefined && comment.length <= 64) this.comments.set(c[1]!, comment);
          }
        }
        this.#tables.set(tableKey(m[1]), cols);
        continue;
      }
      const offset = lastOffset + Buffer.byteLength(text.slice(lastIndex, m.index), 'utf8');
      lastIndex = m.index;
      lastOffset = offset;
      if (m[3] !== undefined) {
        const cols = m[4] !== undefined ? sqlColumnList(m[4]) : (this.#tables.get(tableKey(m[3])) ?? []);
        this.#statements.push({ offset, kind: 'insert', columns: cols });
      } else if (m[5] !== undefined) {
        this.#statements.push({ offset, kind: 'copy', columns: sqlColumnList(m[6] ?? '') });
      }
    }
  }

  fieldAt(buf: Uint8Array, lineStart: number, lineEnd: number, pos: number): [string, number] | undefined {
    const stmt = this.#statementAt(pos);
    if (!stmt || stmt.columns.length === 0) return undefined;
    if (stmt.kind === 'copy') {
      if (stmt.offset >= lineStart) return undefined; // the COPY line itself
      const starts = cellStarts(buf, lineStart, lineEnd, 0x09);
      const idx = indexIn(starts, pos);
      const col = stmt.columns[idx];
      return col === undefined ? undefined : [col, starts[idx]!];
    }
    const open = this.#tupleOpen(buf, stmt, pos);
    if (open < 0) return undefined;
    this.#valueIndex(buf, open, pos);
    const col = stmt.columns[this.#vIdx];
    return col === undefined ? undefined : [col, this.#vStart];
  }

  /** The last statement starting at or before `pos` (statements are in offset order). */
  #statementAt(pos: number): SqlStatement | undefined {
    const list = this.#statements;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.offset <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : undefined;
  }

  // The previous lookup, so a row's later values continue from it instead of walking back to the
  // row's start and counting its commas again (a dump's line holds a hundred rows).
  #cBuf: Uint8Array | undefined = undefined;
  #cStmt: SqlStatement | undefined = undefined;
  #cPos = -1;
  #cFloor = -1;
  #cOpen = -1;
  #vBuf: Uint8Array | undefined = undefined;
  #vOpen = -1;
  #vPos = -1;
  #vI = 0;
  #vIdx = 0;
  #vQuoted = false;
  #vStart = 0;

  /**
   * The start of the tuple holding `pos`: the nearest `(` that follows `VALUES` or `),` (looking
   * back at most 8 KiB, not before the statement). Continues from the previous answer when `pos`
   * is further on in the same statement; the result is the one the backward walk from `pos` gives.
   */
  #tupleOpen(buf: Uint8Array, stmt: SqlStatement, pos: number): number {
    const floor = Math.max(stmt.offset, pos - 8192);
    let open: number;
    if (buf === this.#cBuf && stmt === this.#cStmt && pos >= this.#cPos && floor >= this.#cFloor) {
      const prev = this.#cOpen;
      // A `(` after the previous position is nearer than anything before it.
      open = lastOpen(buf, Math.max(this.#cPos, floor), pos, floor);
      if (open < 0) {
        if (prev >= floor) {
          // Nothing between `prev` and the previous position qualified, and still does not: the
          // `(` at `prev` stops the look-back of any of them above the floor.
          open = isTupleOpen(buf, prev, floor) ? prev : lastOpen(buf, floor, prev, floor);
        } else {
          open = lastOpen(buf, floor, Math.min(this.#cPos, pos), floor);
        }
      }
    } else open = lastOpen(buf, floor, pos, floor);
    this.#cBuf = buf;
    this.#cStmt = stmt;
    this.#cPos = pos;
    this.#cFloor = floor;
    this.#cOpen = open;
    return open;
  }

  /**
   * Index and start of the value holding `pos` in the tuple opened at `open`: commas outside
   * quotes, a backslash escaping the next byte inside them. Continues the previous count when it
   * was for the same tuple and an earlier position. Sets `#vIdx` and `#vStart`.
   */
  #valueIndex(buf: Uint8Array, open: number, pos: number): void {
    let i: number;
    let idx: number;
    let quoted: boolean;
    let valueStart: number;
    if (buf === this.#vBuf && open === this.#vOpen && pos >= this.#vPos) {
      // The walk for the previous position stopped at the first step boundary at or after it,
      // `#vI`; the walk for `pos` passes the same boundaries and goes on from there.
      i = this.#vI;
      idx = this.#vIdx;
      quoted = this.#vQuoted;
      valueStart = this.#vStart;
    } else {
      i = open + 1;
      idx = 0;
      quoted = false;
      valueStart = open + 1;
    }
    for (; i < pos; i++) {
      const b = buf[i];
      if (b === BACKSLASH && quoted) i++;
      else if (b === APOS) quoted = !quoted;
      else if (b === 0x2c && !quoted) {
        idx++;
        valueStart = i + 1;
      }
    }
    this.#vBuf = buf;
    this.#vOpen = open;
    this.#vPos = pos;
    this.#vI = i;
    this.#vIdx = idx;
    this.#vQuoted = quoted;
    this.#vStart = valueStart;
  }

  /** Forget the lookups of the previous region. */
  resetLookups(): void {
    this.#cBuf = undefined;
    this.#vBuf = undefined;
  }
}

/** Whether the `(` at `i` opens a tuple: the byte before it (spaces and line breaks skipped, not below `floor`) is `,` or the `S` of VALUES. */
function isTupleOpen(buf: Uint8Array, i: number, floor: number): boolean {
  if (buf[i] !== 0x28) return false;
  let j = i - 1;
  while (j >= floor && (buf[j] === 0x20 || buf[j] === 0x0a || buf[j] === 0x0d)) j--;
  const p = buf[j];
  return p === 0x2c || p === 0x53 || p === 0x73;
}

/** The last tuple-opening `(` in `[from, to)`, its look-back bounded by `floor`; -1 if none. */
function lastOpen(buf: Uint8Array, from: number, to: number, floor: number): number {
  for (let i = to - 1; i >= from; i--) if (buf[i] === 0x28 && isTupleOpen(buf, i, floor)) return i;
  return -1;
}

function tableKey(name: string): string {
  const parts = name.replace(/[`"[\]]/g, '').split('.');
  return parts[parts.length - 1]!.toLowerCase();
}

/** Per-source field resolver; `fieldAt` answers for positions inside the current region. */
export class FieldResolver {
  readonly format: SourceFormat;
  #header: string[] | undefined;
  /** Lines from the top of the source down to and including the header. */
  #headerLines = 0;
  /** In the current region, where data lines start (-1: everywhere). */
  #headerEnd = -1;
  #regions = 0;
  /** Verdicts of {@link safeFieldName} for JSON keys and SQL columns. */
  readonly #safe = new Map<string, boolean>();
  #delimiter = 0x2c;
  #cacheLine = -1;
  #cacheStarts: number[] = [];
  /** Which cell of its row the cached line starts in (0 unless it continues a quoted cell). */
  #cacheBase = 0;
  /** Line starts (in the current region) inside a quoted cell → that cell's index. */
  readonly #continued = new Map<number, number>();
  /** Quote state at the end of the previous region. */
  #carry = { quoted: false, cell: 0 };
  readonly #sql = new SqlTracker();

  constructor(format: SourceFormat) {
    this.format = format;
  }

  get header(): readonly string[] | undefined {
    return this.#header;
  }

  /**
   * Finds a CSV/TSV source's header among its first lines (`buf[0, end)`: the first region): the
   * first line of labels, so title rows (`2024年客户信息登记表,,,`) and blank lines above it are
   * skipped, and a file that starts with data has no header at all rather than one made of
   * personal data. Lines down to the header get no field.
   */
  detectHeader(buf: Uint8Array, end: number): void {
    this.#header = undefined;
    this.#headerLines = 0;
    // The first lines, with their number (1-based), blank ones left out; one more than searched,
    // to see what follows the last candidate.
    const lines: { n: number; text: string }[] = [];
    let start = 0;
    for (let n = 1; n <= HEADER_SEARCH_LINES + 1 && start < end; n++) {
      let nl = buf.indexOf(10, start);
      if (nl < 0 || nl >= end) nl = end;
      const text = decode(buf, start, nl)
        .replace(/^\uFEFF/, '')
        .replace(/\r$/, '');
      start = nl + 1;
      if (text.trim() !== '') lines.push({ n, text });
    }
    for (const [i, { n, text }] of lines.entries()) {
      if (n > HEADER_SEARCH_LINES) break;
      const delim = this.format === 'tsv' ? '\t' : guessDelimiter(text);
      const cells = splitCsvLine(text, delim);
      // One label alone heads a one-column list (`手机` over numbers), not a wider table, whose
      // title row it then is.
      const single =
        cells.length === 1 &&
        !looksLikeValue(cells[0]!) &&
        lines[i + 1] !== undefined &&
        splitCsvLine(lines[i + 1]!.text, delim).length === 1;
      if (!single && !looksLikeHeader(cells)) continue;
      this.#delimiter = delim.charCodeAt(0);
      this.#header = cells.map((c) => (safeFieldName(c) ? c : ''));
      this.#headerLines = n;
      return;
    }
  }

  /** Called for each region before any `fieldAt` inside it. */
  beginRegion(buf: Uint8Array, from: number, to: number): void {
    this.#cacheLine = -1;
    // In the first region, the lines down to the header are not data.
    this.#headerEnd = -1;
    if (this.#regions++ === 0 && this.#headerLines > 0) {
      let pos = from;
      for (let n = 0; n < this.#headerLines && pos <= to; n++) {
        const nl = buf.indexOf(10, pos);
        pos = nl < 0 || nl >= to ? to + 1 : nl + 1;
      }
      this.#headerEnd = pos;
    }
    if (this.format === 'sql') this.#sql.index(buf, from, to);
    if (this.format === 'csv' || this.format === 'tsv') this.#followQuotes(buf, from, to);
  }

  /**
   * Lines that start inside a quoted cell (a note with line breaks, `"第一行↵第二行"`), and which
   * cell of their row that is, so their values get that cell's field and the cells after it theirs.
   * One pass over the region, skipped when it holds no quote; the state carries into the next
   * region, which may start inside such a cell.
   */
  #followQuotes(buf: Uint8Array, from: number, to: number): void {
    this.#continued.clear();
    let { quoted, cell } = this.#carry;
    const firstQuote = buf.indexOf(QUOTE, from);
    if (!quoted && (firstQuote < 0 || firstQuote >= to)) return;
    if (quoted) this.#continued.set(from, cell);
    const delim = this.#delimiter;
    const q = new QuoteState(quoted);
    for (let i = from; i < to; i++) {
      const b = buf[i]!;
      if (q.step(b, buf[i + 1])) i++;
      else if (q.quoted) {
        if (b === 10) this.#continued.set(i + 1, cell);
      } else if (b === delim) {
        cell++;
        q.cellStart();
      } else if (b === 10) {
        cell = 0;
        q.cellStart();
      }
    }
    this.#carry = { quoted: q.quoted, cell };
  }

  /** What the schema says a field means besides its name: a SQL column's COMMENT. */
  commentOf(field: string): string | undefined {
    return this.format === 'sql' ? this.#sql.comments.get(field) : undefined;
  }

  /**
   * Where the field of the last `fieldAt` answer begins (cell start, JSON key, SQL value): context
   * words before it belong to another field. The line start when there was no answer.
   */
  scope = 0;

  fieldAt(buf: Uint8Array, lineStart: number, lineEnd: number, pos: number): string | undefined {
    let answer: [string, number] | undefined;
    switch (this.format) {
      case 'csv':
      case 'tsv': {
        if (!this.#header || lineStart < this.#headerEnd) break;
        const starts = this.#cells(buf, lineStart);
        const idx = indexIn(starts, pos);
        const name = this.#header[this.#cacheBase + idx];
        if (name) answer = [name, starts[idx]!];
        break;
      }
      case 'json':
      case 'jsonl':
        answer = jsonKeyAt(buf, lineStart, pos);
        break;
      case 'sql':
        answer = this.#sql.fieldAt(buf, lineStart, lineEnd, pos);
        break;
    }
    if (answer !== undefined && this.format !== 'csv' && this.format !== 'tsv' && !this.#isSafe(answer[0])) {
      answer = undefined;
    }
    this.scope = answer ? answer[1] : lineStart;
    return answer?.[0];
  }

  #isSafe(name: string): boolean {
    let safe = this.#safe.get(name);
    if (safe === undefined) {
      safe = safeFieldName(name);
      if (this.#safe.size > 4096) this.#safe.clear();
      this.#safe.set(name, safe);
    }
    return safe;
  }

  /** Cell text around `pos` for CSV/TSV/SQL-COPY (used to hand a whole cell to the name/address checks). */
  cellBounds(buf: Uint8Array, lineStart: number, lineEnd: number, pos: number): [number, number] | undefined {
    if (this.format !== 'csv' && this.format !== 'tsv') return undefined;
    const starts = this.#cells(buf, lineStart);
    const idx = indexIn(starts, pos);
    const s = starts[idx]!;
    const e = idx + 1 < starts.length ? starts[idx + 1]! - 1 : lineEnd;
    return [s, e];
  }

  /** Cell starts of the line beginning at `lineStart` (to its real end, whatever the caller saw). */
  #cells(buf: Uint8Array, lineStart: number): number[] {
    if (this.#cacheLine !== lineStart) {
      let end = buf.indexOf(10, lineStart);
      if (end < 0) end = buf.length;
      this.#cacheLine = lineStart;
      // A line that continues a quoted cell starts inside it, at that cell's place in the row.
      const base = this.#continued.get(lineStart);
      this.#cacheBase = base ?? 0;
      this.#cacheStarts = cellStarts(buf, lineStart, end, this.#delimiter, base !== undefined);
    }
    return this.#cacheStarts;
  }
}

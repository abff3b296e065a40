/**
 * Content sniffing: from the first bytes of a file (and its name) decide whether it is text,
 * binary or gzip, which encoding the text is in, and which format (CSV, JSON lines, SQL ...).
 *
 * Everything here is pure and synchronous: it looks at a byte array, it never reads a file.
 *
 * @module
 */

/** Text encodings the input layer can deliver as UTF-8. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** How the scan engine should read the text. */
export type FileFormat = 'text' | 'csv' | 'tsv' | 'jsonl' | 'json' | 'sql';

/** What the bytes are, before any decompression. */
export type FileKind = 'text' | 'binary' | 'gzip';

/** The verdict of {@link sniff}. */
export interface SniffResult {
  readonly kind: FileKind;
  /** Present when `kind` is `'text'`. */
  readonly encoding?: TextEncodingName;
  /** Bytes of byte-order mark to skip at the start (0 when none). */
  readonly bom: number;
  /**
   * Format from the file name when it has a known extension (the inner name for `x.csv.gz`),
   * else from the content. For `'gzip'` it is the name's guess only; for `'binary'` it is `'text'`.
   */
  readonly format: FileFormat;
  /** Field delimiter when `format` is `'csv'` or `'tsv'` (`,` `;` `|` or tab). */
  readonly delimiter?: string;
  /** Set (true) when the text is scanned as UTF-8 although it is not valid UTF-8. */
  readonly invalidUtf8?: boolean;
  /**
   * Set (true) when the head held only ASCII: `encoding` is then `'utf-8'` but only tentatively,
   * since a GB18030 file reads as ASCII until its first Chinese character.
   */
  readonly asciiOnly?: boolean;
}

/** How many leading bytes {@link sniff} wants to see (64 KiB). */
export const SNIFF_BYTES = 64 * 1024;

const EXTENSION_FORMATS: Readonly<Record<string, FileFormat>> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  jsonlines: 'jsonl',
  json: 'json',
  sql: 'sql',
  log: 'text',
  txt: 'text',
  text: 'text',
  md: 'text',
};

/** The last path segment, with either separator. */
function baseName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut >= 0 ? path.slice(cut + 1) : path;
}

/**
 * The name of what is inside a gzip wrapper: `x.csv.gz` → `x.csv`, `x.tgz` → `x.tar`.
 * Names without a gzip suffix come back unchanged.
 */
export function innerName(path: string): string {
  const lower = path.toLowerCase();
  if (lower.endsWith('.gz')) return path.slice(0, -3);
  if (lower.endsWith('.gzip')) return path.slice(0, -5);
  if (lower.endsWith('.tgz')) return `${path.slice(0, -4)}.tar`;
  return path;
}

/** Format implied by the file name's extension, or undefined when the extension says nothing. */
export function formatFromName(path: string): FileFormat | undefined {
  const name = baseName(innerName(path)).toLowerCase();
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return EXTENSION_FORMATS[name.slice(dot + 1)];
}

function startsWith(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) if (head[offset + i] !== bytes[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** Signatures of binary formats that can start with bytes a text check might accept. */
const BINARY_MAGIC: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  ascii('GIF87a'),
  ascii('GIF89a'),
  ascii('%PDF-'),
  [0x50, 0x4b, 0x03, 0x04], // ZIP and its children: xlsx, docx, jar, apk
  [0x50, 0x4b, 0x05, 0x06], // empty ZIP
  [0x50, 0x4b, 0x07, 0x08], // spanned ZIP
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  ascii('SQLite format 3\0'),
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE2: legacy xls, doc, msg
  [0xfe, 0xed, 0xfa, 0xce], // Mach-O
  [0xfe, 0xed, 0xfa, 0xcf],
  [0xce, 0xfa, 0xed, 0xfe],
  [0xcf, 0xfa, 0xed, 0xfe],
  [0xca, 0xfe, 0xba, 0xbe], // Java class, Mach-O fat
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  ascii('Rar!\x1a\x07'),
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], // xz
  [0x28, 0xb5, 0x2f, 0xfd], // zstd
  ascii('BZh'), // bzip2 (checked with its block magic below)
  ascii('OggS'),
  ascii('fLaC'),
  ascii('ID3'), // MP3
  [0x00, 0x61, 0x73, 0x6d], // wasm
  ascii('PAR1'), // Parquet
  [0x49, 0x49, 0x2a, 0x00], // TIFF little-endian
  [0x4d, 0x4d, 0x00, 0x2a], // TIFF big-endian
  [0x1a, 0x45, 0xdf, 0xa3], // Matroska / WebM
  ascii('wOFF'),
  ascii('wOF2'),
];

function hasBinaryMagic(head: Uint8Array): boolean {
  for (const magic of BINARY_MAGIC) {
    if (!startsWith(head, magic)) continue;
    // "BZh" alone is an ordinary word; bzip2 follows it with a level digit and the block magic.
    if (magic.length === 3 && magic[0] === 0x42)
      return startsWith(head, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4);
    return true;
  }
  if (startsWith(head, ascii('RIFF')) && head.length >= 12) return true; // WAV, AVI, WebP
  if (startsWith(head, ascii('ftyp'), 4)) return true; // MP4, MOV, HEIC
  return false;
}

/** Control bytes that do not occur in text. Tab, newlines, form feed, ESC (ANSI colours) and
 * 0x01–0x03 (Hive's default field separators in exported tables) are allowed. */
function isSuspectControl(c: number): boolean {
  if (c === 0x7f) return true;
  if (c >= 0x20) return false;
  return !(
    c === 0x09 ||
    c === 0x0a ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0x0d ||
    c === 0x1b ||
    (c >= 1 && c <= 3)
  );
}

function suspectControlRatio(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  let n = 0;
  for (const c of bytes) if (isSuspectControl(c)) n++;
  return n / bytes.length;
}

/** Counts from a strict UTF-8 scan. */
interface Utf8Stats {
  /** Bytes that start no valid sequence. */
  invalid: number;
  /** Valid sequences of two bytes or more. */
  multibyte: number;
}

/**
 * Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF). A sequence cut
 * off by the end of the buffer is not counted: the head of a file may end in the middle of one.
 */
export function scanUtf8(bytes: Uint8Array): Utf8Stats {
  let invalid = 0;
  let multibyte = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else {
      invalid++;
      i++;
      continue;
    }
    let ok = true;
    let k = 1;
    for (; k <= need && i + k < n; k++) {
      const b = bytes[i + k]!;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (b < min || b > max) {
        ok = false;
        break;
      }
    }
    if (!ok) {
      invalid++;
      i++;
      continue;
    }
    if (k <= need) break; // cut off at the end of the buffer: not an error
    multibyte++;
    i += need + 1;
  }
  return { invalid, multibyte };
}

/** Counts from a structural GB18030 scan. */
interface GbStats {
  invalid: number;
  /** Two- and four-byte sequences. */
  multibyte: number;
  /** Two-byte sequences in the GB2312 symbol and hanzi blocks: what everyday Chinese text uses. */
  common: number;
}

function scanGb18030(bytes: Uint8Array): GbStats {
  let invalid = 0;
  let multibyte = 0;
  let common = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c === 0x80 || c === 0xff) {
      invalid++;
      i++;
      continue;
    }
    if (i + 1 >= n) break;
    const t = bytes[i + 1]!;
    if ((t >= 0x40 && t <= 0x7e) || (t >= 0x80 && t <= 0xfe)) {
      multibyte++;
      if (((c >= 0xa1 && c <= 0xa9) || (c >= 0xb0 && c <= 0xf7)) && t >= 0xa1) common++;
      i += 2;
    } else if (t >= 0x30 && t <= 0x39) {
      if (i + 3 >= n) break;
      const t2 = bytes[i + 2]!;
      const t3 = bytes[i + 3]!;
      if (t2 >= 0x81 && t2 <= 0xfe && t3 >= 0x30 && t3 <= 0x39) {
        multibyte++;
        i += 4;
      } else {
        invalid++;
        i++;
      }
    } else {
      invalid++;
      i++;
    }
  }
  return { invalid, multibyte, common };
}

/**
 * Plausibility of GB18030: the bytes must parse (almost) cleanly, and most characters must be
 * in the GB2312 blocks. Random high bytes land there about 28% of the time, UTF-8 Chinese read as
 * GBK well under half, real Chinese text nearly always.
 */
function looksLikeGb18030(bytes: Uint8Array): boolean {
  const s = scanGb18030(bytes);
  if (s.multibyte === 0) return false;
  if (s.invalid * 50 > s.multibyte) return false;
  return s.common / s.multibyte >= 0.7;
}

function isCjkUnit(u: number): boolean {
  return (
    (u >= 0x4e00 && u <= 0x9fff) || // unified ideographs
    (u >= 0x3400 && u <= 0x4dbf) || // extension A
    (u >= 0x3000 && u <= 0x303f) || // CJK punctuation
    (u >= 0xff00 && u <= 0xffef) // full-width forms
  );
}

function isLikelyTextUnit(u: number): boolean {
  if (u < 0x80) return u >= 0x20 ? u !== 0x7f : !isSuspectControl(u) && u !== 0;
  return (
    isCjkUnit(u) ||
    (u >= 0xa0 && u <= 0x24f) || // Latin
    (u >= 0x370 && u <= 0x52f) || // Greek, Cyrillic
    (u >= 0x2000 && u <= 0x2bff) || // punctuation, symbols, arrows, box drawing
    (u >= 0x3040 && u <= 0x30ff) || // kana
    (u >= 0xac00 && u <= 0xd7a3) // Hangul
  );
}

/**
 * Share of UTF-16 code units that look like text, in the given byte order. Surrogate pairs count
 * as text, lone surrogates as not. `cjkOnly` narrows "text" to CJK, for the no-NUL case.
 */
function utf16TextShare(bytes: Uint8Array, littleEndian: boolean, cjkOnly: boolean): number {
  const units = bytes.length >> 1;
  if (units === 0) return 0;
  let good = 0;
  let counted = 0;
  for (let i = 0; i < units; i++) {
    const a = bytes[2 * i]!;
    const b = bytes[2 * i + 1]!;
    const u = littleEndian ? a | (b << 8) : (a << 8) | b;
    if (u >= 0xd800 && u <= 0xdbff) {
      if (i + 1 >= units) break; // pair cut off by the end of the head
      const a2 = bytes[2 * i + 2]!;
      const b2 = bytes[2 * i + 3]!;
      const u2 = littleEndian ? a2 | (b2 << 8) : (a2 << 8) | b2;
      counted++;
      if (u2 >= 0xdc00 && u2 <= 0xdfff) {
        good++;
        i++;
      }
      continue;
    }
    counted++;
    if (cjkOnly ? isCjkUnit(u) : isLikelyTextUnit(u)) good++;
  }
  return counted === 0 ? 0 : good / counted;
}

/**
 * UTF-16 without a byte-order mark. With NUL bytes present, mostly-ASCII text has them all in the
 * high byte of each unit, so the parity of the zeros tells the byte order; then most units must
 * decode to plausible characters. Without NULs (pure CJK text, no ASCII at all) the units must
 * nearly all be CJK.
 */
function detectUtf16NoBom(bytes: Uint8Array, hasNul: boolean): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes.length < 4) return undefined;
  if (hasNul) {
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      if (bytes[i] === 0) zeroEven++;
      if (bytes[i + 1] === 0) zeroOdd++;
    }
    // Little-endian ASCII puts the zero in the odd (high) byte.
    const littleEndian = zeroOdd > zeroEven;
    const dominant = Math.max(zeroEven, zeroOdd);
    const other = Math.min(zeroEven, zeroOdd);
    if (dominant < 4 * other + 1) return undefined;
    return utf16TextShare(bytes, littleEndian, false) >= 0.9
      ? littleEndian
        ? 'utf-16le'
        : 'utf-16be'
      : undefined;
  }
  if (bytes.length < 8) return undefined;
  if (utf16TextShare(bytes, true, true) >= 0.9) return 'utf-16le';
  if (utf16TextShare(bytes, false, true) >= 0.9) return 'utf-16be';
  return undefined;
}

/** Verdict on the encoding of some bytes known to contain no byte-order mark. */
export interface EncodingGuess {
  /** Undefined means "binary". */
  readonly encoding: TextEncodingName | undefined;
  readonly invalidUtf8?: boolean;
}

/**
 * Guesses the encoding of text without a byte-order mark (or `undefined` when the bytes look
 * binary). Order: NUL bytes → UTF-16 or binary; valid UTF-8 → UTF-8; plausible GB18030 →
 * GB18030; control-byte soup → binary; anything else → UTF-8 with replacement, flagged.
 */
export function guessEncoding(bytes: Uint8Array): EncodingGuess {
  const hasNul = bytes.includes(0);
  if (hasNul) {
    const utf16 = detectUtf16NoBom(bytes, true);
    return { encoding: utf16 };
  }
  const utf8 = scanUtf8(bytes);
  if (utf8.invalid === 0) {
    // Valid UTF-8 without NULs is text unless it is mostly control bytes.
    return { encoding: suspectControlRatio(bytes) > 0.3 ? undefined : 'utf-8' };
  }
  const utf16 = detectUtf16NoBom(bytes, false);
  if (utf16) return { encoding: utf16 };
  if (looksLikeGb18030(bytes)) return { encoding: 'gb18030' };
  // Random bytes have ~9% suspect controls, text in any 8-bit encoding next to none.
  if (suspectControlRatio(bytes) > 0.05) return { encoding: undefined };
  return { encoding: 'utf-8', invalidUtf8: true };
}

/** Detects a byte-order mark. UTF-32 marks come back as `undefined` encoding (unsupported). */
function detectBom(head: Uint8Array): { encoding: TextEncodingName | undefined; bom: number } | undefined {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bom: 3 };
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00])) return { encoding: undefined, bom: 4 }; // UTF-32LE
  if (startsWith(head, [0x00, 0x00, 0xfe, 0xff])) return { encoding: undefined, bom: 4 }; // UTF-32BE
  if (startsWith(head, [0xff, 0xfe])) return { encoding: 'utf-16le', bom: 2 };
  if (startsWith(head, [0xfe, 0xff])) return { encoding: 'utf-16be', bom: 2 };
  if (startsWith(head, [0x84, 0x31, 0x95, 0x33])) return { encoding: 'gb18030', bom: 4 };
  return undefined;
}

/** True for the gzip magic number (1f 8b, deflate method). */
export function isGzip(head: Uint8Array): boolean {
  return startsWith(head, [0x1f, 0x8b, 0x08]);
}

function countDelimiter(line: string, delimiter: string): number {
  // Delimiters inside double quotes do not count (RFC 4180 quoting).
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === delimiter) n++;
  }
  return n;
}

const SQL_HINT =
  /^[ \t]*(?:INSERT[ \t]+(?:IGNORE[ \t]+)?INTO|REPLACE[ \t]+INTO|CREATE[ \t]+TABLE|COPY[ \t]+\S+.*FROM[ \t]+stdin|--[ \t]*(?:MySQL|PostgreSQL|MariaDB)[ \t]+(?:database[ \t]+)?dump)/im;

/** `{"key"`, `{}`, `[{`, `[[`, `["`, `[]`: how JSON documents worth scanning open. */
const JSON_OPENING = /^(?:\{\s*["}]|\[\s*[{["\]])/;

function isJsonContainer(line: string): boolean {
  const t = line.trim();
  if (!((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')))) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

function delimitedFormat(lines: readonly string[]): { format: 'csv' | 'tsv'; delimiter: string } | undefined {
  if (lines.length < 2) return undefined;
  let best: { delimiter: string; count: number } | undefined;
  for (const delimiter of ['\t', ',', ';', '|']) {
    const counts = lines.map((l) => countDelimiter(l, delimiter));
    const first = counts[0]!;
    if (first === 0) continue;
    const same = counts.filter((c) => c === first).length;
    // Tolerate a few odd lines (quoted fields spanning lines); one delimiter needs more evidence.
    if (same / counts.length < 0.8 || (first === 1 && lines.length < 3)) continue;
    if (!best || first > best.count || delimiter === '\t') {
      best = { delimiter, count: first };
      if (delimiter === '\t') break;
    }
  }
  if (!best) return undefined;
  return { format: best.delimiter === '\t' ? 'tsv' : 'csv', delimiter: best.delimiter };
}

/**
 * Format from content, for files whose name says nothing.
 *
 * @param complete - whether `text` is the whole file (else its last line may be cut off).
 */
export function formatFromContent(
  text: string,
  complete: boolean,
): { format: FileFormat; delimiter?: string } {
  const body = text.replace(/^\uFEFF/, '');
  const lines = completeLines(body, complete).slice(0, 200);
  if (SQL_HINT.test(lines.join('\n'))) return { format: 'sql' };
  const start = body.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    const sample = lines.slice(0, 20);
    if (sample.length >= 2 && sample.filter(isJsonContainer).length / sample.length >= 0.9)
      return { format: 'jsonl' };
    // "[2024-05-01 12:00] INFO" is a log line, not JSON: demand a JSON-looking opening.
    if (JSON_OPENING.test(start) || (complete && isJsonContainer(start))) return { format: 'json' };
  }
  const delimited = delimitedFormat(lines.slice(0, 20));
  if (delimited) return delimited;
  return { format: 'text' };
}

function completeLines(text: string, complete: boolean): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (!complete) lines.pop();
  return lines.filter((l) => l.trim() !== '');
}

function delimiterOf(text: string, complete: boolean): string | undefined {
  return delimitedFormat(completeLines(text, complete).slice(0, 20))?.delimiter;
}

function delimiterFor(format: FileFormat): string | undefined {
  if (format === 'csv') return ',';
  if (format === 'tsv') return '\t';
  return undefined;
}

/**
 * Sniffs a file from its first bytes (ideally {@link SNIFF_BYTES} of them, fewer for a short
 * file) and its name. For gzip it stops at `kind: 'gzip'`: sniff the decompressed head again,
 * with {@link innerName} of the path.
 *
 * @param head - the first bytes of the file (a prefix; it may end mid-character).
 * @param path - the file's name or path; only the extension is used.
 */
export function sniff(head: Uint8Array, path: string): SniffResult {
  const named = formatFromName(path);
  if (isGzip(head)) return { kind: 'gzip', bom: 0, format: named ?? 'text' };
  const bom = detectBom(head);
  let encoding: TextEncodingName | undefined;
  let invalidUtf8 = false;
  let asciiOnly = false;
  let skip = 0;
  if (bom) {
    if (!bom.encoding) return { kind: 'binary', bom: 0, format: 'text' };
    encoding = bom.encoding;
    skip = bom.bom;
  } else {
    if (hasBinaryMagic(head)) return { kind: 'binary', bom: 0, format: 'text' };
    const guess = guessEncoding(head);
    if (!guess.encoding) return { kind: 'binary', bom: 0, format: 'text' };
    encoding = guess.encoding;
    invalidUtf8 = guess.invalidUtf8 === true;
    asciiOnly = encoding === 'utf-8' && !invalidUtf8 && head.every((b) => b < 0x80);
  }
  let format: FileFormat;
  let delimiter: string | undefined;
  const complete = head.length < SNIFF_BYTES;
  const text = (): string => new TextDecoder(encoding, { ignoreBOM: true }).decode(head.subarray(skip));
  if (named === 'csv' || named === 'tsv') {
    // The extension says "delimited"; the content says by what (Excel in many locales writes ';').
    format = named;
    delimiter = delimiterOf(text(), complete) ?? delimiterFor(named);
  } else if (named === 'text' && /\.(txt|text)$/i.test(innerName(path))) {
    // Excel's "Unicode text" and many system exports are tab-separated tables named .txt: read
    // them field-aware when every line has the same two or more tabs.
    const found = delimitedFormat(completeLines(text(), complete).slice(0, 20));
    const tabs =
      found?.delimiter === '\t' && countDelimiter(completeLines(text(), complete)[0] ?? '', '\t') >= 2;
    format = tabs ? 'tsv' : 'text';
    if (tabs) delimiter = '\t';
  } else if (named) {
    format = named;
  } else {
    const found = formatFromContent(text(), complete);
    format = found.format;
    delimiter = found.delimiter;
  }
  return {
    kind: 'text',
    encoding,
    bom: skip,
    format,
    ...(delimiter !== undefined ? { delimiter } : {}),
    ...(invalidUtf8 ? { invalidUtf8: true } : {}),
    ...(asciiOnly ? { asciiOnly: true } : {}),
  };
}

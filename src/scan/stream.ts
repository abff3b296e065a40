/**
 * Streaming scans with bounded memory, and the in-memory `scanText` / `scanBuffer`.
 *
 * Input arrives in chunks of any size. Regions handed to the detector end at a line break, so no
 * token is cut; a line longer than `maxLine` (a 100 MB single-line JSON, say) is cut at a byte
 * that cannot be inside a token, so memory stays at a few MiB whatever the input. Line and
 * column numbers are carried across regions.
 *
 * @module
 */
import { ALNUM, CLS, countCodePoints, JOIN_ANY, JOIN_DIGITS } from './bytes.ts';
import { Detector, type RawFinding } from './detector.ts';
import type { Finding, ScanOptions } from './types.ts';
import { unescapeUnicode } from './unicode-escapes.ts';

export interface StreamOptions extends ScanOptions {
  /** Scan once this many bytes are buffered (default 1 MiB). */
  readonly regionSize?: number;
  /** Longest line kept whole; longer lines are cut at a safe byte (default 4 MiB). */
  readonly maxLine?: number;
}

/** The first line break in `buf[pos, end)`, or `end`. */
function nextBreak(buf: Uint8Array, pos: number, end: number): number {
  // Most lines are short: a loop beats the native search's call overhead; long ones go native.
  const stop = Math.min(end, pos + 32);
  for (let i = pos; i < stop; i++) if (buf[i] === 10) return i;
  if (stop === end) return end;
  const nl = buf.indexOf(10, stop);
  return nl < 0 || nl >= end ? end : nl;
}

/**
 * Runs the detector over `buf[0, end)`, in a decoded copy when the region writes non-ASCII
 * characters as `\uXXXX` escapes; offsets come back in `buf`'s terms either way.
 */
function detect(detector: Detector, buf: Buffer, end: number): RawFinding[] {
  const un = unescapeUnicode(buf, end);
  if (un === undefined) return detector.scanRegion(buf, 0, end);
  const raw = detector.scanRegion(un.bytes, 0, un.bytes.length);
  for (const f of raw) {
    f.start = un.toOriginal(f.start);
    f.end = un.toOriginal(f.end);
  }
  return raw;
}

/** Turns region-relative raw findings into findings with line, column and stream offsets. */
class Positioner {
  line = 1;
  /** Code points between the start of the current line and the start of the next region. */
  carryColumns = 0;
  offset = 0;

  place(buf: Uint8Array, end: number, raw: RawFinding[], path: string): Finding[] {
    let lineStart = 0;
    let colBase = this.carryColumns;
    let colPos = 0;
    let colCount = 0;
    let pos = 0;
    // The next line break at or after `pos`, found once and reused: on a single 100 MB line,
    // searching afresh for every finding would scan to the end of the region each time.
    let nl = nextBreak(buf, 0, end);
    for (const f of raw) {
      while (nl < f.start) {
        this.line++;
        lineStart = nl + 1;
        pos = nl + 1;
        colBase = 0;
        colPos = lineStart;
        colCount = 0;
        nl = nextBreak(buf, pos, end);
      }
      colCount += countCodePoints(buf, colPos, f.start);
      colPos = f.start;
      // The detector's finding already has the shape of a `Finding`: place it.
      f.path = path;
      f.line = this.line;
      f.column = colBase + colCount + 1;
      f.start += this.offset;
      f.end += this.offset;
    }
    while (nl < end) {
      this.line++;
      lineStart = nl + 1;
      pos = nl + 1;
      colBase = 0;
      nl = nextBreak(buf, pos, end);
    }
    this.carryColumns = (lineStart === 0 ? colBase : 0) + countCodePoints(buf, lineStart, end);
    this.offset += end;
    return raw;
  }
}

/** Where to cut a long line: just after a byte that cannot be part of a token, near the end. */
function safeCut(buf: Uint8Array, len: number): number {
  for (let i = len - 1; i > len - 65536 && i > 0; i--) {
    const c = buf[i]!;
    if (c < 0x80) {
      // Not after a backslash or a percent sign either: it may start a `\uXXXX` or `%XX` escape,
      // decoded whole or not at all.
      if (!(CLS[c]! & (ALNUM | JOIN_ANY | JOIN_DIGITS)) && c !== 0x5c && c !== 0x25) return i + 1;
    } else if ((c & 0xc0) === 0xc0 && c !== 0xef && c !== 0xe3) {
      return i; // before a multi-byte character that is not a full-width form
    }
  }
  return len; // pathological (64 KiB of one token): cut anyway
}

/**
 * Scan a stream of UTF-8 chunks, yielding findings in order.
 *
 * @example
 * ```ts
 * for await (const f of scanStream(fs.createReadStream('users.csv'), { format: 'csv', path: 'users.csv' })) {
 *   console.log(f.line, f.type, f.masked);
 * }
 * ```
 */
export async function* scanStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: StreamOptions = {},
): AsyncGenerator<Finding> {
  const detector = new Detector(options);
  const regionSize = options.regionSize ?? 1 << 20;
  const maxLine = Math.max(options.maxLine ?? 4 << 20, 1024);
  const path = options.path ?? '';
  const positioner = new Positioner();
  const wantsHeader = options.format === 'csv' || options.format === 'tsv';
  let headerSet = !wantsHeader;
  let pending: Buffer = Buffer.alloc(0);

  const region = (cut: number): Finding[] => {
    if (!headerSet) {
      detector.fields.detectHeader(pending, pending.length);
      headerSet = true;
    }
    const raw = detect(detector, pending, cut);
    const found = positioner.place(pending, cut, raw, path);
    pending = pending.subarray(cut);
    return found;
  };

  for await (const chunk of chunks) {
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    while (pending.length >= regionSize) {
      let cut = pending.lastIndexOf(10) + 1;
      if (cut === 0) {
        if (pending.length < maxLine) break;
        cut = safeCut(pending, pending.length);
      }
      yield* region(cut);
      if (pending.length < regionSize) break;
    }
    // Keep the carried tail in its own memory so the big chunk can be freed.
    if (pending.length > 0 && pending.byteOffset > 0) pending = Buffer.from(pending);
  }
  if (pending.length > 0 || !headerSet) yield* region(pending.length);
}

/** Scan bytes already in memory (UTF-8). Offsets are bytes. */
export function scanBuffer(bytes: Uint8Array, options: ScanOptions = {}): Finding[] {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const detector = new Detector(options);
  if (options.format === 'csv' || options.format === 'tsv') detector.fields.detectHeader(buf, buf.length);
  const raw = detect(detector, buf, buf.length);
  return new Positioner().place(buf, buf.length, raw, options.path ?? '');
}

/**
 * Scan a string. `start` / `end` of each finding are UTF-16 indices into `text`, so
 * `text.slice(f.start, f.end)` is the value as written.
 *
 * @example
 * ```ts
 * scanText('客户张伟，手机13812345678');
 * // [{ type: 'CN_NAME', masked: '张*', … }, { type: 'CN_MOBILE', masked: '138****5678', line: 1, column: 8, … }]
 * ```
 */
export function scanText(text: string, options: ScanOptions = {}): Finding[] {
  const found = scanBuffer(Buffer.from(text, 'utf8'), options);
  // Convert byte offsets to UTF-16 indices with one forward walk.
  let ci = 0;
  let bi = 0;
  const toIndex = (target: number): number => {
    while (bi < target && ci < text.length) {
      const c = text.charCodeAt(ci);
      if (c < 0x80) bi += 1;
      else if (c < 0x800) bi += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        bi += 4;
        ci++;
      } else bi += 3;
      ci++;
    }
    return ci;
  };
  const withIndex = found.map((f) => ({ f, s: f.start, e: f.end }));
  const starts = withIndex.map((x) => toIndex(x.s));
  ci = 0;
  bi = 0;
  const order = withIndex.map((x, k) => ({ e: x.e, k })).sort((a, b) => a.e - b.e);
  const ends = new Array<number>(found.length);
  for (const o of order) ends[o.k] = toIndex(o.e);
  return withIndex.map((x, k) => ({ ...x.f, start: starts[k]!, end: ends[k]! }));
}

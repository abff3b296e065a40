/**
 * Scanning one file: open (sniff, gunzip, transcode), stream through the detector, hand findings
 * out in batches; zips and Office files through scan-archive.ts. Shared by the in-process path and
 * the worker threads.
 *
 * @module
 */
import { open, stat } from 'node:fs/promises';
import { isCfbHead } from './io/cfb.ts';
import { ScanIoError, toScanIoError } from './io/errors.ts';
import { htmlToText, looksLikeHtml } from './io/html.ts';
import { openCompound } from './io/ole.ts';
import { type OpenedFile, openUtf8 } from './io/open.ts';
import { isPdfHead, openPdf } from './io/pdf.ts';
import { looksLikeRtf, rtfToText } from './io/rtf.ts';
import { isZipHead, openZipFile } from './io/zip.ts';
import { type ArchiveResult, scanArchive, scanOfficeParts } from './scan-archive.ts';
import { looksLikeEmail, looksLikeMbox, scanEmail, scanMbox, scanMessage } from './scan-email.ts';
import { scanStream } from './stream.ts';
import type { Finding, ScanOptions } from './types.ts';

/** What the report says about a file once it is scanned. */
export interface FileSummary {
  readonly path: string;
  readonly skipped?: 'binary';
  readonly encoding?: string;
  readonly format?: string;
  readonly compressed?: boolean;
  readonly invalidUtf8?: boolean;
  /** Bytes read from disk (compressed size for gzip). */
  readonly bytes: number;
  readonly findings: number;
  /**
   * Archives and Office files: parts not scanned (an encrypted entry or workbook, an unknown
   * compression method, an archive nested too deep).
   */
  readonly unreadableEntries?: number;
}

export interface FileSink {
  findings(batch: Finding[]): void;
  /** Bytes read so far from this file (monotonic). */
  progress(bytesRead: number): void;
}

const BATCH = 512;

export type FileEvent =
  | { readonly kind: 'findings'; readonly findings: Finding[] }
  | { readonly kind: 'progress'; readonly bytes: number };

/**
 * Scan `path` as a stream of events (finding batches, bytes read), returning the file's summary.
 * Nothing accumulates: a 2 GB file with millions of findings flows through in batches.
 * Throws `ScanIoError` for I/O failures (the caller reports them and goes on).
 */
export async function* scanFileEvents(
  path: string,
  options: ScanOptions,
): AsyncGenerator<FileEvent, FileSummary> {
  const opened = await openUtf8(path);
  if (opened.kind === 'binary') {
    opened.close();
    // Zips (Office files among them) and Office 97-2003 files are binary to the sniffer: what
    // they hold is read part by part.
    const head = await inside(path, () => readHead(path, 8));
    if (isPdfHead(head)) {
      const pdf = await inside(path, () => openPdf(path));
      const { size } = await stat(path);
      return yield* scanContainer(path, scanOfficeParts(pdf, options, path), () =>
        Math.floor((pdf.progress?.() ?? 0) * size),
      );
    }
    if (isZipHead(head)) {
      const archive = await inside(path, () => openZipFile(path));
      if (archive !== undefined) return yield* scanContainer(path, scanArchive(archive, options, path));
    } else if (isCfbHead(head)) {
      const found = await inside(path, () => openCompound(path));
      if (found !== undefined) {
        const findings =
          'office' in found
            ? scanOfficeParts(found.office, options, path)
            : scanMessage(found.msg, options, path, path);
        return yield* scanContainer(path, findings);
      }
    }
    return { path, skipped: 'binary', bytes: opened.bytesRead, findings: 0 };
  }
  // Documents that are text but not plain text (RTF, e-mail, HTML) are told from their first chunk,
  // decoded once, and read through their own structure.
  const chunks = opened.chunks[Symbol.asyncIterator]();
  const first = await chunks.next();
  const head = first.done ? new Uint8Array(0) : first.value;
  const rest = replayChunks(head, chunks);
  if (opened.format !== 'text') return yield* scanTextFile(path, opened, rest, options);
  const start = decodeHead(head);
  // An mbox streams message by message; the others are parsed whole, up to a cap.
  if (looksLikeMbox(start, path))
    return yield* scanContainer(path, scanMbox(rest, options, path, MAX_EMAIL_BYTES));
  const whole = looksLikeRtf(start)
    ? { cap: MAX_HTML_BYTES, scan: (text: string) => scanRtf(path, text, opened, options) }
    : looksLikeEmail(start, path)
      ? {
          cap: MAX_EMAIL_BYTES,
          scan: (text: string) =>
            scanContainer(path, scanEmail(Buffer.from(text, 'utf8'), options, path, path)),
        }
      : looksLikeHtml(start, path)
        ? { cap: MAX_HTML_BYTES, scan: (text: string) => scanHtml(path, text, opened, options) }
        : undefined;
  if (whole === undefined) return yield* scanTextFile(path, opened, rest, options);
  const read = await readText(rest, whole.cap);
  if (read.complete) return yield* whole.scan(read.text);
  // Past the cap: scanned as plain text, from the start.
  return yield* scanTextFile(path, opened, replayChunks(Buffer.from(read.text, 'utf8'), read.rest), options);
}

/**
 * Hands `findings` out in batches of {@link BATCH}, with a progress event each MiB of `bytesRead`
 * when given; returns how many there were.
 */
async function* inBatches(
  findings: AsyncIterable<Finding>,
  bytesRead?: () => number,
): AsyncGenerator<FileEvent, number> {
  let batch: Finding[] = [];
  let count = 0;
  let lastProgress = 0;
  for await (const f of findings) {
    batch.push(f);
    count++;
    if (batch.length >= BATCH) {
      yield { kind: 'findings', findings: batch };
      batch = [];
    }
    if (bytesRead !== undefined && bytesRead() - lastProgress >= 1 << 20) {
      lastProgress = bytesRead();
      yield { kind: 'progress', bytes: lastProgress };
    }
  }
  if (batch.length > 0) yield { kind: 'findings', findings: batch };
  return count;
}

/** The UTF-8 chunks of an opened text file through the engine, in batches. */
async function* scanTextFile(
  path: string,
  opened: OpenedFile,
  chunks: AsyncIterable<Uint8Array>,
  options: ScanOptions,
): AsyncGenerator<FileEvent, FileSummary> {
  const findings = scanStream(chunks, { ...options, format: opened.format, path });
  const count = yield* inBatches(findings, () => opened.bytesRead);
  yield { kind: 'progress', bytes: opened.bytesRead };
  return {
    path,
    bytes: opened.bytesRead,
    findings: count,
    format: opened.format,
    compressed: opened.compressed,
    invalidUtf8: opened.invalidUtf8,
    ...(opened.encoding !== undefined ? { encoding: opened.encoding } : {}),
  };
}

/** HTML and RTF documents larger than this are scanned as plain text. */
const MAX_HTML_BYTES = 64 * 1024 * 1024;
/** E-mail messages (attachments included) larger than this are scanned as plain text. */
const MAX_EMAIL_BYTES = 256 * 1024 * 1024;

/** `head`, then the rest of `it`. */
async function* replayChunks(head: Uint8Array, it: AsyncIterator<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (head.length > 0) yield head;
  for (;;) {
    const r = await it.next();
    if (r.done) return;
    yield r.value;
  }
}

function decodeHead(head: Uint8Array): string {
  return Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 4096)).toString('utf8');
}

/** Reads up to `max` bytes of UTF-8 chunks as a string; `complete` when the stream ended there. */
async function readText(
  chunks: AsyncIterable<Uint8Array>,
  max: number,
): Promise<{ text: string; complete: boolean; rest: AsyncIterator<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (size > max) return { text: Buffer.concat(parts).toString('utf8'), complete: false, rest: it };
    const r = await it.next();
    if (r.done) return { text: Buffer.concat(parts).toString('utf8'), complete: true, rest: it };
    parts.push(r.value);
    size += r.value.length;
  }
}

/**
 * An HTML document through the engine (see io/html.ts): its text, read as TSV when it opens with a
 * table, each finding placed back at its line and column in the HTML source.
 */
async function* scanHtml(
  path: string,
  source: string,
  opened: OpenedFile,
  options: ScanOptions,
): AsyncGenerator<FileEvent, FileSummary> {
  const html = htmlToText(source);
  const textBytes = Buffer.from(html.text, 'utf8');
  // Line starts of the source, to turn a source index into a line and a column.
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  // Byte offsets of the text to character indices, walking forward (findings come in order).
  let byte = 0;
  let char = 0;
  const charAt = (target: number): number => {
    if (target < byte) {
      byte = 0;
      char = 0;
    }
    while (byte < target && char < html.text.length) {
      const c = html.text.codePointAt(char)!;
      byte += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      char += c >= 0x10000 ? 2 : 1;
    }
    return char;
  };
  let colLine = -1;
  let colAt = 0;
  let colCount = 0;
  const format = html.tableFirst ? 'tsv' : 'text';
  async function* placed(): AsyncGenerator<Finding> {
    for await (const f of scanStream([textBytes], { ...options, format, path })) yield place(f);
  }
  const place = (f: Finding): Finding => {
    const at = html.toSource(charAt(f.start));
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    // Columns count code points from the line start, carried forward along a line (a minified
    // page is one long line: counting from its start for every finding would be quadratic).
    if (lo !== colLine || at < colAt) {
      colLine = lo;
      colAt = lineStarts[lo]!;
      colCount = 0;
    }
    for (; colAt < at; colAt++) {
      const c = source.charCodeAt(colAt);
      if (c < 0xdc00 || c > 0xdfff) colCount++;
    }
    return { ...f, line: lo + 1, column: colCount + 1 };
  };
  const count = yield* inBatches(placed());
  yield { kind: 'progress', bytes: opened.bytesRead };
  return {
    path,
    bytes: opened.bytesRead,
    findings: count,
    format: 'html',
    invalidUtf8: opened.invalidUtf8,
    ...(opened.encoding !== undefined ? { encoding: opened.encoding } : {}),
  };
}

/** An RTF document's text (see io/rtf.ts) through the engine; findings name the part `document`. */
async function* scanRtf(
  path: string,
  source: string,
  opened: OpenedFile,
  options: ScanOptions,
): AsyncGenerator<FileEvent, FileSummary> {
  const text = Buffer.from(rtfToText(source), 'utf8');
  async function* found(): AsyncGenerator<Finding> {
    for await (const f of scanStream([text], { ...options, format: 'text', path }))
      yield { ...f, part: 'document' };
  }
  const count = yield* inBatches(found());
  yield { kind: 'progress', bytes: opened.bytesRead };
  return { path, bytes: opened.bytesRead, findings: count, format: 'rtf' };
}

/** Runs `work`, reporting any failure as a ScanIoError of the file at `path`. */
async function inside<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ScanIoError && error.path !== path) {
      // Raised for an entry inside the file: the report names the file.
      const message = error.message.startsWith(path) ? error.message : `${path}!${error.message}`;
      throw new ScanIoError(error.code, path, message, { cause: error });
    }
    throw toScanIoError(error, path, 'read');
  }
}

/** The first `n` bytes of the file. */
async function readHead(path: string, n: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(n);
    const { bytesRead } = await handle.read(head, 0, n, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The findings of an archive or Office file (see scan-archive.ts), in batches; with `bytesRead`,
 * progress events as it grows (a PDF's pages).
 */
async function* scanContainer(
  path: string,
  findings: AsyncGenerator<Finding, ArchiveResult>,
  bytesRead?: () => number,
): AsyncGenerator<FileEvent, FileSummary> {
  let result: ArchiveResult | undefined;
  // The findings, each step's failure reported as the file's, the archive's result kept.
  async function* steps(): AsyncGenerator<Finding> {
    try {
      for (;;) {
        const r = await inside(path, () => findings.next());
        if (r.done) {
          result = r.value;
          return;
        }
        yield r.value;
      }
    } finally {
      // Left early (the consumer stopped): let the archive close.
      await findings.return(undefined as never).catch(() => {});
    }
  }
  const count = yield* inBatches(steps(), bytesRead);
  if (result === undefined)
    throw new ScanIoError('READ_ERROR', path, `${path}: the scan of its parts stopped early`);
  const bytes = (await stat(path)).size;
  yield { kind: 'progress', bytes };
  return {
    path,
    bytes,
    findings: count,
    format: result.kind,
    ...(result.unreadable > 0 ? { unreadableEntries: result.unreadable } : {}),
  };
}

/** `scanFileEvents` with callbacks (the worker threads post each event back). */
export async function scanFile(path: string, options: ScanOptions, sink: FileSink): Promise<FileSummary> {
  const events = scanFileEvents(path, options);
  for (;;) {
    const r = await events.next();
    if (r.done) return r.value;
    if (r.value.kind === 'findings') sink.findings(r.value.findings);
    else sink.progress(r.value.bytes);
  }
}

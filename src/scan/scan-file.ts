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
import { openCompound } from './io/ole.ts';
import { openUtf8 } from './io/open.ts';
import { isZipHead, openZipFile } from './io/zip.ts';
import { type ArchiveResult, scanArchive, scanOfficeParts } from './scan-archive.ts';
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
    if (isZipHead(head)) {
      const archive = await inside(path, () => openZipFile(path));
      if (archive !== undefined) return yield* scanContainer(path, scanArchive(archive, options, path));
    } else if (isCfbHead(head)) {
      const book = await inside(path, () => openCompound(path));
      if (book !== undefined) return yield* scanContainer(path, scanOfficeParts(book, options, path));
    }
    return { path, skipped: 'binary', bytes: opened.bytesRead, findings: 0 };
  }
  let batch: Finding[] = [];
  let count = 0;
  let lastProgress = 0;
  for await (const f of scanStream(opened.chunks, { ...options, format: opened.format, path })) {
    batch.push(f);
    count++;
    if (batch.length >= BATCH) {
      yield { kind: 'findings', findings: batch };
      batch = [];
    }
    if (opened.bytesRead - lastProgress >= 1 << 20) {
      lastProgress = opened.bytesRead;
      yield { kind: 'progress', bytes: lastProgress };
    }
  }
  if (batch.length > 0) yield { kind: 'findings', findings: batch };
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

/** The findings of an archive or Office file (see scan-archive.ts), in batches. */
async function* scanContainer(
  path: string,
  findings: AsyncGenerator<Finding, ArchiveResult>,
): AsyncGenerator<FileEvent, FileSummary> {
  let batch: Finding[] = [];
  let count = 0;
  let result: ArchiveResult;
  try {
    for (;;) {
      const r = await inside(path, () => findings.next());
      if (r.done) {
        result = r.value;
        break;
      }
      batch.push(r.value);
      count++;
      if (batch.length >= BATCH) {
        yield { kind: 'findings', findings: batch };
        batch = [];
      }
    }
  } finally {
    // Left early (the consumer stopped): let the archive close.
    await findings.return(undefined as never).catch(() => {});
  }
  if (batch.length > 0) yield { kind: 'findings', findings: batch };
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

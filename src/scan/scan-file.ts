/**
 * Scanning one file: open (sniff, gunzip, transcode), stream through the detector, hand findings
 * out in batches. Shared by the in-process path and the worker threads.
 *
 * @module
 */
import { stat } from 'node:fs/promises';
import { toScanIoError } from './io/errors.ts';
import { type OfficeDocument, openOffice } from './io/ooxml.ts';
import { openUtf8 } from './io/open.ts';
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
    // Office files are zips, binary to the sniffer: their text is read part by part.
    let office: OfficeDocument | undefined;
    try {
      office = await openOffice(path);
    } catch (error) {
      throw toScanIoError(error, path, 'read');
    }
    if (office !== undefined) return yield* scanOffice(path, office, options);
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

/**
 * The parts of an Office file through the engine: sheets as TSV, with each finding's line and
 * column set to the cell's row and column numbers; documents and slides as text. Each finding
 * names its part (the sheet, or `document`, `header1`, `slide3`…).
 */
async function* scanOffice(
  path: string,
  office: OfficeDocument,
  options: ScanOptions,
): AsyncGenerator<FileEvent, FileSummary> {
  let batch: Finding[] = [];
  let count = 0;
  try {
    for await (const part of office.parts()) {
      for await (const f of scanStream(part.chunks, { ...options, format: part.format, path })) {
        const cell = part.locate?.(f.start);
        batch.push(
          cell === undefined
            ? { ...f, part: part.name }
            : { ...f, line: cell.row, column: cell.column, part: part.name },
        );
        count++;
        if (batch.length >= BATCH) {
          yield { kind: 'findings', findings: batch };
          batch = [];
        }
      }
    }
  } catch (error) {
    throw toScanIoError(error, path, 'read');
  } finally {
    office.close();
  }
  if (batch.length > 0) yield { kind: 'findings', findings: batch };
  const bytes = (await stat(path)).size;
  yield { kind: 'progress', bytes };
  return { path, bytes, findings: count, format: office.kind };
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

/**
 * Scanning one file: open (sniff, gunzip, transcode), stream through the detector, hand findings
 * out in batches. Shared by the in-process path and the worker threads.
 *
 * @module
 */
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

/** Scan `path`; throws `ScanIoError` for I/O failures (the caller reports them and goes on). */
export async function scanFile(path: string, options: ScanOptions, sink: FileSink): Promise<FileSummary> {
  const opened = await openUtf8(path);
  if (opened.kind === 'binary') {
    opened.close();
    return { path, skipped: 'binary', bytes: opened.bytesRead, findings: 0 };
  }
  let batch: Finding[] = [];
  let count = 0;
  let lastProgress = 0;
  for await (const f of scanStream(opened.chunks, { ...options, format: opened.format, path })) {
    batch.push(f);
    count++;
    if (batch.length >= BATCH) {
      sink.findings(batch);
      batch = [];
    }
    if (opened.bytesRead - lastProgress >= 1 << 20) {
      lastProgress = opened.bytesRead;
      sink.progress(lastProgress);
    }
  }
  if (batch.length > 0) sink.findings(batch);
  sink.progress(opened.bytesRead);
  const summary: FileSummary = {
    path,
    bytes: opened.bytesRead,
    findings: count,
    format: opened.format,
    compressed: opened.compressed,
    invalidUtf8: opened.invalidUtf8,
    ...(opened.encoding !== undefined ? { encoding: opened.encoding } : {}),
  };
  return summary;
}

/**
 * The reporter interface shared by the output formats, and an output that respects
 * back-pressure (a scan can produce millions of findings; they must not pile up in memory).
 *
 * @module
 */
import type { Writable } from 'node:stream';
import type { FileSummary } from '../scan-file.ts';
import type { Finding } from '../types.ts';
import type { RenderFormat } from './render.ts';

export interface ScanTotals {
  readonly files: number;
  readonly skipped: number;
  readonly problems: number;
  readonly bytes: number;
  readonly findings: number;
  readonly seconds: number;
}

export interface ProblemReport {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

export interface Reporter {
  /**
   * A line format the scan's workers may render findings in themselves; they then arrive through
   * {@link Reporter.rendered} as bytes ready to write, instead of through `findings`.
   */
  readonly render?: RenderFormat;
  findings(batch: readonly Finding[]): Promise<void>;
  /** Findings already rendered in {@link Reporter.render}'s format (required with `render`). */
  rendered?(bytes: Uint8Array): Promise<void>;
  file(summary: FileSummary): Promise<void>;
  problem(problem: ProblemReport): Promise<void>;
  end(totals: ScanTotals): Promise<void>;
}

/**
 * Writes strings to a stream, waiting for `drain` when its buffer is full. A reader that goes away
 * (`shiming scan … | head`, EPIPE) or a failing write (a full disk under `-o`) closes the output:
 * later writes are dropped and the scan can stop, instead of an unhandled stream error ending the
 * process with a stack trace.
 */
export class Output {
  readonly #stream: Writable;
  /** No more writes will reach the reader. */
  closed = false;
  /** Why writing failed, when it was not the reader going away. */
  failure: NodeJS.ErrnoException | undefined;

  constructor(stream: Writable) {
    this.#stream = stream;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.closed = true;
      if (error.code !== 'EPIPE') this.failure ??= error;
    });
  }
  async write(s: string): Promise<void> {
    if (s === '' || this.closed) return;
    if (!this.#stream.write(s)) await this.#drain();
  }
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0 || this.closed) return;
    if (!this.#stream.write(bytes)) await this.#drain();
  }
  #drain(): Promise<void> {
    const stream = this.#stream;
    return new Promise<void>((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        stream.off('error', done);
        resolve();
      };
      stream.once('drain', done);
      stream.once('close', done);
      stream.once('error', done);
    });
  }
}

/** The stable JSON shape of a finding (JSONL lines, CSV columns): key order is part of it. */
export function findingRecord(f: Finding): Record<string, unknown> {
  const r: Record<string, unknown> = {
    path: f.path,
    line: f.line,
    column: f.column,
    field: f.field ?? null,
    ...(f.part === undefined ? {} : { part: f.part }),
    type: f.type,
    score: f.score,
    masked: f.masked,
  };
  if (f.value !== undefined) r.value = f.value;
  if (f.explanation !== undefined) r.explanation = f.explanation;
  return r;
}

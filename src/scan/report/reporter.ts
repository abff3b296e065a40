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

/** Writes strings to a stream, waiting for `drain` when its buffer is full. */
export class Output {
  readonly #stream: Writable;
  constructor(stream: Writable) {
    this.#stream = stream;
  }
  async write(s: string): Promise<void> {
    if (s === '') return;
    if (!this.#stream.write(s)) await this.#drain();
  }
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    if (!this.#stream.write(bytes)) await this.#drain();
  }
  #drain(): Promise<void> {
    return new Promise<void>((resolve) => this.#stream.once('drain', resolve));
  }
}

/** The stable JSON shape of a finding (JSONL lines, CSV columns): key order is part of it. */
export function findingRecord(f: Finding): Record<string, unknown> {
  const r: Record<string, unknown> = {
    path: f.path,
    line: f.line,
    column: f.column,
    field: f.field ?? null,
    type: f.type,
    score: f.score,
    masked: f.masked,
  };
  if (f.value !== undefined) r.value = f.value;
  if (f.explanation !== undefined) r.explanation = f.explanation;
  return r;
}

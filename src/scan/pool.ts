/**
 * A small pool of worker threads, one file per worker at a time, so a folder of many files uses
 * every core. Findings come back in batches; `scanPaths` puts them back in walk order.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import type { RenderFormat } from './report/render.ts';
import type { FileSummary } from './scan-file.ts';
import type { Finding, ScanOptions } from './types.ts';

/** Options that cross the thread boundary (structured-clone safe). */
export type WorkerScanOptions = Omit<ScanOptions, 'now' | 'path' | 'format'>;

export interface WorkerTask {
  readonly id: number;
  readonly path: string;
  readonly options: WorkerScanOptions;
  readonly now?: string;
  /** Render findings in this format and reply with bytes (`rendered`) instead of objects. */
  readonly render?: RenderFormat;
}

export type WorkerReply =
  | { readonly id: number; readonly kind: 'findings'; readonly findings: Finding[] }
  | { readonly id: number; readonly kind: 'rendered'; readonly bytes: Uint8Array; readonly count: number }
  | { readonly id: number; readonly kind: 'progress'; readonly bytes: number }
  | { readonly id: number; readonly kind: 'done'; readonly summary: FileSummary }
  | { readonly id: number; readonly kind: 'problem'; readonly code: string; readonly message: string };

/** The worker script next to this module: `.ts` when running from source, `.js` when built. */
function workerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./worker${ext}`, import.meta.url);
}

export class WorkerPool {
  readonly #workers: Worker[] = [];
  readonly #idle: Worker[] = [];
  readonly #onReply: (r: WorkerReply) => void;
  readonly #busy = new Map<Worker, number>();
  #failed: ((error: Error) => void) | undefined;

  constructor(size: number, onReply: (r: WorkerReply) => void, onFatal: (error: Error) => void) {
    this.#onReply = onReply;
    this.#failed = onFatal;
    for (let i = 0; i < size; i++) {
      const w = new Worker(workerUrl());
      w.on('message', (r: WorkerReply) => {
        if (r.kind === 'done' || r.kind === 'problem') {
          this.#busy.delete(w);
          this.#idle.push(w);
        }
        this.#onReply(r);
      });
      w.on('error', (e) => this.#failed?.(e));
      this.#workers.push(w);
      this.#idle.push(w);
    }
  }

  get idle(): number {
    return this.#idle.length;
  }

  run(task: WorkerTask): void {
    const w = this.#idle.pop();
    if (!w) throw new Error('no idle worker');
    this.#busy.set(w, task.id);
    w.postMessage(task);
  }

  async close(): Promise<void> {
    this.#failed = undefined;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

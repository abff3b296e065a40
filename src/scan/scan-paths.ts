/**
 * Scanning files and folders: walk, then scan each file (in worker threads when there are several
 * files and more than one job), and report events in walk order.
 *
 * @module
 */
import { availableParallelism } from 'node:os';
import { ScanIoError } from './io/errors.ts';
import { walk } from './io/walk.ts';
import { WorkerPool, type WorkerReply, type WorkerScanOptions } from './pool.ts';
import type { RenderFormat } from './report/render.ts';
import { type FileSummary, scanFileEvents } from './scan-file.ts';
import type { Finding, ScanOptions } from './types.ts';

export interface ScanPathsOptions extends Omit<ScanOptions, 'path' | 'format'> {
  /** Gitignore-style patterns to leave out. */
  readonly exclude?: readonly string[];
  /** Honour `.gitignore` files in the tree (default true). */
  readonly respectGitignore?: boolean;
  /** Files larger than this are skipped with a `TOO_LARGE` problem. */
  readonly maxFileSize?: number;
  /** Worker threads (default: available cores; 1 scans in this thread). */
  readonly jobs?: number;
  /**
   * Let worker threads render findings in this line format: their findings then come as
   * `rendered` events (bytes in that format) instead of `findings`. Scans in this thread still
   * yield `findings`.
   */
  readonly render?: RenderFormat;
}

export type ScanEvent =
  | { readonly kind: 'plan'; readonly files: number; readonly bytes: number }
  | { readonly kind: 'findings'; readonly path: string; readonly findings: readonly Finding[] }
  | { readonly kind: 'rendered'; readonly path: string; readonly bytes: Uint8Array; readonly count: number }
  | { readonly kind: 'file'; readonly summary: FileSummary }
  | { readonly kind: 'problem'; readonly path: string; readonly code: string; readonly message: string }
  | { readonly kind: 'progress'; readonly bytes: number };

interface Slot {
  readonly path: string;
  readonly batches: (Finding[] | { readonly bytes: Uint8Array; readonly count: number })[];
  end?: ScanEvent;
}

/**
 * Scan paths, yielding events: one `plan`, then per file its `findings` batches followed by a
 * `file` (or a `problem`), in walk order; `progress` events interleave.
 */
export async function* scanPaths(
  paths: readonly string[],
  options: ScanPathsOptions = {},
): AsyncGenerator<ScanEvent> {
  const files: { path: string; size: number }[] = [];
  const early: ScanEvent[] = [];
  const walkOptions = {
    ...(options.exclude ? { exclude: options.exclude } : {}),
    ...(options.respectGitignore !== undefined ? { respectGitignore: options.respectGitignore } : {}),
    ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
  };
  for await (const item of walk([...paths], walkOptions)) {
    if (item.kind === 'file') files.push({ path: item.path, size: item.size });
    else early.push({ kind: 'problem', path: item.path, code: item.error.code, message: item.error.message });
  }
  yield { kind: 'plan', files: files.length, bytes: files.reduce((a, f) => a + f.size, 0) };
  yield* early;

  const { exclude: _e, respectGitignore: _r, maxFileSize: _m, jobs: _j, render, ...scanOptions } = options;
  const jobs = Math.max(1, Math.min(options.jobs ?? availableParallelism(), files.length));
  if (jobs === 1) {
    yield* inProcess(files, scanOptions);
    return;
  }
  yield* pooled(files, scanOptions, jobs, render);
}

async function* inProcess(
  files: readonly { path: string }[],
  options: ScanOptions,
): AsyncGenerator<ScanEvent> {
  let done = 0;
  for (const { path } of files) {
    let current = 0;
    try {
      const events = scanFileEvents(path, options);
      for (;;) {
        const r = await events.next();
        if (r.done) {
          yield { kind: 'file', summary: r.value };
          done += r.value.bytes;
          break;
        }
        if (r.value.kind === 'findings') yield { kind: 'findings', path, findings: r.value.findings };
        else {
          current = r.value.bytes;
          yield { kind: 'progress', bytes: done + current };
        }
      }
    } catch (error) {
      yield problemOf(path, error);
      done += current;
    }
  }
}

function problemOf(path: string, error: unknown): ScanEvent {
  if (error instanceof ScanIoError)
    return { kind: 'problem', path, code: error.code, message: error.message };
  const what = error instanceof Error ? error.name : 'error';
  return { kind: 'problem', path, code: 'READ_ERROR', message: `${path}: ${what} while scanning` };
}

async function* pooled(
  files: readonly { path: string }[],
  options: ScanOptions,
  jobs: number,
  render: RenderFormat | undefined,
): AsyncGenerator<ScanEvent> {
  const { now, ...rest } = options;
  const workerOptions: WorkerScanOptions = rest;
  const slots: Slot[] = [];
  const progress = new Map<number, number>();
  let progressDirty = false;
  let wake: (() => void) | undefined;
  let fatal: Error | undefined;
  // Replies can land while the consumer holds a yielded event, so a flag (not only the waker)
  // records that there is news, and the loop never sleeps on news it has not looked at.
  let news = false;
  const notify = () => {
    news = true;
    wake?.();
    wake = undefined;
  };
  const onReply = (r: WorkerReply) => {
    const slot = slots[r.id]!;
    switch (r.kind) {
      case 'findings':
        slot.batches.push(r.findings);
        break;
      case 'rendered':
        slot.batches.push({ bytes: r.bytes, count: r.count });
        break;
      case 'progress':
        progress.set(r.id, r.bytes);
        progressDirty = true;
        break;
      case 'done':
        progress.set(r.id, r.summary.bytes);
        progressDirty = true;
        slot.end = { kind: 'file', summary: r.summary };
        break;
      case 'problem':
        slot.end = { kind: 'problem', path: slot.path, code: r.code, message: r.message };
        break;
    }
    notify();
  };
  const pool = new WorkerPool(jobs, onReply, (e) => {
    fatal = e;
    notify();
  });
  try {
    let next = 0;
    let head = 0;
    while (head < files.length) {
      news = false;
      while (next < files.length && pool.idle > 0) {
        slots[next] = { path: files[next]!.path, batches: [] };
        pool.run({
          id: next,
          path: files[next]!.path,
          options: workerOptions,
          ...(now ? { now: now.toISOString() } : {}),
          ...(render ? { render } : {}),
        });
        next++;
      }
      // Emit what the head file has, and whole files behind it once they are done.
      while (head < next) {
        const slot = slots[head]!;
        // Batches can arrive while a yielded event is being consumed: drain until none are left,
        // and only then look at whether the file has ended.
        while (slot.batches.length > 0) {
          for (const batch of slot.batches.splice(0)) {
            yield Array.isArray(batch)
              ? { kind: 'findings', path: slot.path, findings: batch }
              : { kind: 'rendered', path: slot.path, bytes: batch.bytes, count: batch.count };
          }
        }
        if (!slot.end) break;
        yield slot.end;
        slots[head] = { path: slot.path, batches: [] };
        head++;
      }
      if (progressDirty) {
        progressDirty = false;
        let total = 0;
        for (const v of progress.values()) total += v;
        yield { kind: 'progress', bytes: total };
      }
      if (fatal) throw fatal;
      if (head < files.length && !news) await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    await pool.close();
  }
}

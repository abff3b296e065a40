/**
 * The vault's background work on a running server: rewrapping DEKs after a KEK rotation, pruning
 * archived subjects whose retention hold is over, and building the masked views of subjects
 * stored before views existed (masked-view.ts; the job ends once none is left, since new and
 * updated subjects always get theirs). Each job runs on its own timer, never overlapping itself;
 * timers do not keep the process alive. Several servers may run them at once (the jobs are
 * idempotent and compare-and-swap their rows).
 *
 * @module
 */
import type { Vault } from './vault.ts';

export interface VaultJobsOptions {
  /** Rewrap step interval (default 10 s; 0: off). */
  readonly rewrapIntervalMs?: number;
  /** DEKs per rewrap step (default 500). */
  readonly rewrapBatch?: number;
  /** Prune interval (default 1 h; 0: off). */
  readonly pruneIntervalMs?: number;
  /** Masked-view backfill step interval (default 10 s; 0: off); 500 subjects a step. */
  readonly viewsIntervalMs?: number;
  /** Told about each failed run (the jobs go on). */
  readonly onError?: (job: 'rewrap' | 'prune' | 'views', error: unknown) => void;
}

/** Running jobs. */
export interface VaultJobs {
  /** Stops the timers and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Subjects per masked-view backfill step. */
const VIEWS_BATCH = 500;

/** Starts the jobs for `vault`. */
export function startVaultJobs(vault: Vault, options: VaultJobsOptions = {}): VaultJobs {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  const every = (ms: number, job: 'rewrap' | 'prune' | 'views', run: () => Promise<unknown>) => {
    if (ms <= 0) return undefined;
    let busy = false;
    const timer = setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      const p = run()
        .catch((error: unknown) => options.onError?.(job, error))
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    }, ms);
    timer.unref();
    timers.push(timer);
    return timer;
  };
  const batch = options.rewrapBatch ?? 500;
  // A step that did a full batch runs again at once: rotation of a large tenant finishes sooner.
  every(options.rewrapIntervalMs ?? 10_000, 'rewrap', async () => {
    while (!stopped && (await vault.rewrapStep(batch)).rewrapped >= batch);
  });
  every(options.pruneIntervalMs ?? 3_600_000, 'prune', () => vault.pruneExpired());
  const views = every(options.viewsIntervalMs ?? 10_000, 'views', async () => {
    let built: number;
    do built = await vault.backfillMaskedViews(VIEWS_BATCH);
    while (!stopped && built >= VIEWS_BATCH);
    // Nothing left to build: new and updated subjects get their view as they are written.
    if (built === 0 && views !== undefined) clearInterval(views);
  });
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}

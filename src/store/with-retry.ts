import { setTimeout as sleep } from 'node:timers/promises';
import { StoreError } from './store-error.ts';
import { toStoreError } from './to-store-error.ts';

/** Tuning of {@link withRetry}. The defaults suit short OLTP transactions. */
export interface RetryOptions {
  /** Total attempts, the first included (default 5). */
  readonly attempts?: number;
  /** Upper bound of the first pause, in ms (default 5); doubles per attempt. */
  readonly baseDelayMs?: number;
  /** Upper bound of any pause, in ms (default 250). */
  readonly maxDelayMs?: number;
  /** Uniform random number in [0, 1) for the jitter (default `Math.random`). */
  readonly random?: () => number;
  /** How to wait (default a timer); tests pass a recorder. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each pause, e.g. to count retries in metrics. */
  readonly onRetry?: (error: Error, attempt: number, delayMs: number) => void;
}

/**
 * Runs `work` (a whole transaction) and runs it again when the database says a retry may
 * succeed: PostgreSQL serialization failures (SQLSTATE 40001, which Citus and YugabyteDB raise
 * routinely) and deadlocks (40P01), locks not obtained (55P03), and SQLITE_BUSY.
 *
 * Pauses use "full jitter" exponential backoff: attempt n waits a uniform random time up to
 * `min(maxDelayMs, baseDelayMs * 2^(n-1))`, so competing transactions spread out instead of
 * colliding again. After the last attempt the last error is thrown. Errors that are not
 * retryable are thrown at once, converted to StoreError if they came from a driver.
 *
 * `work` must be safe to run more than once: do everything inside the transaction it opens,
 * and no side effects outside it.
 *
 * @example
 * ```ts
 * const index = await withRetry(() =>
 *   db.transaction().setIsolationLevel('serializable').execute(async (trx) => appendBatch(trx, entries)),
 * );
 * ```
 */
export async function withRetry<T>(
  work: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const base = options.baseDelayMs ?? 5;
  const max = options.maxDelayMs ?? 250;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const storeError = isDriverError(error) ? toStoreError(error) : error;
      if (!(storeError instanceof StoreError) || !storeError.retryable || attempt >= attempts)
        throw storeError;
      const delayMs = Math.floor(random() * Math.min(max, base * 2 ** (attempt - 1)));
      options.onRetry?.(storeError, attempt, delayMs);
      await wait(delayMs);
    }
  }
}

// Errors raised by a driver outside the store's own connections (a raw pg client, say) still
// get classified; the caller's own errors pass through untouched.
function isDriverError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; severity?: unknown; errcode?: unknown };
  return (typeof e.severity === 'string' && typeof e.code === 'string') || e.code === 'ERR_SQLITE_ERROR';
}

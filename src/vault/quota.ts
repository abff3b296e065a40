/**
 * Per-actor quotas on how many records an actor reads, looks up or detokenizes per window: bulk
 * pulls are how insiders collect data to sell, so a customer-service key that suddenly reads ten
 * thousand subjects is stopped, not just logged.
 *
 * Sliding-window estimate (the previous fixed window weighted by how much of it still overlaps,
 * plus the current one): O(1) memory per actor and counter, and at most 1.5 × `limit` in any
 * interval one window long (the worst case: the whole previous window at its very end; tested).
 * Counters live in
 * this process; with several servers each enforces its own share (document the total as
 * limit × servers, or run the quota behind one node).
 *
 * @module
 */
import type { Quota } from './policy.ts';

export type QuotaCounter = 'reads' | 'lookups' | 'detokenizations';

interface Window {
  start: number;
  current: number;
  previous: number;
}

/** The verdict on a request for `count` more records. */
export type QuotaVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export class QuotaTracker {
  readonly #windows = new Map<string, Window>();
  readonly #now: () => number;
  readonly #maxActors: number;

  /** @param now - clock in milliseconds (tests pass their own). */
  constructor(now: () => number = Date.now, maxActors = 100_000) {
    this.#now = now;
    this.#maxActors = maxActors;
  }

  /**
   * Takes `count` from the actor's quota if it fits; otherwise takes nothing and says when to
   * retry. A request larger than the whole quota is refused outright.
   */
  take(actor: string, counter: QuotaCounter, quota: Quota | undefined, count: number): QuotaVerdict {
    if (quota === undefined) return { ok: true };
    const windowMs = quota.windowSeconds * 1000;
    if (count > quota.limit) return { ok: false, retryAfterSeconds: quota.windowSeconds };
    const key = `${counter}\u0000${actor}`;
    const now = this.#now();
    let w = this.#windows.get(key);
    if (w === undefined) {
      if (this.#windows.size >= this.#maxActors) this.#evict(now, windowMs);
      w = { start: now - (now % windowMs), current: 0, previous: 0 };
      this.#windows.set(key, w);
    }
    const elapsedWindows = Math.floor((now - w.start) / windowMs);
    if (elapsedWindows >= 1) {
      w.previous = elapsedWindows === 1 ? w.current : 0;
      w.current = 0;
      w.start += elapsedWindows * windowMs;
    }
    const overlap = 1 - (now - w.start) / windowMs;
    const used = w.previous * overlap + w.current;
    if (used + count > quota.limit) {
      // The previous window's share decays linearly; wait until enough of it has gone.
      const excess = used + count - quota.limit;
      const wait =
        w.previous > 0 ? Math.min(windowMs, (excess / w.previous) * windowMs) : w.start + windowMs - now;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    w.current += count;
    return { ok: true };
  }

  #evict(now: number, windowMs: number): void {
    for (const [key, w] of this.#windows) if (now - w.start >= 2 * windowMs) this.#windows.delete(key);
    // Still full: drop the oldest half rather than grow without bound.
    if (this.#windows.size >= this.#maxActors) {
      let n = 0;
      for (const key of this.#windows.keys()) {
        if (n++ >= this.#maxActors / 2) break;
        this.#windows.delete(key);
      }
    }
  }
}

/**
 * Per-key rate limiting: one token bucket per API key, in this process's memory.
 *
 * A bucket holds up to `burst` tokens and refills at `perSecond`; a request takes one. With
 * several servers behind a load balancer each keeps its own buckets, so a key's effective limit is
 * `perSecond` × the number of servers (documented in docs/configuration.md). Only authenticated
 * keys get a bucket, so the map is bounded by the number of keys in use.
 *
 * @module
 */

export interface TokenBucketOptions {
  /** Sustained requests per second per key; 0 turns limiting off. */
  readonly perSecond: number;
  /** Most requests a key may make at once after being idle (≥ 1). */
  readonly burst: number;
  /** Monotonic milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

/** The outcome for one request. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

const SWEEP_AT = 10_000;

/** Token buckets keyed by API key id. */
export class TokenBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: TokenBucketOptions) {
    if (!(options.perSecond >= 0) || !(options.burst >= 1)) {
      throw new RangeError('perSecond must be ≥ 0 and burst ≥ 1');
    }
    this.#rate = options.perSecond / 1000;
    this.#burst = options.burst;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Takes a token for `key`, or says how many whole seconds until one is available. */
  take(key: string): TakeResult {
    if (this.#rate === 0) return { ok: true };
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= SWEEP_AT) this.#sweep(now);
      bucket = { tokens: this.#burst, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#rate);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#rate / 1000)) };
  }

  /** Number of buckets held (for tests). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Forgets buckets that would be full by now: they carry no state. */
  #sweep(now: number): void {
    for (const [key, b] of this.#buckets) {
      if (b.tokens + (now - b.at) * this.#rate >= this.#burst) this.#buckets.delete(key);
    }
  }
}

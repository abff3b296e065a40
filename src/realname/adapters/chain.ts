/**
 * `VerifierChain`: one entry point over several verification adapters, with retry and failover
 * for outages only.
 *
 * The rule that matters: only UPSTREAM_UNAVAILABLE is retried (with exponential backoff) and then
 * failed over to the next adapter providing the method. Every other outcome is final. Retrying a
 * MISMATCH at a second vendor would turn the platform into an oracle (ask until someone says
 * MATCH) and bill twice; a NO_RECORD or INVALID_INPUT will not change by asking again; a
 * RATE_LIMITED goes back to the caller, who must slow down (it may be an enumeration attempt).
 *
 * Per-adapter counters keep outages out of billing: `billable` counts MATCH and MISMATCH only.
 *
 * @module
 */
import {
  VERIFICATION_METHODS,
  VERIFICATION_OUTCOMES,
  type VerificationAdapter,
  type VerificationMethod,
  type VerificationOutcome,
  type VerificationRequest,
  type VerificationResult,
} from '../types.ts';
import { AdapterError } from './errors.ts';

export { AdapterError, type AdapterErrorCode } from './errors.ts';

/** Options of {@link VerifierChain}. */
export interface VerifierChainOptions {
  /** Adapters in order of preference; for each method, those providing it are tried in this order. */
  readonly adapters: readonly VerificationAdapter[];
  /** Retries of one adapter after UPSTREAM_UNAVAILABLE before failing over (default 1). */
  readonly retries?: number;
  /** First backoff, doubled on each retry (default 50 ms). */
  readonly backoffMs?: number;
  /** Backoff ceiling (default 1,000 ms). */
  readonly maxBackoffMs?: number;
  /** Sleep, injectable for tests (default a timer that an abort cuts short). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Monotonic clock in ms for `latencyMs` (default `performance.now`). */
  readonly now?: () => number;
}

/** Counters of one adapter in a chain. */
export interface AdapterCounters {
  /** Calls made (retries included). */
  readonly calls: number;
  /** MATCH + MISMATCH: what the provider bills. */
  readonly billable: number;
  /** UPSTREAM_UNAVAILABLE answers and thrown errors. */
  readonly failures: number;
  readonly outcomes: Readonly<Record<VerificationOutcome, number>>;
}

interface MutableCounters {
  calls: number;
  billable: number;
  failures: number;
  outcomes: Record<VerificationOutcome, number>;
}

const zeroOutcomes = (): Record<VerificationOutcome, number> =>
  Object.fromEntries(VERIFICATION_OUTCOMES.map((o) => [o, 0])) as Record<VerificationOutcome, number>;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Verification through an ordered list of adapters, retrying and failing over on outages only. */
export class VerifierChain {
  readonly #routes = new Map<VerificationMethod, VerificationAdapter[]>();
  readonly #adapters: readonly VerificationAdapter[];
  readonly #counters = new Map<string, MutableCounters>();
  readonly #retries: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;

  constructor(options: VerifierChainOptions) {
    const retries = options.retries ?? 1;
    const backoffMs = options.backoffMs ?? 50;
    const maxBackoffMs = options.maxBackoffMs ?? 1_000;
    if (!Number.isInteger(retries) || retries < 0 || retries > 10)
      throw new AdapterError('BAD_CONFIGURATION', 'retries must be an integer from 0 to 10');
    if (!(backoffMs >= 0) || !(maxBackoffMs >= 0))
      throw new AdapterError('BAD_CONFIGURATION', 'backoff must be 0 or more');
    for (const a of options.adapters) {
      if (this.#counters.has(a.id))
        throw new AdapterError('BAD_CONFIGURATION', `adapter id ${a.id} appears twice`);
      this.#counters.set(a.id, { calls: 0, billable: 0, failures: 0, outcomes: zeroOutcomes() });
      for (const m of a.methods) {
        const list = this.#routes.get(m) ?? [];
        list.push(a);
        this.#routes.set(m, list);
      }
    }
    this.#adapters = [...options.adapters];
    this.#retries = retries;
    this.#backoffMs = backoffMs;
    this.#maxBackoffMs = maxBackoffMs;
    this.#sleep = options.sleep ?? defaultSleep;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Methods at least one adapter provides. */
  get methods(): readonly VerificationMethod[] {
    return VERIFICATION_METHODS.filter((m) => this.#routes.has(m));
  }

  /**
   * Verifies through the adapters providing `request.method`. The result is the first outcome
   * other than UPSTREAM_UNAVAILABLE (or the last UPSTREAM_UNAVAILABLE when all are down), with
   * `attempts` = calls made and `latencyMs` = total time, backoff included.
   * @throws AdapterError `METHOD_NOT_AVAILABLE` when no adapter provides the method; the caller's
   *   abort reason when `options.signal` aborts; whatever an adapter throws (a programming error).
   */
  async verify(
    request: VerificationRequest,
    options?: { readonly signal?: AbortSignal },
  ): Promise<VerificationResult> {
    const route = this.#routes.get(request.method);
    if (route === undefined)
      throw new AdapterError(
        'METHOD_NOT_AVAILABLE',
        `no adapter provides method ${String(request.method).slice(0, 40)}`,
      );
    const signal = options?.signal;
    const started = this.#now();
    let attempts = 0;
    let last: VerificationResult | undefined;
    for (const adapter of route) {
      const counters = this.#counters.get(adapter.id)!;
      for (let attempt = 0; attempt <= this.#retries; attempt++) {
        if (attempt > 0) {
          const wait = Math.min(this.#maxBackoffMs, this.#backoffMs * 2 ** (attempt - 1));
          if (wait > 0) await this.#sleep(wait, signal);
        }
        signal?.throwIfAborted();
        attempts++;
        counters.calls++;
        let result: VerificationResult;
        try {
          result = await adapter.verify(request, signal === undefined ? undefined : { signal });
        } catch (error) {
          counters.failures++;
          throw error;
        }
        // An adapter answering an outcome outside the taxonomy is treated as down, never as a verdict.
        const outcome = VERIFICATION_OUTCOMES.includes(result.outcome)
          ? result.outcome
          : 'UPSTREAM_UNAVAILABLE';
        counters.outcomes[outcome]++;
        if (outcome === 'MATCH' || outcome === 'MISMATCH') counters.billable++;
        if (outcome !== 'UPSTREAM_UNAVAILABLE') {
          return { ...result, attempts, latencyMs: this.#elapsed(started) };
        }
        counters.failures++;
        last = { ...result, outcome };
      }
    }
    return { ...last!, attempts, latencyMs: this.#elapsed(started) };
  }

  /** Counters per adapter id (copies). */
  counters(): Readonly<Record<string, AdapterCounters>> {
    return Object.fromEntries(
      [...this.#counters].map(([id, c]) => [id, { ...c, outcomes: { ...c.outcomes } }]),
    );
  }

  /** Closes every adapter. */
  async close(): Promise<void> {
    await Promise.all(this.#adapters.map((a) => a.close?.()));
  }

  #elapsed(started: number): number {
    return Math.round((this.#now() - started) * 1000) / 1000;
  }
}

/**
 * Anti-enumeration: a platform that verifies name + ID pairs is an oracle a fraudster would love
 * (is this ID number real? does this name go with it?). The guard limits verification attempts
 * per caller (API key) and per identity (its reference, never the number), and raises an alert
 * when a caller's attempts turn into a burst of MISMATCH / NO_RECORD answers — the signature of
 * someone testing a leaked list.
 *
 * Counters are in memory, per server process: with N servers the effective limit is at most N
 * times the configured one, which still bounds an enumeration; the alert goes to the audit log,
 * which all servers share.
 *
 * @module
 */

export interface AttemptLimits {
  /** Attempts per caller per minute (default 200,000: a registration back end at ~3,000/s; the per-identity limit and the failure alert are what stop enumeration). */
  readonly perCallerPerMinute: number;
  /** Attempts per identity per day (default 20; Tencent allows 1,000 per ID a day for all its clients). */
  readonly perIdentityPerDay: number;
  /** Failures (MISMATCH, NO_RECORD) per caller in a minute that raise an alert (default 30). */
  readonly failureBurst: number;
  /** …if they are also at least this share of the caller's attempts in that minute (default 0.5). */
  readonly failureShare: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = {
  perCallerPerMinute: 200_000,
  perIdentityPerDay: 20,
  failureBurst: 30,
  failureShare: 0.5,
};

/** An alert: a caller whose verifications fail in a burst. No PI: the caller is an API key id. */
export interface EnumerationAlert {
  readonly tenant: string;
  readonly actor: string;
  readonly failures: number;
  readonly attempts: number;
  readonly windowSeconds: number;
}

/** A fixed-window counter: cheap, and exact enough for limits of this kind. */
class WindowCounter {
  readonly #windowMs: number;
  readonly #counts = new Map<string, { start: number; n: number; failures: number; alerted: boolean }>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  entry(key: string, now: number): { start: number; n: number; failures: number; alerted: boolean } {
    let e = this.#counts.get(key);
    if (e === undefined || now - e.start >= this.#windowMs) {
      if (this.#counts.size > 100_000) this.#sweep(now);
      e = { start: now, n: 0, failures: 0, alerted: false };
      this.#counts.set(key, e);
    }
    return e;
  }

  retryAfterSeconds(key: string, now: number): number {
    const e = this.#counts.get(key);
    return e === undefined ? 1 : Math.max(1, Math.ceil((e.start + this.#windowMs - now) / 1000));
  }

  #sweep(now: number): void {
    for (const [k, e] of this.#counts) if (now - e.start >= this.#windowMs) this.#counts.delete(k);
  }
}

export type AttemptVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryAfterSeconds: number };

export class AttemptGuard {
  readonly limits: AttemptLimits;
  readonly #clock: () => number;
  readonly #callers = new WindowCounter(60_000);
  readonly #identities = new WindowCounter(86_400_000);
  readonly #onAlert: (alert: EnumerationAlert) => void;
  #alerts = 0;

  constructor(
    limits: Partial<AttemptLimits> = {},
    clock: () => number = Date.now,
    onAlert: (alert: EnumerationAlert) => void = () => {},
  ) {
    this.limits = { ...DEFAULT_ATTEMPT_LIMITS, ...limits };
    this.#clock = clock;
    this.#onAlert = onAlert;
  }

  /** Takes one attempt for the caller, and for the identity when it is known. */
  take(tenant: string, actor: string, identityRef?: string): AttemptVerdict {
    const now = this.#clock();
    const callerKey = `${tenant}\u0000${actor}`;
    const caller = this.#callers.entry(callerKey, now);
    if (caller.n >= this.limits.perCallerPerMinute) {
      return { ok: false, retryAfterSeconds: this.#callers.retryAfterSeconds(callerKey, now) };
    }
    if (identityRef !== undefined) {
      const idKey = `${tenant}\u0000${identityRef}`;
      const identity = this.#identities.entry(idKey, now);
      if (identity.n >= this.limits.perIdentityPerDay) {
        return { ok: false, retryAfterSeconds: this.#identities.retryAfterSeconds(idKey, now) };
      }
      identity.n++;
    }
    caller.n++;
    return { ok: true };
  }

  /** Enumeration alerts raised since start. */
  get alerts(): number {
    return this.#alerts;
  }

  /** Notes a definite failure; returns the alert if this one makes the caller's minute a burst. */
  failed(tenant: string, actor: string): EnumerationAlert | undefined {
    const caller = this.#callers.entry(`${tenant}\u0000${actor}`, this.#clock());
    caller.failures++;
    if (
      !caller.alerted &&
      caller.failures >= this.limits.failureBurst &&
      caller.failures >= this.limits.failureShare * caller.n
    ) {
      caller.alerted = true;
      this.#alerts++;
      const alert = { tenant, actor, failures: caller.failures, attempts: caller.n, windowSeconds: 60 };
      this.#onAlert(alert);
      return alert;
    }
    return undefined;
  }
}

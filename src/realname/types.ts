/**
 * The vocabulary of real-name registration shared by policies, verification adapters, accounts
 * and the enforcement job: assurance levels, verification methods, the normalized result taxonomy
 * every adapter maps its provider's codes onto, age bands and account states.
 *
 * Nothing here holds PI: a {@link VerificationResult} is a *verification record* (method, level,
 * provider, time, normalized outcome), never a copy of the identity document.
 *
 * @module
 */

/**
 * Assurance levels, lowest first. L1: phone OTP or an offline document check; L2: a two-factor
 * (name + ID) or operator three-factor (name + ID + mobile) check against an authority; L3: the
 * national network-identity credential (网号/网证) or liveness against the authority's portrait.
 */
export const ASSURANCE_LEVELS = ['L1', 'L2', 'L3'] as const;
export type AssuranceLevel = (typeof ASSURANCE_LEVELS)[number];

/** `a` is at least `b`. */
export function levelAtLeast(a: AssuranceLevel, b: AssuranceLevel): boolean {
  return ASSURANCE_LEVELS.indexOf(a) >= ASSURANCE_LEVELS.indexOf(b);
}

/** Means of verification, and the level each reaches. */
export const METHOD_LEVELS = {
  /** Offline check of the document number's format, checksum, birth date and region only. */
  document: 'L1',
  /** Name + resident ID against the identity authority (二要素). */
  'id-two-factor': 'L2',
  /** Name + resident ID + mobile against the operator's real-name records (三要素). */
  'mobile-three-factor': 'L2',
  /** The national network identity credential (网号/网证): result only, no ID number. */
  'network-identity': 'L3',
} as const satisfies Record<string, AssuranceLevel>;
export type VerificationMethod = keyof typeof METHOD_LEVELS;
export const VERIFICATION_METHODS = Object.keys(METHOD_LEVELS) as VerificationMethod[];

/**
 * The normalized outcome of one verification. Only MATCH and MISMATCH are definite verdicts about
 * the person (and the only ones a vendor bills); the rest say nothing about them.
 */
export const VERIFICATION_OUTCOMES = [
  'MATCH',
  'MISMATCH',
  'NO_RECORD',
  'INVALID_INPUT',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** Which submitted element did not match the authority's record. */
export type MismatchElement = 'name' | 'residentId' | 'mobile';

/**
 * Age bands: the union of the boundaries the rules use (8, 16, 18 for game spending tiers; 14 for
 * guardian consent under the children's PI provisions). A band is all an adapter may report when
 * the platform holds no birth date.
 */
export const AGE_BANDS = ['0-7', '8-13', '14-15', '16-17', '18+'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** The band of an age in whole years. */
export function ageBandOf(age: number): AgeBand {
  if (age < 8) return '0-7';
  if (age < 14) return '8-13';
  if (age < 16) return '14-15';
  if (age < 18) return '16-17';
  return '18+';
}

/** Mobile operators an authority may name for a three-factor check. */
export type Carrier = 'cmcc' | 'cucc' | 'ctcc' | 'cbn' | 'mvno';

/** What is submitted for a verification. Inputs are used for the check and then dropped. */
export interface VerificationRequest {
  readonly method: VerificationMethod;
  readonly name?: string;
  /** Normalised 18-character resident ID. */
  readonly residentId?: string;
  /** Normalised 11-digit mobile. */
  readonly mobile?: string;
  /** The network-identity flow: the platform's business serial and the user's credential data. */
  readonly networkIdentity?: {
    /** The platform's unique serial of this attempt (32 characters). */
    readonly bizSeq: string;
    /** Opaque credential data the user's identity app returned (never parsed by the platform). */
    readonly authData: string;
  };
}

/** A verification record: what happened, never the inputs. */
export interface VerificationResult {
  readonly outcome: VerificationOutcome;
  readonly method: VerificationMethod;
  /** The level reached: the method's level on MATCH, otherwise absent. */
  readonly level?: AssuranceLevel;
  /** The adapter that gave the verdict (e.g. `authority-primary`). */
  readonly provider: string;
  /** The provider's own request id, for disputes and billing reconciliation. */
  readonly providerRequestId?: string;
  /** On MISMATCH: which elements, when the provider says. */
  readonly mismatch?: readonly MismatchElement[];
  readonly ageBand?: AgeBand;
  readonly carrier?: Carrier;
  /**
   * On a network-identity MATCH: the opaque network identity number (网号). It carries no
   * plaintext identity and is what the platform keys the person by instead of an ID number.
   */
  readonly networkIdentity?: string;
  /** On RATE_LIMITED: how long the provider asked us to wait. */
  readonly retryAfterMs?: number;
  /** Time spent, across retries and failover. */
  readonly latencyMs: number;
  /** Adapters tried, in order (failover leaves more than one). */
  readonly attempts: number;
}

/** A verification adapter: one provider of one or more methods. */
export interface VerificationAdapter {
  /** Stable id, recorded as the result's provider (e.g. `document`, `authority-primary`). */
  readonly id: string;
  readonly methods: readonly VerificationMethod[];
  /**
   * Checks `request`. Never throws for a provider problem: an outage, a timeout, a 5xx or an
   * unreadable answer is `UPSTREAM_UNAVAILABLE`; only a programming error may throw.
   */
  verify(
    request: VerificationRequest,
    options?: { readonly signal?: AbortSignal },
  ): Promise<VerificationResult>;
  close?(): Promise<void>;
}

/**
 * Account states. `unverified → pending → verified | rejected`; an account unverified past its
 * grace deadline goes `notified → restricted → suspended`, and a successful verification restores
 * it; `closed` ends it; `banned` ends it and bars the identity from registering again.
 */
export const ACCOUNT_STATES = [
  'unverified',
  'pending',
  'verified',
  'rejected',
  'notified',
  'restricted',
  'suspended',
  'closed',
  'banned',
] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

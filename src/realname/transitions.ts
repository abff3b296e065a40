/**
 * The account state machine: which state may follow which, and for what reason. Every change of
 * state in the real-name layer goes through {@link checkTransition}, so a route, the enforcement
 * job or a risk trigger cannot invent a path the rules do not have (e.g. restore a banned account,
 * or let a failed verification of a suspended account make it "rejected" and restart its grace).
 *
 * Reason codes are stable API: they land in the transition history, the audit log and reports.
 *
 * @module
 */
import { RealnameError } from './errors.ts';
import type { AccountState } from './types.ts';

const UNSETTLED = ['unverified', 'pending', 'rejected'] as const;
const LAPSED = ['notified', 'restricted', 'suspended'] as const;
const OPEN = [...UNSETTLED, ...LAPSED, 'verified'] as const;

/**
 * Why an account changes state: for each reason, the state it leads to and the states it may
 * start from (`null`: account creation).
 */
export const TRANSITIONS = {
  /** Account created. */
  REGISTERED: { to: 'unverified', from: [null] },
  /** A network-identity attempt started and awaits the user's credential. */
  VERIFICATION_STARTED: { to: 'pending', from: [...UNSETTLED, ...LAPSED] },
  /** A minor's identity matched; a guardian must consent before the account is verified. */
  GUARDIAN_CONSENT_REQUIRED: { to: 'pending', from: [...UNSETTLED, ...LAPSED] },
  /** Verified, or re-verified: restores a notified, restricted or suspended account. */
  VERIFIED: { to: 'verified', from: OPEN },
  /** The guardian consented to a minor's matched identity. */
  GUARDIAN_CONSENT_GIVEN: { to: 'verified', from: ['pending'] },
  /**
   * The authority answered MISMATCH, NO_RECORD or INVALID_INPUT. Only for accounts never verified:
   * a lapsed account that fails stays where it is, so failing cannot restart its grace period.
   */
  VERIFICATION_FAILED: { to: 'rejected', from: UNSETTLED },
  UNDER_MINIMUM_AGE: { to: 'rejected', from: UNSETTLED },
  IDENTITY_LIMIT_REACHED: { to: 'rejected', from: UNSETTLED },
  IDENTITY_BANNED: { to: 'rejected', from: UNSETTLED },
  /** The grace period of an unverified account ended: the holder is notified. */
  GRACE_EXPIRED: { to: 'notified', from: UNSETTLED },
  /** Risk triggers: a verified account must re-verify before a deadline. */
  RISK_PHONE_CHANGE: { to: 'notified', from: ['verified'] },
  RISK_DEVICE_CHANGE: { to: 'notified', from: ['verified'] },
  RISK_FRAUD_FLAG: { to: 'notified', from: ['verified'] },
  /** The person behind the identity said this account is not theirs: its holder must re-verify. */
  NOT_MINE_REPORTED: { to: 'notified', from: ['verified'] },
  NOTICE_EXPIRED: { to: 'restricted', from: ['notified'] },
  RESTRICTION_EXPIRED: { to: 'suspended', from: ['restricted'] },
  CLOSED_BY_USER: { to: 'closed', from: OPEN },
  CLOSED_BY_PROVIDER: { to: 'closed', from: OPEN },
  BANNED: { to: 'banned', from: [...OPEN, 'closed'] },
} as const satisfies Record<string, { to: AccountState; from: readonly (AccountState | null)[] }>;
export type TransitionReason = keyof typeof TRANSITIONS;
export const TRANSITION_REASON_CODES = Object.keys(TRANSITIONS) as TransitionReason[];

/** Risk triggers accepted by the re-verification API, and the reason each records. */
export const RISK_TRIGGERS = {
  'phone-change': 'RISK_PHONE_CHANGE',
  'device-change': 'RISK_DEVICE_CHANGE',
  'fraud-flag': 'RISK_FRAUD_FLAG',
} as const satisfies Record<string, TransitionReason>;
export type RiskTrigger = keyof typeof RISK_TRIGGERS;

/** The state `reason` leads to. */
export function targetOf(reason: TransitionReason): AccountState {
  return TRANSITIONS[reason].to;
}

/** True if an account in `from` may change state for `reason`. */
export function isTransitionAllowed(from: AccountState | null, reason: TransitionReason): boolean {
  return (TRANSITIONS[reason].from as readonly (AccountState | null)[]).includes(from);
}

/**
 * Refuses a transition the machine does not have; returns the target state.
 * @throws RealnameError `INVALID_TRANSITION` (409) naming both states
 */
export function checkTransition(from: AccountState | null, reason: TransitionReason): AccountState {
  const to = TRANSITIONS[reason].to;
  if (!isTransitionAllowed(from, reason)) {
    throw new RealnameError(
      'INVALID_TRANSITION',
      `an account cannot go from ${from ?? 'nothing'} to ${to} (${reason})`,
    );
  }
  return to;
}

/** Whether the account's holder may use the service now. */
export type ServiceAccess = 'full' | 'restricted' | 'none';

/**
 * What a state lets the holder do. Unverified accounts of a service that requires real name and
 * gives no grace period (games, new SIM cards) get nothing until verified.
 */
export function serviceAccess(state: AccountState, requiredWithoutGrace: boolean): ServiceAccess {
  switch (state) {
    case 'verified':
    case 'notified':
      return 'full';
    case 'unverified':
    case 'pending':
    case 'rejected':
      return requiredWithoutGrace ? 'none' : 'full';
    case 'restricted':
      return 'restricted';
    default:
      return 'none';
  }
}

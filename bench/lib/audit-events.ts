/**
 * Synthetic audit events for `bench/bench-audit.ts`: what an API server in front of Shiming records,
 * one event per access to personal information. Actors are API keys, staff pseudonyms and services;
 * purposes, actions, tenants and field categories follow a skewed mix; subjects are keyed-HMAC
 * identifiers of synthetic values (test/synth, made to pass checksums, never real people's) or
 * opaque `sub_` ids. No event carries a PI value: the values are HMAC'd here and dropped.
 *
 * @module
 */
import { auditIdentifier } from '../../src/audit/audit-hash.ts';
import { AuditEntryError, type AuditEvent, type AuditOutcome, toEntry } from '../../src/audit/entry.ts';
import type { HmacKey } from '../../src/crypto/hmac-key.ts';
import { email, mobile } from '../../test/synth/contacts.ts';
import { residentId } from '../../test/synth/ids.ts';
import { int, mulberry32, pick, type Rng } from '../../test/synth/rng.ts';

const ROLES = ['agent', 'reviewer', 'service', 'auditor', 'admin'] as const;
const PURPOSES = [
  'customer-support',
  'kyc.review',
  'fraud.investigation',
  'delivery.dispatch',
  'account.recovery',
  'legal.request',
  'billing',
] as const;
/** Weighted: most accesses are reads. */
const ACTIONS: readonly (readonly [string, number])[] = [
  ['subject.read', 60],
  ['subject.search', 10],
  ['token.detokenize', 12],
  ['subject.create', 8],
  ['subject.update', 5],
  ['subject.export', 3],
  ['subject.delete', 1],
  ['policy.update', 1],
];
const FIELDS = [
  'CN_MOBILE',
  'CN_NAME',
  'CN_RESIDENT_ID',
  'CN_ADDRESS',
  'EMAIL',
  'CN_BANK_CARD',
  'BIRTH_DATE',
  'CN_PASSPORT',
] as const;

function weighted(rng: Rng, items: readonly (readonly [string, number])[]): string {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [v, w] of items) {
    r -= w;
    if (r < 0) return v;
  }
  return items[items.length - 1]![0];
}

const b36 = (rng: Rng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(rng() * 36)]!;
  return s;
};

/** True when the audit entry layer accepts `subject` (see `refusedIdentifiers`). */
function accepted(subject: string): boolean {
  const probe: AuditEvent = {
    actor: 'key_probe',
    role: 'agent',
    purpose: 'probe',
    action: 'subject.read',
    tenant: 't',
    subject,
    outcome: 'ok',
  };
  try {
    toEntry(probe, () => new Date(0));
    return true;
  } catch (error) {
    if (error instanceof AuditEntryError && error.code === 'ENTRY_CONTAINS_PI') return false;
    throw error;
  }
}

/**
 * Identifiers of `count` synthetic data subjects (HMAC of a synthetic ID, mobile or e-mail; or
 * `sub_…`). Identifiers the entry layer refuses are replaced and counted in `refused`: the PI
 * guard of entry.ts also fires on hex digests that happen to contain a digit run that validates as a
 * mobile, ID or card number (about 0.4 % of HMAC identifiers).
 */
function subjects(rng: Rng, key: HmacKey, count: number): { ids: string[]; refused: number; hmacs: number } {
  const ids: string[] = [];
  let refused = 0;
  let hmacs = 0;
  while (ids.length < count) {
    const r = rng();
    let id: string;
    if (r < 0.4) id = auditIdentifier(key, 'CN_RESIDENT_ID', residentId(rng));
    else if (r < 0.75) id = auditIdentifier(key, 'CN_MOBILE', mobile(rng));
    else if (r < 0.9) id = auditIdentifier(key, 'EMAIL', email(rng));
    else id = `sub_${b36(rng, 16)}`;
    if (id.startsWith('hmac-')) hmacs++;
    if (accepted(id)) ids.push(id);
    else refused++;
  }
  return { ids, refused, hmacs };
}

/** Events plus what was learnt generating them. */
export interface SyntheticEvents {
  readonly events: AuditEvent[];
  /** Distinct subjects drawn from. */
  readonly subjects: number;
  /** HMAC identifiers computed, and how many of them entry.ts refused as PI (dropped). */
  readonly hmacIdentifiers: number;
  readonly refusedIdentifiers: number;
}

/**
 * `count` events from `seed`. The time is left to the log's clock, as a live caller would. Subject
 * popularity is skewed (a few subjects are read often), as in a support desk's traffic.
 */
export function syntheticEvents(key: HmacKey, count: number, seed = 2026): SyntheticEvents {
  const rng = mulberry32(seed);
  const pool = subjects(rng, key, Math.max(1, Math.min(20_000, count)));
  const people = pool.ids;
  const keys = Array.from({ length: 200 }, () => `key_${b36(rng, 12)}`);
  const staff = Array.from({ length: 60 }, () => `staff_${b36(rng, 8)}`);
  const services = ['svc.kyc-worker', 'svc.delivery-router', 'svc.billing', 'svc.export-job'];
  const tenants = Array.from({ length: 40 }, (_, i) => `t${String(i + 1).padStart(3, '0')}`);
  const events: AuditEvent[] = [];
  for (let i = 0; i < count; i++) {
    const action = weighted(rng, ACTIONS);
    const who = rng();
    const actor = who < 0.7 ? pick(rng, keys) : who < 0.9 ? pick(rng, staff) : pick(rng, services);
    const role = actor.startsWith('svc.') ? 'service' : pick(rng, ROLES);
    const outcome: AuditOutcome = rng() < 0.97 ? 'ok' : rng() < 0.7 ? 'denied' : 'error';
    const nFields = action === 'policy.update' ? 0 : int(rng, 1, 4);
    const fields = Array.from({ length: nFields }, () => pick(rng, FIELDS));
    // Skew: a square of a uniform draw favours the low indices.
    const subject = action === 'policy.update' ? undefined : people[Math.floor(rng() ** 2 * people.length)];
    const event: AuditEvent = {
      actor,
      role,
      purpose: pick(rng, PURPOSES),
      action,
      tenant: pick(rng, tenants),
      ...(subject === undefined ? {} : { subject }),
      ...(fields.length > 0 ? { fields } : {}),
      outcome,
      request: `req_${b36(rng, 20)}`,
      ...(action === 'subject.export' || action === 'subject.search' ? { count: int(rng, 1, 500) } : {}),
    };
    events.push(event);
  }
  return { events, subjects: people.length, hmacIdentifiers: pool.hmacs, refusedIdentifiers: pool.refused };
}

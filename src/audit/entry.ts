/**
 * Audit entries: what one access to personal information looks like in the log, and its exact
 * bytes.
 *
 * An entry holds no PI. The data subject appears only as a keyed HMAC (`hmac-sha256:<hex>`, see
 * `auditHash`) or an opaque subject id, fields appear as categories (`CN_MOBILE`, `name`), never as
 * values, and every text field is restricted to an identifier alphabet. As a last guard, a run of 11
 * or more digits that validates as a mobile number, resident ID or bank card is refused.
 *
 * @module
 */
import { cnBankCard } from '../pi/cn-bank-card.ts';
import { cnMobile } from '../pi/cn-mobile.ts';
import { cnResidentId } from '../pi/cn-resident-id.ts';
import { AuditError } from './errors.ts';

/** What a caller records. */
export interface AuditEvent {
  /** When it happened; the log's clock when omitted. */
  readonly time?: Date;
  /** Who: an API key id (`key_…`), a service, or a pseudonymous staff id. */
  readonly actor: string;
  readonly role: string;
  /** Why: the purpose named on the request (mandatory for every PI read). */
  readonly purpose: string;
  /** What: `subject.read`, `subject.create`, `token.detokenize`, `policy.update`… */
  readonly action: string;
  readonly tenant: string;
  /** About whom: an HMAC identifier, a vault subject id (`sub_…`) or an account id (`acc_…`). */
  readonly subject?: string;
  /** Field categories touched. */
  readonly fields?: readonly string[];
  readonly outcome: AuditOutcome;
  /** Correlation id of the request. */
  readonly request?: string;
  /** How many records the access returned (bulk reads). */
  readonly count?: number;
  /** Stable reason code of a decision or state change (`GRACE_EXPIRED`, `MISMATCH`). */
  readonly reason?: string;
}

export type AuditOutcome = 'ok' | 'denied' | 'error';
const OUTCOMES: ReadonlySet<string> = new Set<AuditOutcome>(['ok', 'denied', 'error']);

/** An entry as stored: the event with its time fixed and the format version. */
export interface AuditEntry extends Omit<AuditEvent, 'time'> {
  readonly v: 1;
  /** RFC 3339, UTC, milliseconds: `2026-11-28T09:30:00.000Z`. */
  readonly time: string;
}

/** Why an event cannot become an entry (stable codes, see errors.ts). */
export type AuditEntryErrorCode = 'INVALID_ENTRY' | 'ENTRY_CONTAINS_PI' | 'ENTRY_TOO_LARGE';

/** An event or stored entry that is not a valid audit entry; names the field, never its value. */
export class AuditEntryError extends AuditError<AuditEntryErrorCode> {
  /** The entry field at fault. */
  readonly field: string | undefined;
  constructor(code: AuditEntryErrorCode, message: string, field?: string) {
    super(code, message);
    this.name = 'AuditEntryError';
    this.field = field;
  }
}

/** Leaf bytes are bounded well under the tlog-tiles entry-bundle limit of 65,535. */
export const MAX_ENTRY_BYTES = 4096;
const MAX_FIELDS = 64;

const IDENT = /^[A-Za-z0-9_.:/@+-]{1,128}$/;
const FIELD = /^[A-Za-z0-9_.-]{1,64}$/;
const SUBJECT = /^(?:hmac-(?:sha256|sm3):[0-9a-f]{64}|(?:sub|acc)_[A-Za-z0-9_-]{8,64})$/;
const REASON = /^[A-Z][A-Z0-9_]{0,63}$/;
const HMAC_SUBJECT = /^hmac-(?:sha256|sm3):[0-9a-f]{64}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Values already accepted, per pattern: actors, roles, purposes, actions, tenants and field names
 * repeat in nearly every entry, and checking them again (pattern and PI guard) was a tenth of an
 * append's time. Bounded; holds only values that passed, so nothing that looks like PI.
 */
const ACCEPTED = new Map<RegExp, Set<string>>();
const MAX_ACCEPTED = 4096;

function ident(name: string, value: unknown, pattern = IDENT, remember = true): string {
  if (remember && typeof value === 'string' && ACCEPTED.get(pattern)?.has(value) === true) return value;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new AuditEntryError('INVALID_ENTRY', `audit entry field "${name}" is missing or malformed`, name);
  }
  refusePi(name, value);
  if (remember) {
    let accepted = ACCEPTED.get(pattern);
    if (accepted === undefined) {
      accepted = new Set();
      ACCEPTED.set(pattern, accepted);
    }
    if (accepted.size >= MAX_ACCEPTED) accepted.clear();
    accepted.add(value);
  }
  return value;
}

/** How people group the digits of phones, IDs and cards: `139-1234-5678`, `6222.0212.3456.7890`. */
const GROUPINGS = new Set(['3,4,4', '6,8,4', '4,4,4,4', '4,4,4,4,3', '4,4,4,7', '6,13']);

function isPiNumber(digits: string): boolean {
  // No mobile, resident ID or card number is written starting with 0 except a mobile after a trunk
  // prefix (0139…), which identifiers never carry, while hex and UUID groups often start with 0.
  return (
    digits.length >= 11 &&
    digits.charCodeAt(0) !== 48 &&
    (cnMobile.validate(digits).valid ||
      cnResidentId.validate(digits).valid ||
      cnBankCard.validate(digits).score >= 0.7)
  );
}

/**
 * A number that validates as a mobile, resident ID or bank card is PI, whatever the field. Numbers
 * are the all-digit tokens of a value (an ID may end in X), and runs of such tokens joined by `-`
 * or `.` in a conventional grouping (139-1234-5678). Digits inside a token with letters are not
 * numbers: a hex HMAC often holds eleven digits in a row and must not be refused for it, nor a
 * UUID whose groups happen to be all digits.
 */
function refusePi(name: string, value: string): void {
  if (!/\d{3}/.test(value)) return; // the common case: nothing number-like
  const runs: string[][] = [];
  let run: string[] = [];
  // Tokens with the separator that ended each: a run continues only across `-` or `.`.
  for (const m of value.matchAll(/([0-9A-Za-z]+)([^0-9A-Za-z]?)/g)) {
    const token = m[1]!;
    if (/^\d+[Xx]?$/.test(token)) run.push(token);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
    if (m[2] !== '-' && m[2] !== '.' && run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  for (const r of runs) {
    for (let i = 0; i < r.length; i++) {
      let found = isPiNumber(r[i]!);
      for (let j = i + 2; !found && j <= r.length; j++) {
        const part = r.slice(i, j);
        found = GROUPINGS.has(part.map((t) => t.length).join(',')) && isPiNumber(part.join(''));
      }
      if (found) {
        throw new AuditEntryError(
          'ENTRY_CONTAINS_PI',
          `audit entry field "${name}" looks like it holds a phone, ID or card number; record an HMAC instead`,
          name,
        );
      }
    }
  }
}

// The last time formatted: entries recorded together mostly share their millisecond.
let lastMs = Number.NaN;
let lastIso = '';
function isoTime(time: Date): string {
  const ms = time.getTime();
  if (ms !== lastMs) {
    lastIso = time.toISOString();
    lastMs = ms;
  }
  return lastIso;
}

/** Check an event and fix its time. Throws `AuditEntryError` (field named, value never echoed). */
export function toEntry(event: AuditEvent, now: () => Date): AuditEntry {
  if (typeof event !== 'object' || event === null)
    throw new AuditEntryError('INVALID_ENTRY', 'audit event is not an object');
  const time = event.time ?? now();
  if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
    throw new AuditEntryError('INVALID_ENTRY', 'audit entry field "time" is not a valid date', 'time');
  }
  if (!OUTCOMES.has(event.outcome as string)) {
    throw new AuditEntryError(
      'INVALID_ENTRY',
      'audit entry field "outcome" must be ok, denied or error',
      'outcome',
    );
  }
  const entry: { -readonly [K in keyof AuditEntry]: AuditEntry[K] } = {
    v: 1,
    time: isoTime(time),
    actor: ident('actor', event.actor),
    role: ident('role', event.role),
    purpose: ident('purpose', event.purpose),
    action: ident('action', event.action),
    tenant: ident('tenant', event.tenant),
    outcome: event.outcome,
  };
  if (event.subject !== undefined) {
    const subject = event.subject;
    // An HMAC identifier is hex: its digit runs sit inside a token with letters, never a number.
    if (typeof subject === 'string' && HMAC_SUBJECT.test(subject)) entry.subject = subject;
    else entry.subject = ident('subject', subject, SUBJECT, false); // mostly distinct: not remembered
  }
  if (event.fields !== undefined) {
    if (!Array.isArray(event.fields) || event.fields.length > MAX_FIELDS) {
      throw new AuditEntryError(
        'INVALID_ENTRY',
        `audit entry field "fields" must be a list of at most ${MAX_FIELDS}`,
        'fields',
      );
    }
    entry.fields =
      event.fields.length === 1
        ? [ident('fields', event.fields[0], FIELD)]
        : [...new Set(event.fields.map((f) => ident('fields', f, FIELD)))].sort();
  }
  if (event.request !== undefined) entry.request = ident('request', event.request, IDENT, false);
  if (event.reason !== undefined) entry.reason = ident('reason', event.reason, REASON);
  if (event.count !== undefined) {
    if (!Number.isSafeInteger(event.count) || event.count < 0) {
      throw new AuditEntryError(
        'INVALID_ENTRY',
        'audit entry field "count" must be a non-negative integer',
        'count',
      );
    }
    entry.count = event.count;
  }
  return entry;
}

// INVARIANT: the leaf bytes of an entry are the UTF-8 of this canonical JSON — keys in code-unit
// order, no whitespace, integers only, strings as JSON.stringify writes them (RFC 8785 for this
// subset). Changing it changes every leaf hash already in a log; a new format needs a new `v`.
const KEY_ORDER = [
  'action',
  'actor',
  'count',
  'fields',
  'outcome',
  'purpose',
  'reason',
  'request',
  'role',
  'subject',
  'tenant',
  'time',
  'v',
] as const;

/** The exact leaf bytes of an entry. */
export function encodeEntry(entry: AuditEntry): Uint8Array {
  let s = '{';
  for (const key of KEY_ORDER) {
    const value = entry[key];
    if (value === undefined) continue;
    if (s.length > 1) s += ',';
    // Values passed toEntry: identifiers, an ISO time, integers — nothing JSON must escape, so a
    // quoted copy is exactly what JSON.stringify writes (and much cheaper per entry).
    s += `"${key}":`;
    if (typeof value === 'string') s += `"${value}"`;
    else if (typeof value === 'number') s += String(value);
    else s += value.length === 0 ? '[]' : `["${value.join('","')}"]`;
  }
  s += '}';
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length > MAX_ENTRY_BYTES) {
    throw new AuditEntryError(
      'ENTRY_TOO_LARGE',
      `audit entry is ${bytes.length} bytes, over ${MAX_ENTRY_BYTES}`,
    );
  }
  return bytes;
}

/**
 * Read leaf bytes back (for `find`, export and replay). Input may come from a tampered database:
 * anything but a well-formed entry that re-encodes to the same bytes is an `INVALID_ENTRY`.
 */
export function decodeEntry(bytes: Uint8Array): AuditEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw new AuditEntryError('INVALID_ENTRY', 'audit entry is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || (raw as { v?: unknown }).v !== 1) {
    throw new AuditEntryError('INVALID_ENTRY', 'audit entry has an unknown format version');
  }
  const r = raw as Record<string, unknown>;
  const time = typeof r.time === 'string' && TIME.test(r.time) ? new Date(r.time) : undefined;
  if (time === undefined) throw new AuditEntryError('INVALID_ENTRY', 'audit entry time is malformed', 'time');
  const entry = toEntry({ ...(r as unknown as AuditEvent), time }, () => time);
  const again = encodeEntry(entry);
  if (Buffer.compare(again, bytes) !== 0) {
    throw new AuditEntryError('INVALID_ENTRY', 'audit entry is not in canonical form');
  }
  return entry;
}

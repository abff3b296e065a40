/**
 * Format-valid, reversible tokens for resident ID numbers and mobile numbers: FF1 (AES-256) over
 * the digits, deterministic per (tenant, field, key version, scope), under a reserved leading digit
 * that no real number has, so a token can never be mistaken for — or collide with — a real one.
 *
 * INVARIANT — token formats 1 (a change is a new key version, or old tokens stop detokenising):
 *
 * Resident ID, 18 characters: `0 ‖ FF1(P) ‖ check`, where
 * - `0` is reserved: citizen IDs start 1–8 and the 2023 foreigner permanent-residence ID starts 9;
 * - P (16 digits) = region (6) ‖ birth date as days since 1850-01-01 (5) ‖ sequence (3) ‖ `00`.
 *   The token keeps nothing of the ID in clear (no region, birth date or sex): every kept part
 *   would narrow who the token is. Packing the date into 5 digits is what makes room for the
 *   reserved digit; the `00` pad lets detokenising reject 99% of strings that are not our tokens;
 * - `check` is the MOD 11-2 character of the first 17, so the token passes length, charset and
 *   checksum validators. Validators of region codes or dates reject it, by design.
 * Birth dates from 1850-01-01 to 2123-10-16 (day 99999) are accepted.
 *
 * Mobile, 11 digits: `2 ‖ FF1(the 10 digits after the leading 1)`.
 * - No reserved prefix inside the mobile format is possible with reversibility: real numbers
 *   `1[3-9]x{9}` number 7·10^9 (5.5·10^9 allocated by MIIT), but every 11-digit string that starts
 *   with `1` and is *not* an allocated mobile number — 10x/11x/12x plus the unallocated 14x/154/16x/
 *   179/194 blocks — totals about 4.5·10^9. So a token that starts with `1` and is never real cannot
 *   be decoded back to every number. Reversibility needs 10 free digits, hence a 1-digit prefix.
 * - Why `2`: `0` starts the written form of landlines (`010 1234 5678`, 11 digits) and our mobile
 *   normaliser strips a leading 0; `1` is mobile and service numbers; an 11-digit national
 *   significant number starting 3–9 can be a landline (3-digit area code + 8-digit local number,
 *   e.g. 755 1234 5678); the 2x area codes are 2 digits with 8-digit local numbers, so no
 *   Chinese number, in any written form, is 11 digits starting with `2`.
 * - Cost: mobile tokens fail a `1[3-9]\d{9}` validator. They are 11 ASCII digits.
 *
 * FF1 tweak = `utf8(PI type id) ‖ 0x00 ‖ utf8(scope)`: the same value gives the same token within
 * one scope (joins, de-duplication) and unrelated tokens across scopes (partner A vs partner B).
 * Like a blind index, deterministic tokens reveal which records share a value.
 * Erasure: FF1 is stateless, so anyone holding a token and this key can reverse it even after the
 * subject's DEK is shredded; the vault must refuse to detokenise for erased subjects.
 * @module
 */
import { inspect } from 'node:util';
import { CryptoError } from './errors.ts';
import { createFf1, type Ff1Cipher } from './ff1.ts';
import { hasValidMod112Check, mod112CheckChar } from './mod11-2.ts';
import type { RootKeyProvider } from './root-key-provider.ts';
import type { Suite } from './suite.ts';
import { formatTokenKeyRequest } from './vault-labels.ts';

/** Leading digit of every resident-ID token. */
export const RESIDENT_ID_TOKEN_PREFIX = '0';
/** Leading digit of every mobile token. */
export const MOBILE_TOKEN_PREFIX = '2';

const DAY_MS = 86_400_000;
const EPOCH_MS = Date.UTC(1850, 0, 1);
const MAX_DAY = 99_999;
const RESIDENT_ID = /^[1-9]\d{16}[\dX]$/;
const RESIDENT_ID_TOKEN = /^0\d{16}[\dX]$/;
const MOBILE = /^1[3-9]\d{9}$/;
const MOBILE_TOKEN = /^2\d{10}$/;
const SCOPE = /^[A-Za-z0-9_.:-]{0,128}$/;

/** Which token key to derive. */
export interface FormatTokenKeySpec {
  readonly tenant: string;
  readonly field: string;
  readonly version: number;
  /** Suite of the HKDF that derives the key; FF1 itself is always AES-256. */
  readonly suite: Suite;
}

/** True if `token` has the resident-ID token shape: `0`, 16 digits, a valid MOD 11-2 check. */
export function isResidentIdToken(token: string): boolean {
  return RESIDENT_ID_TOKEN.test(token) && hasValidMod112Check(token);
}

/** True if `token` has the mobile token shape: `2` and 10 digits. */
export function isMobileToken(token: string): boolean {
  return MOBILE_TOKEN.test(token);
}

/** `YYYYMMDD` → days since 1850-01-01, or undefined if not a real date in range. */
function dayIndex(yyyymmdd: string): number | undefined {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const ms = Date.UTC(y, m - 1, d);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  const day = (ms - EPOCH_MS) / DAY_MS;
  return day >= 0 && day <= MAX_DAY ? day : undefined;
}

function dateOfDay(day: number): string {
  return new Date(EPOCH_MS + day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The FF1 key of one (tenant, field, version). */
export class FormatTokenKey {
  readonly tenant: string;
  readonly field: string;
  readonly version: number;
  readonly #key: Uint8Array;
  #destroyed = false;

  /** Use {@link deriveFormatTokenKey}; this takes the 32 derived bytes (copied). */
  constructor(spec: FormatTokenKeySpec, bytes: Uint8Array) {
    formatTokenKeyRequest(spec.tenant, spec.field, spec.version, spec.suite); // validates the spec
    if (bytes.length !== 32) throw new CryptoError('INVALID_KEY_LENGTH', 'format-token keys are 32 bytes');
    this.tenant = spec.tenant;
    this.field = spec.field;
    this.version = spec.version;
    this.#key = Uint8Array.from(bytes);
  }

  #ff1(kind: string, scope: string): Ff1Cipher {
    if (this.#destroyed) throw new CryptoError('KEY_DESTROYED', 'this format-token key was destroyed');
    if (typeof scope !== 'string' || !SCOPE.test(scope)) {
      throw new CryptoError('INVALID_CONTEXT', 'token scope must be 0-128 characters of [A-Za-z0-9_.:-]');
    }
    return createFf1(this.#key, Buffer.from(`${kind}\u0000${scope}`, 'utf8'));
  }

  #run<T>(kind: string, scope: string, f: (ff1: Ff1Cipher) => T): T {
    const ff1 = this.#ff1(kind, scope);
    try {
      return f(ff1);
    } finally {
      ff1.destroy();
    }
  }

  /**
   * Token of a resident ID (normalised: 18 characters, upper-case `X`, valid check character,
   * real birth date from 1850-01-01 to 2123-10-16).
   * @throws CryptoError `INVALID_VALUE` (never echoing the value), `INVALID_CONTEXT` for a bad scope
   */
  tokenizeResidentId(id: string, scope = ''): string {
    const day = RESIDENT_ID.test(id) && hasValidMod112Check(id) ? dayIndex(id.slice(6, 14)) : undefined;
    if (day === undefined) {
      throw new CryptoError(
        'INVALID_VALUE',
        'not a normalised resident ID with a valid check character and birth date',
      );
    }
    const p = id.slice(0, 6) + String(day).padStart(5, '0') + id.slice(14, 17) + '00';
    const body = RESIDENT_ID_TOKEN_PREFIX + this.#run('CN_RESIDENT_ID', scope, (f) => f.encrypt(p));
    return body + mod112CheckChar(body);
  }

  /**
   * The resident ID a token stands for.
   * @throws CryptoError `INVALID_TOKEN` if `token` is not a resident-ID token made with this key and scope
   */
  detokenizeResidentId(token: string, scope = ''): string {
    if (!isResidentIdToken(token)) throw new CryptoError('INVALID_TOKEN', 'not a resident-ID token');
    const p = this.#run('CN_RESIDENT_ID', scope, (f) => f.decrypt(token.slice(1, 17)));
    if (p[0] === '0' || p.slice(14) !== '00') {
      throw new CryptoError('INVALID_TOKEN', 'not a resident-ID token of this key and scope');
    }
    const body = p.slice(0, 6) + dateOfDay(Number(p.slice(6, 11))) + p.slice(11, 14);
    return body + mod112CheckChar(body);
  }

  /**
   * Token of a mobile number (normalised: 11 digits, `1[3-9]…`).
   * @throws CryptoError `INVALID_VALUE`, `INVALID_CONTEXT`
   */
  tokenizeMobile(mobile: string, scope = ''): string {
    if (!MOBILE.test(mobile))
      throw new CryptoError('INVALID_VALUE', 'not a normalised 11-digit mobile number');
    return MOBILE_TOKEN_PREFIX + this.#run('CN_MOBILE', scope, (f) => f.encrypt(mobile.slice(1)));
  }

  /**
   * The mobile number a token stands for.
   * @throws CryptoError `INVALID_TOKEN` if `token` is not a mobile token made with this key and scope
   */
  detokenizeMobile(token: string, scope = ''): string {
    if (!isMobileToken(token)) throw new CryptoError('INVALID_TOKEN', 'not a mobile token');
    const rest = this.#run('CN_MOBILE', scope, (f) => f.decrypt(token.slice(1)));
    if (rest[0]! < '3') throw new CryptoError('INVALID_TOKEN', 'not a mobile token of this key and scope');
    return `1${rest}`;
  }

  /** Zero the key. Later calls throw `KEY_DESTROYED`. */
  destroy(): void {
    this.#key.fill(0);
    this.#destroyed = true;
  }

  toJSON(): { tenant: string; field: string; version: number } {
    return { tenant: this.tenant, field: this.field, version: this.version };
  }

  [inspect.custom](): string {
    return `FormatTokenKey { tenant: '${this.tenant}', field: '${this.field}', version: ${this.version} }`;
  }
}

/** Derive the format-token key for `spec` from the root. Deterministic: same root, same tokens. */
export async function deriveFormatTokenKey(
  root: RootKeyProvider,
  spec: FormatTokenKeySpec,
): Promise<FormatTokenKey> {
  const bytes = await root.deriveKey(
    formatTokenKeyRequest(spec.tenant, spec.field, spec.version, spec.suite),
  );
  try {
    return new FormatTokenKey(spec, bytes);
  } finally {
    bytes.fill(0);
  }
}

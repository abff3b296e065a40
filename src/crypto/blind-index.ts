/**
 * Blind indexes: a keyed HMAC of a field's normalised value, so the vault can find and
 * de-duplicate equal values (exact lookup, "一证五户" counts per ID number) without decrypting.
 * One key per (tenant, field, version), derived from the root under
 * `shiming/v1/blind-index/<tenant>/<field>/<version>`: HMAC-SHA256 (`intl`) or HMAC-SM3 (`gm`).
 *
 * Decision — the full 32-byte MAC, not a truncated one (CipherSweet's `2 ≤ C < √R` sizing):
 * - exact: no false positives, so a unique index in SQL enforces "one record per ID", and
 *   counts per value are a `GROUP BY`, with no candidate rows to decrypt and re-check;
 * - no sizing to the row count R, which grows; a truncated index would need re-sizing (a new
 *   version and a backfill) as a tenant grows past its planned R;
 * - truncation's main benefit is that a leaked index key does not reverse the column uniquely.
 *   Here the index key is derived from the root and sits in the same process memory as the
 *   unwrapped KEKs, so the compromise that leaks it also leaks the data. What we accept: someone
 *   with only the database sees which rows of a field hold equal values (as with deterministic
 *   tokens). A field that must hide that can move to a truncated index under a new label version.
 *
 * INVARIANT — the MAC input is the UTF-8 of the caller-normalised value, nothing else (the key is
 * already unique per tenant, field and version). Changing the normaliser changes every index
 * value: treat it as a new index version.
 * @module
 */
import { inspect } from 'node:util';
import { CryptoError } from './errors.ts';
import { HmacKey } from './hmac-key.ts';
import type { RootKeyProvider } from './root-key-provider.ts';
import type { Suite } from './suite.ts';
import { blindIndexKeyRequest } from './vault-labels.ts';

/** Blind index values are 32 bytes (HMAC-SHA256 / HMAC-SM3). */
export const BLIND_INDEX_LENGTH = 32;

/** Which index key to derive. */
export interface BlindIndexKeySpec {
  readonly tenant: string;
  readonly field: string;
  /** Index version (1, 2, …): rotate by deriving the next version and backfilling. */
  readonly version: number;
  readonly suite: Suite;
}

/** NFC and trimmed: the default when the caller passes no normaliser. */
const nfcTrim = (value: string): string => value.normalize('NFC').trim();

/** The blind-index key of one (tenant, field, version). */
export class BlindIndexKey {
  readonly tenant: string;
  readonly field: string;
  readonly version: number;
  readonly suite: Suite;
  readonly #key: HmacKey;

  /** Use {@link deriveBlindIndexKey}; this takes the 32 derived bytes (copied). */
  constructor(spec: BlindIndexKeySpec, bytes: Uint8Array) {
    blindIndexKeyRequest(spec.tenant, spec.field, spec.version, spec.suite); // validates the spec
    this.tenant = spec.tenant;
    this.field = spec.field;
    this.version = spec.version;
    this.suite = spec.suite;
    this.#key = new HmacKey(spec.suite, bytes);
  }

  /**
   * The 32-byte index of `value` after `normalise` (for PI types, the catalogue's normaliser —
   * `pi/` is above `crypto/`, so the vault passes it in).
   *
   * @throws CryptoError `INVALID_VALUE` if `value` is not well-formed Unicode, the normaliser
   *   throws, or the result is empty. Messages never contain the value.
   */
  compute(value: string, normalise: (value: string) => string = nfcTrim): Uint8Array {
    if (typeof value !== 'string' || !value.isWellFormed()) {
      throw new CryptoError('INVALID_VALUE', `value for the ${this.field} index is not well-formed Unicode`);
    }
    let normalised: string;
    try {
      normalised = normalise(value);
    } catch {
      throw new CryptoError('INVALID_VALUE', `value for the ${this.field} index could not be normalised`);
    }
    if (normalised.length === 0 || !normalised.isWellFormed()) {
      throw new CryptoError(
        'INVALID_VALUE',
        `value for the ${this.field} index is empty after normalisation`,
      );
    }
    return this.#key.mac(normalised);
  }

  toJSON(): BlindIndexKeySpec {
    return { tenant: this.tenant, field: this.field, version: this.version, suite: this.suite };
  }

  [inspect.custom](): string {
    return `BlindIndexKey { tenant: '${this.tenant}', field: '${this.field}', version: ${this.version}, suite: '${this.suite}' }`;
  }
}

/** Derive the blind-index key for `spec` from the root. Deterministic: same root, same key. */
export async function deriveBlindIndexKey(
  root: RootKeyProvider,
  spec: BlindIndexKeySpec,
): Promise<BlindIndexKey> {
  const bytes = await root.deriveKey(blindIndexKeyRequest(spec.tenant, spec.field, spec.version, spec.suite));
  try {
    return new BlindIndexKey(spec, bytes);
  } finally {
    bytes.fill(0);
  }
}

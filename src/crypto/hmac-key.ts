/**
 * HMAC keys derived from the root: opaque objects that compute MACs but do not hand out their bytes.
 * @module
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from './errors.ts';
import { auditHmacLabel } from './labels.ts';
import type { RootKeyProvider } from './root-key-provider.ts';
import { digestName, hmac, type Suite } from './suite.ts';

/** Length of derived HMAC keys in bytes (the hash length of both suites). */
export const HMAC_KEY_LENGTH = 32;

/**
 * A secret HMAC key bound to a suite. The bytes live in a Node `KeyObject`, which neither
 * `JSON.stringify` nor `console.log` reveal.
 */
export class HmacKey {
  /** `intl` → HMAC-SHA256, `gm` → HMAC-SM3. */
  readonly suite: Suite;
  #key: KeyObject;

  /**
   * @param suite - algorithm suite
   * @param bytes - at least 32 bytes of key; copied, so the caller may zero its array
   */
  constructor(suite: Suite, bytes: Uint8Array) {
    if (bytes.length < HMAC_KEY_LENGTH) {
      throw new CryptoError('INVALID_KEY_LENGTH', `HMAC keys must be at least ${HMAC_KEY_LENGTH} bytes`);
    }
    digestName(suite); // fail now with UNSUPPORTED_SUITE rather than on first use
    this.suite = suite;
    this.#key = createSecretKey(bytes);
  }

  /** The raw MAC of `data` (32 bytes). */
  mac(data: Uint8Array | string): Uint8Array {
    return hmac(this.suite, this.#key, data);
  }

  toJSON(): { suite: Suite } {
    return { suite: this.suite };
  }

  [inspect.custom](): string {
    return `HmacKey { suite: '${this.suite}' }`;
  }
}

/** Derive an {@link HmacKey} for `label` under `suite` (HKDF-SHA256 or HKDF-SM3 from the root). */
export async function deriveHmacKey(
  provider: RootKeyProvider,
  label: string,
  suite: Suite,
): Promise<HmacKey> {
  const bytes = await provider.deriveKey({ label, length: HMAC_KEY_LENGTH, suite });
  try {
    return new HmacKey(suite, bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * The audit-identifier key of log `log` (`shiming/v1/audit-hmac/<log>`). It exists only in memory,
 * re-derived at each start, and is never written to the database.
 */
export async function deriveAuditHmacKey(
  provider: RootKeyProvider,
  log: string,
  suite: Suite,
): Promise<HmacKey> {
  return deriveHmacKey(provider, auditHmacLabel(log), suite);
}

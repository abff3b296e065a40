/**
 * Algorithm suites and the hash/HMAC primitives under them.
 *
 * - `intl`: SHA-256, HMAC-SHA256, HKDF-SHA256.
 * - `gm`: SM3 (GB/T 32905), HMAC-SM3, HKDF-SM3 — China's national algorithms, native in Node's
 *   OpenSSL. Builds without SM3 (e.g. FIPS mode) fail with `UNSUPPORTED_SUITE` on first use.
 * @module
 */
import { createHash, createHmac, getHashes, KeyObject } from 'node:crypto';
import { CryptoError } from './errors.ts';

/** Algorithm suite id, recorded with every key and identifier. */
export type Suite = 'intl' | 'gm';

/** All suites. */
export const SUITES: readonly Suite[] = ['intl', 'gm'];

/** Node digest name for a suite. */
export type DigestName = 'sha256' | 'sm3';

/** Output length of both suites' hashes, in bytes (SHA-256 and SM3 are both 256-bit). */
export const HASH_LENGTH = 32;

let sm3Available: boolean | undefined;

/** True if `value` is a suite id. */
export function isSuite(value: unknown): value is Suite {
  return value === 'intl' || value === 'gm';
}

/** The Node digest name for `suite`; throws `UNSUPPORTED_SUITE` if unknown or unavailable. */
export function digestName(suite: Suite): DigestName {
  if (suite === 'intl') return 'sha256';
  if (suite === 'gm') {
    sm3Available ??= getHashes().includes('sm3');
    if (!sm3Available) {
      throw new CryptoError('UNSUPPORTED_SUITE', 'the "gm" suite needs SM3, which this OpenSSL build lacks');
    }
    return 'sm3';
  }
  throw new CryptoError(
    'UNSUPPORTED_SUITE',
    `unknown algorithm suite "${String(suite)}"; use "intl" or "gm"`,
  );
}

/** The hash (SHA-256 or SM3) of `data`. */
export function hash(suite: Suite, data: Uint8Array | string): Uint8Array {
  return createHash(digestName(suite)).update(data).digest();
}

/** HMAC (RFC 2104) of `data` under `key` with the suite's hash. Any non-empty key length is accepted. */
export function hmac(suite: Suite, key: Uint8Array | KeyObject, data: Uint8Array | string): Uint8Array {
  if (!(key instanceof KeyObject) && key.length === 0) {
    throw new CryptoError('INVALID_KEY_LENGTH', 'HMAC key must not be empty');
  }
  return createHmac(digestName(suite), key).update(data).digest();
}

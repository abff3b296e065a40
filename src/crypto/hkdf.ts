/**
 * HKDF (RFC 5869) over the suite's hash: HKDF-SHA256 (`intl`) or HKDF-SM3 (`gm`).
 * @module
 */
import { hkdfSync } from 'node:crypto';
import { CryptoError } from './errors.ts';
import { digestName, HASH_LENGTH, type Suite } from './suite.ts';

/** Largest output HKDF allows: 255 blocks of the hash length. */
export const HKDF_MAX_LENGTH = 255 * HASH_LENGTH;

/** Node refuses `info` longer than this. */
export const HKDF_MAX_INFO_BYTES = 1024;

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_MAX_LENGTH) {
    throw new CryptoError(
      'INVALID_KEY_LENGTH',
      `HKDF output length must be an integer in 1..${HKDF_MAX_LENGTH}`,
    );
  }
}

/**
 * HKDF-Extract then HKDF-Expand.
 *
 * @param suite - `intl` (SHA-256) or `gm` (SM3)
 * @param ikm - input keying material (the root key)
 * @param salt - optional salt; empty means HashLen zero bytes, as RFC 5869 says
 * @param info - context label (at most 1024 bytes)
 * @param length - output length in bytes (1..8160)
 */
export function hkdf(
  suite: Suite,
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array | string,
  length: number,
): Uint8Array {
  checkLength(length);
  const infoBytes = typeof info === 'string' ? Buffer.from(info, 'utf8') : info;
  if (infoBytes.length > HKDF_MAX_INFO_BYTES) {
    throw new CryptoError('INVALID_LABEL', `HKDF info must be at most ${HKDF_MAX_INFO_BYTES} bytes`);
  }
  return new Uint8Array(hkdfSync(digestName(suite), ikm, salt, infoBytes, length));
}

/**
 * HKDF-Expand (RFC 5869 §2.3) with the PRF supplied by the caller:
 * `T(i) = PRF(T(i-1) ‖ info ‖ i)`, output = first `length` bytes of `T(1) ‖ T(2) ‖ …`.
 *
 * This exists for KMS/HSM providers whose root key never leaves the device but which can compute
 * HMAC with it (AWS KMS `GenerateMac`, Vault transit `hmac`, an HMAC-SM3 key in Huawei KMS): pass
 * that remote HMAC as `prf` and the KMS key acts as the HKDF pseudo-random key.
 *
 * @param prf - HMAC under the secret PRK; must return `hashLength` bytes
 * @param info - context label
 * @param length - output length in bytes (1..255 × hashLength)
 * @param hashLength - PRF output length (32 for HMAC-SHA256 and HMAC-SM3)
 */
export async function hkdfExpandWith(
  prf: (data: Uint8Array) => Promise<Uint8Array>,
  info: Uint8Array | string,
  length: number,
  hashLength = HASH_LENGTH,
): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 1 || length > 255 * hashLength) {
    throw new CryptoError(
      'INVALID_KEY_LENGTH',
      `HKDF output length must be an integer in 1..${255 * hashLength}`,
    );
  }
  const infoBytes = typeof info === 'string' ? Buffer.from(info, 'utf8') : info;
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, offset = 0; offset < length; i++) {
    const block = await prf(Buffer.concat([previous, infoBytes, Uint8Array.of(i)]));
    if (block.length !== hashLength) {
      throw new CryptoError('KMS_FAILURE', `PRF returned ${block.length} bytes, expected ${hashLength}`);
    }
    out.set(block.subarray(0, Math.min(hashLength, length - offset)), offset);
    offset += hashLength;
    previous = block;
  }
  return out;
}

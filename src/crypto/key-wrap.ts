/**
 * Wrapping keys: a DEK under a tenant KEK, and a KEK under its root-derived wrapping key. Both are
 * AEAD envelopes (`ciphertext.ts`), not AES-KW: the AEAD binds tenant, subject and versions as
 * associated data, and the same construction exists for SM4 (there is no native SM4 key wrap).
 *
 * INVARIANT — the wrapped plaintext is `suite byte ‖ key bytes`: `0x01` + 32 bytes (intl) or
 * `0x02` + 16 bytes (gm). It names the suite of the key *inside*, which can differ from the
 * wrapping KEK's suite while a tenant migrates between suites (an intl DEK rewrapped under a gm KEK).
 * @module
 */
import { AeadKey, aeadKeyBytes } from './aead-key.ts';
import type { AeadSuite } from './aead-suite.ts';
import { aeadKeyLength } from './aead-suite.ts';
import { assertContextId, assertKeyVersion, readEnvelopeHeader } from './ciphertext.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';
import { CryptoError } from './errors.ts';
import type { Suite } from './suite.ts';

/**
 * A wrapped DEK or KEK as the vault stores it. `bytes` is self-describing and authoritative; the
 * other fields are copies of its header, for database columns (e.g. "DEKs still under KEK v3").
 */
export interface WrappedKey {
  /** `dek` or `kek`. */
  readonly kind: 'dek' | 'kek';
  /** Version of the key inside (the DEK or KEK version). */
  readonly version: number;
  /** Version of the key that wrapped it: the KEK version for a DEK; 0 for a KEK (the root). */
  readonly wrappedBy: number;
  /** Suite of the wrapping AEAD. */
  readonly suite: Suite;
  /** The envelope: store these bytes. */
  readonly bytes: Uint8Array;
}

const SUITE_BYTE: Readonly<Record<Suite, number>> = { intl: 1, gm: 2 };

function encodePayload(key: AeadKey): Uint8Array {
  const bytes = aeadKeyBytes(key);
  const out = new Uint8Array(1 + bytes.length);
  out[0] = SUITE_BYTE[key.suite];
  out.set(bytes, 1);
  return out;
}

/** Decode `suite ‖ key` (authenticated already) into a key with `version`; zeroes `payload`. */
function decodePayload(payload: Uint8Array, version: number): AeadKey {
  try {
    const suite: Suite | undefined = payload[0] === 1 ? 'intl' : payload[0] === 2 ? 'gm' : undefined;
    if (suite === undefined || payload.length !== 1 + aeadKeyLength(suite)) {
      throw new CryptoError('DECRYPT_FAILED', 'wrapped key has an unknown layout');
    }
    return new AeadKey(suite, version, payload.subarray(1));
  } finally {
    payload.fill(0);
  }
}

/**
 * Parse stored wrapped-key bytes back into a {@link WrappedKey} (header only; nothing decrypted).
 * @throws CryptoError `DECRYPT_FAILED` if the bytes are not a wrapped key
 */
export function parseWrappedKey(bytes: Uint8Array): WrappedKey {
  const h = readEnvelopeHeader(bytes);
  if (h.kind === 'wrapped-dek') {
    return { kind: 'dek', version: h.dekVersion, wrappedBy: h.kekVersion, suite: h.suite, bytes };
  }
  if (h.kind === 'wrapped-kek')
    return { kind: 'kek', version: h.kekVersion, wrappedBy: 0, suite: h.suite, bytes };
  throw new CryptoError('DECRYPT_FAILED', 'envelope holds a field, not a wrapped key');
}

/** Wrap `dek` under `kek` for (tenant, subject). */
export function wrapDek(
  kek: AeadKey,
  tenant: string,
  subject: string,
  dek: AeadKey,
  suite?: AeadSuite,
): WrappedKey {
  assertKeyVersion(kek.version);
  assertKeyVersion(dek.version);
  const header = {
    kind: 'wrapped-dek',
    suite: kek.suite,
    kekVersion: kek.version,
    dekVersion: dek.version,
  } as const;
  const payload = encodePayload(dek);
  try {
    const bytes = sealEnvelope(header, { tenant, subject }, kek, payload, suite);
    return { kind: 'dek', version: dek.version, wrappedBy: kek.version, suite: kek.suite, bytes };
  } finally {
    payload.fill(0);
  }
}

/** Unwrap a DEK wrapped by {@link wrapDek}; `kek` must be the version in its header. */
export function unwrapDek(kek: AeadKey, tenant: string, subject: string, wrapped: Uint8Array): AeadKey {
  const { header, plaintext } = openEnvelope(wrapped, 'wrapped-dek', { tenant, subject }, kek);
  return decodePayload(plaintext, header.dekVersion);
}

/** Wrap tenant KEK `kek` under the root-derived wrapping key `wrapping` (version 0, same suite). */
export function wrapKek(wrapping: AeadKey, tenant: string, kek: AeadKey, suite?: AeadSuite): WrappedKey {
  assertContextId('tenant', tenant);
  assertKeyVersion(kek.version);
  if (wrapping.version !== 0 || wrapping.suite !== kek.suite) {
    throw new CryptoError(
      'UNSUPPORTED_SUITE',
      'a KEK is wrapped by its own suite’s root-derived wrapping key',
    );
  }
  const header = { kind: 'wrapped-kek', suite: kek.suite, kekVersion: kek.version, dekVersion: 0 } as const;
  const payload = encodePayload(kek);
  try {
    const bytes = sealEnvelope(header, { tenant }, wrapping, payload, suite);
    return { kind: 'kek', version: kek.version, wrappedBy: 0, suite: kek.suite, bytes };
  } finally {
    payload.fill(0);
  }
}

/** Unwrap a KEK wrapped by {@link wrapKek}. */
export function unwrapKek(wrapping: AeadKey, tenant: string, wrapped: Uint8Array): AeadKey {
  const { header, plaintext } = openEnvelope(wrapped, 'wrapped-kek', { tenant }, wrapping);
  const kek = decodePayload(plaintext, header.kekVersion);
  if (kek.suite !== header.suite) {
    kek.destroy();
    throw new CryptoError('DECRYPT_FAILED', 'wrapped KEK suite does not match its envelope');
  }
  return kek;
}

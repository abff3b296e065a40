/**
 * Seal and open envelopes (`ciphertext.ts`): header + AEAD under an {@link AeadKey}, with the
 * header and the (tenant, subject, field) context as associated data.
 * @module
 */
import { type AeadKey, aeadKeyInput } from './aead-key.ts';
import { type AeadSuite, aeadSuite } from './aead-suite.ts';
import {
  type AadContext,
  type EnvelopeHeader,
  type EnvelopeKind,
  encodeAad,
  encodeHeader,
  parseEnvelope,
} from './ciphertext.ts';
import { CryptoError } from './errors.ts';

/**
 * Encrypt `plaintext` into an envelope with `header`, bound to `context`.
 *
 * @param suite - the AEAD (defaults to the key's suite with the system CSPRNG; tests inject one)
 * @throws CryptoError `INVALID_CONTEXT`, `KEY_DESTROYED`, `PLAINTEXT_TOO_LARGE`
 */
export function sealEnvelope(
  header: EnvelopeHeader,
  context: AadContext,
  key: AeadKey,
  plaintext: Uint8Array,
  suite: AeadSuite = aeadSuite(key.suite),
): Uint8Array {
  if (header.suite !== key.suite || suite.suite !== key.suite) {
    throw new CryptoError('UNSUPPORTED_SUITE', 'envelope suite must match the sealing key');
  }
  const headerBytes = encodeHeader(header);
  const sealed = suite.encrypt(aeadKeyInput(key), plaintext, encodeAad(headerBytes, context));
  const out = new Uint8Array(headerBytes.length + sealed.length);
  out.set(headerBytes, 0);
  out.set(sealed, headerBytes.length);
  return out;
}

/** The version field of `header` that names the sealing key (see the table in `ciphertext.ts`). */
function sealingVersion(header: EnvelopeHeader): number {
  if (header.kind === 'field') return header.dekVersion;
  if (header.kind === 'wrapped-dek') return header.kekVersion;
  return 0; // wrapped KEKs are sealed by the unversioned root-derived wrapping key
}

/**
 * Parse and decrypt an envelope of `kind` with `key`, checking it is bound to `context`.
 *
 * Every failure — malformed bytes, another kind, a suite or key version that is not `key`'s,
 * changed context, bad tag — is `DECRYPT_FAILED`, with no plaintext.
 */
export function openEnvelope(
  bytes: Uint8Array,
  kind: EnvelopeKind,
  context: AadContext,
  key: AeadKey,
): { header: EnvelopeHeader; plaintext: Uint8Array } {
  const { header, headerBytes, sealed } = parseEnvelope(bytes);
  if (header.kind !== kind) {
    throw new CryptoError('DECRYPT_FAILED', `envelope holds a ${header.kind}, expected a ${kind}`);
  }
  if (header.suite !== key.suite || sealingVersion(header) !== key.version) {
    throw new CryptoError('DECRYPT_FAILED', 'envelope was sealed by another key suite or version');
  }
  const aad = encodeAad(headerBytes, context);
  return { header, plaintext: aeadSuite(key.suite).decrypt(aeadKeyInput(key), sealed, aad) };
}

/**
 * Encrypt and decrypt one field of one data subject under the subject's DEK.
 *
 * The envelope records the DEK's suite and version; the AAD binds tenant, subject, field and that
 * version, so a ciphertext copied to another row, column, tenant or key version fails to decrypt
 * (the move Vault's barrier makes by putting the storage path in the AAD).
 * @module
 */
import type { AeadKey } from './aead-key.ts';
import type { AeadSuite } from './aead-suite.ts';
import { assertKeyVersion } from './ciphertext.ts';
import { openEnvelope, sealEnvelope } from './envelope.ts';

/** Where a field value lives: all three ids are `[A-Za-z0-9_.:-]{1,128}`. */
export interface FieldContext {
  readonly tenant: string;
  readonly subject: string;
  readonly field: string;
}

/**
 * Encrypt a field value into a self-describing envelope (41 bytes of overhead).
 *
 * @example
 * ```ts
 * const dek = keyring.generateDek('intl');
 * const ct = encryptField({ tenant: 't1', subject: 'u-42', field: 'CN_MOBILE' }, utf8('13812345678'), dek);
 * ```
 * @throws CryptoError `INVALID_CONTEXT`, `INVALID_KEY_VERSION` (version 0), `KEY_DESTROYED`, `PLAINTEXT_TOO_LARGE`
 */
export function encryptField(
  context: FieldContext,
  plaintext: Uint8Array,
  dek: AeadKey,
  suite?: AeadSuite,
): Uint8Array {
  assertKeyVersion(dek.version);
  const header = { kind: 'field', suite: dek.suite, kekVersion: 0, dekVersion: dek.version } as const;
  const ctx = { tenant: context.tenant, subject: context.subject, field: context.field };
  return sealEnvelope(header, ctx, dek, plaintext, suite);
}

/**
 * Decrypt a field envelope. `dek` must be the version named in the header (`readEnvelopeHeader`).
 *
 * @throws CryptoError `DECRYPT_FAILED` on any format, key, context or tag failure; `INVALID_CONTEXT`
 *   if an id is malformed
 */
export function decryptField(context: FieldContext, ciphertext: Uint8Array, dek: AeadKey): Uint8Array {
  const ctx = { tenant: context.tenant, subject: context.subject, field: context.field };
  return openEnvelope(ciphertext, 'field', ctx, dek).plaintext;
}

/**
 * `src/crypto`: the root key and its providers, HKDF key derivation with versioned labels,
 * keyed-HMAC identifiers, Ed25519 log-signing keys and constant-time comparison; for the vault,
 * the AEAD suites, the ciphertext envelope, the keyring (tenant KEKs, subject DEKs, rotation),
 * blind indexes and FF1 format-valid tokens.
 * See `docs/keys.md` for operations (where keys live, backups, KMS providers) and `docs/crypto.md`
 * for the vault's cryptography.
 * @module
 */
export { AeadKey, generateAeadKey } from './aead-key.ts';
export {
  AEAD_MAX_MESSAGES_PER_KEY,
  AEAD_MAX_PLAINTEXT,
  AEAD_NONCE_LENGTH,
  AEAD_TAG_LENGTH,
  type AeadKeyInput,
  type AeadSuite,
  aeadKeyLength,
  aeadSuite,
  createAeadSuite,
} from './aead-suite.ts';
export {
  BLIND_INDEX_LENGTH,
  BlindIndexKey,
  type BlindIndexKeySpec,
  deriveBlindIndexKey,
} from './blind-index.ts';
export {
  type AadContext,
  assertContextId,
  assertKeyVersion,
  type EnvelopeHeader,
  type EnvelopeKind,
  encodeAad,
  encodeHeader,
  HEADER_LENGTH,
  parseEnvelope,
  readEnvelopeHeader,
} from './ciphertext.ts';
export { constantTimeEqual, constantTimeEqualString } from './constant-time.ts';
export {
  type EnvRootKeyOptions,
  openEnvRootKey,
  parseRootKey,
  ROOT_KEY_ENV_VAR,
} from './env-root-key-provider.ts';
export { CryptoError, type CryptoErrorCode, isCryptoError } from './errors.ts';
export { createFf1, FF1_ALPHABET, FF1_MAX_LENGTH, FF1_MIN_DOMAIN, type Ff1Cipher } from './ff1.ts';
export { decryptField, encryptField, type FieldContext } from './field-cipher.ts';
export { DEFAULT_ROOT_KEY_FILE, type FileRootKeyOptions, openFileRootKey } from './file-root-key-provider.ts';
export {
  deriveFormatTokenKey,
  FormatTokenKey,
  type FormatTokenKeySpec,
  isMobileToken,
  isResidentIdToken,
  MOBILE_TOKEN_PREFIX,
  RESIDENT_ID_TOKEN_PREFIX,
} from './format-token.ts';
export { HKDF_MAX_INFO_BYTES, HKDF_MAX_LENGTH, hkdf, hkdfExpandWith } from './hkdf.ts';
export {
  HMAC_IDENTIFIER_PREFIX,
  hmacIdentifier,
  isHmacIdentifier,
  normaliseIdentifierValue,
} from './hmac-identifier.ts';
export { deriveAuditHmacKey, deriveHmacKey, HMAC_KEY_LENGTH, HmacKey } from './hmac-key.ts';
export { parseWrappedKey, unwrapDek, type WrappedKey, wrapDek } from './key-wrap.ts';
export { Keyring, type KeyringOptions } from './keyring.ts';
export {
  assertValidLabel,
  auditHmacLabel,
  type KeyPurpose,
  keyLabel,
  LABEL_PREFIX_V1,
  logSigningLabel,
  ROOT_FINGERPRINT_LABEL,
} from './labels.ts';
export { hasValidMod112Check, mod112CheckChar } from './mod11-2.ts';
export { type RandomSource, systemRandom } from './random-source.ts';
export {
  type DeriveKeyRequest,
  InMemoryRootKeyProvider,
  ROOT_KEY_LENGTH,
  type RootKeyProvider,
  rootKeyFingerprint,
} from './root-key-provider.ts';
export {
  type KmsProviderFactory,
  openRootKeyProvider,
  type RootKeyConfig,
  type RootKeyContext,
  type RootKeySource,
  resolveRootKeySource,
} from './select-root-key-provider.ts';
export {
  deriveLogSigningKey,
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SEED_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  Ed25519SigningKey,
  ed25519PublicKeyFromRaw,
  verifyEd25519,
} from './signing-key.ts';
export {
  type DigestName,
  digestName,
  HASH_LENGTH,
  hash,
  hmac,
  isSuite,
  SUITES,
  type Suite,
} from './suite.ts';
export {
  blindIndexKeyRequest,
  formatTokenKeyRequest,
  kekWrapKeyRequest,
  type VaultKeyPurpose,
} from './vault-labels.ts';

/**
 * `src/crypto`: the root key and its providers, HKDF key derivation with versioned labels,
 * keyed-HMAC identifiers, Ed25519 log-signing keys and constant-time comparison.
 * See `docs/keys.md` for operations (where keys live, backups, KMS providers).
 * @module
 */
export { constantTimeEqual, constantTimeEqualString } from './constant-time.ts';
export {
  type EnvRootKeyOptions,
  openEnvRootKey,
  parseRootKey,
  ROOT_KEY_ENV_VAR,
} from './env-root-key-provider.ts';
export { CryptoError, type CryptoErrorCode, isCryptoError } from './errors.ts';
export { DEFAULT_ROOT_KEY_FILE, type FileRootKeyOptions, openFileRootKey } from './file-root-key-provider.ts';
export { HKDF_MAX_INFO_BYTES, HKDF_MAX_LENGTH, hkdf, hkdfExpandWith } from './hkdf.ts';
export {
  HMAC_IDENTIFIER_PREFIX,
  hmacIdentifier,
  isHmacIdentifier,
  normaliseIdentifierValue,
} from './hmac-identifier.ts';
export { deriveAuditHmacKey, deriveHmacKey, HMAC_KEY_LENGTH, HmacKey } from './hmac-key.ts';
export {
  assertValidLabel,
  auditHmacLabel,
  type KeyPurpose,
  keyLabel,
  LABEL_PREFIX_V1,
  logSigningLabel,
  ROOT_FINGERPRINT_LABEL,
} from './labels.ts';
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

/**
 * Typed errors for `src/crypto`.
 *
 * Every failure carries a stable `code` from {@link CryptoErrorCode}; callers (CLI, HTTP layer) switch
 * on the code, never on the message. Messages describe what is wrong and how to fix it, and never
 * contain key material, identifier values or environment-variable contents.
 * @module
 */

/** Stable error codes. Adding a code is fine; renaming or removing one is a breaking change. */
export type CryptoErrorCode =
  /** The root key file is readable or writable by group/other (mode must be 0600 or stricter). */
  | 'ROOT_KEY_INSECURE_PERMISSIONS'
  /** The root key file or env value does not hold exactly 32 bytes. */
  | 'ROOT_KEY_WRONG_LENGTH'
  /** The root key is malformed: not strict base64/hex, or all zero bytes. */
  | 'ROOT_KEY_MALFORMED'
  /** The root key path is not a regular file (directory, symlink, device...). */
  | 'ROOT_KEY_NOT_A_FILE'
  /** The root key file could not be read or created (see `cause`). */
  | 'ROOT_KEY_IO'
  /** The env provider was selected but the variable is unset or empty. */
  | 'ROOT_KEY_MISSING'
  /** The provider was closed (its key zeroised) and can no longer derive keys. */
  | 'ROOT_KEY_CLOSED'
  /** The root key configuration is invalid (unknown source, unknown KMS provider). */
  | 'ROOT_KEY_CONFIG_INVALID'
  /** A KMS/HSM provider failed (see `cause`). For use by third-party providers. */
  | 'KMS_FAILURE'
  /** A key-derivation label or label parameter is not in the documented format. */
  | 'INVALID_LABEL'
  /** A requested or supplied key length is out of range. */
  | 'INVALID_KEY_LENGTH'
  /** An identifier kind is not a PI type id or a plain `[A-Za-z0-9_.:-]{1,64}` name. */
  | 'INVALID_KIND'
  /** An identifier value is empty after normalisation or not well-formed Unicode. */
  | 'INVALID_VALUE'
  /** The algorithm suite is unknown or not available in this Node/OpenSSL build. */
  | 'UNSUPPORTED_SUITE'
  /**
   * A ciphertext or wrapped key failed to decrypt: malformed envelope, unknown format, wrong key or
   * key version, changed associated data (tenant, subject, field), or a failed tag check. One code
   * for all of them on purpose: the bytes are attacker-controlled and the reason must not leak.
   */
  | 'DECRYPT_FAILED'
  /** A tenant, subject, field or token-scope id is not in the documented `[A-Za-z0-9_.:-]` form. */
  | 'INVALID_CONTEXT'
  /** A key version is not an integer in 1..2^32-1, or a key version already exists. */
  | 'INVALID_KEY_VERSION'
  /** The keyring holds no KEK for this tenant and version (load it), or the tenant has no active KEK. */
  | 'KEK_NOT_LOADED'
  /** A key (or the keyring holding it) was destroyed or closed and its bytes zeroed. */
  | 'KEY_DESTROYED'
  /** A plaintext is larger than the AEAD suites accept (16 MiB). */
  | 'PLAINTEXT_TOO_LARGE'
  /** A string given to detokenise is not a format token of that kind, or not one made with this key. */
  | 'INVALID_TOKEN';

/** The one error class thrown by `src/crypto`. */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  /**
   * @param code - stable code
   * @param message - human text; must never include key material or identifier values
   * @param options - optional `cause` (e.g. the underlying `fs` error)
   */
  constructor(code: CryptoErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

/** True if `error` is a {@link CryptoError}, optionally with the given code. */
export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}

/**
 * Typed errors of the audit-log core, with one catalogue of stable codes.
 *
 * Every failure this module can raise is an {@link AuditError} subclass carrying a `code` from a
 * string-literal union, so the CLI, the HTTP layer and a witness can map failures to exit codes and
 * statuses without parsing messages. Codes are public API: never rename one, only add.
 *
 * Messages name the rule that failed and sizes or indices, never entry contents (entries may carry
 * keyed identifiers) and never long attacker-supplied strings.
 *
 * @module
 */

/** Malformed input: notes, keys, checkpoints, tile paths, entry bundles, bad arguments. */
export const FORMAT_ERROR_CODES = [
  'MALFORMED_NOTE',
  'NOTE_TOO_LARGE',
  'TOO_MANY_SIGNATURES',
  'MALFORMED_KEY',
  'MALFORMED_CHECKPOINT',
  'MALFORMED_TILE_PATH',
  'MALFORMED_ENTRY_BUNDLE',
  'ENTRY_TOO_LARGE',
  'INVALID_ARGUMENT',
  'UNSUPPORTED_ALGORITHM',
] as const;

/** A proof, signature, policy or replay check failed. */
export const VERIFICATION_ERROR_CODES = [
  'MALFORMED',
  'INVALID_INDEX',
  'INVALID_SIZE',
  'WRONG_PROOF_LENGTH',
  'WRONG_HASH_LENGTH',
  'ROOT_MISMATCH',
  'BAD_SIGNATURE',
  'NO_TRUSTED_SIGNATURE',
  'WRONG_ORIGIN',
  'WITNESS_QUORUM',
  'COSIGNATURE_TIME',
  'ROLLBACK',
  'FORK',
  'REPLAY_MISMATCH',
] as const;

/** The checkpoint signer refused to sign. */
export const SIGNER_ERROR_CODES = [
  'ROLLBACK',
  'FORK',
  'INCONSISTENT',
  'INVALID_CHECKPOINT',
  'STATE_CONFLICT',
] as const;

/**
 * What the injected storage returned cannot be used (missing or short tile, state mismatch), or
 * the thread writing it stopped (`WRITER_UNAVAILABLE`: whether the last batch landed is unknown
 * until the log is reopened, so it is not retried).
 */
export const STORAGE_ERROR_CODES = [
  'MISSING_TILE',
  'SHORT_TILE',
  'MISSING_ENTRY',
  'STATE_MISMATCH',
  'WRITER_UNAVAILABLE',
] as const;

/** One of {@link FORMAT_ERROR_CODES}. */
export type FormatErrorCode = (typeof FORMAT_ERROR_CODES)[number];
/** One of {@link VERIFICATION_ERROR_CODES}. */
export type VerificationErrorCode = (typeof VERIFICATION_ERROR_CODES)[number];
/** One of {@link SIGNER_ERROR_CODES}. */
export type SignerErrorCode = (typeof SIGNER_ERROR_CODES)[number];
/** One of {@link STORAGE_ERROR_CODES}. */
export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

/** Base class of every error raised by `src/audit`. */
export class AuditError<C extends string = string> extends Error {
  /** Stable machine-readable code. */
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditError';
    this.code = code;
  }
}

/** Input that cannot be parsed or an argument outside its domain. */
export class FormatError extends AuditError<FormatErrorCode> {
  constructor(code: FormatErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'FormatError';
  }
}

/** A verification step failed: the data is not what the trusted keys and roots say it must be. */
export class VerificationError extends AuditError<VerificationErrorCode> {
  constructor(code: VerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VerificationError';
  }
}

/** The checkpoint signer refused: signing would contradict a checkpoint it signed before. */
export class SignerError extends AuditError<SignerErrorCode> {
  constructor(code: SignerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SignerError';
  }
}

/** Tiles or tree state handed in by the storage layer are missing or disagree. */
export class StorageError extends AuditError<StorageErrorCode> {
  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StorageError';
  }
}

/**
 * Typed errors of the witness, its server, its state stores and the log's witness client.
 *
 * One code union covers both sides of C2SP tlog-witness, so a code observed by the client (from an
 * HTTP status) reads the same as the code the witness decided on. Codes are public API: never
 * rename one, only add. Messages never echo request bodies or other attacker-supplied strings.
 *
 * @module
 */
import { AuditError } from '../errors.ts';

/** Every {@link WitnessError} code. */
export const WITNESS_ERROR_CODES = [
  // Refusals of an add-checkpoint request (witness side; the client maps statuses back to these).
  'MALFORMED_REQUEST',
  'REQUEST_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNKNOWN_LOG',
  'UNTRUSTED_CHECKPOINT',
  'OLD_SIZE_MISMATCH',
  'FORK',
  'INCONSISTENT_PROOF',
  'STATE_CONFLICT',
  // Storage and configuration.
  'STATE_CORRUPT',
  'INVALID_CONFIG',
  'INVALID_ARGUMENT',
  // Client side.
  'UNAVAILABLE',
  'TIMEOUT',
  'UNEXPECTED_RESPONSE',
  'BAD_COSIGNATURE',
  'WITNESS_AHEAD',
  'PROOF_UNAVAILABLE',
  'QUORUM_NOT_MET',
] as const;

/** One of {@link WITNESS_ERROR_CODES}. */
export type WitnessErrorCode = (typeof WITNESS_ERROR_CODES)[number];

/** HTTP status of each refusal, per C2SP tlog-witness (`413`/`415`/`503` are plain HTTP). */
const STATUS: Partial<Record<WitnessErrorCode, number>> = {
  MALFORMED_REQUEST: 400,
  UNTRUSTED_CHECKPOINT: 403,
  UNKNOWN_LOG: 404,
  OLD_SIZE_MISMATCH: 409,
  FORK: 409,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INCONSISTENT_PROOF: 422,
  STATE_CONFLICT: 503,
};

/** The HTTP status a witness answers with for `code` (500 for codes that are not refusals). */
export function witnessStatus(code: WitnessErrorCode): number {
  return STATUS[code] ?? 500;
}

/** Details of a {@link WitnessError}. */
export interface WitnessErrorOptions {
  readonly cause?: unknown;
  readonly status?: number;
  readonly witness?: string;
  readonly size?: bigint;
}

/** A witness refusal or a failure to obtain or verify a cosignature. */
export class WitnessError extends AuditError<WitnessErrorCode> {
  /** The HTTP status involved: what the witness answered (client side) or will answer. */
  readonly status: number | undefined;
  /** The witness the client was talking to (its key name), when known. */
  readonly witness: string | undefined;
  /** The witness's latest cosigned tree size, when the failure is about it (409, `WITNESS_AHEAD`). */
  readonly size: bigint | undefined;

  constructor(code: WitnessErrorCode, message: string, options: WitnessErrorOptions = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'WitnessError';
    this.status = options.status ?? (code in STATUS ? witnessStatus(code) : undefined);
    this.witness = options.witness;
    this.size = options.size;
  }
}

/**
 * Stable error codes of the storage layer. Callers branch on `code`, never on `message`.
 *
 * | code | meaning |
 * |---|---|
 * | `CONFIG_INVALID` | the store configuration is unusable (bad path, schema name, pool size) |
 * | `CONNECTION_FAILED` | the database could not be reached, opened or authenticated against |
 * | `SERIALIZATION_FAILURE` | PostgreSQL SQLSTATE 40001: retry the whole transaction |
 * | `DEADLOCK` | PostgreSQL SQLSTATE 40P01: retry the whole transaction |
 * | `BUSY` | SQLITE_BUSY, or a PostgreSQL lock that was not available (55P03): retry |
 * | `UNIQUE_VIOLATION` | a primary key or unique constraint rejected the write |
 * | `FOREIGN_KEY_VIOLATION` | a foreign key rejected the write |
 * | `CONSTRAINT_VIOLATION` | another constraint (not null, check, trigger) rejected the write |
 * | `TRANSACTION_ABORTED` | the transaction had already failed and was rolled back |
 * | `VALUE_INVALID` | a value read back could not be converted (see `toBigInt`) |
 * | `QUERY_FAILED` | any other database or driver error |
 * | `MIGRATION_INVALID` | the migration list is malformed (empty or duplicate ids) |
 * | `MIGRATION_UNKNOWN` | the database has applied a migration this code does not know: it is newer |
 * | `MIGRATION_ORDER` | a migration is missing before one that was already applied |
 * | `MIGRATION_FAILED` | a migration's `up` threw; its transaction was rolled back |
 */
export type StoreErrorCode =
  | 'CONFIG_INVALID'
  | 'CONNECTION_FAILED'
  | 'SERIALIZATION_FAILURE'
  | 'DEADLOCK'
  | 'BUSY'
  | 'UNIQUE_VIOLATION'
  | 'FOREIGN_KEY_VIOLATION'
  | 'CONSTRAINT_VIOLATION'
  | 'TRANSACTION_ABORTED'
  | 'VALUE_INVALID'
  | 'QUERY_FAILED'
  | 'MIGRATION_INVALID'
  | 'MIGRATION_UNKNOWN'
  | 'MIGRATION_ORDER'
  | 'MIGRATION_FAILED';

const RETRYABLE: ReadonlySet<StoreErrorCode> = new Set(['SERIALIZATION_FAILURE', 'DEADLOCK', 'BUSY']);

/** Extra, value-free facts about a database error. */
export interface StoreErrorOptions {
  readonly cause?: unknown;
  /** PostgreSQL SQLSTATE (`40001`) or SQLite extended result code as text (`SQLITE_5`). */
  readonly dbCode?: string;
  /** Name of the violated constraint, when the database reports it. */
  readonly constraint?: string;
}

/**
 * The one error class of `src/store`.
 *
 * Messages name tables, columns, constraints and SQL keywords, never the values bound to a
 * query: those may be personal information. For the same reason the driver's own error is
 * attached as `cause` only when its message is known to be value-free.
 *
 * @example
 * ```ts
 * try { await insertSubject(db, row) }
 * catch (e) { if (e instanceof StoreError && e.code === 'UNIQUE_VIOLATION') return 'exists' }
 * ```
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly dbCode: string | undefined;
  readonly constraint: string | undefined;

  constructor(code: StoreErrorCode, message: string, options: StoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.dbCode = options.dbCode;
    this.constraint = options.constraint;
  }

  /** True when running the whole transaction again may succeed (see `withRetry`). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

/** True if `error` is a {@link StoreError} with one of the given codes (any code if none given). */
export function isStoreError(error: unknown, ...codes: readonly StoreErrorCode[]): error is StoreError {
  return error instanceof StoreError && (codes.length === 0 || codes.includes(error.code));
}

import { AbortedTransactionError } from 'kysely';
import { StoreError, type StoreErrorCode } from './store-error.ts';

// PostgreSQL message classes whose server text names objects and SQL but not data. Others
// echo input: class 22 says `invalid input syntax for type bigint: "…"`, and RAISE (P0001)
// prints whatever the function formatted. Values of class 23 live in `detail`, never used here.
const SAFE_PG_CLASSES = new Set(['08', '23', '25', '28', '3D', '3F', '40', '42', '53', '55', '57']);

const SQLITE_BUSY = 5;
const SQLITE_CANTOPEN = 14;
const SQLITE_CONSTRAINT = 19;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** Socket-level failures of `pg` (Node system error codes). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

interface PgServerError {
  code: string;
  message: string;
  severity: string;
  constraint?: string;
}

interface SqliteError {
  code: 'ERR_SQLITE_ERROR';
  errcode: number;
  message: string;
}

function isPgServerError(e: object): e is PgServerError {
  // pg's DatabaseError: a five-character SQLSTATE plus the server's severity.
  return (
    'severity' in e &&
    typeof (e as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((e as PgServerError).code)
  );
}

function isSqliteError(e: object): e is SqliteError {
  return (
    (e as { code?: unknown }).code === 'ERR_SQLITE_ERROR' && typeof (e as SqliteError).errcode === 'number'
  );
}

/** True if `error` is SQLite's "database is locked" (any SQLITE_BUSY extended code). */
export function isSqliteBusy(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    isSqliteError(error) &&
    (error.errcode & 0xff) === SQLITE_BUSY
  );
}

function fromPg(e: PgServerError): StoreError {
  const state = e.code;
  const cls = state.slice(0, 2);
  let code: StoreErrorCode = 'QUERY_FAILED';
  if (state === '40001') code = 'SERIALIZATION_FAILURE';
  else if (state === '40P01') code = 'DEADLOCK';
  else if (state === '55P03') code = 'BUSY';
  else if (state === '23505') code = 'UNIQUE_VIOLATION';
  else if (state === '23503') code = 'FOREIGN_KEY_VIOLATION';
  else if (cls === '23') code = 'CONSTRAINT_VIOLATION';
  else if (state === '25P02') code = 'TRANSACTION_ABORTED';
  else if (
    cls === '08' ||
    cls === '28' ||
    state === '3D000' ||
    state === '53300' ||
    /^57P0[123]$/.test(state)
  ) {
    code = 'CONNECTION_FAILED';
  }
  const safe = SAFE_PG_CLASSES.has(cls);
  const message = safe ? `${e.message} (SQLSTATE ${state})` : `database error (SQLSTATE ${state})`;
  return new StoreError(code, message, {
    dbCode: state,
    // No `cause`: pg's error object carries `detail`, which quotes the row's values.
    ...(e.constraint === undefined ? {} : { constraint: e.constraint }),
  });
}

function fromSqlite(e: SqliteError): StoreError {
  const primary = e.errcode & 0xff;
  let code: StoreErrorCode = 'QUERY_FAILED';
  if (primary === SQLITE_BUSY) code = 'BUSY';
  else if (primary === SQLITE_CANTOPEN) code = 'CONNECTION_FAILED';
  else if (e.errcode === SQLITE_CONSTRAINT_UNIQUE || e.errcode === SQLITE_CONSTRAINT_PRIMARYKEY)
    code = 'UNIQUE_VIOLATION';
  else if (e.errcode === SQLITE_CONSTRAINT_FOREIGNKEY) code = 'FOREIGN_KEY_VIOLATION';
  else if (primary === SQLITE_CONSTRAINT) code = 'CONSTRAINT_VIOLATION';
  // SQLite formats no bound value into its messages: they name columns, constraints, SQL tokens
  // or a trigger's RAISE text.
  return new StoreError(code, `${e.message} (SQLITE_${e.errcode})`, {
    dbCode: `SQLITE_${e.errcode}`,
    cause: e,
  });
}

/**
 * Turns anything a driver threw into a {@link StoreError} without leaking bound values.
 * A `StoreError` is returned as is.
 */
export function toStoreError(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  if (typeof error !== 'object' || error === null)
    return new StoreError('QUERY_FAILED', 'database driver error');
  if (isPgServerError(error)) return fromPg(error);
  if (isSqliteError(error)) return fromSqlite(error);
  if (error instanceof AbortedTransactionError) {
    return new StoreError('TRANSACTION_ABORTED', 'the transaction had already failed and was rolled back');
  }
  const code = (error as { code?: unknown }).code;
  const name = error instanceof Error ? error.name : 'Error';
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return new StoreError('CONNECTION_FAILED', `cannot reach the database (${code})`, { dbCode: code });
  }
  if (typeof code === 'string' && code.startsWith('ERR_')) {
    // Node's own errors can quote the offending value (ERR_OUT_OF_RANGE does): keep only the code.
    return new StoreError('QUERY_FAILED', `database driver error (${name} ${code})`, { dbCode: code });
  }
  // Client-side errors of pg and kysely ("Connection terminated unexpectedly", "driver has
  // already been destroyed") describe state, not data.
  const message = error instanceof Error ? error.message : 'unknown error';
  const connection = /connect|terminat|timeout/i.test(message);
  return new StoreError(
    connection ? 'CONNECTION_FAILED' : 'QUERY_FAILED',
    `database driver error: ${message}`,
    {
      cause: error,
    },
  );
}

import { StoreError } from './store-error.ts';

/**
 * 64-bit integers, the same on both dialects:
 *
 * - Columns declared `bigint` (or `int8`) come back as `bigint`. PostgreSQL's `pg` would return
 *   them as strings; the store's pool parses them with `BigInt`. SQLite has one INTEGER storage
 *   class; the store reads integers as bigint and keeps them so in columns declared BIGINT/INT8.
 * - Other integer columns (`integer`, `smallint`) come back as `number` on both.
 * - Expressions have no declared type, and the dialects disagree on them: `count(*)`, `sum(x)`,
 *   `max(bigint_column)` are bigint on PostgreSQL (int8/numeric as text for sum) and number on
 *   SQLite (bigint beyond 2^53). Pass such values through {@link toBigInt}.
 *
 * On SQLite, `BIGINT PRIMARY KEY` is not an alias of the rowid (only `INTEGER PRIMARY KEY` is);
 * it costs a separate index.
 *
 * @param declaredType a column's declared type as SQLite reports it, `null` for expressions
 */
export function isInt8Type(declaredType: string | null): boolean {
  return declaredType !== null && /^\s*(?:bigint|int8)\s*$/i.test(declaredType);
}

const DECIMAL = /^-?\d{1,20}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Converts an integer read from either dialect to `bigint`: a `bigint` as is, a safe-integer
 * `number`, or a decimal string (how `pg` returns int8 and numeric it was not told to parse).
 *
 * @throws StoreError `VALUE_INVALID` for anything else, including integers beyond the signed
 *   64-bit range. The message never quotes the value.
 * @example
 * ```ts
 * const { n } = await db.selectFrom('entries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
 * const count = toBigInt(n); // 0n on an empty table, on SQLite and PostgreSQL alike
 * ```
 */
export function toBigInt(value: unknown): bigint {
  let result: bigint | undefined;
  if (typeof value === 'bigint') result = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) result = BigInt(value);
  else if (typeof value === 'string' && DECIMAL.test(value)) result = BigInt(value);
  if (result === undefined || result < INT64_MIN || result > INT64_MAX) {
    throw new StoreError('VALUE_INVALID', `expected a 64-bit integer, got a value of type ${typeof value}`);
  }
  return result;
}

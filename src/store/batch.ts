import type { StoreDialect } from './store.types.ts';

/**
 * Most bind parameters one statement may carry: SQLITE_MAX_VARIABLE_NUMBER of the SQLite in
 * Node 24 (32766, the default since SQLite 3.32) and PostgreSQL's 16-bit parameter count.
 */
export const MAX_BIND_PARAMETERS: Readonly<Record<StoreDialect, number>> = Object.freeze({
  sqlite: 32766,
  postgres: 65535,
});

/** Rows per multi-row INSERT unless told otherwise; see `chunkRows`. */
const DEFAULT_MAX_ROWS = 1000;

/**
 * Splits `rows` into chunks for multi-row INSERTs: each chunk has at most `maxRows` rows and
 * `paramsPerRow * rows` stays within the dialect's bind-parameter limit. Run the chunks inside
 * one transaction: the commit (one fsync) is the expensive part, not the statements.
 *
 * Chunks of equal size compile to the same SQL, so the statement is prepared once.
 *
 * @example
 * ```ts
 * await db.transaction().execute(async (trx) => {
 *   for (const chunk of chunkRows(rows, 3, store.dialect)) await trx.insertInto('t').values(chunk).execute();
 * });
 * ```
 */
export function chunkRows<T>(
  rows: readonly T[],
  paramsPerRow: number,
  dialect: StoreDialect,
  maxRows: number = DEFAULT_MAX_ROWS,
): T[][] {
  if (!Number.isInteger(paramsPerRow) || paramsPerRow < 1)
    throw new RangeError('paramsPerRow must be a positive integer');
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError('maxRows must be a positive integer');
  const size = Math.min(maxRows, Math.floor(MAX_BIND_PARAMETERS[dialect] / paramsPerRow));
  if (size < 1) throw new RangeError('a single row has more parameters than the dialect allows');
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { isSqliteBusy } from '../to-store-error.ts';
import type { NodeSqliteDatabase } from './node-sqlite-dialect-config.ts';
import { type CachedStatement, prepareStatement, type StatementCache } from './statement-cache.ts';

// Passed as the first argument of all()/run()/iterate(): node:sqlite would otherwise take a
// first parameter that is a plain object for a map of named parameters.
const NO_NAMED: Record<string, never> = Object.freeze({});

// Pauses between attempts to get a lock, in ms (the schedule SQLite's own busy handler uses).
const BUSY_DELAYS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Integers in columns not declared BIGINT go back to `number` when they fit (see int8.ts). */
function narrowIntegers(rows: unknown[], columns: readonly string[]): void {
  for (const row of rows as Record<string, unknown>[]) {
    for (const column of columns) {
      const value = row[column];
      if (typeof value === 'bigint' && value >= MIN_SAFE && value <= MAX_SAFE) row[column] = Number(value);
    }
  }
}

/**
 * The one connection of a {@link NodeSqliteDriver}. Statements run synchronously on the calling
 * thread; only lock waits are asynchronous.
 */
export class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: NodeSqliteDatabase;
  readonly #cache: StatementCache;
  readonly #busyTimeoutMs: number;

  constructor(db: NodeSqliteDatabase, cache: StatementCache, busyTimeoutMs: number) {
    this.#db = db;
    this.#cache = cache;
    this.#busyTimeoutMs = busyTimeoutMs;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Outside a transaction a statement that meets SQLITE_BUSY has done nothing yet (this
    // includes BEGIN IMMEDIATE itself), so it can wait and try again. We wait here, with timers,
    // instead of in SQLite's busy handler, which would sleep on the event loop thread and, when
    // the lock holder is another store in this same thread, could never succeed.
    // Inside a transaction the whole transaction must be retried: that is withRetry's job.
    if (this.#db.isTransaction) return this.#execute<R>(query);
    const deadline = performance.now() + this.#busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#execute<R>(query);
      } catch (error) {
        if (!isSqliteBusy(error) || performance.now() >= deadline) throw error;
      }
      await sleep(BUSY_DELAYS[Math.min(attempt, BUSY_DELAYS.length - 1)]);
    }
  }

  #execute<R>(query: CompiledQuery): QueryResult<R> {
    const prepared = this.#cache.get(query.sql);
    const { statement } = prepared;
    if (prepared.returnsRows) {
      const rows = statement.all(NO_NAMED, ...query.parameters);
      if (prepared.narrowColumns.length > 0) narrowIntegers(rows, prepared.narrowColumns);
      return { rows: rows as R[] };
    }
    const { changes, lastInsertRowid } = statement.run(NO_NAMED, ...query.parameters);
    if (prepared.ddl) this.#cache.clear();
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    // A statement of its own: the cached one may be needed by queries the consumer runs on
    // this connection (inside the same transaction) while the stream is open.
    const prepared: CachedStatement = prepareStatement(this.#db, query.sql);
    if (!prepared.returnsRows) throw new Error('only statements that return rows can be streamed');
    let rows: unknown[] = [];
    for (const row of prepared.statement.iterate(NO_NAMED, ...query.parameters)) {
      rows.push(row);
      if (rows.length >= chunkSize) {
        narrowIntegers(rows, prepared.narrowColumns);
        yield { rows: rows as R[] };
        rows = [];
      }
    }
    if (rows.length > 0) {
      narrowIntegers(rows, prepared.narrowColumns);
      yield { rows: rows as R[] };
    }
  }
}

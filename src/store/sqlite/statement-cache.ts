import { isInt8Type } from '../int8.ts';
import type { NodeSqliteDatabase, NodeSqliteStatement } from './node-sqlite-dialect-config.ts';

/** A prepared statement plus what the connection needs to know to run it. */
export interface CachedStatement {
  readonly statement: NodeSqliteStatement;
  /**
   * Whether the statement yields rows, so must run through `all()` (`SELECT`, `… RETURNING`,
   * most `PRAGMA`s). node:sqlite has no `reader` flag; a statement has result columns exactly
   * when it can return rows.
   */
  readonly returnsRows: boolean;
  /**
   * Result columns not declared BIGINT/INT8. Integers are read as bigint (so nothing above 2^53
   * is lost or throws) and narrowed back to number in these columns when they fit.
   */
  readonly narrowColumns: readonly string[];
  /** Schema change: cached metadata (result columns, declared types) may be stale after it. */
  readonly ddl: boolean;
}

const DDL = /^\s*(?:create|alter|drop)\b/i;

/** Prepares `sql` on `db` and works out how to run it and read its rows. */
export function prepareStatement(db: NodeSqliteDatabase, sql: string): CachedStatement {
  const statement = db.prepare(sql);
  statement.setReadBigInts(true);
  const columns = statement.columns();
  return {
    statement,
    returnsRows: columns.length > 0,
    narrowColumns: columns.filter((c) => !isInt8Type(c.type)).map((c) => c.name),
    ddl: DDL.test(sql),
  };
}

/**
 * Least-recently-used cache of prepared statements keyed by SQL text. Kysely compiles the same
 * query shape to the same text, so hot paths (one insert shape per batch size) prepare once.
 */
export class StatementCache {
  readonly #db: NodeSqliteDatabase;
  readonly #capacity: number;
  // A Map iterates in insertion order: re-inserting on hit keeps the oldest entry first.
  readonly #entries = new Map<string, CachedStatement>();

  constructor(db: NodeSqliteDatabase, capacity: number) {
    this.#db = db;
    this.#capacity = capacity;
  }

  get(sql: string): CachedStatement {
    const hit = this.#entries.get(sql);
    if (hit !== undefined) {
      this.#entries.delete(sql);
      this.#entries.set(sql, hit);
      return hit;
    }
    const prepared = prepareStatement(this.#db, sql);
    if (this.#capacity > 0 && !prepared.ddl) {
      if (this.#entries.size >= this.#capacity) {
        const oldest = this.#entries.keys().next();
        if (oldest.done !== true) this.#entries.delete(oldest.value);
      }
      this.#entries.set(sql, prepared);
    }
    return prepared;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

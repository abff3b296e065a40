/**
 * The part of `node:sqlite`'s `DatabaseSync` the dialect calls, so that the dialect does not
 * depend on the module's types (or on which Node version provides them).
 */
export interface NodeSqliteDatabase {
  /** True while a transaction is open (`BEGIN` … `COMMIT`/`ROLLBACK`). */
  readonly isTransaction: boolean;
  prepare(sql: string): NodeSqliteStatement;
  close(): void;
}

/** Column metadata of a prepared statement (`StatementSync.columns()`). */
export interface NodeSqliteColumn {
  readonly name: string;
  /** Declared type of the source column (`bigint`), `null` for expressions. */
  readonly type: string | null;
}

/** The part of `node:sqlite`'s `StatementSync` the dialect calls. */
export interface NodeSqliteStatement {
  columns(): NodeSqliteColumn[];
  setReadBigInts(enabled: boolean): void;
  all(named: Record<string, never>, ...anonymous: unknown[]): unknown[];
  run(
    named: Record<string, never>,
    ...anonymous: unknown[]
  ): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(named: Record<string, never>, ...anonymous: unknown[]): IterableIterator<unknown>;
}

/** Configuration of {@link NodeSqliteDialect}. */
export interface NodeSqliteDialectConfig {
  /** An open database, or a function opening one (called once, by the driver's `init`). */
  readonly database: NodeSqliteDatabase | (() => NodeSqliteDatabase | Promise<NodeSqliteDatabase>);
  /**
   * How long a writer waits for another connection's write lock, in milliseconds (default 5000).
   * The wait is asynchronous: the event loop keeps running (see `NodeSqliteConnection`).
   */
  readonly busyTimeoutMs?: number;
  /** Prepared statements kept per connection, least recently used evicted first (default 256). */
  readonly statementCacheSize?: number;
}

import type { Kysely } from 'kysely';
import type { Migration } from './migration.types.ts';

/** The two supported database engines. */
export type StoreDialect = 'sqlite' | 'postgres';

/** Embedded SQLite through `node:sqlite`: one file, nothing to install. */
export interface SqliteStoreConfig {
  readonly kind: 'sqlite';
  /** Database file (default `./data/shiming.db`); `:memory:` for a throwaway database. */
  readonly path?: string;
  /** How long a writer waits for another process's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number;
  /** Prepared statements kept (default 256). */
  readonly statementCacheSize?: number;
}

/** PostgreSQL (or a wire-compatible engine) through `pg`. */
export interface PostgresStoreConfig {
  readonly kind: 'postgres';
  /** `postgres://user:password@host:port/database`. Never logged or echoed in errors. */
  readonly url: string;
  /** Most connections the pool opens (default 10). */
  readonly poolSize?: number;
  /** Schema for the store's tables (sets `search_path`); default: the server's search path. */
  readonly schema?: string;
}

/** Where the store lives. */
export type StoreConfig = SqliteStoreConfig | PostgresStoreConfig;

/** What happens while opening. */
export interface OpenStoreOptions {
  /** Applied in order at start-up (see `migrate`); default none. */
  readonly migrations?: readonly Migration[];
  /** Clock for the migrations' `applied_at` (default: system time). */
  readonly now?: () => Date;
}

/**
 * An open database. `DB` is the table interface the layers above declare (kysely style).
 * Close it when done; on SQLite that also checkpoints the WAL back into the database file.
 */
export interface Store<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: StoreDialect;
  /**
   * SQLite only: the absolute path of the database file, for work that opens a connection of its
   * own on another thread (the audit log's writer). Absent for `:memory:` and PostgreSQL.
   */
  readonly file?: string;
  close(): Promise<void>;
}

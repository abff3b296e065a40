/**
 * Storage: a Kysely database on SQLite (embedded default, through `node:sqlite`) or
 * PostgreSQL (through `pg`), migrations supplied by the layers above, retries and typed errors.
 * This layer sees only what the layers above hand it (ciphertext, HMACs, audit leaves).
 *
 * @module
 */
export { chunkRows, MAX_BIND_PARAMETERS } from './batch.ts';
export { isInt8Type, toBigInt } from './int8.ts';
export { type MigrateOptions, migrate } from './migrate.ts';
export type { MigrateResult, Migration } from './migration.types.ts';
export { MIGRATIONS_TABLE, type MigrationTarget } from './migration-transaction.ts';
export { DEFAULT_SQLITE_PATH, openStore } from './open-store.ts';
export { PinnedConnection } from './pinned-connection.ts';
export { NodeSqliteDialect } from './sqlite/node-sqlite-dialect.ts';
export type {
  NodeSqliteColumn,
  NodeSqliteDatabase,
  NodeSqliteDialectConfig,
  NodeSqliteStatement,
} from './sqlite/node-sqlite-dialect-config.ts';
export type {
  OpenStoreOptions,
  PostgresStoreConfig,
  SqliteStoreConfig,
  Store,
  StoreConfig,
  StoreDialect,
} from './store.types.ts';
export { isStoreError, StoreError, type StoreErrorCode, type StoreErrorOptions } from './store-error.ts';
export { toStoreError } from './to-store-error.ts';
export { type RetryOptions, withRetry } from './with-retry.ts';

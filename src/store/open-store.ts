import { resolve } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { withErrorMapping } from './error-mapping-dialect.ts';
import { migrate } from './migrate.ts';
import { createPgPool } from './postgres/create-pg-pool.ts';
import { NodeSqliteDialect } from './sqlite/node-sqlite-dialect.ts';
import { isMemoryPath, openSqliteDatabase } from './sqlite/open-sqlite-database.ts';
import type { OpenStoreOptions, Store, StoreConfig } from './store.types.ts';

/** Where the embedded database lives unless configured otherwise. */
export const DEFAULT_SQLITE_PATH = './data/shiming.db';

/**
 * Opens the database described by `config`, runs `options.migrations` (see `migrate`) and
 * returns a typed Kysely instance on it.
 *
 * - SQLite (`node:sqlite`): the file and a missing parent directory (mode 0700) are created;
 *   WAL with `synchronous = FULL`, so a commit that returned survives power loss.
 * - PostgreSQL (`pg`): a pool of `poolSize` connections; `int8` comes back as bigint.
 *
 * On both, every error a query raises is a StoreError whose message carries no bound values.
 *
 * @throws StoreError `CONNECTION_FAILED` if the database cannot be reached or opened,
 *   `CONFIG_INVALID`, or a migration error (the store is closed again before throwing).
 * @example
 * ```ts
 * const store = await openStore<AuditTables>({ kind: 'sqlite' }, { migrations: auditMigrations });
 * await store.db.insertInto('audit_entries').values(rows).execute();
 * await store.close();
 * ```
 */
export async function openStore<DB>(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store<DB>> {
  const store = config.kind === 'sqlite' ? openSqlite<DB>(config) : openPostgres<DB>(config);
  try {
    // Fail here, not at the first query, when the database is unreachable.
    await sql`select 1`.execute(store.db);
    if (options.migrations !== undefined && options.migrations.length > 0) {
      await migrate(store, options.migrations, options.now === undefined ? {} : { now: options.now });
    }
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
  return store;
}

function openSqlite<DB>(config: Extract<StoreConfig, { kind: 'sqlite' }>): Store<DB> {
  const path = config.path ?? DEFAULT_SQLITE_PATH;
  const dialect = new NodeSqliteDialect({
    database: () => openSqliteDatabase(path),
    ...(config.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: config.busyTimeoutMs }),
    ...(config.statementCacheSize === undefined ? {} : { statementCacheSize: config.statementCacheSize }),
  });
  const db = new Kysely<DB>({ dialect: withErrorMapping(dialect) });
  return {
    db,
    dialect: 'sqlite',
    ...(isMemoryPath(path) ? {} : { file: resolve(path) }),
    close: () => db.destroy(),
  };
}

function openPostgres<DB>(config: Extract<StoreConfig, { kind: 'postgres' }>): Store<DB> {
  const pool = createPgPool({
    url: config.url,
    ...(config.poolSize === undefined ? {} : { poolSize: config.poolSize }),
    ...(config.schema === undefined ? {} : { schema: config.schema }),
  });
  const db = new Kysely<DB>({ dialect: withErrorMapping(new PostgresDialect({ pool })) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

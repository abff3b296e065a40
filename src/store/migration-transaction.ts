import { type Kysely, sql, type Transaction } from 'kysely';
import type { StoreDialect } from './store.types.ts';

/** The bookkeeping table: one row per applied migration. */
export const MIGRATIONS_TABLE = 'shiming_migrations';

/** Tables the migration code reads and writes. */
export interface MigrationTables {
  shiming_migrations: { id: string; applied_at: string };
}

/** A database and its dialect, which is all `migrate` needs of a Store. */
export interface MigrationTarget {
  // biome-ignore lint/suspicious/noExplicitAny: any Store<DB> qualifies, whatever its DB.
  readonly db: Kysely<any>;
  readonly dialect: StoreDialect;
}

// First key of PostgreSQL's two-key advisory lock: 'SHIM' in ASCII. The second key is the
// schema, so stores in different schemas of one database migrate independently.
const LOCK_CLASS = 0x5348494d;

/**
 * Runs `work` in a transaction that excludes every other migrating process on the same
 * database: on PostgreSQL a transaction-scoped advisory lock (released by COMMIT or ROLLBACK,
 * even if the process dies), on SQLite the write lock that BEGIN IMMEDIATE takes.
 */
export function inMigrationTransaction<T>(
  target: MigrationTarget,
  work: (trx: Transaction<MigrationTables>) => Promise<T>,
): Promise<T> {
  const db = target.db as Kysely<MigrationTables>;
  return db.transaction().execute(async (trx) => {
    if (target.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_CLASS)}, hashtext(coalesce(current_schema(), '')))`.execute(
        trx,
      );
    }
    return work(trx);
  });
}

/** Creates the bookkeeping table if it is missing (call inside `inMigrationTransaction`). */
export async function ensureMigrationsTable(trx: Kysely<MigrationTables>): Promise<void> {
  await trx.schema
    .createTable(MIGRATIONS_TABLE)
    .ifNotExists()
    .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('applied_at', 'varchar(40)', (c) => c.notNull())
    .execute();
}

/** Ids of the migrations the database has applied. */
export async function readAppliedIds(db: Kysely<MigrationTables>): Promise<string[]> {
  const rows = await db.selectFrom(MIGRATIONS_TABLE).select('id').execute();
  return rows.map((r) => r.id);
}

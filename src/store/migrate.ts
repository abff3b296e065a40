import type { Kysely } from 'kysely';
import type { MigrateResult, Migration } from './migration.types.ts';
import {
  ensureMigrationsTable,
  inMigrationTransaction,
  type MigrationTables,
  type MigrationTarget,
  readAppliedIds,
} from './migration-transaction.ts';
import type { StoreDialect } from './store.types.ts';
import { StoreError } from './store-error.ts';
import { withRetry } from './with-retry.ts';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Clock for `applied_at` (default: system time). */
  readonly now?: () => Date;
}

function validate(migrations: readonly Migration[]): string[] {
  const ids = migrations.map((m) => m.id);
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0 || id.length > 255) {
      throw new StoreError('MIGRATION_INVALID', 'migration ids must be strings of 1 to 255 characters');
    }
    if (seen.has(id)) throw new StoreError('MIGRATION_INVALID', `migration id ${id} appears twice`);
    seen.add(id);
  }
  return ids;
}

/** Refuses a database that is ahead of this code, or whose history has a hole. */
/** The layer that owns a migration: the part of its id before `/` (`audit/0001-log` → `audit`). */
function layerOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? '' : id.slice(0, slash);
}

/**
 * Checks what the database has applied against what this code knows, layer by layer: a process
 * that opens only the audit tables (the `shiming audit` commands) must not refuse a database the
 * server also migrated, but must refuse one where its own layer is newer than it.
 */
function checkApplied(applied: readonly string[], known: readonly string[]): void {
  const knownSet = new Set(known);
  const layers = new Set(known.map(layerOf));
  const unknown = applied.filter((id) => !knownSet.has(id) && layers.has(layerOf(id)));
  if (unknown.length > 0) {
    throw new StoreError(
      'MIGRATION_UNKNOWN',
      `the database has applied ${unknown.length} migration(s) this version does not know ` +
        `(${unknown.slice(0, 3).join(', ')}): it was migrated by a newer version, refusing to use it`,
    );
  }
  const appliedSet = new Set(applied);
  for (const layer of layers) {
    const ids = known.filter((id) => layerOf(id) === layer);
    const gap = ids.findIndex((id) => !appliedSet.has(id));
    const later = gap < 0 ? undefined : ids.slice(gap + 1).find((id) => appliedSet.has(id));
    if (later !== undefined) {
      throw new StoreError(
        'MIGRATION_ORDER',
        `migration ${ids[gap]} is not applied but the later ${later} is`,
      );
    }
  }
}

// biome-ignore lint/suspicious/noExplicitAny: migrations see the untyped database.
async function runUp(migration: Migration, trx: Kysely<any>, dialect: StoreDialect): Promise<void> {
  try {
    await migration.up(trx, dialect);
  } catch (error) {
    if (error instanceof StoreError && error.retryable) throw error; // withRetry runs it again
    const detail = error instanceof StoreError ? `: ${error.message}` : '';
    throw new StoreError('MIGRATION_FAILED', `migration ${migration.id} failed${detail}`, { cause: error });
  }
}

/**
 * Brings the database schema up to date: applies, in list order, each migration the database
 * has not applied yet, each in its own transaction together with its row in
 * `shiming_migrations`. Running it again changes nothing.
 *
 * Safe when several processes start at once: each step runs under a database-wide lock (an
 * advisory lock on PostgreSQL, the write lock on SQLite) and re-reads what is applied.
 *
 * @param migrations every migration this code knows, oldest first (all layers together)
 * @throws StoreError `MIGRATION_UNKNOWN` if the database applied an id not in `migrations`
 *   (a newer version migrated it; this one must not touch it), `MIGRATION_ORDER` if an older
 *   migration is missing while a newer one is applied, `MIGRATION_INVALID` for empty or
 *   duplicate ids, `MIGRATION_FAILED` if an `up` throws (that migration is rolled back; those
 *   before it stay applied).
 * @example
 * ```ts
 * const { applied } = await migrate(store, [...auditMigrations, ...vaultMigrations]);
 * ```
 */
export async function migrate(
  target: MigrationTarget,
  migrations: readonly Migration[],
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const known = validate(migrations);
  const now = options.now ?? (() => new Date());
  await withRetry(() => inMigrationTransaction(target, ensureMigrationsTable));
  // Unlocked look: the usual start-up, with nothing to apply, ends here.
  const before = await readAppliedIds(target.db as Kysely<MigrationTables>);
  checkApplied(before, known);
  const applied: string[] = [];
  for (const migration of migrations) {
    if (before.includes(migration.id)) continue;
    const done = await withRetry(() =>
      inMigrationTransaction(target, async (trx) => {
        // Another process may have got here first: decide again under the lock.
        const current = await readAppliedIds(trx);
        checkApplied(current, known);
        if (current.includes(migration.id)) return false;
        await runUp(migration, trx, target.dialect);
        await trx
          .insertInto('shiming_migrations')
          .values({ id: migration.id, applied_at: now().toISOString() })
          .execute();
        return true;
      }),
    );
    if (done) applied.push(migration.id);
  }
  return { applied };
}

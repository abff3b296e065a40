import type { Kysely } from 'kysely';
import type { StoreDialect } from './store.types.ts';

/**
 * One schema change, supplied by a layer above the store (audit, vault…), which owns its tables.
 *
 * - `id` is permanent once released: it is what the database records. Prefix it with the
 *   owning layer and keep it sortable, e.g. `audit/0001-entries`.
 * - `up` runs inside a transaction (DDL is transactional on both engines) and must only use the
 *   `db` it is given. It receives the dialect for the few places where SQL differs.
 * - Schema rules (DESIGN.md §7): `tenant_id` first in every primary and unique key, no
 *   cross-tenant foreign keys, no sequences or auto-increment except the audit log sequencer.
 *   Declare 64-bit integers as `bigint` (see int8.ts).
 *
 * @example
 * ```ts
 * const entries: Migration = {
 *   id: 'audit/0001-entries',
 *   async up(db, dialect) {
 *     await db.schema.createTable('audit_entries')
 *       .addColumn('log_id', 'text', (c) => c.notNull())
 *       .addColumn('idx', 'bigint', (c) => c.notNull())
 *       .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
 *       .addPrimaryKeyConstraint('audit_entries_pk', ['log_id', 'idx'])
 *       .execute();
 *   },
 * };
 * ```
 */
export interface Migration {
  readonly id: string;
  // biome-ignore lint/suspicious/noExplicitAny: migrations create the tables the DB type describes.
  up(db: Kysely<any>, dialect: StoreDialect): Promise<void>;
}

/** What one `migrate` call did. */
export interface MigrateResult {
  /** Ids applied by this call, in order; empty when the schema was already current. */
  readonly applied: readonly string[];
}

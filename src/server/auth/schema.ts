/**
 * The server's table: API keys. `tenant_id` leads the primary key (DESIGN.md §7); requests carry
 * only the key id, so a plain (non-unique) index on `key_id` serves the lookup. Ids are random, and
 * a lookup finding two rows for one id fails closed.
 *
 * @module
 */
import type { Migration } from '../../store/migration.types.ts';

export interface ApiKeysTable {
  tenant_id: string;
  key_id: string;
  role: string;
  /** A label for people ("crm-backend"), not a secret. */
  name: string;
  /** HMAC-SHA256 of tenant, id, role and secret (see api-key-hasher.ts). */
  hash: Uint8Array;
  created_at: string;
  revoked_at: string | null;
}

export interface ServerTables {
  api_keys: ApiKeysTable;
}

/** The server's migrations, applied after the audit log's. */
export const SERVER_MIGRATIONS: readonly Migration[] = [
  {
    id: 'server/0001-api-keys',
    async up(db, dialect) {
      await db.schema
        .createTable('api_keys')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('hash', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addPrimaryKeyConstraint('api_keys_pk', ['tenant_id', 'key_id'])
        .execute();
      await db.schema.createIndex('api_keys_key_id').on('api_keys').column('key_id').execute();
    },
  },
];

/**
 * The vault's tables, and the migrations that create them (DESIGN.md §7).
 *
 * - `tenant_id` leads every primary and unique key; there are no foreign keys at all (a subject's
 *   rows are tied together by the vault's transactions, so a distributed engine can shard every
 *   table on `tenant_id`), no sequences, and ids are prefixed random strings (`sub_…`).
 * - Only ciphertext, wrapped keys and keyed HMACs are stored. Field values never appear in clear,
 *   nor do tokens (only their HMAC, research/vault.md §6.3).
 * - Times are ISO 8601 UTC strings (`toISOString()`), which sort as they compare.
 *
 * | table                 | one row per                                   | key                                                 |
 * |-----------------------|-----------------------------------------------|-----------------------------------------------------|
 * | `vault_keks`          | tenant KEK version (wrapped; NULL once retired) | (tenant, version)                                   |
 * | `vault_subjects`      | data subject: wrapped DEK, status, retention   | (tenant, subject)                                   |
 * | `vault_fields`        | field of a subject: its ciphertext             | (tenant, subject, field)                            |
 * | `vault_blind_indexes` | indexed field value: HMAC → subject            | (tenant, field, key version, digest, subject); UNIQUE (tenant, field, key version, digest) where `uniq = 1` |
 * | `vault_tokens`        | token: HMAC of the token → subject and field   | (tenant, token hash, subject)                       |
 * | `vault_policies`      | tenant: its policy document                    | (tenant)                                            |
 *
 * @module
 */
import { type CreateTableBuilder, sql } from 'kysely';
import type { Migration } from '../store/migration.types.ts';

/** A subject's life: active → archived (retention hold) → erased (crypto-shredded tombstone). */
export type SubjectStatus = 'active' | 'archived' | 'erased';

/** A KEK version: `active` wraps new DEKs; `retiring` still unwraps; `retired` is destroyed. */
export type KekState = 'active' | 'retiring' | 'retired';

/** How a token was made. */
export type TokenKind = 'random' | 'deterministic' | 'format';

export interface VaultKeksTable {
  tenant_id: string;
  version: number;
  /** Suite of the KEK (`intl` / `gm`). */
  suite: string;
  /** The wrapped KEK (crypto envelope); NULL once retired: the key is gone. */
  wrapped: Uint8Array | null;
  state: KekState;
  created_at: string;
  retired_at: string | null;
}

export interface VaultSubjectsTable {
  tenant_id: string;
  subject_id: string;
  status: SubjectStatus;
  dek_version: number;
  /** KEK version the DEK is wrapped under (NULL once erased): what the rewrap job looks for. */
  kek_version: number | null;
  /** The wrapped DEK; NULL once erased (crypto-shredding). */
  wrapped_dek: Uint8Array | null;
  /** End of the retention hold of an archived subject; the prune job erases it after. */
  retain_until: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  erased_at: string | null;
  /** Every field's masked form, sealed under the DEK (masked-view.ts); NULL once erased. */
  masked_view: Uint8Array | null;
}

export interface VaultFieldsTable {
  tenant_id: string;
  subject_id: string;
  /** PI type id (`CN_MOBILE`). */
  field: string;
  ciphertext: Uint8Array;
  updated_at: string;
}

export interface VaultBlindIndexesTable {
  tenant_id: string;
  field: string;
  key_version: number;
  /** HMAC of the normalised value under the (tenant, field, version) key. */
  digest: Uint8Array;
  subject_id: string;
  /** 1 for fields that must be unique per tenant (a partial UNIQUE index enforces it), else 0. */
  uniq: number;
}

export interface VaultTokensTable {
  tenant_id: string;
  /** HMAC of the token: the token itself is never stored. */
  token_hash: Uint8Array;
  subject_id: string;
  field: string;
  kind: TokenKind;
  scope: string;
  created_at: string;
}

export interface VaultPoliciesTable {
  tenant_id: string;
  /** 1, 2, … (0 is the built-in empty policy, never stored). */
  version: number;
  /** The policy document as JSON. */
  document: string;
  updated_at: string;
  updated_by: string;
}

/** The vault's tables (kysely style). */
export interface VaultTables {
  vault_keks: VaultKeksTable;
  vault_subjects: VaultSubjectsTable;
  vault_fields: VaultFieldsTable;
  vault_blind_indexes: VaultBlindIndexesTable;
  vault_tokens: VaultTokensTable;
  vault_policies: VaultPoliciesTable;
}

/** Applied at start-up by whoever opens the store with the vault in it (after the audit log's). */
export const VAULT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'vault/0001-tables',
    async up(db, dialect) {
      const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
      // SQLite: small rows live in their primary-key B-tree (no rowid table plus index). Subjects
      // and fields carry wrapped keys and ciphertexts: as rowid tables a batch's rows are appended
      // in order and only the key index takes random inserts (about 25% less CPU per create).
      const clustered = <T extends CreateTableBuilder<string, string>>(t: T): T =>
        dialect === 'sqlite' ? (t.modifyEnd(sql`without rowid`) as T) : t;
      await db.schema
        .createTable('vault_keks')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('suite', 'text', (c) => c.notNull())
        .addColumn('wrapped', blob)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('retired_at', 'text')
        .addPrimaryKeyConstraint('vault_keks_pk', ['tenant_id', 'version'])
        .addCheckConstraint('vault_keks_state', sql`state in ('active', 'retiring', 'retired')`)
        .$call(clustered)
        .execute();
      await db.schema
        .createTable('vault_subjects')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('dek_version', 'integer', (c) => c.notNull())
        .addColumn('kek_version', 'integer')
        .addColumn('wrapped_dek', blob)
        .addColumn('retain_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('archived_at', 'text')
        .addColumn('erased_at', 'text')
        .addPrimaryKeyConstraint('vault_subjects_pk', ['tenant_id', 'subject_id'])
        .addCheckConstraint('vault_subjects_status', sql`status in ('active', 'archived', 'erased')`)
        // An erased subject keeps no key; a live one always has one.
        .addCheckConstraint('vault_subjects_shredded', sql`(status = 'erased') = (wrapped_dek is null)`)
        .execute();
      // The rewrap job: DEKs still under an old KEK version.
      await db.schema
        .createIndex('vault_subjects_kek')
        .on('vault_subjects')
        .columns(['tenant_id', 'kek_version'])
        .execute();
      // The prune job: archived subjects past their hold, across tenants (partial: creating
      // active subjects does not touch it).
      await db.schema
        .createIndex('vault_subjects_retention')
        .on('vault_subjects')
        .columns(['retain_until'])
        .where(sql.ref('status'), '=', 'archived')
        .execute();
      await db.schema
        .createTable('vault_fields')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('ciphertext', blob, (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('vault_fields_pk', ['tenant_id', 'subject_id', 'field'])
        .execute();
      await db.schema
        .createTable('vault_blind_indexes')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('key_version', 'integer', (c) => c.notNull())
        .addColumn('digest', blob, (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('uniq', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('vault_blind_indexes_pk', [
          'tenant_id',
          'field',
          'key_version',
          'digest',
          'subject_id',
        ])
        .$call(clustered)
        .execute();
      // One subject per value of a unique field (one per resident ID): the database decides, so
      // two concurrent creates cannot both pass a check-then-insert.
      await db.schema
        .createIndex('vault_blind_indexes_unique')
        .on('vault_blind_indexes')
        .columns(['tenant_id', 'field', 'key_version', 'digest'])
        .unique()
        .where(sql.ref('uniq'), '=', 1)
        .execute();
      // Erasure deletes a subject's index rows without knowing their digests.
      await db.schema
        .createIndex('vault_blind_indexes_subject')
        .on('vault_blind_indexes')
        .columns(['tenant_id', 'subject_id'])
        .execute();
      await db.schema
        .createTable('vault_tokens')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('token_hash', blob, (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('vault_tokens_pk', ['tenant_id', 'token_hash', 'subject_id'])
        .addCheckConstraint('vault_tokens_kind', sql`kind in ('random', 'deterministic', 'format')`)
        .$call(clustered)
        .execute();
      await db.schema
        .createIndex('vault_tokens_subject')
        .on('vault_tokens')
        .columns(['tenant_id', 'subject_id'])
        .execute();
      await db.schema
        .createTable('vault_policies')
        .addColumn('tenant_id', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
    },
  },
  {
    // Subjects written before it have none and are read the long way (masked-view.ts).
    id: 'vault/0002-masked-view',
    async up(db, dialect) {
      await db.schema
        .alterTable('vault_subjects')
        .addColumn('masked_view', dialect === 'sqlite' ? 'blob' : 'bytea')
        .execute();
    },
  },
  {
    // What the masked-view backfill job looks for, without scanning every subject: only rows
    // still waiting for a view are in it (new subjects are written with one).
    id: 'vault/0003-masked-view-pending',
    async up(db) {
      await db.schema
        .createIndex('vault_subjects_view_pending')
        .on('vault_subjects')
        .columns(['tenant_id', 'subject_id'])
        .where(sql.ref('masked_view'), 'is', null)
        .where(sql.ref('status'), '<>', 'erased')
        .execute();
    },
  },
];

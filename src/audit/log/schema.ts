/**
 * The audit log's tables, and the migrations that create them.
 *
 * One row per log in `audit_logs` holds the committed tree state (size, root); entries, C2SP tiles
 * (each stored once at its latest width: a partial tile is a prefix of every wider version),
 * signed checkpoints and a subject index hang off it. The subject index is derived from the entries
 * and kept up to date off the append path (`audit_index_state` says how far it has got). A log is the deployment's, not a tenant's:
 * tenants appear inside entries, so `log_id` leads every key here (DESIGN.md §7's tenant rule
 * applies to tenant-owned rows). The entry index is the only sequence in the system.
 *
 * @module
 */
import { type ColumnType, type CreateTableBuilder, sql } from 'kysely';
import type { Migration } from '../../store/migration.types.ts';

/** A 64-bit column: written as bigint or number, read as bigint (store/int8.ts). */
type Int8 = ColumnType<bigint, bigint | number, bigint | number>;

export interface AuditLogsTable {
  log_id: string;
  origin: string;
  hash_alg: string;
  /** Committed tree size: entries `[0, size)` and their tiles are durable. */
  size: Int8;
  root: Uint8Array;
  created_at: string;
}

export interface AuditEntriesTable {
  log_id: string;
  idx: Int8;
  /** The exact leaf bytes (canonical JSON, see entry.ts). */
  data: Uint8Array;
}

export interface AuditTilesTable {
  log_id: string;
  level: number;
  idx: Int8;
  width: number;
  hashes: Uint8Array;
}

export interface AuditCheckpointsTable {
  log_id: string;
  size: Int8;
  /** The signed note, with any witness cosignatures appended. */
  note: string;
  created_at: string;
}

/**
 * Which entries name which subject (`audit find` without a full scan). The key is the first 8
 * bytes of SHA-256 of the identifier, as a signed 64-bit integer: a small, uniformly spread index
 * key (a 76-character text key halved the append rate). A collision only adds a candidate, which
 * `find` drops after reading the entry.
 *
 * Rows are grouped by `block` (`idx >> SUBJECT_BLOCK_BITS`) ahead of the key: uniformly spread
 * keys scattered over one tree made every commit rewrite one index page per entry once the tree
 * outgrew the cache (a 1,000-entry batch took 6 ms without the index, 47 ms with it at 200,000
 * entries, growing with the log); inside the newest block they touch a few dozen pages whatever
 * the log's size. A lookup seeks once per block.
 */
export interface AuditSubjectsTable {
  log_id: string;
  block: Int8;
  subject_key: Int8;
  idx: Int8;
}

/** Entries per block of the subject index (see {@link AuditSubjectsTable}). */
export const SUBJECT_BLOCK_BITS = 12;

/** How far the subject index has caught up with the log: entries `[0, indexed_size)`. */
export interface AuditIndexStateTable {
  log_id: string;
  indexed_size: Int8;
}

export interface AuditTables {
  audit_index_state: AuditIndexStateTable;
  audit_logs: AuditLogsTable;
  audit_entries: AuditEntriesTable;
  audit_tiles: AuditTilesTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_subjects: AuditSubjectsTable;
}

/** Applied at start-up by whoever opens the store with the audit log in it. */
export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    id: 'audit/0001-log',
    async up(db, dialect) {
      const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
      // SQLite: store rows in their primary-key B-tree (one tree per table instead of a rowid
      // table plus an index): appends touch half the pages.
      const clustered = <T extends CreateTableBuilder<string, string>>(t: T): T =>
        dialect === 'sqlite' ? (t.modifyEnd(sql`without rowid`) as T) : t;
      await db.schema
        .createTable('audit_logs')
        .addColumn('log_id', 'text', (c) => c.primaryKey())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('hash_alg', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('root', blob, (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_entries')
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('data', blob, (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_entries_pk', ['log_id', 'idx'])
        .$call(clustered)
        .execute();
      await db.schema
        .createTable('audit_tiles')
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('hashes', blob, (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_tiles_pk', ['log_id', 'level', 'idx'])
        .$call(clustered)
        .execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_checkpoints_pk', ['log_id', 'size'])
        .execute();
      await db.schema
        .createTable('audit_subjects')
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('subject_key', 'bigint', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_subjects_pk', ['log_id', 'subject_key', 'idx'])
        .$call(clustered)
        .execute();
      await db.schema
        .createTable('audit_index_state')
        .addColumn('log_id', 'text', (c) => c.primaryKey())
        .addColumn('indexed_size', 'bigint', (c) => c.notNull())
        .execute();
      // Defence in depth only (an administrator can drop a trigger; the Merkle tree and the
      // checkpoints held outside are what make tampering evident): the application cannot
      // rewrite or delete entries and checkpoints through ordinary statements.
      if (dialect === 'sqlite') {
        for (const table of ['audit_entries', 'audit_checkpoints']) {
          for (const op of ['UPDATE', 'DELETE']) {
            await sql
              .raw(
                `CREATE TRIGGER ${table}_no_${op.toLowerCase()} BEFORE ${op} ON ${table} ` +
                  `BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
              )
              .execute(db);
          }
        }
      } else {
        await sql
          .raw(
            `CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ ` +
              `BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`,
          )
          .execute(db);
        for (const table of ['audit_entries', 'audit_checkpoints']) {
          await sql
            .raw(
              `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} ` +
                `FOR EACH ROW EXECUTE FUNCTION audit_append_only()`,
            )
            .execute(db);
        }
      }
    },
  },
  {
    // The subject index is derived data: rebuilt by the indexer from the entries (see
    // AuditSubjectsTable for why it is grouped by block now).
    id: 'audit/0002-subject-blocks',
    async up(db, dialect) {
      await db.schema.dropTable('audit_subjects').execute();
      await db.schema
        .createTable('audit_subjects')
        .addColumn('log_id', 'text', (c) => c.notNull())
        .addColumn('block', 'bigint', (c) => c.notNull())
        .addColumn('subject_key', 'bigint', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_subjects_pk', ['log_id', 'block', 'subject_key', 'idx'])
        .$call((t) => (dialect === 'sqlite' ? t.modifyEnd(sql`without rowid`) : t))
        .execute();
      await db.deleteFrom('audit_index_state').execute();
    },
  },
];

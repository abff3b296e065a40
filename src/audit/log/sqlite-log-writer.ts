/**
 * The audit log's two SQLite write paths — a group commit and a step of subject indexing — as
 * plain prepared statements on one `node:sqlite` connection. It runs on the writer thread
 * (log-writer-worker.ts), where nothing else shares the connection, so it skips Kysely: a batch's
 * multi-row INSERT had a different SQL text (and a fresh prepare) for every batch size, and
 * per-row prepared statements cost a fraction of that. Same rows, same checks as `LogStore`.
 *
 * @module
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { toStoreError } from '../../store/to-store-error.ts';
import { StorageError } from '../errors.ts';
import type { TileData } from '../tree-appender.ts';
import { subjectBlock, subjectKey, subjectOf } from './log-store.ts';

/** Rows per multi-row INSERT: statement calls, not SQLite's work, dominated one-row inserts. */
const ROWS_PER_INSERT = 32;

/**
 * Inserts rows through two prepared statements: one of {@link ROWS_PER_INSERT} rows for full
 * groups and one of a single row for the rest, so every call binds a fixed, cached shape.
 */
class RowInserter {
  readonly #many: StatementSync;
  readonly #one: StatementSync;
  readonly #width: number;
  readonly #values: (string | bigint | number | Uint8Array)[] = [];

  constructor(db: DatabaseSync, head: string, width: number, tail = '') {
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    this.#many = db.prepare(
      `${head} VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => row).join(', ')}${tail}`,
    );
    this.#one = db.prepare(`${head} VALUES ${row}${tail}`);
    this.#width = width;
  }

  add(...values: (string | bigint | number | Uint8Array)[]): void {
    this.#values.push(...values);
    if (this.#values.length === this.#width * ROWS_PER_INSERT) this.#flushMany();
  }

  /** Writes what is buffered (call before the statements that depend on these rows). */
  flush(): void {
    const values = this.#values;
    for (let at = 0; at < values.length; at += this.#width) {
      this.#one.run(...values.slice(at, at + this.#width));
    }
    values.length = 0;
  }

  /** Drops what is buffered (the transaction failed). */
  clear(): void {
    this.#values.length = 0;
  }

  #flushMany(): void {
    this.#many.run(...this.#values);
    this.#values.length = 0;
  }
}

export interface SqliteBatch {
  readonly oldSize: bigint;
  readonly entries: readonly Uint8Array[];
  readonly tiles: readonly TileData[];
  readonly root: Uint8Array;
}

/** Writes of the audit logs of one SQLite database, synchronous. */
export class SqliteLogWriter {
  readonly #db: DatabaseSync;
  readonly #size: StatementSync;
  readonly #entries: RowInserter;
  readonly #tile: StatementSync;
  readonly #state: StatementSync;
  readonly #indexStart: StatementSync;
  readonly #indexed: StatementSync;
  readonly #range: StatementSync;
  readonly #subjects: RowInserter;
  readonly #advance: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#size = db.prepare('SELECT size FROM audit_logs WHERE log_id = ?');
    this.#entries = new RowInserter(db, 'INSERT INTO audit_entries (log_id, idx, data)', 3);
    this.#tile = db.prepare(
      'INSERT INTO audit_tiles (log_id, level, idx, width, hashes) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (log_id, level, idx) DO UPDATE SET width = excluded.width, hashes = excluded.hashes',
    );
    this.#state = db.prepare('UPDATE audit_logs SET size = ?, root = ? WHERE log_id = ?');
    this.#indexStart = db.prepare(
      'INSERT INTO audit_index_state (log_id, indexed_size) VALUES (?, 0) ON CONFLICT (log_id) DO NOTHING',
    );
    this.#indexed = db.prepare('SELECT indexed_size FROM audit_index_state WHERE log_id = ?');
    this.#range = db.prepare(
      'SELECT idx, data FROM audit_entries WHERE log_id = ? AND idx >= ? AND idx < ? ORDER BY idx',
    );
    this.#subjects = new RowInserter(
      db,
      'INSERT INTO audit_subjects (log_id, block, subject_key, idx)',
      4,
      ' ON CONFLICT DO NOTHING',
    );
    this.#advance = db.prepare('UPDATE audit_index_state SET indexed_size = ? WHERE log_id = ?');
  }

  /**
   * One group commit: entries, tiles and the new state in one transaction, after checking the
   * stored size is still `oldSize` (`STATE_MISMATCH` otherwise, nothing written).
   *
   * When the subject index has caught up to `oldSize`, the batch's subjects are indexed in the
   * same transaction: the entries are at hand, so the index costs no read-back and no transaction
   * of its own, and `find` sees them at once. Otherwise the deferred indexing catches up first.
   */
  writeBatch(logId: string, batch: SqliteBatch): void {
    this.#transaction(() => {
      const row = this.#size.get(logId) as { size: bigint | number } | undefined;
      if (row === undefined) throw new StorageError('STATE_MISMATCH', 'audit log does not exist');
      if (BigInt(row.size) !== batch.oldSize) {
        throw new StorageError('STATE_MISMATCH', 'audit log grew under this sequencer');
      }
      this.#indexStart.run(logId);
      const state = this.#indexed.get(logId) as { indexed_size: bigint | number };
      const inline = BigInt(state.indexed_size) === batch.oldSize;
      let idx = batch.oldSize;
      for (const data of batch.entries) {
        this.#entries.add(logId, idx, data);
        if (inline) {
          const subject = subjectOf(data);
          if (subject !== undefined) this.#subjects.add(logId, subjectBlock(idx), subjectKey(subject), idx);
        }
        idx++;
      }
      this.#entries.flush();
      this.#subjects.flush();
      for (const t of batch.tiles) this.#tile.run(logId, t.level, t.index, t.width, t.hashes);
      this.#state.run(idx, batch.root, logId);
      if (inline) this.#advance.run(idx, logId);
    });
  }

  /** Indexes the subjects of up to `maxEntries` entries after the indexed size (see LogStore). */
  indexSubjects(logId: string, maxEntries: number): { indexed: bigint; size: bigint } {
    return this.#transaction(() => {
      this.#indexStart.run(logId);
      const from = BigInt((this.#indexed.get(logId) as { indexed_size: bigint | number }).indexed_size);
      const log = this.#size.get(logId) as { size: bigint | number } | undefined;
      const size = log === undefined ? 0n : BigInt(log.size);
      if (from >= size) return { indexed: from, size };
      const to = size - from > BigInt(maxEntries) ? from + BigInt(maxEntries) : size;
      const rows = this.#range.iterate(logId, from, to) as Iterable<{
        idx: bigint | number;
        data: Uint8Array;
      }>;
      for (const r of rows) {
        const subject = subjectOf(r.data);
        const idx = BigInt(r.idx);
        if (subject !== undefined) this.#subjects.add(logId, subjectBlock(idx), subjectKey(subject), idx);
      }
      this.#subjects.flush();
      this.#advance.run(to, logId);
      return { indexed: to, size };
    });
  }

  #transaction<T>(work: () => T): T {
    try {
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw toStoreError(error);
    }
    try {
      const result = work();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#entries.clear();
      this.#subjects.clear();
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw error instanceof StorageError ? error : toStoreError(error);
    }
  }
}

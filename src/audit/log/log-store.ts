/**
 * The audit log's rows: tree state, entries, tiles, checkpoints and the subject index of one log,
 * on either store dialect. Everything read here may have been tampered with; callers verify.
 *
 * @module
 */
import { hash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { chunkRows } from '../../store/batch.ts';
import { toBigInt } from '../../store/int8.ts';
import { PinnedConnection } from '../../store/pinned-connection.ts';
import type { StoreDialect } from '../../store/store.types.ts';
import { parseCheckpoint } from '../checkpoint.ts';
import { StorageError } from '../errors.ts';
import { parseNote } from '../signed-note.ts';
import type { TileReader } from '../tile-hash-reader.ts';
import type { TileId } from '../tile-path.ts';
import type { TileData } from '../tree-appender.ts';
import type { LogWriterThread } from './log-writer-thread.ts';
import { type AuditTables, SUBJECT_BLOCK_BITS } from './schema.ts';
import type { ExportableLog } from './tile-dir.ts';

/** The committed state of a log. */
export interface LogRow {
  readonly origin: string;
  readonly hashAlgorithm: string;
  readonly size: bigint;
  readonly root: Uint8Array;
}

/** One group commit: entries `[oldSize, oldSize + entries.length)` and what they change. */
export interface BatchWrite {
  readonly oldSize: bigint;
  readonly entries: readonly Uint8Array[];
  readonly tiles: readonly TileData[];
  readonly root: Uint8Array;
}

const HMAC_SUBJECT = /^hmac-(?:sha256|sm3):([0-9a-f]{16})/;

/**
 * The subject index key, a signed 64-bit integer: for an HMAC identifier its own first 8 bytes
 * (already uniformly spread, and in the entry anyway), for any other identifier the first 8 bytes
 * of its SHA-256. Hashing every entry's subject again cost the writer as much as the insert.
 */
export function subjectKey(subject: string): bigint {
  const hmac = HMAC_SUBJECT.exec(subject);
  if (hmac !== null) return BigInt.asIntN(64, BigInt(`0x${hmac[1]}`));
  return (hash('sha256', subject, 'buffer') as Buffer).readBigInt64BE(0);
}

/** The block of the subject index that entry `idx` belongs to (see `AuditSubjectsTable`). */
export function subjectBlock(idx: bigint): bigint {
  return idx >> BigInt(SUBJECT_BLOCK_BITS);
}

/** Blocks looked up per query (an `IN` list, one index seek each). */
const BLOCKS_PER_LOOKUP = 500n;

const SUBJECT = Buffer.from('"subject":"');

/**
 * The subject of a canonical entry, read straight from its bytes (entry.ts writes it as
 * `"subject":"<identifier>"` and the identifier alphabet has no quote or backslash).
 */
export function subjectOf(data: Uint8Array): string | undefined {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const at = buf.indexOf(SUBJECT);
  if (at < 0) return undefined;
  const start = at + SUBJECT.length;
  const end = buf.indexOf(0x22, start);
  return end < 0 ? undefined : buf.toString('latin1', start, end);
}

const bytes = (v: Uint8Array): Uint8Array => (Buffer.isBuffer(v) ? new Uint8Array(v) : v);
const toBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** Byte strings as one buffer with 1-based offsets and lengths (SQL `substring` positions). */
function packRows(rows: readonly Uint8Array[]): { blob: Buffer; offsets: number[]; lengths: number[] } {
  const blob = Buffer.concat(rows.map(toBuffer));
  const offsets: number[] = [];
  const lengths: number[] = [];
  let at = 1;
  for (const r of rows) {
    offsets.push(at);
    lengths.push(r.byteLength);
    at += r.byteLength;
  }
  return { blob, offsets, lengths };
}

/** Rows of one log (`logId`) in an open store. */
export class LogStore {
  readonly #db: Kysely<AuditTables>;
  readonly #dialect: StoreDialect;
  readonly #writer: LogWriterThread | undefined;
  readonly #pinned: PinnedConnection<AuditTables> | undefined;
  readonly logId: string;

  /**
   * @param writer - where the group commits go: on SQLite a writer thread, which also indexes
   *   subjects (see log-writer-thread.ts); on PostgreSQL a connection pinned for them, so batches
   *   sent back to back run in turn (see store/pinned-connection.ts). Everything else runs on `db`.
   */
  constructor(
    db: Kysely<AuditTables>,
    dialect: StoreDialect,
    logId: string,
    writer?: LogWriterThread | PinnedConnection<AuditTables>,
  ) {
    this.#db = db;
    this.#dialect = dialect;
    this.logId = logId;
    if (writer instanceof PinnedConnection) this.#pinned = writer;
    else this.#writer = writer;
  }

  get dialect(): StoreDialect {
    return this.#dialect;
  }

  /** The log's committed state, or `undefined` if the log does not exist yet. */
  async readLog(db: Kysely<AuditTables> = this.#db): Promise<LogRow | undefined> {
    const row = await db
      .selectFrom('audit_logs')
      .select(['origin', 'hash_alg', 'size', 'root'])
      .where('log_id', '=', this.logId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      origin: row.origin,
      hashAlgorithm: row.hash_alg,
      size: toBigInt(row.size),
      root: bytes(row.root),
    };
  }

  /** Creates the (empty) log unless it exists; returns the stored row either way. */
  async createLog(origin: string, hashAlgorithm: string, emptyRoot: Uint8Array, now: Date): Promise<LogRow> {
    await this.#db
      .insertInto('audit_logs')
      .values({
        log_id: this.logId,
        origin,
        hash_alg: hashAlgorithm,
        size: 0n,
        root: emptyRoot,
        created_at: now.toISOString(),
      })
      .onConflict((oc) => oc.column('log_id').doNothing())
      .execute();
    // The subject index starts with the log, so batches can index themselves from the first one.
    await this.#db
      .insertInto('audit_index_state')
      .values({ log_id: this.logId, indexed_size: 0n })
      .onConflict((oc) => oc.column('log_id').doNothing())
      .execute();
    const row = await this.readLog();
    if (row === undefined) throw new StorageError('STATE_MISMATCH', 'audit log row vanished after creation');
    return row;
  }

  /** Stored tiles, at their stored (possibly wider) width; `undefined` where missing. */
  readonly readTiles: TileReader = async (ids) => {
    // One `level = ? AND idx IN (…)` query per level: both key columns usable in the primary-key
    // index (an OR of (level, idx) pairs made SQLite scan every tile of the log).
    const found = new Map<string, Uint8Array>();
    const byLevel = new Map<number, bigint[]>();
    for (const t of ids) {
      const list = byLevel.get(t.level);
      if (list === undefined) byLevel.set(t.level, [t.index]);
      else list.push(t.index);
    }
    for (const [level, indices] of byLevel) {
      for (const chunk of chunkRows([...new Set(indices)], 1, this.#dialect, 500)) {
        const rows = await this.#db
          .selectFrom('audit_tiles')
          .select(['idx', 'hashes'])
          .where('log_id', '=', this.logId)
          .where('level', '=', level)
          .where('idx', 'in', chunk)
          .execute();
        for (const r of rows) found.set(`${level}/${toBigInt(r.idx)}`, bytes(r.hashes));
      }
    }
    return ids.map((t: TileId) => found.get(`${t.level}/${t.index}`));
  };

  /** Entries `[from, to)` in order; a StorageError if any is missing. */
  async readEntries(from: bigint, to: bigint): Promise<Uint8Array[]> {
    if (to <= from) return [];
    const rows = await this.#db
      .selectFrom('audit_entries')
      .select(['idx', 'data'])
      .where('log_id', '=', this.logId)
      .where('idx', '>=', from)
      .where('idx', '<', to)
      .orderBy('idx')
      .execute();
    const out: Uint8Array[] = [];
    let expected = from;
    for (const r of rows) {
      if (toBigInt(r.idx) !== expected) break;
      out.push(bytes(r.data));
      expected++;
    }
    if (expected !== to) throw new StorageError('MISSING_ENTRY', `audit entry ${expected} is not stored`);
    return out;
  }

  /**
   * Writes one batch atomically: entries, tiles and the new state. Fails with
   * `STATE_MISMATCH` (and writes nothing) if the stored size is no longer `oldSize`, i.e. another
   * sequencer appended meanwhile; the caller reloads and retries.
   */
  async writeBatch(batch: BatchWrite): Promise<void> {
    if (this.#writer !== undefined) return this.#writer.writeBatch(this.logId, batch);
    if (this.#dialect === 'postgres') return this.#writeBatchPostgres(batch);
    await this.#db.transaction().execute(async (trx) => {
      // SQLite: the writer already holds the database write lock (BEGIN IMMEDIATE).
      await this.#checkSize(trx, batch.oldSize);
      const rows = batch.entries.map((data, i) => ({
        log_id: this.logId,
        idx: batch.oldSize + BigInt(i),
        data,
      }));
      for (const chunk of chunkRows(rows, 3, this.#dialect)) {
        await trx.insertInto('audit_entries').values(chunk).execute();
      }
      await this.#upsertTiles(trx, batch.tiles);
      await trx
        .updateTable('audit_logs')
        .set({ size: batch.oldSize + BigInt(batch.entries.length), root: batch.root })
        .where('log_id', '=', this.logId)
        .execute();
    });
  }

  /**
   * PostgreSQL: the whole batch in one statement, so one round trip and one implicit transaction
   * (six round trips made the commit wait on the network, not on work). The UPDATE of the state
   * row is the lock and the check: it matches only while the size is still `oldSize` (a writer
   * that lost the race waits for the row lock, then matches nothing), and every insert takes its
   * rows from its result, so a lost race writes nothing.
   *
   * Entries and tile hashes travel as one binary parameter each, cut into rows by offset on the
   * server: as `bytea[]` they went as hex text, twice their size, encoded here and parsed there.
   * The batch indexes its own subjects when the index has caught up to `oldSize` (the entries are
   * at hand; reading them back cost more than the append).
   */
  async #writeBatchPostgres(batch: BatchWrite): Promise<void> {
    const newSize = batch.oldSize + BigInt(batch.entries.length);
    const entries = packRows(batch.entries);
    const tiles = packRows(batch.tiles.map((t) => t.hashes));
    const blocks: string[] = [];
    const keys: string[] = [];
    const indices: string[] = [];
    batch.entries.forEach((data, i) => {
      const subject = subjectOf(data);
      if (subject === undefined) return;
      const idx = batch.oldSize + BigInt(i);
      blocks.push(subjectBlock(idx).toString());
      keys.push(subjectKey(subject).toString());
      indices.push(idx.toString());
    });
    const statement = sql<{ updated: string }>`
      with upd as (
        update audit_logs set size = ${newSize}, root = ${toBuffer(batch.root)}
        where log_id = ${this.logId} and size = ${batch.oldSize}
        returning 1
      ), ent as (
        insert into audit_entries (log_id, idx, data)
        select ${this.logId}, ${batch.oldSize}::bigint + t.n - 1, substring(${entries.blob}::bytea from t.o for t.l)
        from unnest(${entries.offsets}::int[], ${entries.lengths}::int[]) with ordinality as t(o, l, n), upd
      ), til as (
        insert into audit_tiles (log_id, level, idx, width, hashes)
        select ${this.logId}, t.lv, t.i, t.w, substring(${tiles.blob}::bytea from t.o for t.l)
        from unnest(
          ${batch.tiles.map((t) => t.level)}::int[], ${batch.tiles.map((t) => t.index.toString())}::bigint[],
          ${batch.tiles.map((t) => t.width)}::int[], ${tiles.offsets}::int[], ${tiles.lengths}::int[]
        ) as t(lv, i, w, o, l), upd
        on conflict (log_id, level, idx) do update set width = excluded.width, hashes = excluded.hashes
      ), st as (
        update audit_index_state set indexed_size = ${newSize}
        where log_id = ${this.logId} and indexed_size = ${batch.oldSize} and exists (select 1 from upd)
        returning 1
      ), sub as (
        insert into audit_subjects (log_id, block, subject_key, idx)
        select ${this.logId}, t.b, t.k, t.i
        from unnest(${blocks}::bigint[], ${keys}::bigint[], ${indices}::bigint[]) as t(b, k, i), st
        on conflict do nothing
      )
      select count(*)::text as updated from upd`;
    const { rows } = await (this.#pinned === undefined
      ? statement.execute(this.#db)
      : this.#pinned.run((conn) => statement.execute(conn)));
    if (rows[0]?.updated !== '1')
      throw new StorageError('STATE_MISMATCH', 'audit log grew under this sequencer');
  }

  /**
   * Writes a verified copy of another log (see `importLog`): its state, tiles, the imported
   * entries (possibly a range with gaps before it) and its checkpoint, in one transaction. Only
   * for mirrors: a mirror is never appended to.
   */
  async writeMirror(mirror: {
    readonly origin: string;
    readonly hashAlgorithm: string;
    readonly size: bigint;
    readonly root: Uint8Array;
    readonly note: string;
    readonly tiles: readonly TileData[];
    readonly entries: readonly { readonly idx: bigint; readonly data: Uint8Array }[];
    readonly now: Date;
  }): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const existing = await this.readLog(trx);
      if (existing !== undefined && existing.size > mirror.size) {
        throw new StorageError('STATE_MISMATCH', 'the mirror already holds a larger tree');
      }
      if (existing === undefined) {
        await trx
          .insertInto('audit_logs')
          .values({
            log_id: this.logId,
            origin: mirror.origin,
            hash_alg: mirror.hashAlgorithm,
            size: mirror.size,
            root: mirror.root,
            created_at: mirror.now.toISOString(),
          })
          .execute();
      } else {
        await trx
          .updateTable('audit_logs')
          .set({ size: mirror.size, root: mirror.root })
          .where('log_id', '=', this.logId)
          .execute();
      }
      await this.#upsertTiles(trx, mirror.tiles);
      const entries = mirror.entries.map((e) => ({ log_id: this.logId, idx: e.idx, data: e.data }));
      for (const chunk of chunkRows(entries, 3, this.#dialect)) {
        await trx
          .insertInto('audit_entries')
          .values(chunk)
          .onConflict((oc) => oc.columns(['log_id', 'idx']).doNothing())
          .execute();
      }
      await trx
        .insertInto('audit_checkpoints')
        .values({
          log_id: this.logId,
          size: mirror.size,
          note: mirror.note,
          created_at: mirror.now.toISOString(),
        })
        .onConflict((oc) => oc.columns(['log_id', 'size']).doNothing())
        .execute();
    });
  }

  /**
   * Brings the subject index up to date by up to `maxEntries` entries, in one transaction: reads
   * the entries after the indexed size, adds their subjects, advances the indexed size. Safe to run
   * from several processes (the state row is locked). Returns how far the index now reaches and
   * the log's size.
   */
  async indexSubjects(maxEntries = 20_000): Promise<{ indexed: bigint; size: bigint }> {
    // After the log closed its writer, reads (`find`) still catch the index up on this connection.
    if (this.#writer?.open === true) return this.#writer.indexSubjects(this.logId, maxEntries);
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_index_state')
        .values({ log_id: this.logId, indexed_size: 0n })
        .onConflict((oc) => oc.column('log_id').doNothing())
        .execute();
      const query = trx
        .selectFrom('audit_index_state')
        .select('indexed_size')
        .where('log_id', '=', this.logId);
      const state = await (this.#dialect === 'postgres'
        ? query.forUpdate()
        : query
      ).executeTakeFirstOrThrow();
      const from = toBigInt(state.indexed_size);
      const log = await this.readLog(trx);
      const size = log?.size ?? 0n;
      if (from >= size) return { indexed: from, size };
      const to = size - from > BigInt(maxEntries) ? from + BigInt(maxEntries) : size;
      const rows = await trx
        .selectFrom('audit_entries')
        .select(['idx', 'data'])
        .where('log_id', '=', this.logId)
        .where('idx', '>=', from)
        .where('idx', '<', to)
        .orderBy('idx')
        .execute();
      const index: { log_id: string; block: bigint; subject_key: bigint; idx: bigint }[] = [];
      for (const r of rows) {
        const subject = subjectOf(r.data);
        const idx = toBigInt(r.idx);
        if (subject !== undefined)
          index.push({ log_id: this.logId, block: subjectBlock(idx), subject_key: subjectKey(subject), idx });
      }
      for (const chunk of chunkRows(index, 4, this.#dialect)) {
        await trx
          .insertInto('audit_subjects')
          .values(chunk)
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await trx
        .updateTable('audit_index_state')
        .set({ indexed_size: to })
        .where('log_id', '=', this.logId)
        .execute();
      return { indexed: to, size };
    });
  }

  /** Stores tiles at their new width (a tile grows until it is full). */
  async #upsertTiles(trx: Transaction<AuditTables>, tiles: readonly TileData[]): Promise<void> {
    const rows = tiles.map((t) => ({
      log_id: this.logId,
      level: t.level,
      idx: t.index,
      width: t.width,
      hashes: t.hashes,
    }));
    for (const chunk of chunkRows(rows, 5, this.#dialect)) {
      await trx
        .insertInto('audit_tiles')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['log_id', 'level', 'idx']).doUpdateSet((eb) => ({
            width: eb.ref('excluded.width'),
            hashes: eb.ref('excluded.hashes'),
          })),
        )
        .execute();
    }
  }

  async #checkSize(trx: Transaction<AuditTables>, expectedSize: bigint): Promise<void> {
    const row = await trx
      .selectFrom('audit_logs')
      .select('size')
      .where('log_id', '=', this.logId)
      .executeTakeFirst();
    if (row === undefined) throw new StorageError('STATE_MISMATCH', 'audit log does not exist');
    if (toBigInt(row.size) !== expectedSize) {
      throw new StorageError('STATE_MISMATCH', 'audit log grew under this sequencer');
    }
  }

  /**
   * Stores a signed checkpoint with the cosignatures gathered for it. Checkpoints are append-only:
   * a second note for a size already stored is ignored (the log signature over an unchanged body
   * is identical, Ed25519 being deterministic).
   */
  async saveCheckpoint(size: bigint, note: string, now: Date): Promise<void> {
    await this.#db
      .insertInto('audit_checkpoints')
      .values({ log_id: this.logId, size, note, created_at: now.toISOString() })
      .onConflict((oc) => oc.columns(['log_id', 'size']).doNothing())
      .execute();
  }

  /** The stored note for `size`, if any. */
  async checkpointAt(size: bigint): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('audit_checkpoints')
      .select('note')
      .where('log_id', '=', this.logId)
      .where('size', '=', size)
      .executeTakeFirst();
    return row?.note;
  }

  /** The newest stored checkpoint. */
  async latestCheckpoint(): Promise<{ size: bigint; note: string } | undefined> {
    const row = await this.#db
      .selectFrom('audit_checkpoints')
      .select(['size', 'note'])
      .where('log_id', '=', this.logId)
      .orderBy('size', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : { size: toBigInt(row.size), note: row.note };
  }

  /**
   * Indices of the indexed entries that may name `subject` (a key collision adds a candidate),
   * ascending: one index seek per block of the indexed part of the log.
   */
  async entriesAbout(subject: string, limit = 10_000): Promise<bigint[]> {
    const state = await this.#db
      .selectFrom('audit_index_state')
      .select('indexed_size')
      .where('log_id', '=', this.logId)
      .executeTakeFirst();
    const indexed = state === undefined ? 0n : toBigInt(state.indexed_size);
    const key = subjectKey(subject);
    const found: bigint[] = [];
    const blocks = indexed === 0n ? 0n : subjectBlock(indexed - 1n) + 1n;
    for (let first = 0n; first < blocks && found.length < limit; first += BLOCKS_PER_LOOKUP) {
      const last = first + BLOCKS_PER_LOOKUP < blocks ? first + BLOCKS_PER_LOOKUP : blocks;
      const list: bigint[] = [];
      for (let b = first; b < last; b++) list.push(b);
      const rows = await this.#db
        .selectFrom('audit_subjects')
        .select('idx')
        .where('log_id', '=', this.logId)
        .where('block', 'in', list)
        .where('subject_key', '=', key)
        .orderBy('idx')
        .limit(limit - found.length)
        .execute();
      for (const r of rows) found.push(toBigInt(r.idx));
    }
    return found;
  }

  /** This log as a `LogSource` / `ExportableLog` (for `verifyLog` and `exportLog`). */
  asSource(): ExportableLog {
    return {
      latestCheckpoint: async () => (await this.latestCheckpoint())?.note,
      readTiles: this.readTiles,
      readEntries: (from, to) => this.readEntries(from, to),
      checkpointSize: (note) => parseCheckpoint(parseNote(note).text).size,
    };
  }
}

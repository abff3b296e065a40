import { inspect } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import { chunkRows, type Migration, type Store, StoreError, toBigInt } from './index.ts';

interface Tables {
  items: { tenant_id: string; id: bigint; n: number; data: Uint8Array | null; note: string | null };
}

const items: Migration = {
  id: 'test/0001-items',
  async up(db, dialect) {
    await db.schema
      .createTable('items')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'bigint', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('data', dialect === 'sqlite' ? 'blob' : 'bytea')
      .addColumn('note', 'text')
      .addPrimaryKeyConstraint('items_pk', ['tenant_id', 'id'])
      .execute();
  },
};

const row = (id: bigint, extra: Partial<Tables['items']> = {}): Tables['items'] => ({
  tenant_id: 'ten_a',
  id,
  n: 1,
  data: null,
  note: null,
  ...extra,
});

async function count(db: Kysely<Tables>): Promise<bigint> {
  const { c } = await db
    .selectFrom('items')
    .select((eb) => eb.fn.countAll().as('c'))
    .executeTakeFirstOrThrow();
  return toBigInt(c);
}

describe.each(testDialects)('queries on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<Tables>;
  let db: Kysely<Tables>;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    store = await t.open<Tables>({ migrations: [items] });
    db = store.db;
  });
  afterEach(() => t.drop());

  it('round-trips 64-bit integers beyond 2^53 as bigint, and integer columns as number', async () => {
    const ids = [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 0n];
    await db
      .insertInto('items')
      .values(ids.map((id) => row(id, { n: 2 ** 31 - 1 })))
      .execute();
    const rows = await db.selectFrom('items').select(['id', 'n']).orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    for (const r of rows) {
      expect(typeof r.id).toBe('bigint');
      expect(r.n).toBe(2 ** 31 - 1);
    }
    expect(await count(db)).toBe(4n);
  });

  it('round-trips blobs given as Uint8Array or Buffer, reading back Uint8Array', async () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    await db
      .insertInto('items')
      .values([
        row(1n, { data: all }),
        row(2n, { data: Buffer.from([0, 0xff, 0]) }),
        row(3n, { data: new Uint8Array(0) }),
      ])
      .execute();
    const rows = await db.selectFrom('items').select(['id', 'data']).orderBy('id').execute();
    expect(rows.map((r) => r.data).every((d) => d instanceof Uint8Array)).toBe(true);
    expect(rows.map((r) => Array.from(r.data ?? [0xdead]))).toEqual([Array.from(all), [0, 0xff, 0], []]);
  });

  it('returns rows for INSERT … RETURNING and counts for writes without RETURNING', async () => {
    const returned = await db
      .insertInto('items')
      .values([row(1n, { n: 10 }), row(2n, { n: 20 })])
      .returning(['id', 'n'])
      .execute();
    expect(returned).toEqual([
      { id: 1n, n: 10 },
      { id: 2n, n: 20 },
    ]);
    const inserted = await db.insertInto('items').values(row(3n)).executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(1n);
    const updated = await db
      .updateTable('items')
      .set({ n: 5 })
      .where('id', '<', 3n)
      .executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(2n);
    const deleted = await db.deleteFrom('items').where('id', '=', 3n).executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(1n);
    const raw = await sql`update items set n = n + 1`.execute(db);
    expect(raw.numAffectedRows).toBe(2n);
    expect(raw.rows).toEqual([]);
    const selected = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(selected.rows.map((r) => Number(r.one))).toEqual([1]);
  });

  it('leaves nothing behind when a transaction throws', async () => {
    const boom = new Error('boom');
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('items')
          .values(Array.from({ length: 100 }, (_, i) => row(BigInt(i))))
          .execute();
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count(db)).toBe(0n);
  });

  it('rolls the whole transaction back when a statement fails, with a typed error', async () => {
    await db.insertInto('items').values(row(1n)).execute();
    const error = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('items').values(row(2n)).execute();
        await trx.insertInto('items').values(row(1n)).execute();
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('UNIQUE_VIOLATION');
    expect((error as StoreError).retryable).toBe(false);
    expect(await db.selectFrom('items').select('id').execute()).toEqual([{ id: 1n }]);
  });

  it('keeps bound values out of errors (they may be personal information)', async () => {
    const phone = '13812345678';
    await db
      .insertInto('items')
      .values(row(1n, { note: phone }))
      .execute();
    const duplicate = await db
      .insertInto('items')
      .values(row(1n, { note: phone }))
      .execute()
      .catch((e: unknown) => e);
    expect((duplicate as StoreError).code).toBe('UNIQUE_VIOLATION');
    const badCast = await sql`select cast(${`${phone}x`} as bigint) as v`
      .execute(db)
      .catch((e: unknown) => e);
    const tooBig = await sql`select ${2n ** 64n + 13812345678n} as v`.execute(db).catch((e: unknown) => e);
    for (const error of [duplicate, badCast, tooBig].filter((e) => e instanceof Error)) {
      expect(error).toBeInstanceOf(StoreError);
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(phone);
      expect(JSON.stringify(error)).not.toContain(phone);
    }
    // SQLite casts the text to an integer prefix instead of failing; PostgreSQL rejects it.
    if (dialect === 'postgres') expect((badCast as StoreError).dbCode).toBe('22P02');
  });

  it('maps constraint failures to stable codes', async () => {
    await sql`create table parents (id bigint primary key)`.execute(db);
    await sql`create table children (parent_id bigint not null references parents (id))`.execute(db);
    const codeOf = (query: Promise<unknown>) =>
      query.then(
        () => 'ok',
        (e: StoreError) => e.code,
      );
    expect(await codeOf(sql`insert into children values (${1n})`.execute(db))).toBe('FOREIGN_KEY_VIOLATION');
    expect(await codeOf(sql`insert into children values (${null})`.execute(db))).toBe('CONSTRAINT_VIOLATION');
    expect(await codeOf(sql`select * from no_such_table`.execute(db))).toBe('QUERY_FAILED');
  });

  it('inserts 10,000 rows in chunks inside one transaction', async () => {
    const data = new Uint8Array(64).fill(7);
    const rows = Array.from({ length: 10_000 }, (_, i) => row(BigInt(i), { n: i, data }));
    const chunks = chunkRows(rows, 5, dialect);
    expect(chunks.length).toBe(10);
    await db.transaction().execute(async (trx) => {
      for (const chunk of chunks) await trx.insertInto('items').values(chunk).execute();
    });
    expect(await count(db)).toBe(10_000n);
    const last = await db.selectFrom('items').selectAll().where('id', '=', 9999n).executeTakeFirstOrThrow();
    expect(last.n).toBe(9999);
  });

  it('supports savepoints inside a transaction', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('items').values(row(1n)).execute();
    const inner = await trx.savepoint('before_second').execute();
    await inner.insertInto('items').values(row(2n)).execute();
    await inner.rollbackToSavepoint('before_second').execute();
    await trx.commit().execute();
    expect(await db.selectFrom('items').select('id').execute()).toEqual([{ id: 1n }]);
  });

  it('sees columns added after a query was prepared', async () => {
    await db.insertInto('items').values(row(1n)).execute();
    await sql`select * from items`.execute(db);
    await db.schema.alterTable('items').addColumn('extra', 'bigint').execute();
    const after = await sql<Record<string, unknown>>`select * from items`.execute(db);
    expect(Object.keys(after.rows[0] ?? {})).toContain('extra');
  });

  it('rejects queries once closed', async () => {
    await store.close();
    // Kysely itself refuses, before the driver is reached.
    await expect(db.selectFrom('items').selectAll().execute()).rejects.toThrow(/destroyed/);
  });
});

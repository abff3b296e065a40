import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withErrorMapping } from '../error-mapping-dialect.ts';
import { openStore, type Store } from '../index.ts';
import { NodeSqliteDialect } from './node-sqlite-dialect.ts';
import type { NodeSqliteDatabase } from './node-sqlite-dialect-config.ts';

// SQLite-only behaviour: PRAGMAs, the statement cache, lock waits, streaming. What both
// dialects share is tested in ../queries.test.ts and friends.

interface Tables {
  t: { id: bigint; n: number | bigint };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiming-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function createT(db: Kysely<Tables>): Promise<void> {
  await db.schema
    .createTable('t')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('n', 'integer')
    .execute();
}

describe('the store on SQLite', () => {
  let store: Store<Tables>;
  beforeEach(async () => {
    store = await openStore<Tables>({ kind: 'sqlite', path: join(dir, 'a.db') });
    await createT(store.db);
  });
  afterEach(() => store.close());

  it('runs with WAL, synchronous=FULL, foreign keys on and no blocking busy handler', async () => {
    const read = async (pragma: string) =>
      Object.values((await sql.raw(`PRAGMA ${pragma}`).execute(store.db)).rows[0] ?? {})[0];
    expect(await read('journal_mode')).toBe('wal');
    expect(await read('synchronous')).toBe(2); // FULL
    expect(await read('foreign_keys')).toBe(1);
    expect(await read('busy_timeout')).toBe(0);
  });

  it('narrows integers to number outside BIGINT columns, unless they exceed 2^53', async () => {
    await store.db
      .insertInto('t')
      .values([
        { id: 1n, n: 7 },
        { id: 2n, n: 2n ** 60n },
      ])
      .execute();
    const rows = await store.db.selectFrom('t').select(['id', 'n']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1n, n: 7 },
      { id: 2n, n: 2n ** 60n },
    ]);
    const { max } =
      (await sql<{ max: unknown }>`select max(id) as max from t`.execute(store.db)).rows[0] ?? {};
    expect(max).toBe(2);
  });

  it('streams rows in chunks', async () => {
    await store.db
      .insertInto('t')
      .values(Array.from({ length: 25 }, (_, i) => ({ id: BigInt(i), n: i })))
      .execute();
    const seen: number[] = [];
    for await (const row of store.db.selectFrom('t').select('n').orderBy('id').stream(10))
      seen.push(Number(row.n));
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('waits for another connection’s write lock without blocking the event loop', async () => {
    const other = await openStore<Tables>({ kind: 'sqlite', path: join(dir, 'a.db') });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const holder = other.db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 1n, n: 1 }).execute();
        await new Promise((resolve) => setTimeout(resolve, 100));
      });
      await new Promise((resolve) => setTimeout(resolve, 10));
      // Autocommit insert: waits for the lock, then succeeds.
      await store.db.insertInto('t').values({ id: 2n, n: 2 }).execute();
      await holder;
    } finally {
      clearInterval(timer);
      await other.close();
    }
    expect(ticks).toBeGreaterThan(5);
    expect(await store.db.selectFrom('t').select('id').orderBy('id').execute()).toEqual([
      { id: 1n },
      { id: 2n },
    ]);
  });

  it('gives up with BUSY after busyTimeoutMs', async () => {
    const impatient = await openStore<Tables>({ kind: 'sqlite', path: join(dir, 'a.db'), busyTimeoutMs: 30 });
    const trx = await store.db.startTransaction().execute();
    try {
      await trx.insertInto('t').values({ id: 1n, n: 1 }).execute();
      await expect(impatient.db.insertInto('t').values({ id: 2n, n: 2 }).execute()).rejects.toMatchObject({
        code: 'BUSY',
        retryable: true,
      });
    } finally {
      await trx.rollback().execute();
      await impatient.close();
    }
  });
});

describe('NodeSqliteDialect', () => {
  it('prepares each distinct statement once and evicts the least recently used', async () => {
    const real = new DatabaseSync(':memory:');
    const prepared: string[] = [];
    const counting: NodeSqliteDatabase = {
      get isTransaction() {
        return real.isTransaction;
      },
      prepare(text) {
        prepared.push(text);
        return real.prepare(text);
      },
      close: () => real.close(),
    };
    const db = new Kysely<Tables>({
      dialect: withErrorMapping(new NodeSqliteDialect({ database: counting, statementCacheSize: 2 })),
    });
    await createT(db);
    const q = (n: number) => db.selectFrom('t').selectAll().where('n', '=', n).execute();
    const byId = () => db.selectFrom('t').selectAll().where('id', '=', 1n).execute();
    const byN = () => db.selectFrom('t').select('id').execute();
    prepared.length = 0;
    await q(1);
    await q(2); // same SQL text, new parameters: cached
    await byId();
    await q(3); // still cached (2 slots)
    await byN(); // evicts byId, the least recently used
    await byId();
    expect(prepared.filter((s) => s.includes('"n" = ?'))).toHaveLength(1);
    expect(prepared.filter((s) => s.includes('"id" = ?'))).toHaveLength(2);
    await db.destroy();
  });

  it('reports a database it cannot create or open as CONNECTION_FAILED', async () => {
    writeFileSync(join(dir, 'file'), '');
    // The parent is a file; the path is a directory.
    for (const path of [join(dir, 'file', 'x.db'), dir]) {
      await expect(openStore({ kind: 'sqlite', path })).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    }
  });
});

import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import type { Store } from '../store/store.types.ts';
import { WriteBatcher } from './write-batcher.ts';

interface Tables {
  t: { id: number };
}

describe.each(testDialects)('WriteBatcher on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store<Tables>;
  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    store = await db.open<Tables>();
    await sql`create table t (id integer primary key)`.execute(store.db);
  });
  afterEach(() => db.drop());

  const ids = async () =>
    (await store.db.selectFrom('t').select('id').orderBy('id').execute()).map((r) => Number(r.id));

  it('commits concurrent units together and resolves each with its own value', async () => {
    const batcher = new WriteBatcher(store.db);
    const values = await Promise.all(
      [1, 2, 3].map((id) =>
        batcher.run(async (trx) => {
          await trx.insertInto('t').values({ id }).execute();
          return id * 10;
        }),
      ),
    );
    expect(values).toEqual([10, 20, 30]);
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('a unit that throws fails alone: its writes are gone, the others commit', async () => {
    const batcher = new WriteBatcher(store.db);
    const results = await Promise.allSettled([
      batcher.run((trx) => trx.insertInto('t').values({ id: 1 }).execute()),
      batcher.run(async (trx) => {
        await trx.insertInto('t').values({ id: 2 }).execute();
        throw new Error('unit failed');
      }),
      // A constraint violation inside the batch: the same id twice.
      batcher.run((trx) => trx.insertInto('t').values({ id: 1 }).execute()),
      batcher.run((trx) => trx.insertInto('t').values({ id: 3 }).execute()),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'unit failed' });
    expect(await ids()).toEqual([1, 3]);
  });
});

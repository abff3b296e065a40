import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import { compiledOnce } from './compiled-once.ts';
import type { Migration, Store } from './index.ts';

interface Tables {
  things: { tenant_id: string; id: string; n: number };
}

const things: Migration = {
  id: 'test/0001-things',
  async up(db) {
    await db.schema
      .createTable('things')
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('things_pk', ['tenant_id', 'id'])
      .execute();
  },
};

describe.each(testDialects)('compiledOnce on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<Tables>;
  let db: Kysely<Tables>;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    store = await t.open<Tables>({ migrations: [things] });
    db = store.db;
    await db
      .insertInto('things')
      .values([
        { tenant_id: 'a', id: 'x', n: 1 },
        { tenant_id: 'a', id: 'y', n: 2 },
        { tenant_id: 'b', id: 'x', n: 3 },
      ])
      .execute();
  });
  afterEach(() => t.drop());

  const select = (tenant: string, ids: string[]) => {
    let builds = 0;
    const query = compiledOnce(db, `things/${ids.length}`, [tenant, ...ids], (q) => {
      builds++;
      return q
        .selectFrom('things')
        .select(['id', 'n'])
        .where('tenant_id', '=', tenant)
        .where('id', 'in', ids)
        .orderBy('id');
    });
    return { query, builds };
  };

  it('compiles once per shape and runs with the parameters of each call', async () => {
    const first = select('a', ['x', 'y']);
    expect(first.builds).toBe(1);
    expect((await db.executeQuery(first.query)).rows).toEqual([
      { id: 'x', n: 1 },
      { id: 'y', n: 2 },
    ]);
    // Same shape, other values: not rebuilt, and the new values are the ones bound.
    const again = select('b', ['x', 'q']);
    expect(again.builds).toBe(0);
    expect((await db.executeQuery(again.query)).rows).toEqual([{ id: 'x', n: 3 }]);
    expect(select('a', ['y']).builds).toBe(1);
  });

  it('refuses parameters that do not match what the query binds', () => {
    expect(() =>
      compiledOnce(db, 'things/bad', ['a'], (q) =>
        q.selectFrom('things').select('id').where('tenant_id', '=', 'a').where('id', '=', 'x'),
      ),
    ).toThrow(/binds 2 values, not 1/);
  });
});

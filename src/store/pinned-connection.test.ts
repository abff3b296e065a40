import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import { PinnedConnection } from './pinned-connection.ts';
import type { Store } from './store.types.ts';

interface Tables {
  seen: { n: number };
}

describe.each(testDialects)('PinnedConnection on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<Tables>;

  async function open(): Promise<void> {
    t = await createTestDatabase(dialect);
    store = await t.open<Tables>();
    await store.db.schema.createTable('seen').addColumn('n', 'integer').execute();
  }

  afterEach(async () => {
    await t.drop();
  });

  it('runs statements in the order sent, then gives the connection back so the store can close', async () => {
    await open();
    const pinned = new PinnedConnection(store.db);
    await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        pinned.run((conn) => conn.insertInto('seen').values({ n }).execute()),
      ),
    );
    const rows = await store.db.selectFrom('seen').select('n').execute();
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    await store.close(); // would wait forever for a connection still held
    await pinned.close();
  });

  it.runIf(dialect === 'postgres')('takes a fresh connection after its own was killed', async () => {
    await open();
    const pinned = new PinnedConnection(store.db);
    const pid = (conn: typeof store.db) =>
      sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn).then((r) => r.rows[0]!.pid);
    // Hold the connection across two statements: the first kills it, the second fails with it.
    const killed = pinned.run(async (conn) => {
      const mine = await pid(conn);
      await sql`select pg_terminate_backend(${mine})`.execute(store.db);
      return pid(conn);
    });
    await expect(killed).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
    // The pool may lend the dead client once more before it notices the closed socket (Kysely
    // gives clients back without the error); after that the writer is working again.
    let after: number | undefined;
    for (let attempt = 0; attempt < 3 && after === undefined; attempt++) {
      after = await pinned.run((conn) => pid(conn)).catch(() => undefined);
    }
    expect(after).toBeGreaterThan(0);
    await pinned.close();
  });
});

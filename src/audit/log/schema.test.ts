import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../../test/support/databases.ts';
import { LogStore } from './log-store.ts';
import { AUDIT_MIGRATIONS, type AuditTables } from './schema.ts';

describe.each(testDialects)('audit schema migrations on %s', (dialect) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.drop();
  });

  it('0002 replaces the unblocked subject index and resets its state, so the indexer rebuilds it', async () => {
    t = await createTestDatabase(dialect);
    const before = await t.open<Record<string, Record<string, unknown>>>({
      migrations: AUDIT_MIGRATIONS.slice(0, 1),
    });
    await before.db
      .insertInto('audit_subjects')
      .values({ log_id: 'main', subject_key: 42n, idx: 0n })
      .execute();
    await before.db.insertInto('audit_index_state').values({ log_id: 'main', indexed_size: 1n }).execute();
    await before.close();
    const after = await t.open<AuditTables>({ migrations: AUDIT_MIGRATIONS });
    expect(await after.db.selectFrom('audit_subjects').selectAll().execute()).toEqual([]);
    expect(await after.db.selectFrom('audit_index_state').selectAll().execute()).toEqual([]);
    await after.db
      .insertInto('audit_subjects')
      .values({ log_id: 'main', block: 0n, subject_key: 42n, idx: 7n })
      .execute();
    // With nothing marked indexed, a lookup reads no block (the indexer has not caught up yet).
    expect(await new LogStore(after.db, dialect, 'main').entriesAbout('acc_12345678')).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import { type Migration, migrate, type Store, StoreError } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations work on the untyped database.
type AnyDb = Kysely<any>;

const table = (id: string): Migration => ({
  id,
  async up(db) {
    await db.schema.createTable(id.replace(/\W/g, '_')).addColumn('x', 'integer').execute();
  },
});

// The same shape runs in child processes below (CHILD): a `runs` table, then steps that each
// create a table, record that they ran and dawdle, to widen any race.
const RACE_IDS = ['race/1', 'race/2', 'race/3'];
function raceMigrations(): Migration[] {
  return [
    {
      id: 'race/0',
      up: (db) =>
        db.schema
          .createTable('runs')
          .addColumn('id', 'text', (c) => c.notNull())
          .execute(),
    },
    ...RACE_IDS.map((id) => ({
      id,
      async up(db: AnyDb) {
        await db.schema.createTable(id.replace('/', '_')).addColumn('x', 'integer').execute();
        await db.insertInto('runs').values({ id }).execute();
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    })),
  ];
}

const CHILD = `
const { openStore } = await import(process.env.STORE_MODULE);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const migrations = [
  { id: 'race/0', up: (db) => db.schema.createTable('runs').addColumn('id', 'text', (c) => c.notNull()).execute() },
  ...${JSON.stringify(RACE_IDS)}.map((id) => ({
    id,
    async up(db) {
      await db.schema.createTable(id.replace('/', '_')).addColumn('x', 'integer').execute();
      await db.insertInto('runs').values({ id }).execute();
      await sleep(20);
    },
  })),
];
const store = await openStore(JSON.parse(process.env.STORE_CONFIG), { migrations });
await store.close();
`;

const STORE_MODULE = fileURLToPath(new URL('./index.ts', import.meta.url));

async function appliedIds(db: AnyDb): Promise<string[]> {
  const rows = await db.selectFrom('shiming_migrations').select('id').orderBy('id').execute();
  return rows.map((r) => r.id as string);
}

async function runs(db: AnyDb): Promise<string[]> {
  const rows = await db.selectFrom('runs').select('id').orderBy('id').execute();
  return rows.map((r) => r.id as string);
}

describe.each(testDialects)('migrate on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<unknown>;
  let db: AnyDb;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    store = await t.open();
    db = store.db as AnyDb;
  });
  afterEach(() => t.drop());

  it('applies migrations in order once, and does nothing the second time', async () => {
    const calls: string[] = [];
    const counted = ['a/1', 'a/2', 'b/1'].map((id) => ({
      id,
      async up(trx: AnyDb, d: string) {
        calls.push(`${id}@${d}`);
        await table(id).up(trx, dialect);
      },
    }));
    const now = () => new Date('2026-05-01T08:00:00.000Z');
    expect(await migrate(store, counted, { now })).toEqual({ applied: ['a/1', 'a/2', 'b/1'] });
    expect(await migrate(store, counted, { now })).toEqual({ applied: [] });
    expect(calls).toEqual([`a/1@${dialect}`, `a/2@${dialect}`, `b/1@${dialect}`]);
    const rows = await db.selectFrom('shiming_migrations').selectAll().orderBy('id').execute();
    expect(rows).toEqual(['a/1', 'a/2', 'b/1'].map((id) => ({ id, applied_at: '2026-05-01T08:00:00.000Z' })));
    // A later release appends one: only that one runs.
    expect(await migrate(store, [...counted, table('c/1')])).toEqual({ applied: ['c/1'] });
  });

  it('runs each migration in its own transaction', async () => {
    const broken: Migration = {
      id: 'b/1',
      async up(trx) {
        await table('b/1').up(trx, dialect);
        throw new Error('bug in migration');
      },
    };
    const error = await migrate(store, [table('a/1'), broken]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('MIGRATION_FAILED');
    expect((error as Error).message).toContain('b/1');
    expect(await appliedIds(db)).toEqual(['a/1']);
    // b/1's table went with its transaction.
    await expect(sql`select * from b_1`.execute(db)).rejects.toBeInstanceOf(StoreError);
    expect(await migrate(store, [table('a/1'), table('b/1')])).toEqual({ applied: ['b/1'] });
  });

  it('refuses a database migrated by a newer version', async () => {
    await migrate(store, [table('a/1'), table('a/2')]);
    await expect(migrate(store, [table('a/1')])).rejects.toMatchObject({ code: 'MIGRATION_UNKNOWN' });
    await expect(t.open({ migrations: [table('a/1')] })).rejects.toMatchObject({ code: 'MIGRATION_UNKNOWN' });
  });

  it('opens a database another layer migrated further (per-layer check)', async () => {
    await migrate(store, [table('a/1'), table('b/1'), table('b/2')]);
    expect(await migrate(store, [table('a/1')])).toEqual({ applied: [] });
    expect(await migrate(store, [table('a/1'), table('a/2')])).toEqual({ applied: ['a/2'] });
    await expect(migrate(store, [table('b/1')])).rejects.toMatchObject({ code: 'MIGRATION_UNKNOWN' });
  });

  it('refuses to fill a hole before an applied migration', async () => {
    await migrate(store, [table('a/1'), table('a/3')]);
    await expect(migrate(store, [table('a/1'), table('a/2'), table('a/3')])).rejects.toMatchObject({
      code: 'MIGRATION_ORDER',
    });
    expect(await appliedIds(db)).toEqual(['a/1', 'a/3']);
  });

  it('rejects duplicate or empty ids before touching the database', async () => {
    await expect(migrate(store, [table('a/1'), table('a/1')])).rejects.toMatchObject({
      code: 'MIGRATION_INVALID',
    });
    await expect(migrate(store, [table('')])).rejects.toMatchObject({ code: 'MIGRATION_INVALID' });
  });

  it('applies each migration once when several stores start at once', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => t.open({ migrations: raceMigrations() })));
    expect(opened).toHaveLength(3);
    expect(await runs(db)).toEqual(RACE_IDS);
    expect(await appliedIds(db)).toEqual(['race/0', ...RACE_IDS]);
  });

  it('applies each migration once when several processes start at once', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, STORE_MODULE, STORE_CONFIG: JSON.stringify(t.config) };
    const children = [1, 2, 3].map(() =>
      run(process.execPath, ['--input-type=module', '-e', CHILD], { env }),
    );
    await Promise.all(children);
    expect(await runs(db)).toEqual(RACE_IDS);
    expect(await appliedIds(db)).toEqual(['race/0', ...RACE_IDS]);
  });
});

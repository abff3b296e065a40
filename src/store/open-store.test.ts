import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import { DEFAULT_SQLITE_PATH, openStore, StoreError } from './index.ts';

describe.each(testDialects)('openStore on %s', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(() => t.drop());

  it('opens a store that reports its dialect and answers queries', async () => {
    const store = await t.open();
    expect(store.dialect).toBe(dialect);
    const { rows } = await sql<{ v: unknown }>`select 40 + 2 as v`.execute(store.db);
    expect(Number(rows[0]?.v)).toBe(42);
  });

  it('shares data between stores opened on the same database', async () => {
    const a = await t.open();
    const b = await t.open();
    await sql`create table shared (x integer)`.execute(a.db);
    await sql`insert into shared values (1)`.execute(a.db);
    const { rows } = await sql<{ x: number }>`select x from shared`.execute(b.db);
    expect(rows).toEqual([{ x: 1 }]);
  });
});

describe('openStore on SQLite files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shiming-open-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates missing directories with mode 0700', async () => {
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'a', 'b', 'shiming.db') });
    await store.close();
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'a', 'b', 'shiming.db')).isFile()).toBe(true);
  });

  it('defaults to ./data/shiming.db', async () => {
    expect(DEFAULT_SQLITE_PATH).toBe('./data/shiming.db');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const store = await openStore({ kind: 'sqlite' });
      await store.close();
    } finally {
      process.chdir(cwd);
    }
    expect(statSync(join(dir, 'data', 'shiming.db')).isFile()).toBe(true);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
  });
});

describe('openStore on an unreachable PostgreSQL', () => {
  it('fails with CONNECTION_FAILED and never echoes the URL', async () => {
    const password = 'pw-do-not-print';
    const error = await openStore({ kind: 'postgres', url: `postgres://u:${password}@127.0.0.1:1/db` }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('CONNECTION_FAILED');
    expect(inspect(error, { depth: 10 })).not.toContain(password);
  });

  it('rejects bad settings with CONFIG_INVALID', async () => {
    for (const config of [
      { kind: 'postgres', url: 'mysql://u@h/db' },
      { kind: 'postgres', url: 'postgres://u@h/db', poolSize: 0 },
      { kind: 'postgres', url: 'postgres://u@h/db', schema: 'x; drop table y' },
    ] as const) {
      await expect(openStore(config)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    }
  });
});

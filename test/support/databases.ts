/**
 * The databases storage tests run on: SQLite (a temporary file) always, PostgreSQL when
 * `SHIMING_TEST_PG_URL` names one. Every test gets a fresh database of its own: a new file, or
 * a new schema in the PostgreSQL database (dropped afterwards), so tests never collide.
 *
 * ```sh
 * SHIMING_TEST_PG_URL=postgres://user:password@127.0.0.1:5432/db npx vitest run src/store
 * ```
 * The role needs CREATE on that database. `.ci/run` starts a throwaway server and sets both
 * `SHIMING_TEST_PG_URL` and `SHIMING_REQUIRE_PG=1`, which turns a missing or unreachable
 * PostgreSQL into a failure instead of a skip.
 *
 * @example
 * ```ts
 * describe.each(testDialects)('on %s', (dialect) => {
 *   let t: TestDatabase;
 *   beforeEach(async () => { t = await createTestDatabase(dialect) });
 *   afterEach(() => t.drop());
 *   it('works', async () => { const store = await t.open(); … });
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import {
  type OpenStoreOptions,
  openStore,
  type Store,
  type StoreConfig,
  type StoreDialect,
} from '../../src/store/index.ts';

const PG_URL = process.env.SHIMING_TEST_PG_URL ?? '';
const REQUIRE_PG = process.env.SHIMING_REQUIRE_PG === '1';

/** A fresh, empty database for one test. */
export interface TestDatabase {
  readonly dialect: StoreDialect;
  /** Opens the database as the application would; several opens share the same data. */
  readonly config: StoreConfig;
  /** Opens a store on this database; it is closed by `drop` if the test has not closed it. */
  open<DB>(options?: OpenStoreOptions): Promise<Store<DB>>;
  /** Closes what `open` opened and deletes the database. */
  drop(): Promise<void>;
}

async function withPgClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function probePostgres(): Promise<StoreDialect[]> {
  if (PG_URL === '') {
    if (REQUIRE_PG) throw new Error('SHIMING_REQUIRE_PG=1 but SHIMING_TEST_PG_URL is not set');
    console.warn(
      'PostgreSQL storage tests skipped: set SHIMING_TEST_PG_URL=postgres://USER:PASSWORD@HOST:PORT/DB ' +
        '(a database where the role may create schemas) to run them, as .ci/run does.',
    );
    return ['sqlite'];
  }
  try {
    await withPgClient((client) => client.query('select 1'));
  } catch (error) {
    // The URL holds a password: say what failed, not where.
    const code = (error as { code?: unknown }).code;
    throw new Error(`SHIMING_TEST_PG_URL is set but PostgreSQL is unreachable (${String(code ?? error)})`);
  }
  return ['sqlite', 'postgres'];
}

/** Dialects to run every storage test on: `sqlite`, plus `postgres` when configured. */
export const testDialects: readonly StoreDialect[] = await probePostgres();

/** Creates an empty database for one test on `dialect`. */
export async function createTestDatabase(dialect: StoreDialect): Promise<TestDatabase> {
  const opened: Array<Store<unknown>> = [];
  let config: StoreConfig;
  let remove: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'shiming-store-'));
    config = { kind: 'sqlite', path: join(dir, 'data', 'test.db') };
    remove = () => rm(dir, { recursive: true, force: true });
  } else {
    const schema = `test_${randomBytes(8).toString('hex')}`;
    await withPgClient((client) => client.query(`create schema ${schema}`));
    config = { kind: 'postgres', url: PG_URL, schema, poolSize: 4 };
    remove = () => withPgClient((client) => client.query(`drop schema ${schema} cascade`)).then(() => {});
  }
  return {
    dialect,
    config,
    async open<DB>(options?: OpenStoreOptions): Promise<Store<DB>> {
      const store = await openStore<DB>(config, options);
      opened.push(store as Store<unknown>);
      return store;
    },
    async drop() {
      await Promise.all(opened.map((s) => s.close().catch(() => {})));
      await remove();
    },
  };
}

import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../test/support/databases.ts';
import {
  type Migration,
  openStore,
  type RetryOptions,
  type Store,
  type StoreConfig,
  StoreError,
  withRetry,
} from './index.ts';

interface Tables {
  marks: { id: string };
}

const marks: Migration = {
  id: 'test/0001-marks',
  up: (db) =>
    db.schema
      .createTable('marks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute(),
};

/** Records pauses instead of sleeping. */
function recorder(): RetryOptions & { delays: number[] } {
  const delays: number[] = [];
  return { delays, random: () => 0.999, sleep: async (ms) => void delays.push(ms) };
}

describe('withRetry', () => {
  it('retries retryable errors with bounded, growing pauses, then gives up with the last error', async () => {
    const options = { ...recorder(), attempts: 6, baseDelayMs: 10, maxDelayMs: 50 };
    let calls = 0;
    const last = new StoreError('DEADLOCK', 'deadlock detected');
    const result = withRetry(async () => {
      calls++;
      throw calls < 6 ? new StoreError('SERIALIZATION_FAILURE', 'could not serialize') : last;
    }, options);
    await expect(result).rejects.toBe(last);
    expect(calls).toBe(6);
    expect(options.delays).toEqual([9, 19, 39, 49, 49]);
  });

  it('returns the first success and passes the attempt number', async () => {
    const options = recorder();
    const seen: number[] = [];
    const value = await withRetry(async (attempt) => {
      seen.push(attempt);
      if (attempt < 3) throw new StoreError('BUSY', 'database is locked');
      return 'done';
    }, options);
    expect(value).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
    expect(options.delays).toHaveLength(2);
  });

  it('does not retry other errors', async () => {
    for (const error of [new StoreError('UNIQUE_VIOLATION', 'duplicate'), new Error('caller bug')]) {
      let calls = 0;
      const failing = withRetry(async () => {
        calls++;
        throw error;
      }, recorder());
      await expect(failing).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('classifies raw driver errors (a pg error with SQLSTATE 40001)', async () => {
    const raw = Object.assign(new Error('could not serialize access'), { code: '40001', severity: 'ERROR' });
    let calls = 0;
    await withRetry(async () => {
      if (++calls === 1) throw raw;
    }, recorder());
    expect(calls).toBe(2);
  });
});

describe.each(testDialects)('withRetry on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<Tables>;
  let db: Kysely<Tables>;

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    store = await t.open<Tables>({ migrations: [marks] });
    db = store.db;
  });
  afterEach(() => t.drop());

  it('runs a transaction again after a serialization failure, keeping only the retry', async () => {
    // PostgreSQL raises a real 40001 from the server. SQLite has no SQLSTATE; it gets a real
    // SQLITE_BUSY instead: another connection holds the write lock during the first attempt,
    // longer than this store's busy timeout.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holder: Promise<void> | undefined;
    let contender: Store<Tables> | undefined;
    if (dialect === 'sqlite') {
      const other = await t.open<Tables>();
      await new Promise<void>((started) => {
        holder = other.db.transaction().execute(async (trx) => {
          await trx.insertInto('marks').values({ id: 'other' }).execute();
          started();
          await held;
        });
      });
      contender = await openStore<Tables>({ ...t.config, busyTimeoutMs: 20 } as StoreConfig);
    }
    const errors: string[] = [];
    const result = await withRetry(
      (attempt) =>
        (contender?.db ?? db).transaction().execute(async (trx) => {
          await trx
            .insertInto('marks')
            .values({ id: `attempt-${attempt}` })
            .execute();
          if (attempt === 1 && dialect === 'postgres') {
            await sql`do $$ begin raise exception 'simulated conflict' using errcode = '40001'; end $$`.execute(
              trx,
            );
          }
          return attempt;
        }),
      {
        onRetry: (error) => {
          errors.push((error as StoreError).code);
          release();
        },
      },
    );
    await holder;
    await contender?.close();
    expect(result).toBe(2);
    expect(errors).toEqual([dialect === 'sqlite' ? 'BUSY' : 'SERIALIZATION_FAILURE']);
    const ids = (await db.selectFrom('marks').select('id').orderBy('id').execute()).map((r) => r.id);
    expect(ids).toEqual(dialect === 'sqlite' ? ['attempt-2', 'other'] : ['attempt-2']);
  });
});

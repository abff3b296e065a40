/**
 * Group commit for the real-name layer's writes. A registration or verification is a few small
 * writes; committed one by one, each pays a durable commit (an fsync on SQLite with
 * `synchronous=FULL`, a WAL flush on PostgreSQL) and SQLite's single writer makes them queue. The
 * batcher runs every unit of work submitted while the previous batch was committing in one
 * transaction. If a unit throws, that transaction is rolled back and the units run again one
 * transaction each, so only that unit's caller gets the error. Every caller learns its outcome once
 * the commit is durable. Same idea as the audit sequencer's group commit.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { withRetry } from '../store/with-retry.ts';

interface Unit<DB> {
  readonly work: (trx: Transaction<DB>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export class WriteBatcher<DB> {
  readonly #db: Kysely<DB>;
  readonly #maxUnits: number;
  #queue: Unit<DB>[] = [];
  #running = false;

  constructor(db: Kysely<DB>, maxUnits = 256) {
    this.#db = db;
    this.#maxUnits = maxUnits;
  }

  /** Runs `work` in the next batch's transaction; resolves once that transaction has committed. */
  run<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#running) {
        this.#running = true;
        // Let the callers of this tick join the batch.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const units = this.#queue.splice(0, this.#maxUnits);
        await this.#commit(units);
      }
    } finally {
      this.#running = false;
      if (this.#queue.length > 0) {
        this.#running = true;
        setImmediate(() => void this.#drain());
      }
    }
  }

  /**
   * Optimistically runs every unit in one transaction with no savepoints (units rarely fail). If
   * one throws, the whole transaction is rolled back and each unit runs again in a transaction of
   * its own, so the failure is its caller's alone; units only use `trx`, so running one again
   * after a rollback is the same as running it once.
   */
  async #commit(units: readonly Unit<DB>[]): Promise<void> {
    let values: unknown[];
    try {
      values = await withRetry(() =>
        this.#db.transaction().execute(async (trx) => {
          const out: unknown[] = [];
          for (const unit of units) out.push(await unit.work(trx));
          return out;
        }),
      );
    } catch (error) {
      if (units.length === 1) {
        units[0]!.reject(error);
        return;
      }
      for (const unit of units) {
        try {
          unit.resolve(await withRetry(() => this.#db.transaction().execute(unit.work)));
        } catch (alone) {
          unit.reject(alone);
        }
      }
      return;
    }
    for (const [i, value] of values.entries()) units[i]!.resolve(value);
  }
}

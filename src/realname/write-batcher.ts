/**
 * Group commit for the real-name layer's writes. A registration or verification is a few small
 * writes; committed one by one, each pays a durable commit (an fsync on SQLite with
 * `synchronous=FULL`, a WAL flush on PostgreSQL) and SQLite's single writer makes them queue. The
 * batcher runs every unit of work submitted while the previous batch was committing in one
 * transaction, each inside its own savepoint: a unit that throws is rolled back alone and its
 * caller gets the error; the others commit together, and every caller learns its outcome only once
 * the commit is durable. Same idea as the audit sequencer's group commit.
 *
 * @module
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { withRetry } from '../store/with-retry.ts';

interface Unit<DB> {
  readonly work: (trx: Transaction<DB>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

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
        let outcomes: Outcome[];
        try {
          outcomes = await withRetry(() =>
            this.#db.transaction().execute(async (trx) => {
              const done: Outcome[] = [];
              for (const unit of units) {
                if (units.length === 1) {
                  // Alone: no savepoint needed, an error rolls the transaction back.
                  done.push({ ok: true, value: await unit.work(trx) });
                  continue;
                }
                await sql`savepoint rn_unit`.execute(trx);
                try {
                  const value = await unit.work(trx);
                  await sql`release savepoint rn_unit`.execute(trx);
                  done.push({ ok: true, value });
                } catch (error) {
                  await sql`rollback to savepoint rn_unit`.execute(trx);
                  await sql`release savepoint rn_unit`.execute(trx);
                  done.push({ ok: false, error });
                }
              }
              return done;
            }),
          );
        } catch (error) {
          for (const unit of units) unit.reject(error);
          continue;
        }
        outcomes.forEach((o, i) => {
          if (o.ok) units[i]!.resolve(o.value);
          else units[i]!.reject(o.error);
        });
      }
    } finally {
      this.#running = false;
      if (this.#queue.length > 0) {
        this.#running = true;
        setImmediate(() => void this.#drain());
      }
    }
  }
}

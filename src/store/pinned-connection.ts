/**
 * One connection of a store's pool, kept by one writer so that its statements run in the order it
 * sends them. The audit sequencer sends a batch while the one before it commits; on separate pool
 * connections the second often reached PostgreSQL first, failed its size check and went again,
 * halving the append rate. On one connection they queue in order, and the next batch leaves as
 * soon as the last one is done.
 *
 * The connection is held only while statements are in flight, and given back as soon as none
 * is (a pool could not close, nor lend it, while a writer sat on it idle). One that failed as a
 * connection (`CONNECTION_FAILED`) is given back at once and a fresh one taken for the next
 * statement, so a database restart does not wedge the writer.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { StoreError } from './store-error.ts';
import { toStoreError } from './to-store-error.ts';

interface Held<DB> {
  readonly conn: Kysely<DB>;
  readonly release: () => void;
  readonly done: Promise<void>;
}

/** A connection held for one writer; `run` statements on it, `close` gives it back. */
export class PinnedConnection<DB> {
  readonly #db: Kysely<DB>;
  #held: Promise<Held<DB>> | undefined;
  #active = 0;
  #closed = false;

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /** Runs `work` on the held connection (taken on first use); statements keep their order. */
  async run<T>(work: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
    if (this.#closed) throw new StoreError('CONNECTION_FAILED', 'the pinned connection is closed');
    const held = this.#held ?? this.#take();
    this.#active++;
    try {
      const { conn } = await held;
      return await work(conn);
    } catch (error) {
      if (toStoreError(error).code === 'CONNECTION_FAILED') this.#drop(held);
      throw error;
    } finally {
      this.#active--;
      if (this.#active === 0) this.#drop(held);
    }
  }

  /** Gives the connection back to the pool once the statements sent have run. */
  async close(): Promise<void> {
    this.#closed = true;
    const held = this.#held;
    this.#held = undefined;
    if (held !== undefined) await this.#give(held);
  }

  #drop(held: Promise<Held<DB>>): void {
    if (this.#held !== held) return;
    this.#held = undefined;
    void this.#give(held);
  }

  #take(): Promise<Held<DB>> {
    const held = new Promise<Held<DB>>((resolve, reject) => {
      let release!: () => void;
      const hold = new Promise<void>((r) => {
        release = r;
      });
      const done = this.#db.connection().execute(async (conn) => {
        resolve({ conn, release, done });
        await hold;
      });
      done.catch(reject);
    });
    this.#held = held;
    held.catch(() => {
      if (this.#held === held) this.#held = undefined;
    });
    return held;
  }

  async #give(held: Promise<Held<DB>>): Promise<void> {
    try {
      const { release, done } = await held;
      release();
      await done;
    } catch {
      // never taken, or lost with its connection: nothing to give back
    }
  }
}

/**
 * The sequencer: gives audit entries their index, group commit.
 *
 * `append` queues leaves and resolves only once they, their tiles and the new tree state are
 * durable in one transaction (Tessera's `Add` semantics: an index handed out is never lost).
 * While one commit runs, new appends gather into the next batch, so throughput grows with load
 * and a lone append starts its commit on the next turn of the event loop.
 *
 * One sequencer per log per process. Several processes may sequence one log (stateless API
 * servers on PostgreSQL): each batch first checks, under a row lock, that the stored size is the
 * one it appended to; if another process got there first, it reloads the tree and retries.
 *
 * @module
 */
import { StorageError } from '../errors.ts';
import type { HashSuite } from '../hash-suite.ts';
import { TreeAppender } from '../tree-appender.ts';
import type { LogStore } from './log-store.ts';

/** One leaf to append: its exact bytes. */
export interface Leaf {
  readonly data: Uint8Array;
}

export interface SequencerOptions {
  /** Most entries per transaction (default 1,000). */
  readonly maxBatch?: number;
  /**
   * Longest a queued entry waits for its batch to start when no commit is running (default 0:
   * the next turn of the event loop, so appends made in the same turn share a commit; while a
   * commit runs, appends gather for the next one anyway).
   */
  readonly maxDelayMs?: number;
  /** Attempts when another process appended first (default 5). */
  readonly maxConflictRetries?: number;
}

interface Pending {
  readonly leaf: Leaf;
  readonly resolve: (index: bigint) => void;
  readonly reject: (error: unknown) => void;
}

/** Durable, ordered appends to one log. */
export class Sequencer {
  readonly #store: LogStore;
  readonly #suite: HashSuite;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #maxRetries: number;
  #appender: TreeAppender | undefined;
  #size: bigint;
  #root: Uint8Array;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  private constructor(
    store: LogStore,
    suite: HashSuite,
    size: bigint,
    root: Uint8Array,
    options: SequencerOptions,
  ) {
    this.#store = store;
    this.#suite = suite;
    this.#size = size;
    this.#root = root;
    this.#maxBatch = options.maxBatch ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 0;
    this.#maxRetries = options.maxConflictRetries ?? 5;
  }

  /** A sequencer continuing the log's committed state (tiles checked against the stored root). */
  static async open(store: LogStore, suite: HashSuite, options: SequencerOptions = {}): Promise<Sequencer> {
    const row = await store.readLog();
    if (row === undefined) throw new StorageError('STATE_MISMATCH', 'audit log does not exist');
    const s = new Sequencer(store, suite, row.size, row.root, options);
    s.#appender = await TreeAppender.open(suite, row.size, store.readTiles, row.root);
    return s;
  }

  /** Committed size. */
  get size(): bigint {
    return this.#size;
  }

  /** Root of the committed tree. */
  get root(): Uint8Array {
    return this.#root;
  }

  /** Appends leaves; resolves with their indices once durable. Rejects if the commit failed. */
  append(leaves: readonly Leaf[]): Promise<bigint[]> {
    if (this.#closed) return Promise.reject(new StorageError('STATE_MISMATCH', 'sequencer is closed'));
    const done = leaves.map(
      (leaf) => new Promise<bigint>((resolve, reject) => this.#queue.push({ leaf, resolve, reject })),
    );
    this.#schedule();
    return Promise.all(done);
  }

  /** Commits everything queued so far. */
  async flush(): Promise<void> {
    while (this.#queue.length > 0 || this.#running !== undefined) {
      if (this.#running === undefined) this.#start();
      await this.#running;
    }
  }

  /** Commits what is queued, then refuses further appends. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    if (this.#running !== undefined) return; // the running commit picks the queue up next
    if (this.#queue.length >= this.#maxBatch) {
      this.#start();
    } else if (this.#timer === undefined) {
      this.#timer =
        this.#maxDelayMs > 0
          ? setTimeout(() => this.#start(), this.#maxDelayMs)
          : setImmediate(() => this.#start());
    }
  }

  #start(): void {
    if (this.#timer !== undefined) {
      if (this.#maxDelayMs > 0) clearTimeout(this.#timer as NodeJS.Timeout);
      else clearImmediate(this.#timer as NodeJS.Immediate);
      this.#timer = undefined;
    }
    if (this.#running !== undefined || this.#queue.length === 0) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        const first = await this.#commit(batch.map((p) => p.leaf));
        batch.forEach((p, i) => {
          p.resolve(first + BigInt(i));
        });
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  }

  /** Commits one batch; returns the index of its first leaf. */
  async #commit(leaves: readonly Leaf[]): Promise<bigint> {
    for (let attempt = 0; ; attempt++) {
      if (this.#appender === undefined) await this.#reload();
      const appender = this.#appender!;
      // The appender is spent by this attempt whatever happens; it is kept only on success.
      this.#appender = undefined;
      const oldSize = appender.size;
      const entries: Uint8Array[] = [];
      for (const leaf of leaves) {
        appender.appendEntry(leaf.data);
        entries.push(leaf.data);
      }
      const root = appender.root();
      try {
        await this.#store.writeBatch({ oldSize, entries, tiles: appender.flush(), root });
      } catch (error) {
        if (error instanceof StorageError && error.code === 'STATE_MISMATCH' && attempt < this.#maxRetries) {
          continue; // another process appended: reload its tree and go again
        }
        throw error;
      }
      this.#appender = appender;
      this.#size = appender.size;
      this.#root = root;
      return oldSize;
    }
  }

  async #reload(): Promise<void> {
    const row = await this.#store.readLog();
    if (row === undefined) throw new StorageError('STATE_MISMATCH', 'audit log does not exist');
    this.#appender = await TreeAppender.open(this.#suite, row.size, this.#store.readTiles, row.root);
    this.#size = row.size;
    this.#root = row.root;
  }
}

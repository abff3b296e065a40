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
import { checkEntrySize } from '../entry-bundle.ts';
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
  /**
   * Batches sent before the first is durable (default 2): the next batch is hashed and handed
   * over while one commits. Safe whatever the storage's order, because each batch's size check
   * fails one that would land out of turn, and it goes again; in practice they land in turn (the
   * SQLite writer thread works through its queue, and on PostgreSQL a batch waits for the row
   * lock of the one before it, then sees the size it expects).
   */
  readonly pipelineDepth?: number;
}

/** One `append` call: its leaves land in one commit, together or not at all. */
interface Pending {
  readonly leaves: readonly Leaf[];
  readonly resolve: (indices: bigint[]) => void;
  readonly reject: (error: unknown) => void;
  /** Retries after another process appended first. */
  attempts: number;
}

/** A batch sent to storage and not yet settled. */
interface InFlight {
  readonly batch: readonly Pending[];
  readonly oldSize: bigint;
  readonly size: bigint;
  readonly root: Uint8Array;
  readonly write: Promise<void>;
}

/** Durable, ordered appends to one log. */
export class Sequencer {
  readonly #store: LogStore;
  readonly #suite: HashSuite;
  readonly #maxBatch: number;
  readonly #maxDelayMs: number;
  readonly #maxRetries: number;
  readonly #depth: number;
  #appender: TreeAppender | undefined;
  #size: bigint;
  #root: Uint8Array;
  #queue: Pending[] = [];
  /** Leaves in {@link Sequencer.#queue}. */
  #queued = 0;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #running: Promise<void> | undefined;
  #closed = false;
  #commits = 0;

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
    this.#depth = Math.max(1, options.pipelineDepth ?? 2);
  }

  /** A sequencer continuing the log's committed state (tiles checked against the stored root). */
  static async open(store: LogStore, suite: HashSuite, options: SequencerOptions = {}): Promise<Sequencer> {
    const row = await store.readLog();
    if (row === undefined) throw new StorageError('STATE_MISMATCH', 'audit log does not exist');
    const s = new Sequencer(store, suite, row.size, row.root, options);
    s.#appender = await TreeAppender.open(suite, row.size, store.readTiles, row.root);
    return s;
  }

  /** Group commits made by this sequencer (for metrics and benchmarks). */
  get commits(): number {
    return this.#commits;
  }

  /** Committed size. */
  get size(): bigint {
    return this.#size;
  }

  /** Root of the committed tree. */
  get root(): Uint8Array {
    return this.#root;
  }

  /**
   * Appends leaves; resolves with their indices once durable. Rejects if the commit failed. The
   * leaves of one call land in one commit, all or none (a call of more than `maxBatch` leaves
   * makes a commit of its own).
   */
  append(leaves: readonly Leaf[]): Promise<bigint[]> {
    if (this.#closed) return Promise.reject(new StorageError('STATE_MISMATCH', 'sequencer is closed'));
    if (leaves.length === 0) return Promise.resolve([]);
    try {
      // Refused here, alone: inside a batch it would fail the whole batch.
      for (const leaf of leaves) checkEntrySize(leaf.data);
    } catch (error) {
      return Promise.reject(error);
    }
    const done = new Promise<bigint[]>((resolve, reject) => {
      this.#queue.push({ leaves: [...leaves], resolve, reject, attempts: 0 });
    });
    this.#queued += leaves.length;
    this.#schedule();
    return done;
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
    if (this.#queued >= this.#maxBatch) {
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
    const inflight: InFlight[] = [];
    for (;;) {
      while (this.#queue.length > 0 && inflight.length < this.#depth) {
        if (this.#appender === undefined) {
          if (inflight.length > 0) break; // reload only once storage has settled
          try {
            await this.#reload();
          } catch (error) {
            for (const p of this.#take()) p.reject(error);
            continue;
          }
        }
        inflight.push(this.#begin(this.#take()));
      }
      const head = inflight.shift();
      if (head === undefined) return;
      try {
        await head.write;
        this.#committed(head);
      } catch (error) {
        // The tree in memory ran ahead of storage: reload it before the next batch.
        this.#appender = undefined;
        const retry: Pending[] = [];
        const settle = (batch: readonly Pending[], failure: unknown) => {
          const again =
            failure instanceof StorageError &&
            failure.code === 'STATE_MISMATCH' &&
            batch.every((p) => p.attempts < this.#maxRetries);
          for (const p of batch) {
            if (again) {
              p.attempts++;
              retry.push(p);
            } else p.reject(failure);
          }
        };
        settle(head.batch, error);
        // Batches sent after it extended a tree storage does not have; their size check fails
        // and they go again (another process appending meanwhile fails them the same way).
        for (const later of inflight.splice(0)) {
          try {
            await later.write;
            this.#committed(later); // cannot happen with an ordered writer; kept if it does
          } catch (laterError) {
            settle(later.batch, laterError);
          }
        }
        this.#queue.unshift(...retry);
        for (const p of retry) this.#queued += p.leaves.length;
      }
    }
  }

  /** The calls of the next batch: whole calls from the front, up to `maxBatch` leaves (≥ 1 call). */
  #take(): Pending[] {
    let n = 0;
    let leaves = 0;
    while (n < this.#queue.length) {
      const size = this.#queue[n]!.leaves.length;
      if (n > 0 && leaves + size > this.#maxBatch) break;
      leaves += size;
      n++;
    }
    this.#queued -= leaves;
    return this.#queue.splice(0, n);
  }

  /** Extends the tree in memory by one batch and starts writing it. */
  #begin(batch: Pending[]): InFlight {
    const appender = this.#appender!;
    const oldSize = appender.size;
    try {
      const entries: Uint8Array[] = [];
      for (const p of batch) for (const leaf of p.leaves) entries.push(leaf.data);
      for (const data of entries) appender.appendEntry(data);
      const root = appender.root();
      const write = this.#store.writeBatch({ oldSize, entries, tiles: appender.flush(), root });
      // Awaited in order by #drain; one may fail while an earlier one is still awaited.
      write.catch(() => {});
      return { batch, oldSize, size: appender.size, root, write };
    } catch (error) {
      this.#appender = undefined;
      return { batch, oldSize, size: oldSize, root: this.#root, write: Promise.reject(error) };
    }
  }

  #committed(done: InFlight): void {
    this.#size = done.size;
    this.#root = done.root;
    this.#commits++;
    let index = done.oldSize;
    for (const p of done.batch) {
      const indices: bigint[] = [];
      for (let i = 0; i < p.leaves.length; i++) indices.push(index++);
      p.resolve(indices);
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

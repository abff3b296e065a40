/**
 * Runs the audit log's SQLite writes on a thread of their own.
 *
 * `node:sqlite` is synchronous: on the event-loop thread every INSERT of a group commit, and the
 * COMMIT waiting for its fsync, stop everything else the process does (serving requests, encoding
 * and hashing the next batch). With this writer the sequencer hands each batch to a worker that
 * holds its own connection to the same database file; the event loop only encodes, hashes and
 * waits. Shipping a whole batch per message matters: a worker that ran one statement per message
 * made everything slower (docs/benchmarks.md), because the round trip per statement outweighed
 * the work it moved.
 *
 * Both connections write the same file, and SQLite admits one writer at a time: the worker waits
 * for the lock on its own thread (SQLite's busy handler may sleep there), the event-loop
 * connection waits with timers (NodeSqliteConnection). Semantics are those of the in-thread
 * path: a batch is durable when its promise resolves, a failed batch wrote nothing.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { StorageError } from '../errors.ts';
import type { BatchWrite } from './log-store.ts';
import {
  errorFromWire,
  packEntries,
  type WriterReply,
  type WriterRequest,
  type WriterWorkerData,
} from './log-writer-protocol.ts';

/** The worker script next to this module: `.ts` when running from source, `.js` when built. */
function workerUrl(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./log-writer-worker${ext}`, import.meta.url);
}

type Body<R> = R extends unknown ? Omit<R, 'id'> : never;

interface Waiting {
  readonly resolve: (reply: WriterReply & { ok: true }) => void;
  readonly reject: (error: Error) => void;
}

/** The writes of one database file's audit logs, on a worker thread. */
export class LogWriterThread {
  readonly #data: WriterWorkerData;
  readonly #waiting = new Map<number, Waiting>();
  #worker: Worker | undefined;
  #nextId = 1;
  #closed = false;

  constructor(file: string, options: { readonly busyTimeoutMs?: number } = {}) {
    this.#data = {
      file,
      ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    };
  }

  /** False once {@link LogWriterThread.close} was called. */
  get open(): boolean {
    return !this.#closed;
  }

  /**
   * Starts the thread and opens its connection now, so that the first append does not wait for
   * them (about a third of a second: a new isolate loading its modules). Rejects if the database
   * cannot be opened there.
   */
  async warm(): Promise<void> {
    await this.#call({ op: 'open' }, []);
  }

  /** Writes one group commit (see `LogStore.writeBatch`), durable when this resolves. */
  async writeBatch(logId: string, batch: BatchWrite): Promise<void> {
    const { entries, ends } = packEntries(batch.entries);
    await this.#call(
      {
        op: 'batch',
        logId,
        oldSize: batch.oldSize,
        entries,
        ends,
        tiles: [...batch.tiles],
        root: Uint8Array.from(batch.root),
      },
      [entries.buffer, ends.buffer],
    );
  }

  /** One step of subject indexing (see `LogStore.indexSubjects`). */
  async indexSubjects(logId: string, maxEntries: number): Promise<{ indexed: bigint; size: bigint }> {
    const reply = await this.#call({ op: 'index', logId, maxEntries }, []);
    return { indexed: reply.indexed ?? 0n, size: reply.size ?? 0n };
  }

  /** Closes the worker's connection after the requests already sent; later requests fail. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const worker = this.#worker;
    if (worker === undefined) return;
    try {
      await this.#send(worker, { op: 'close' }, []);
    } catch {
      // the worker is gone already: nothing left to close
    }
    await worker.terminate();
  }

  /**
   * Stops the thread at once, as a crash would: requests in flight fail with
   * `WRITER_UNAVAILABLE` (whether a batch in flight landed is known only by reading the log), and
   * the next request starts a new thread.
   */
  async terminate(): Promise<void> {
    await this.#worker?.terminate();
  }

  #call(body: Body<WriterRequest>, transfer: ArrayBuffer[]): Promise<WriterReply & { ok: true }> {
    if (this.#closed)
      return Promise.reject(new StorageError('WRITER_UNAVAILABLE', 'the audit log writer is closed'));
    return this.#send(this.#start(), body, transfer);
  }

  #send(
    worker: Worker,
    body: Body<WriterRequest>,
    transfer: ArrayBuffer[],
  ): Promise<WriterReply & { ok: true }> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      // Keep the process alive while a write is in flight, not while the thread is idle.
      if (this.#waiting.size === 1) worker.ref();
      worker.postMessage({ id, ...body } as WriterRequest, transfer);
    });
  }

  /** The running worker, started on first use and again after one died. */
  #start(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(workerUrl(), { workerData: this.#data });
    worker.unref();
    worker.on('message', (reply: WriterReply) => {
      const waiting = this.#waiting.get(reply.id);
      if (waiting === undefined) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(errorFromWire(reply.error));
    });
    const fail = (cause: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      const error = new StorageError('WRITER_UNAVAILABLE', 'the audit log writer thread stopped', { cause });
      for (const waiting of this.#waiting.values()) waiting.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    this.#worker = worker;
    return worker;
  }
}

/**
 * The audit log's SQLite writer thread (see log-writer-thread.ts): a connection of its own to the
 * database file, running the sequencer's group commits and the subject indexing.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteDatabase } from '../../store/sqlite/open-sqlite-database.ts';
import type { WriterReply, WriterRequest, WriterWorkerData } from './log-writer-protocol.ts';
import { errorToWire, unpackEntries } from './log-writer-protocol.ts';
import { SqliteLogWriter } from './sqlite-log-writer.ts';

const port = parentPort;
if (port === null) throw new Error('log-writer-worker.ts runs only as a worker thread');
const data = workerData as WriterWorkerData;

/** Opened on the first request, so that an error opening it reaches a caller. */
let opened: { db: ReturnType<typeof openSqliteDatabase>; writer: SqliteLogWriter } | undefined;

function writer(): SqliteLogWriter {
  if (opened === undefined) {
    // No migrations: the opening thread has run them on this file already.
    const db = openSqliteDatabase(data.file);
    // Lock waits may sleep here: this thread has nothing else to do meanwhile.
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(data.busyTimeoutMs ?? 5000))}`);
    opened = { db, writer: new SqliteLogWriter(db) };
  }
  return opened.writer;
}

function handle(request: WriterRequest): WriterReply {
  switch (request.op) {
    case 'open':
      writer();
      return { id: request.id, ok: true };
    case 'close':
      opened?.db.close();
      opened = undefined;
      return { id: request.id, ok: true };
    case 'batch':
      writer().writeBatch(request.logId, {
        oldSize: request.oldSize,
        entries: unpackEntries(request.entries, request.ends),
        tiles: request.tiles,
        root: request.root,
      });
      return { id: request.id, ok: true };
    case 'index': {
      const { indexed, size } = writer().indexSubjects(request.logId, request.maxEntries);
      return { id: request.id, ok: true, indexed, size };
    }
  }
}

// Requests run synchronously, one at a time, in the order sent: the sequencer sends the next batch
// before the last one is durable, and each batch's size check relies on the one before it.
port.on('message', (request: WriterRequest) => {
  let reply: WriterReply;
  try {
    reply = handle(request);
  } catch (error) {
    reply = { id: request.id, ok: false, error: errorToWire(error) };
  }
  port.postMessage(reply);
});

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { StoreError } from '../store-error.ts';
import { toStoreError } from '../to-store-error.ts';

/** True for SQLite's in-memory database names, which have no file or directory. */
export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}

/**
 * The connection settings of every store database. Why each:
 *
 * - `journal_mode = WAL`: readers do not block the writer nor it them, and a commit is one
 *   sequential append to the WAL instead of a rollback journal plus in-place writes.
 * - `synchronous = FULL`: in WAL mode, FULL fsyncs the WAL at every commit, so a transaction
 *   that returned is on disk and survives power loss or an OS crash. NORMAL syncs only at
 *   checkpoints: still consistent after a crash, but the last commits may be gone, and the audit
 *   log promises that an acknowledged append is durable (a process kill -9 alone loses nothing
 *   even with NORMAL; power loss does). The cost is one fsync per commit, which batching
 *   amortises: the audit sequencer commits hundreds of entries at a time.
 * - `foreign_keys = ON`: SQLite leaves them off unless asked, per connection.
 * - `busy_timeout = 0`, set last: SQLite's busy handler sleeps on the calling thread, which
 *   here is the event loop. Lock waits happen asynchronously in NodeSqliteConnection instead.
 *   While opening, the handler may wait (up to OPEN_BUSY_TIMEOUT_MS): switching a new file to
 *   WAL needs a moment of exclusive access when several processes start at once.
 */
const OPEN_BUSY_TIMEOUT_MS = 5000;
const PRAGMAS = ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON', 'busy_timeout = 0'];

function applyPragmas(db: DatabaseSync, path: string): void {
  for (const pragma of PRAGMAS) db.exec(`PRAGMA ${pragma}`);
  if (isMemoryPath(path)) return;
  // The mode in force: WAL can be refused (a file system without shared memory, say).
  const row = db.prepare('PRAGMA journal_mode').get() as { journal_mode?: unknown } | undefined;
  if (row?.journal_mode !== 'wal') {
    throw new StoreError('CONFIG_INVALID', 'SQLite refused WAL journal mode for this database file');
  }
}

/**
 * Opens (creating if needed) the SQLite file at `path` with the store's settings. A missing
 * parent directory is created with mode 0700: the database holds ciphertext and audit data
 * that other local users have no business reading.
 *
 * @throws StoreError `CONNECTION_FAILED` if the file cannot be opened, `CONFIG_INVALID` if WAL
 *   is refused.
 */
export function openSqliteDatabase(path: string): DatabaseSync {
  if (!isMemoryPath(path)) {
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new StoreError('CONNECTION_FAILED', `cannot create the database directory (${String(code)})`, {
        cause: error,
      });
    }
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, {
      enableForeignKeyConstraints: true,
      readBigInts: true,
      timeout: OPEN_BUSY_TIMEOUT_MS,
    });
    applyPragmas(db, path);
    return db;
  } catch (error) {
    db?.close();
    const mapped = toStoreError(error);
    if (mapped.code === 'QUERY_FAILED') {
      throw new StoreError('CONNECTION_FAILED', `cannot open the SQLite database: ${mapped.message}`, {
        cause: mapped,
      });
    }
    throw mapped;
  }
}

import {
  CompiledQuery,
  createQueryId,
  type DatabaseConnection,
  type Driver,
  IdentifierNode,
  type QueryCompiler,
  RawNode,
  type TransactionSettings,
} from 'kysely';
import { ConnectionMutex } from './connection-mutex.ts';
import { NodeSqliteConnection } from './node-sqlite-connection.ts';
import type { NodeSqliteDatabase, NodeSqliteDialectConfig } from './node-sqlite-dialect-config.ts';
import { StatementCache } from './statement-cache.ts';

const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely driver over one `node:sqlite` connection. node:sqlite is synchronous, so one
 * connection behind a mutex is as fast as a pool would be, and SQLite allows one writer anyway.
 */
export class NodeSqliteDriver implements Driver {
  readonly #config: NodeSqliteDialectConfig;
  readonly #mutex = new ConnectionMutex();
  #db: NodeSqliteDatabase | undefined;
  #cache: StatementCache | undefined;
  #connection: NodeSqliteConnection | undefined;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = Object.freeze({ ...config });
  }

  async init(): Promise<void> {
    const { database } = this.#config;
    const db = typeof database === 'function' ? await database() : database;
    this.#db = db;
    this.#cache = new StatementCache(db, this.#config.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE);
    this.#connection = new NodeSqliteConnection(
      db,
      this.#cache,
      this.#config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    );
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    if (this.#connection === undefined) {
      this.#mutex.unlock();
      throw new Error('the SQLite store is closed');
    }
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Writers take the write lock at BEGIN. A deferred transaction that reads and then writes
    // fails with SQLITE_BUSY_SNAPSHOT if another connection committed in between, and cannot
    // wait for the lock; IMMEDIATE waits (see NodeSqliteConnection) and then cannot fail so.
    // Every SQLite transaction is serializable, which satisfies any requested isolation level.
    const mode = settings.accessMode === 'read only' ? 'deferred' : 'immediate';
    await connection.executeQuery(CompiledQuery.raw(`begin ${mode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR, some BUSY
    // cases); a second ROLLBACK would fail with "no transaction is active" and hide the cause.
    if (this.#db?.isTransaction !== true) return;
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('savepoint', name), createQueryId()));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('rollback to', name), createQueryId()));
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await connection.executeQuery(compile(savepointCommand('release', name), createQueryId()));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    // Wait for the current holder (a transaction, say) to finish before closing.
    await this.#mutex.lock();
    try {
      this.#cache?.clear();
      this.#db?.close();
    } finally {
      this.#db = undefined;
      this.#cache = undefined;
      this.#connection = undefined;
      this.#mutex.unlock();
    }
  }
}

// The savepoint name is user input; IdentifierNode quotes it.
function savepointCommand(command: string, name: string): RawNode {
  return RawNode.createWithChildren([RawNode.createWithSql(`${command} `), IdentifierNode.create(name)]);
}

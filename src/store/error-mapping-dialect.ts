import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { toStoreError } from './to-store-error.ts';

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error);
  }
}

/** A connection whose every failure is a StoreError. */
class MappedConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;

  constructor(inner: DatabaseConnection) {
    this.inner = inner;
  }

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return mapped(() => this.inner.executeQuery<R>(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (error) {
      throw toStoreError(error);
    }
  }
}

type CompileQuery = QueryCompiler['compileQuery'];

/**
 * Wraps a driver so that whatever it throws reaches callers as a StoreError. Connections are
 * unwrapped before being handed back to the inner driver, which may rely on their private state
 * (kysely's PostgresDriver releases clients through a symbol-keyed method).
 */
class ErrorMappingDriver implements Driver {
  readonly #inner: Driver;
  readonly #wrappers = new WeakMap<DatabaseConnection, MappedConnection>();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return mapped(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await mapped(() => this.#inner.acquireConnection());
    let wrapper = this.#wrappers.get(inner);
    if (wrapper === undefined) {
      wrapper = new MappedConnection(inner);
      this.#wrappers.set(inner, wrapper);
    }
    return wrapper;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return mapped(() => this.#inner.beginTransaction(unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return mapped(() => this.#inner.commitTransaction(unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return mapped(() => this.#inner.rollbackTransaction(unwrap(connection)));
  }

  savepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return mapped(() => callSavepoint(this.#inner, 'savepoint', unwrap(connection), name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return mapped(() => callSavepoint(this.#inner, 'rollbackToSavepoint', unwrap(connection), name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: CompileQuery): Promise<void> {
    return mapped(() => callSavepoint(this.#inner, 'releaseSavepoint', unwrap(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return mapped(() => this.#inner.releaseConnection(unwrap(connection)));
  }

  destroy(): Promise<void> {
    return mapped(() => this.#inner.destroy());
  }
}

function unwrap(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof MappedConnection ? connection.inner : connection;
}

function callSavepoint(
  driver: Driver,
  method: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
  connection: DatabaseConnection,
  name: string,
  compile: CompileQuery,
): Promise<void> {
  const fn = driver[method];
  if (fn === undefined) throw new Error(`this driver does not support ${method}`);
  return fn.call(driver, connection, name, compile);
}

/** Returns `dialect` with its driver's errors mapped to StoreError (see `toStoreError`). */
export function withErrorMapping(dialect: Dialect): Dialect {
  return {
    createDriver: (): Driver => new ErrorMappingDriver(dialect.createDriver()),
    createQueryCompiler: (): QueryCompiler => dialect.createQueryCompiler(),
    createAdapter: (): DialectAdapter => dialect.createAdapter(),
    // biome-ignore lint/suspicious/noExplicitAny: kysely's Dialect interface takes Kysely<any>.
    createIntrospector: (db: Kysely<any>): DatabaseIntrospector => dialect.createIntrospector(db),
  };
}

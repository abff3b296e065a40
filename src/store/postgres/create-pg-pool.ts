import pg from 'pg';
import { StoreError } from '../store-error.ts';

const INT8_OID = 20;

/** `pg`'s parsers, except int8 → bigint (pg's default is a string, to avoid losing digits). */
const storeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return (text: string) => BigInt(text);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Options of {@link createPgPool}. */
export interface PgPoolOptions {
  /** `postgres://user:password@host:port/database[?sslmode=…]`. */
  readonly url: string;
  /** Most connections the pool opens (default 10). */
  readonly poolSize?: number;
  /** Schema to create and find tables in (sets `search_path`); default: the server's. */
  readonly schema?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A `pg` pool as the store wants it: int8 as bigint (see int8.ts), an optional schema, bounded
 * waits for a connection, and client errors absorbed (a dead connection is dropped by the pool;
 * without a listener its `error` event would crash the process).
 *
 * @throws StoreError `CONFIG_INVALID` for a bad pool size or schema name. Messages never quote
 *   the URL, which may hold a password.
 */
export function createPgPool(options: PgPoolOptions): pg.Pool {
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new StoreError('CONFIG_INVALID', 'poolSize must be a positive integer');
  }
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new StoreError('CONFIG_INVALID', 'schema must be a lower-case SQL identifier (a-z, 0-9, _)');
  }
  if (!/^postgres(?:ql)?:\/\//.test(options.url)) {
    throw new StoreError('CONFIG_INVALID', 'the PostgreSQL url must start with postgres:// or postgresql://');
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: poolSize,
    types: storeTypes,
    application_name: 'shiming',
    connectionTimeoutMillis: 10_000,
    // Startup options: every connection of the pool gets the schema before its first query.
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  pool.on('error', () => {});
  // The same for a client that is checked out when its connection dies (a server restart, a
  // terminated backend): its statement fails with the error, and the pool drops the client when
  // it comes back unqueryable; the event itself must not crash the process.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}

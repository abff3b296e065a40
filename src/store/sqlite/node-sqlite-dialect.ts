import {
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { NodeSqliteDialectConfig } from './node-sqlite-dialect-config.ts';
import { NodeSqliteDriver } from './node-sqlite-driver.ts';

/**
 * Kysely dialect for Node's built-in `node:sqlite` (`DatabaseSync`). SQL generation,
 * introspection and the adapter are kysely's own SQLite ones; only the driver is new.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from 'node:sqlite';
 * const db = new Kysely<DB>({ dialect: new NodeSqliteDialect({ database: new DatabaseSync('app.db') }) });
 * ```
 * `openStore` does this for you, with the store's PRAGMAs and error mapping.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #config: NodeSqliteDialectConfig;

  constructor(config: NodeSqliteDialectConfig) {
    this.#config = Object.freeze({ ...config });
  }

  createDriver(): Driver {
    return new NodeSqliteDriver(this.#config);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }

  // biome-ignore lint/suspicious/noExplicitAny: kysely's Dialect interface takes Kysely<any>.
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

/**
 * A PostgreSQL schema of its own for one benchmark run (created at start, dropped at the end), and
 * the database configuration that points the server's resources at it.
 *
 * @module
 */
import pg from 'pg';
import type { ShimingConfig } from '../../src/config/config.ts';

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export interface BenchSchema {
  /** `config` with its database moved to this schema. */
  readonly config: ShimingConfig;
  drop(): Promise<void>;
}

/** Creates schema `name` on `url` and returns `base` pointed at it. */
export async function benchSchema(url: string, name: string, base: ShimingConfig): Promise<BenchSchema> {
  await query(url, `create schema ${name}`);
  return {
    // The store accepts a schema; the configuration file format has no field for one.
    config: {
      ...base,
      database: { kind: 'postgres', url, schema: name } as unknown as ShimingConfig['database'],
    },
    drop: () => query(url, `drop schema ${name} cascade`),
  };
}

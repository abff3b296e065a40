/**
 * Queries on hot paths built and compiled once per shape, then run with fresh parameters.
 * Building and compiling a Kysely query costs 15–25 µs of CPU; a single-subject read through
 * HTTP runs two of them, each a few tens of µs in SQLite.
 *
 * The SQL text depends only on the dialect, so compiled queries are kept per Kysely instance
 * (a transaction's instance compiles its own: those are not the hot paths). There are no
 * Kysely plugins in this project, so a compiled query's operation tree never needs rebuilding.
 *
 * @module
 */
import type { Compilable, CompiledQuery, Kysely } from 'kysely';

const cache = new WeakMap<Kysely<never>, Map<string, CompiledQuery>>();

/**
 * The query that `build` makes, compiled once per `db` and `shape`, with `parameters` in place of
 * the ones it was built with. `build` must bind exactly `parameters.length` values, in the order
 * given (checked).
 */
export function compiledOnce<R, DB>(
  db: Kysely<DB>,
  shape: string,
  parameters: readonly unknown[],
  build: (db: Kysely<DB>) => Compilable<R>,
): CompiledQuery<R> {
  const key = db as unknown as Kysely<never>;
  let byShape = cache.get(key);
  if (byShape === undefined) {
    byShape = new Map();
    cache.set(key, byShape);
  }
  let compiled = byShape.get(shape) as CompiledQuery<R> | undefined;
  if (compiled === undefined) {
    compiled = build(db).compile();
    if (compiled.parameters.length !== parameters.length) {
      throw new Error(`query ${shape} binds ${compiled.parameters.length} values, not ${parameters.length}`);
    }
    byShape.set(shape, compiled);
  }
  return { ...compiled, parameters };
}

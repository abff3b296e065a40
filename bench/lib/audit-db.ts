/**
 * Databases for `bench/bench-audit.ts`: a fresh SQLite file or PostgreSQL schema per run, the
 * durability settings actually in force, an fsync probe, and a throwaway PostgreSQL cluster
 * (`.ci/postgres.sh`) when no URL is given.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { Store, StoreConfig, StoreDialect } from '../../src/store/store.types.ts';
import { median, REPO_DIR } from './cli.ts';

/** One empty database: where it is and how to remove it. */
export interface BenchDatabase {
  readonly config: StoreConfig;
  /** For SQLite, the file (its directory holds nothing else). */
  readonly path?: string;
  drop(): Promise<void>;
}

export interface Backend {
  readonly name: StoreDialect;
  /** A fresh, empty database. */
  create(label: string): Promise<BenchDatabase>;
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async create(label) {
    const dir = await mkdtemp(join(tmpdir(), 'shiming-bench-audit-'));
    const path = join(dir, `${label}.db`);
    return {
      config: { kind: 'sqlite', path },
      path,
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  },
};

async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A schema per run in the database at `url` (dropped by `drop`). */
export function postgresBackend(url: string): Backend {
  return {
    name: 'postgres',
    async create(label) {
      const schema = `bench_audit_${label.replace(/[^a-z0-9_]/g, '_')}_${randomBytes(4).toString('hex')}`;
      await withPgClient(url, (c) => c.query(`create schema ${schema}`));
      return {
        config: { kind: 'postgres', url, schema, poolSize: 4 },
        drop: () => withPgClient(url, (c) => c.query(`drop schema ${schema} cascade`)).then(() => {}),
      };
    },
  };
}

/** The durability-relevant settings in force on an open store, as `name=value` pairs. */
export async function durability(store: Store<unknown>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (store.dialect === 'sqlite') {
    const names = ['journal_mode', 'synchronous'];
    for (const name of names) {
      const { rows } = await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(store.db);
      const value = rows[0] === undefined ? undefined : Object.values(rows[0])[0];
      out[name] = name === 'synchronous' ? sqliteSync(value) : String(value);
    }
    const { rows } = await sql<{ v: string }>`select sqlite_version() as v`.execute(store.db);
    out.version = rows[0]?.v ?? '?';
  } else {
    for (const name of [
      'server_version',
      'fsync',
      'synchronous_commit',
      'wal_sync_method',
      'full_page_writes',
    ]) {
      const { rows } = await sql.raw<Record<string, string>>(`SHOW ${name}`).execute(store.db);
      out[name] = rows[0] === undefined ? '?' : String(Object.values(rows[0])[0]);
    }
  }
  return out;
}

function sqliteSync(value: unknown): string {
  const n = Number(value);
  return ['OFF', 'NORMAL', 'FULL', 'EXTRA'][n] ?? String(value);
}

/** `df -T` of `dir`: file system type and device. */
export function fileSystemOf(dir: string): string {
  const r = spawnSync('df', ['-T', dir], { encoding: 'utf8' });
  const line = r.status === 0 ? r.stdout.trim().split('\n')[1] : undefined;
  const cols = line?.split(/\s+/);
  return cols !== undefined && cols.length > 2 ? `${cols[1]} on ${cols[0]}` : 'unknown';
}

/** Median and p99 of `n` 4 KiB write + fdatasync pairs in a file under `dir`, in ms. */
export function fsyncProbe(dir: string, n = 200): { medianMs: number; p99Ms: number } {
  const tmp = mkdtempSync(join(dir, 'shiming-fsync-'));
  const fd = openSync(join(tmp, 'probe'), 'w');
  const block = Buffer.alloc(4096, 7);
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      writeSync(fd, block, 0, block.length, i * block.length);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(tmp, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: median(times),
    p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
  };
}

/** A PostgreSQL URL to bench against, and how to let it go. */
export interface PgServer {
  readonly url: string;
  /** `--pg-url`, `SHIMING_BENCH_PG_URL`, or a throwaway cluster from `.ci/postgres.sh`. */
  readonly source: string;
  stop(): void;
}

/**
 * The server named by `--pg-url` / `SHIMING_BENCH_PG_URL`, else a throwaway cluster started with
 * `.ci/postgres.sh` (stopped and deleted by `stop`). Returns a reason string when none is usable.
 */
export async function acquirePostgres(
  flagUrl: string | undefined,
  log: (s: string) => void,
): Promise<PgServer | string> {
  const given = flagUrl ?? process.env.SHIMING_BENCH_PG_URL;
  if (given !== undefined && given !== '') {
    const source = flagUrl !== undefined ? '--pg-url' : 'SHIMING_BENCH_PG_URL';
    try {
      await withPgClient(given, (c) => c.query('select 1'));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return `${source} is set but PostgreSQL is unreachable (${String(code ?? error)})`;
    }
    return { url: given, source, stop: () => {} };
  }
  const dir = join(tmpdir(), `shiming-bench-pg-${process.pid}-${randomBytes(3).toString('hex')}`);
  log(`starting a throwaway PostgreSQL cluster in ${dir} (.ci/postgres.sh)…`);
  const r = spawnSync('bash', [join(REPO_DIR, '.ci/postgres.sh'), 'start', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    spawnSync('bash', [join(REPO_DIR, '.ci/postgres.sh'), 'stop', dir], { stdio: 'ignore' });
  };
  const url = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !/^postgres(?:ql)?:\/\//.test(url)) {
    stop();
    const tail = (r.stderr || String(r.error ?? '')).trim().split('\n').slice(-3).join(' / ');
    return `.ci/postgres.sh start failed (exit ${r.status}): ${tail}`;
  }
  return { url, source: 'throwaway cluster (.ci/postgres.sh, default settings)', stop };
}

let clockTicks: number | undefined;

/**
 * CPU seconds (user + system) used so far by the local processes named `postgres` (server and
 * backends), from /proc; `undefined` off Linux or when none runs here (a remote server). Backends
 * that exited in between are not counted, so compare readings over the life of one pool.
 */
export function postgresCpuSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  if (clockTicks === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    clockTicks = Number(r.stdout.trim()) || 100;
  }
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (stat.slice(open + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    ticks += Number(fields[11]) + Number(fields[12]);
    found = true;
  }
  return found ? ticks / clockTicks : undefined;
}

/** Bytes the database takes: the SQLite file and its WAL, or the PostgreSQL schema's tables with their indexes. */
export async function databaseBytes(store: Store<unknown>, config: StoreConfig): Promise<number | undefined> {
  if (config.kind === 'sqlite') {
    const path = config.path;
    if (path === undefined) return undefined;
    return [path, `${path}-wal`].reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0);
  }
  if (config.schema === undefined) return undefined;
  const { rows } = await sql<{ bytes: string | bigint | number | null }>`
    select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c
    join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${config.schema} and c.relkind = 'r'`.execute(
    store.db,
  );
  const v = rows[0]?.bytes;
  return v === null || v === undefined ? undefined : Number(v);
}

/**
 * `npm run bench:audit`: the tamper-evident audit log end to end, on SQLite and PostgreSQL.
 *
 * 1. Appends: synthetic access events through `AuditLog.record`, one event per call, with many
 *    callers in flight (each awaits its durable index, as a PI read must), for several group-commit
 *    sizes (`maxBatch`). Entries/s, realised batch size, p50 / p99 latency of a `record` call, CPU of
 *    this process, and the durability settings in force (SQLite WAL + synchronous=FULL as the store
 *    sets it; PostgreSQL's fsync / synchronous_commit).
 * 2. Proofs on a log of `--proof-log-size` entries (built by recording in large batches):
 *    inclusion and consistency proofs generated from the stored tiles through `AuditLog`, and
 *    verified with `verifyInclusion` (1 thread and `--workers` threads), `BatchInclusionVerifier`
 *    and `verifyConsistency`; signed checkpoints opened with `CheckpointVerifier`.
 * 3. Full replay of that log in a child process (its own peak RSS): read every entry back in
 *    chunks, recompute the root, compare with the signed checkpoint.
 *
 * Options: --entries 50000 (measured appends per run), --warmup 5000, --repeats 3,
 * --batches 100,1000 (maxBatch), --concurrency 64,256,1024 (callers in flight), --proof-log-size
 * 1000000, --seconds 2 (per proof measurement), --workers 2, --replay-chunk 1000,
 * --checkpoint-entries 0 (AuditLog's count-triggered checkpoints: 0 = off, see below), --pg-url URL
 * (else SHIMING_BENCH_PG_URL, else a throwaway cluster from .ci/postgres.sh, stopped afterwards),
 * --skip-pg, --skip-pg-proofs, --skip-proofs, --json.
 * Writes `bench/out/bench-audit.json`; prints a markdown report (or the JSON with --json).
 *
 * Checkpoints: the runs keep AuditLog's 10 s checkpoint timer but turn off its count trigger
 * (`checkpointEntries`, default 100,000): once the threshold is crossed, every `record` call queues
 * another checkpoint until the first one completes, and the queued ones then all run (each signs,
 * fsyncs the signer state file twice and inserts a row), which stalls `close()` for seconds and
 * competes with the appends. `--checkpoint-entries 100000` measures with it on.
 *
 * @module
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { KyselyPlugin } from 'kysely';
import { BatchInclusionVerifier } from '../src/audit/batch-inclusion-verifier.ts';
import { CheckpointVerifier } from '../src/audit/checkpoint-verifier.ts';
import type { AuditEvent } from '../src/audit/entry.ts';
import { hashSuite } from '../src/audit/hash-suite.ts';
import { AuditLog } from '../src/audit/log/audit-log.ts';
import { AUDIT_MIGRATIONS, type AuditTables } from '../src/audit/log/schema.ts';
import { FileSignerStateStore } from '../src/audit/log/signer-state-file.ts';
import { noteVerifier } from '../src/audit/note-keys.ts';
import { rootAt } from '../src/audit/proof-builder.ts';
import { tileHashReader } from '../src/audit/tile-hash-reader.ts';
import { verifyConsistency, verifyInclusion } from '../src/audit/verify-proof.ts';
import { HmacKey } from '../src/crypto/hmac-key.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store, StoreConfig } from '../src/store/store.types.ts';
import { mulberry32 } from '../test/synth/rng.ts';
import {
  acquirePostgres,
  type Backend,
  databaseBytes,
  durability,
  fileSystemOf,
  fsyncProbe,
  type PgServer,
  postgresBackend,
  postgresCpuSeconds,
  sqliteBackend,
} from './lib/audit-db.ts';
import { syntheticEvents } from './lib/audit-events.ts';
import type { ReplayJob, ReplayReport } from './lib/audit-replay-child.ts';
import {
  checkFlags,
  fmt,
  machine,
  mdTable,
  median,
  num,
  OUT_DIR,
  parseFlags,
  REPO_DIR,
  runMain,
  str,
} from './lib/cli.ts';
import { run } from './lib/proc.ts';

const TARGETS = { sqlite: 50_000, postgres: 25_000, verify: 50_000 } as const;
/** Proofs collected for the verification loops: random entries, consecutive entries, consistency. */
const VERIFY_RANDOM = 1000;
const VERIFY_SEQUENTIAL = 4096;
const VERIFY_CONSISTENCY = 200;
const ORIGIN = 'bench.shiming.example/audit';
/** Bench-only keys, fixed so runs are comparable; never used outside this script. */
const SIGNING_SEED = createHash('sha256').update('shiming bench-audit signing seed').digest();
const HMAC_KEY = new HmacKey('intl', createHash('sha256').update('shiming bench-audit hmac key').digest());
const suite = hashSuite('sha256');

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};
const int = (n: number): string => Math.round(n).toLocaleString('en');

// ---------------------------------------------------------------------------------------------
// Opening a log

const tableName = (node: unknown): string | undefined =>
  (node as { table?: { identifier?: { name?: string } } } | undefined)?.table?.identifier?.name;

/**
 * Counts stored checkpoints (group commits are counted by the log itself: on SQLite they run on
 * its writer thread, out of this Kysely instance's sight).
 */
class CommitCounter implements KyselyPlugin {
  checkpoints = 0;
  transformQuery: KyselyPlugin['transformQuery'] = (args) => {
    const node = args.node;
    if (node.kind === 'InsertQueryNode' && tableName(node.into) === 'audit_checkpoints') {
      this.checkpoints++;
    }
    return node;
  };
  transformResult: KyselyPlugin['transformResult'] = async (args) => args.result;
}

interface OpenedLog {
  readonly log: AuditLog;
  readonly store: Store<AuditTables>;
  readonly counter: CommitCounter;
  close(): Promise<void>;
}

async function openLog(
  backend: Backend,
  label: string,
  options: { maxBatch: number; checkpointEntries: number },
): Promise<OpenedLog & { readonly config: StoreConfig }> {
  const db = await backend.create(label);
  const stateDir = await mkdtemp(join(tmpdir(), 'shiming-bench-signer-'));
  const store = await openStore<AuditTables>(db.config, { migrations: AUDIT_MIGRATIONS });
  const counter = new CommitCounter();
  const log = await AuditLog.open({
    store: { ...store, db: store.db.withPlugin(counter) },
    origin: ORIGIN,
    signingSeed: SIGNING_SEED,
    signerState: new FileSignerStateStore(join(stateDir, 'signer-state.json')),
    hmacKey: HMAC_KEY,
    maxBatch: options.maxBatch,
    // 0: no count-triggered checkpoints (see the module comment); the 10 s timer still signs.
    checkpointEntries: options.checkpointEntries > 0 ? options.checkpointEntries : Number.MAX_SAFE_INTEGER,
  });
  return {
    log,
    store,
    counter,
    config: db.config,
    async close() {
      await log.close();
      await store.close();
      await db.drop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Appends

interface AppendRun {
  readonly entriesPerSec: number;
  readonly seconds: number;
  readonly commits: number;
  readonly avgBatch: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU time of this process (both user and system) over wall time, 1.0 = one core. */
  readonly cpuCores: number;
  /** The same for the local PostgreSQL server processes (undefined for SQLite or a remote server). */
  readonly serverCpuCores: number | undefined;
  /** Checkpoints signed and stored while the measured entries were recorded. */
  readonly checkpoints: number;
  /** Seconds the subject index (kept off the append path) needed to catch up after the timed window. */
  readonly indexCatchUpSeconds: number;
  readonly load1: number;
}

interface AppendResult {
  readonly backend: string;
  readonly maxBatch: number;
  readonly concurrency: number;
  readonly entries: number;
  readonly runs: AppendRun[];
  readonly medianEntriesPerSec: number;
  readonly bestEntriesPerSec: number;
}

/** `concurrency` callers, each recording one event at a time until `count` are recorded. */
async function drive(
  auditLog: AuditLog,
  events: readonly AuditEvent[],
  offset: number,
  count: number,
  concurrency: number,
  latencies?: Float64Array,
): Promise<void> {
  let next = 0;
  const caller = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await auditLog.record(events[(offset + i) % events.length]!);
      if (latencies) latencies[i] = performance.now() - t;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
}

/** Runs the log's deferred subject indexing to the end; returns how long it took, in seconds. */
async function catchUpIndex(auditLog: AuditLog): Promise<number> {
  const t = performance.now();
  await auditLog.indexSubjects();
  return (performance.now() - t) / 1000;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function appendRun(
  backend: Backend,
  events: readonly AuditEvent[],
  o: { maxBatch: number; concurrency: number; entries: number; warmup: number; checkpointEntries: number },
): Promise<AppendRun> {
  const opened = await openLog(backend, `append_b${o.maxBatch}_c${o.concurrency}`, o);
  try {
    await drive(opened.log, events, 0, o.warmup, o.concurrency);
    const latencies = new Float64Array(o.entries);
    const commits0 = opened.log.commits;
    opened.counter.checkpoints = 0;
    const cpu0 = process.cpuUsage();
    const server0 = backend.name === 'postgres' ? postgresCpuSeconds() : undefined;
    const t0 = performance.now();
    await drive(opened.log, events, o.warmup, o.entries, o.concurrency, latencies);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const server1 = server0 === undefined ? undefined : postgresCpuSeconds();
    const commits = opened.log.commits - commits0;
    const checkpoints = opened.counter.checkpoints;
    const indexCatchUpSeconds = await catchUpIndex(opened.log);
    if (opened.log.size !== BigInt(o.warmup + o.entries)) {
      throw new Error(`log size ${opened.log.size} after ${o.warmup + o.entries} records`);
    }
    latencies.sort();
    return {
      entriesPerSec: o.entries / seconds,
      seconds,
      commits,
      avgBatch: o.entries / Math.max(1, commits),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1]!,
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      serverCpuCores:
        server0 === undefined || server1 === undefined ? undefined : (server1 - server0) / seconds,
      checkpoints,
      indexCatchUpSeconds,
      load1: loadavg()[0]!,
    };
  } finally {
    await opened.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Rates (the measuring approach of bench/audit-core.ts)

/** Runs `op` repeatedly for about `seconds`; returns operations per second. */
function rate(seconds: number, op: (i: number) => void): number {
  for (let i = 0; i < 2000; i++) op(i); // warm-up
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    for (let k = 0; k < 200; k++) op(n++);
  }
  return n / ((performance.now() - start) / 1000);
}

/** `inFlight` async loops of `op` for about `seconds`; returns completed operations per second. */
async function rateAsync(
  seconds: number,
  inFlight: number,
  op: (i: number) => Promise<void>,
): Promise<number> {
  for (let i = 0; i < 100; i++) await op(i);
  let n = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) await op(n++);
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return n / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------------------------------------
// Proofs

interface ProofItem {
  readonly index: string;
  readonly entry: Uint8Array;
  readonly proof: Uint8Array[];
}

/** What the verification loops need; plain data, so it can be sent to worker threads. */
interface ProofSet {
  readonly size: string;
  readonly root: Uint8Array;
  readonly inclusion: ProofItem[];
  /** Proofs of consecutive entries, as a regulator checking a range gets them. */
  readonly sequential: ProofItem[];
  readonly consistency: { size1: string; root1: Uint8Array; proof: Uint8Array[] }[];
}

type VerifyKind = 'inclusion' | 'consistency' | 'batch-random' | 'batch-sequential' | 'node-hash';

/** Verification loop shared by the main thread and the workers. Leaf hashing is included. */
function verifyLoop(p: ProofSet, seconds: number, kind: VerifyKind): number {
  const size = BigInt(p.size);
  if (kind === 'node-hash') {
    // The unit of every proof: one RFC 9162 node hash (SHA-256 of 65 bytes).
    const a = p.root;
    const b = p.inclusion[0]?.proof[0] ?? p.root;
    return rate(seconds, () => suite.nodeHash(a, b));
  }
  if (kind === 'batch-random' || kind === 'batch-sequential') {
    // A fresh verifier per pass over the proofs, so its cache never holds every answer.
    const list = (kind === 'batch-random' ? p.inclusion : p.sequential).map((x) => ({
      ...x,
      index: BigInt(x.index),
    }));
    let batch = new BatchInclusionVerifier(suite, size, p.root);
    return rate(seconds, (i) => {
      if (i % list.length === 0) batch = new BatchInclusionVerifier(suite, size, p.root);
      const x = list[i % list.length]!;
      batch.verify(x.index, suite.leafHash(x.entry), x.proof);
    });
  }
  if (kind === 'inclusion') {
    const list = p.inclusion.map((x) => ({ ...x, index: BigInt(x.index) }));
    return rate(seconds, (i) => {
      const x = list[i % list.length]!;
      verifyInclusion(suite, x.index, size, suite.leafHash(x.entry), x.proof, p.root);
    });
  }
  const list = p.consistency.map((x) => ({ ...x, size1: BigInt(x.size1) }));
  return rate(seconds, (i) => {
    const x = list[i % list.length]!;
    verifyConsistency(suite, x.size1, size, x.proof, x.root1, p.root);
  });
}

async function inWorkers(
  workers: number,
  proofs: ProofSet,
  seconds: number,
  kind: VerifyKind,
): Promise<number> {
  const url = new URL(import.meta.url);
  const rates = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(url, { workerData: { proofs, seconds, kind } });
          w.once('message', (r: number) => resolve(r));
          w.once('error', reject);
        }),
    ),
  );
  return rates.reduce((a, b) => a + b, 0);
}

interface ProofLogResult {
  readonly backend: string;
  readonly size: number;
  readonly build: {
    entriesPerSec: number;
    seconds: number;
    avgBatch: number;
    indexCatchUpSeconds: number | undefined;
  };
  /** Size of the database holding the log (SQLite file + WAL, or the PostgreSQL tables and indexes). */
  readonly databaseBytes: number | undefined;
  readonly generation: Record<string, number>;
  readonly avgInclusionHashes: number;
  readonly avgConsistencyHashes: number;
  readonly replay:
    | (ReplayReport & { entriesPerSec: number; peakRssMB: number | undefined; wallSeconds: number })
    | { error: string };
  readonly load1: number;
}

/** Builds a log of `size` entries by recording in large batches; returns it open. */
async function buildLog(
  backend: Backend,
  events: readonly AuditEvent[],
  size: number,
  checkpointEntries: number,
): Promise<{
  opened: Awaited<ReturnType<typeof openLog>>;
  seconds: number;
  avgBatch: number;
  indexCatchUpSeconds: number | undefined;
}> {
  const opened = await openLog(backend, 'proofs', { maxBatch: 10_000, checkpointEntries });
  const perCall = 2000;
  let next = 0;
  let lastReport = performance.now();
  const t0 = performance.now();
  const caller = async (): Promise<void> => {
    while (next < size) {
      const from = next;
      const n = Math.min(perCall, size - from);
      next += n;
      const batch: AuditEvent[] = new Array(n);
      for (let k = 0; k < n; k++) batch[k] = events[(from + k) % events.length]!;
      await opened.log.record(batch);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log(`    … ${int(Number(opened.log.size))} entries`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, caller));
  const seconds = (performance.now() - t0) / 1000;
  const indexCatchUpSeconds = await catchUpIndex(opened.log);
  return { opened, seconds, avgBatch: size / Math.max(1, opened.log.commits), indexCatchUpSeconds };
}

async function proofLog(
  backend: Backend,
  events: readonly AuditEvent[],
  o: { size: number; seconds: number; replayChunk: number; checkpointEntries: number },
): Promise<{ result: ProofLogResult; proofs: ProofSet; note: string; vkey: string }> {
  log(
    `  building a log of ${int(o.size)} entries on ${backend.name} (record() of 2,000 events, 8 in flight, maxBatch 10,000)…`,
  );
  const {
    opened,
    seconds: buildSeconds,
    avgBatch,
    indexCatchUpSeconds,
  } = await buildLog(backend, events, o.size, o.checkpointEntries);
  try {
    const auditLog = opened.log;
    const note = await auditLog.checkpoint();
    const size = auditLog.size;
    const dbBytes = await databaseBytes(opened.store as Store<unknown>, opened.config);
    const n = Number(size);
    log(
      `  built in ${fmt(buildSeconds)} s (${int(o.size / buildSeconds)} entries/s); signed checkpoint at ${size}`,
    );
    const rng = mulberry32(7);
    const pick = (): bigint => BigInt(Math.floor(rng() * n));
    const generation: Record<string, number> = {};

    generation['inclusion proof, 1 in flight'] = await rateAsync(o.seconds, 1, async () => {
      await auditLog.inclusionProof(pick(), size);
    });
    log(`  inclusion proof generation: ${int(generation['inclusion proof, 1 in flight'])}/s`);
    generation['inclusion proof, 16 in flight'] = await rateAsync(o.seconds, 16, async () => {
      await auditLog.inclusionProof(pick(), size);
    });
    generation['consistency proof, 1 in flight'] = await rateAsync(o.seconds, 1, async () => {
      await auditLog.consistencyProof(pick() + 1n, size);
    });
    log(`  consistency proof generation: ${int(generation['consistency proof, 1 in flight'])}/s`);

    // Proof material for the verification loops (not timed): random and consecutive entries with
    // their proofs, and consistency proofs with the old roots.
    const inParallel = async <T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> => {
      const out: T[] = new Array(count);
      let next = 0;
      const loop = async (): Promise<void> => {
        while (next < count) {
          const i = next++;
          out[i] = await make(i);
        }
      };
      await Promise.all(Array.from({ length: 16 }, loop));
      return out;
    };
    const inclusion = await inParallel(VERIFY_RANDOM, async (): Promise<ProofItem> => {
      const index = pick();
      const [entry] = await auditLog.entries(index, index + 1n);
      return { index: index.toString(), entry: entry!, proof: await auditLog.inclusionProof(index, size) };
    });
    const count = Math.min(VERIFY_SEQUENTIAL, n);
    const first = BigInt(Math.floor(rng() * (n - count + 1)));
    const range = await auditLog.entries(first, first + BigInt(count));
    const sequential = await inParallel(
      count,
      async (i): Promise<ProofItem> => ({
        index: (first + BigInt(i)).toString(),
        entry: range[i]!,
        proof: await auditLog.inclusionProof(first + BigInt(i), size),
      }),
    );
    const keptC = await inParallel(VERIFY_CONSISTENCY, async () => {
      const size1 = pick() + 1n;
      return { size1, proof: await auditLog.consistencyProof(size1, size) };
    });
    const readTiles = (ids: readonly { level: number; index: bigint; width: number }[]) =>
      Promise.all(ids.map((t) => auditLog.tile(t.level, t.index, t.width)));
    const consistency: ProofSet['consistency'] = [];
    for (const c of keptC) {
      const root1 = await rootAt(suite, c.size1, tileHashReader(suite, c.size1, readTiles));
      consistency.push({ size1: c.size1.toString(), root1, proof: c.proof });
    }
    const proofs: ProofSet = {
      size: size.toString(),
      root: auditLog.root,
      inclusion,
      sequential,
      consistency,
    };
    const avg = (xs: { proof: Uint8Array[] }[]) => xs.reduce((s, x) => s + x.proof.length, 0) / xs.length;

    log(`  full replay of ${int(n)} entries in a child process…`);
    const replay = await replayInChild(opened.config, note, auditLog.verifierKey, o.replayChunk);
    return {
      result: {
        backend: backend.name,
        size: n,
        build: { entriesPerSec: o.size / buildSeconds, seconds: buildSeconds, avgBatch, indexCatchUpSeconds },
        databaseBytes: dbBytes,
        generation,
        avgInclusionHashes: avg(inclusion),
        avgConsistencyHashes: avg(consistency),
        replay,
        load1: loadavg()[0]!,
      },
      proofs,
      note,
      vkey: auditLog.verifierKey,
    };
  } finally {
    await opened.close();
  }
}

/** Checks every collected proof once with the plain verifiers: the figures are for valid proofs. */
function checkProofs(p: ProofSet): void {
  const size = BigInt(p.size);
  for (const x of [...p.inclusion, ...p.sequential]) {
    verifyInclusion(suite, BigInt(x.index), size, suite.leafHash(x.entry), x.proof, p.root);
  }
  for (const x of p.consistency) verifyConsistency(suite, BigInt(x.size1), size, x.proof, x.root1, p.root);
}

async function replayInChild(
  config: StoreConfig,
  note: string,
  vkey: string,
  chunk: number,
): Promise<ProofLogResult['replay']> {
  const job: ReplayJob = { config, logId: 'main', origin: ORIGIN, vkey, note, chunk };
  let out = '';
  const r = await run({
    cmd: process.execPath,
    args: [fileURLToPath(new URL('./lib/audit-replay-child.ts', import.meta.url))],
    env: { ...process.env, SHIMING_BENCH_AUDIT_JOB: JSON.stringify(job) },
    onLine: (l) => {
      out += l;
    },
    rss: true,
  });
  if (r.code !== 0)
    return { error: `replay child failed: exit ${r.code} ${r.signal ?? ''} ${r.stderrTail.slice(-500)}` };
  const report = JSON.parse(out) as ReplayReport;
  return {
    ...report,
    entriesPerSec: Number(report.size) / report.seconds,
    peakRssMB: r.peakRssKB === undefined ? undefined : r.peakRssKB / 1024,
    wallSeconds: r.wallMs / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

interface VerifyResult {
  readonly name: string;
  readonly perSec: number;
  readonly target?: number;
}

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2), ['json', 'skip-pg', 'skip-pg-proofs', 'skip-proofs']);
  checkFlags(flags, [
    'entries',
    'warmup',
    'repeats',
    'batches',
    'concurrency',
    'proof-log-size',
    'seconds',
    'workers',
    'replay-chunk',
    'checkpoint-entries',
    'pg-url',
    'skip-pg',
    'skip-pg-proofs',
    'skip-proofs',
    'json',
  ]);
  const list = (name: string, dflt: string): number[] =>
    str(flags, name, dflt)
      .split(',')
      .map((s) => {
        const v = Number(s.trim());
        if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: "${s}" is not a positive integer`);
        return v;
      });
  const entries = num(flags, 'entries', 50_000);
  const warmup = num(flags, 'warmup', 5000);
  const repeats = num(flags, 'repeats', 3);
  const batches = list('batches', '100,1000');
  const concurrencies = list('concurrency', '64,256,1024');
  const proofLogSize = num(flags, 'proof-log-size', 1_000_000);
  const seconds = num(flags, 'seconds', 2);
  const workers = num(flags, 'workers', 2);
  const replayChunk = num(flags, 'replay-chunk', 1000);
  const checkpointEntries = num(flags, 'checkpoint-entries', 0);
  const started = performance.now();
  // The PostgreSQL URL may hold a password: the command as printed names it only as <url>.
  const args = process.argv
    .slice(2)
    .map((a, i, all) =>
      a.startsWith('--pg-url=') ? '--pg-url=<url>' : all[i - 1] === '--pg-url' ? '<url>' : a,
    );
  const command = `npm run bench:audit${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;

  const info = machine();
  const code = codeState();
  const loads: { at: string; load1: number; load5: number }[] = [];
  const sampleLoad = (at: string): void => {
    const [l1, l5] = loadavg();
    loads.push({ at, load1: l1!, load5: l5! });
  };
  sampleLoad('start');
  log(
    `${info.cpu}, ${info.cores} cores, Node ${info.node}; load average ${loadavg()
      .map((x) => fmt(x, 2))
      .join(' ')}`,
  );

  const gen = syntheticEvents(HMAC_KEY, 65_536);
  const events = gen.events;
  const avgEntryBytes =
    events
      .slice(0, 1000)
      .reduce((s, e) => s + JSON.stringify({ ...e, time: new Date().toISOString(), v: 1 }).length, 0) / 1000;
  log(
    `${int(events.length)} synthetic events over ${int(gen.subjects)} subjects; ` +
      `${gen.refusedIdentifiers} of ${int(gen.hmacIdentifiers)} HMAC identifiers refused by entry.ts as PI (replaced)`,
  );
  const fsProbe = fsyncProbe(tmpdir());
  const fsType = fileSystemOf(tmpdir());
  log(
    `fsync probe in ${tmpdir()} (${fsType}): 4 KiB write + fdatasync median ${fmt(fsProbe.medianMs, 2)} ms, p99 ${fmt(fsProbe.p99Ms, 2)} ms`,
  );

  const backends: Backend[] = [sqliteBackend];
  let pgServer: PgServer | undefined;
  let pgSkipped: string | undefined;
  if (flags['skip-pg']) pgSkipped = 'skipped (--skip-pg)';
  else {
    const got = await acquirePostgres(typeof flags['pg-url'] === 'string' ? flags['pg-url'] : undefined, log);
    if (typeof got === 'string') pgSkipped = `PostgreSQL unavailable, skipped: ${got}`;
    else {
      pgServer = got;
      backends.push(postgresBackend(got.url));
    }
  }
  if (pgSkipped) log(pgSkipped);
  const onSignal = (): void => {
    pgServer?.stop();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const settings: Record<string, Record<string, string>> = {};
  const appends: AppendResult[] = [];
  const proofLogs: ProofLogResult[] = [];
  const verification: VerifyResult[] = [];
  let checkpointOpenPerSec = 0;
  let proofsForVerify: ProofSet | undefined;
  try {
    // Durability settings in force, from a store opened the way the runs open theirs.
    for (const b of backends) {
      const db = await b.create('settings');
      const store = await openStore<AuditTables>(db.config, { migrations: AUDIT_MIGRATIONS });
      settings[b.name] = await durability(store as Store<unknown>);
      await store.close();
      await db.drop();
      log(
        `${b.name}: ${Object.entries(settings[b.name]!)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
      );
    }

    // 1. Appends.
    for (const b of backends) {
      for (const maxBatch of batches) {
        for (const concurrency of concurrencies) {
          const runs: AppendRun[] = [];
          for (let r = 0; r < repeats; r++) {
            const res = await appendRun(b, events, {
              maxBatch,
              concurrency,
              entries,
              warmup,
              checkpointEntries,
            });
            runs.push(res);
            log(
              `  ${b.name} maxBatch ${maxBatch}, ${concurrency} in flight, run ${r + 1}: ${int(res.entriesPerSec)} entries/s, ` +
                `batch ${fmt(res.avgBatch)}, p50 ${fmt(res.p50Ms, 2)} ms, p99 ${fmt(res.p99Ms, 2)} ms, CPU ${fmt(res.cpuCores, 2)} cores` +
                (res.serverCpuCores === undefined ? '' : ` (server ${fmt(res.serverCpuCores, 2)})`) +
                (res.indexCatchUpSeconds === undefined
                  ? ''
                  : `, index catch-up ${fmt(res.indexCatchUpSeconds, 2)} s`) +
                `, load ${fmt(res.load1, 2)}`,
            );
          }
          const rates = runs.map((x) => x.entriesPerSec);
          appends.push({
            backend: b.name,
            maxBatch,
            concurrency,
            entries,
            runs,
            medianEntriesPerSec: median(rates),
            bestEntriesPerSec: Math.max(...rates),
          });
        }
      }
      sampleLoad(`after ${b.name} appends`);
    }

    // 2 + 3. Proof generation and replay on a large log, per backend.
    for (const b of flags['skip-proofs'] ? [] : backends) {
      if (b.name === 'postgres' && flags['skip-pg-proofs']) continue;
      const r = await proofLog(b, events, { size: proofLogSize, seconds, replayChunk, checkpointEntries });
      proofLogs.push(r.result);
      const rp = r.result.replay;
      log(
        'error' in rp
          ? `  replay failed: ${rp.error}`
          : `  replay: ${int(rp.entriesPerSec)} entries/s, ${fmt(rp.seconds, 1)} s, peak RSS ${fmt(rp.peakRssMB ?? Number.NaN, 0)} MB`,
      );
      sampleLoad(`after ${b.name} proofs and replay`);
      if (proofsForVerify === undefined) {
        proofsForVerify = r.proofs;
        const verifier = new CheckpointVerifier({ origin: ORIGIN, suite, logKeys: [noteVerifier(r.vkey)] });
        checkpointOpenPerSec = rate(seconds, () => void verifier.verifyNote(r.note));
      }
    }

    // 2b. Verification: pure CPU, on the proofs of the first large log.
    if (proofsForVerify !== undefined) {
      const p = proofsForVerify;
      checkProofs(p);
      const add = (name: string, perSec: number, target?: number): void => {
        verification.push({ name, perSec, ...(target === undefined ? {} : { target }) });
        log(`  ${name}: ${int(perSec)}/s`);
      };
      add(
        'verifyInclusion, 1 thread (random entries)',
        await inWorkers(1, p, seconds, 'inclusion'),
        TARGETS.verify,
      );
      add(
        `verifyInclusion, ${workers} worker threads (random entries)`,
        await inWorkers(workers, p, seconds, 'inclusion'),
        TARGETS.verify,
      );
      add(
        `BatchInclusionVerifier, 1 thread, ${p.inclusion.length} random entries`,
        await inWorkers(1, p, seconds, 'batch-random'),
        TARGETS.verify,
      );
      add(
        `BatchInclusionVerifier, ${workers} worker threads (one verifier each), ${p.inclusion.length} random entries`,
        await inWorkers(workers, p, seconds, 'batch-random'),
        TARGETS.verify,
      );
      add(
        `BatchInclusionVerifier, 1 thread, ${p.sequential.length} consecutive entries`,
        await inWorkers(1, p, seconds, 'batch-sequential'),
        TARGETS.verify,
      );
      add('verifyConsistency, 1 thread', await inWorkers(1, p, seconds, 'consistency'));
      add(
        `verifyConsistency, ${workers} worker threads`,
        await inWorkers(workers, p, seconds, 'consistency'),
      );
      add(
        'node hash (the unit of a proof: SHA-256 of 65 bytes), 1 thread',
        await inWorkers(1, p, seconds, 'node-hash'),
      );
      add('signed checkpoint note verified (CheckpointVerifier.verifyNote, Ed25519)', checkpointOpenPerSec);
      sampleLoad('after verification');
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    pgServer?.stop();
  }
  sampleLoad('end');

  const totalSeconds = (performance.now() - started) / 1000;
  const result = {
    command,
    code,
    machine: info,
    totalSeconds,
    load: loads,
    fileSystem: { tmpdir: tmpdir(), type: fsType, fsync4k: fsProbe },
    postgres: pgServer ? { source: pgServer.source } : { skipped: pgSkipped },
    durability: settings,
    events: {
      distinct: events.length,
      subjects: gen.subjects,
      avgEntryBytes,
      hmacIdentifiers: gen.hmacIdentifiers,
      refusedIdentifiers: gen.refusedIdentifiers,
    },
    options: {
      entries,
      warmup,
      repeats,
      batches,
      concurrencies,
      proofLogSize,
      seconds,
      workers,
      replayChunk,
      checkpointEntries,
    },
    targets: TARGETS,
    appends,
    proofLogs,
    verification,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'bench-audit.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (flags.json) {
    console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  console.log(report(result));
  return 0;
}

type Result = {
  command: string;
  code: string;
  options: { replayChunk: number };
  machine: ReturnType<typeof machine>;
  totalSeconds: number;
  load: { at: string; load1: number; load5: number }[];
  fileSystem: { tmpdir: string; type: string; fsync4k: { medianMs: number; p99Ms: number } };
  postgres: { source: string } | { skipped: string | undefined };
  durability: Record<string, Record<string, string>>;
  events: {
    distinct: number;
    subjects: number;
    avgEntryBytes: number;
    hmacIdentifiers: number;
    refusedIdentifiers: number;
  };
  appends: AppendResult[];
  proofLogs: ProofLogResult[];
  verification: VerifyResult[];
};

/** The commit measured, and which measured sources differ from it (other work in progress). */
function codeState(): string {
  const git = (...args: string[]): string | undefined => {
    const r = spawnSync('git', args, { cwd: REPO_DIR, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trimEnd() : undefined; // porcelain lines start with a space
  };
  const head = git('rev-parse', '--short', 'HEAD')?.trim();
  if (head === undefined) return 'not a git checkout';
  const dirty = (git('status', '--porcelain', '--', 'src/audit', 'src/store', 'src/crypto') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3));
  return dirty.length === 0
    ? `${head}`
    : `${head} + uncommitted changes to ${dirty.length} file(s) under src/ (${dirty.slice(0, 6).join(', ')}${dirty.length > 6 ? ', …' : ''})`;
}

const ratio = (value: number, target: number): string => `${fmt(value / target, 2)}×`;
const verdict = (value: number, target: number): string => (value >= target ? 'met' : 'not met');

function report(r: Result): string {
  const m = r.machine;
  const loads = r.load.map((l) => l.load1);
  const out: string[] = [];
  out.push(`Command: \`${r.command}\` (${fmt(r.totalSeconds / 60, 1)} min); code: ${r.code}.`);
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGB} GB, Node ${m.node}, ${m.platform}; ` +
      `1-min load average ${fmt(Math.min(...loads), 2)}–${fmt(Math.max(...loads), 2)} during the run (shared machine).`,
  );
  out.push(
    `Disk: ${r.fileSystem.type} (${r.fileSystem.tmpdir}); 4 KiB write + fdatasync: median ${fmt(r.fileSystem.fsync4k.medianMs, 2)} ms, ` +
      `p99 ${fmt(r.fileSystem.fsync4k.p99Ms, 2)} ms.`,
  );
  for (const [name, s] of Object.entries(r.durability)) {
    out.push(
      `Durability, ${name}: ${Object.entries(s)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}.`,
    );
  }
  out.push(
    'source' in r.postgres
      ? `PostgreSQL: ${r.postgres.source}.`
      : `PostgreSQL: ${r.postgres.skipped ?? 'not run'}.`,
  );
  out.push(
    `Events: ${int(r.events.distinct)} synthetic events over ${int(r.events.subjects)} subjects, ~${int(r.events.avgEntryBytes)} bytes per entry; ` +
      `${r.events.refusedIdentifiers} of ${int(r.events.hmacIdentifiers)} HMAC subject identifiers were refused by entry.ts's PI guard and replaced.`,
  );
  out.push('');
  const deferred = r.appends.some((a) => a.runs.some((x) => x.indexCatchUpSeconds !== undefined));
  out.push('**Appends** (`AuditLog.record`, one event per call, each caller awaiting its durable index):');
  if (deferred) {
    out.push(
      '(Each batch indexes its subjects in its own commit, so the index is inside these figures; "index catch-up" is what was left to index after the timed window, 0 unless batches fell behind.)',
    );
  }
  out.push('');
  out.push(
    mdTable(
      [
        'backend',
        'maxBatch',
        'in flight',
        'entries/s median (best)',
        'avg batch',
        'p50 ms',
        'p99 ms',
        'CPU: Node (PG server)',
        ...(deferred ? ['index catch-up s'] : []),
        'target',
        'ratio',
      ],
      r.appends.map((a) => {
        const target = a.backend === 'sqlite' ? TARGETS.sqlite : TARGETS.postgres;
        const mid = a.runs.slice().sort((x, y) => x.entriesPerSec - y.entriesPerSec)[
          Math.floor(a.runs.length / 2)
        ]!;
        return [
          a.backend,
          String(a.maxBatch),
          String(a.concurrency),
          `${int(a.medianEntriesPerSec)} (${int(a.bestEntriesPerSec)})`,
          fmt(median(a.runs.map((x) => x.avgBatch))),
          fmt(mid.p50Ms, 2),
          fmt(mid.p99Ms, 2),
          fmt(median(a.runs.map((x) => x.cpuCores)), 2) +
            (a.runs[0]?.serverCpuCores === undefined
              ? ''
              : ` (${fmt(median(a.runs.map((x) => x.serverCpuCores ?? Number.NaN)), 2)})`),
          ...(deferred ? [fmt(median(a.runs.map((x) => x.indexCatchUpSeconds ?? Number.NaN)), 2)] : []),
          `≥ ${int(target)}`,
          ratio(a.medianEntriesPerSec, target),
        ];
      }),
    ),
  );
  for (const p of r.proofLogs) {
    out.push('');
    out.push(
      `**Proofs and replay, ${p.backend}, log of ${int(p.size)} entries** (built at ${int(p.build.entriesPerSec)} entries/s ` +
        `with record() of 2,000 events, avg commit ${int(p.build.avgBatch)} entries` +
        (p.build.indexCatchUpSeconds === undefined
          ? '; '
          : `, subject index caught up ${fmt(p.build.indexCatchUpSeconds, 1)} s after the last record; `) +
        (p.databaseBytes === undefined ? '' : `database ${fmt(p.databaseBytes / 1e6, 0)} MB; `) +
        `inclusion proofs ${fmt(p.avgInclusionHashes)} hashes, consistency proofs ${fmt(p.avgConsistencyHashes)} hashes on average):`,
    );
    out.push('');
    const rows: string[][] = Object.entries(p.generation).map(([k, v]) => [
      `generate: ${k} (AuditLog, from stored tiles)`,
      `${int(v)}/s`,
    ]);
    if ('error' in p.replay) rows.push(['full replay', p.replay.error]);
    else {
      rows.push([
        `full replay: read all ${int(p.size)} entries back in chunks of ${int(r.options.replayChunk)}, recompute the root, compare with the signed checkpoint`,
        `${int(p.replay.entriesPerSec)} entries/s, ${fmt(p.replay.seconds, 1)} s (${fmt(p.replay.readWaitSeconds, 1)} s waiting for reads), ` +
          `peak RSS ${p.replay.peakRssMB === undefined ? '?' : fmt(p.replay.peakRssMB, 0)} MB`,
      ]);
    }
    out.push(mdTable(['operation', 'rate'], rows, 'lr'));
  }
  if (r.verification.length > 0) {
    out.push('');
    out.push(
      '**Verification** (pure CPU, proofs from the first log above; the leaf hash of the entry is included):',
    );
    out.push('');
    out.push(
      mdTable(
        ['operation', 'per second', 'target', 'ratio'],
        r.verification.map((v) => [
          v.name,
          int(v.perSec),
          v.target === undefined ? '' : `≥ ${int(v.target)}`,
          v.target === undefined ? '' : ratio(v.perSec, v.target),
        ]),
      ),
    );
  }
  out.push('');
  out.push('**Targets**:');
  out.push('');
  const rows: string[][] = [];
  for (const backend of ['sqlite', 'postgres'] as const) {
    const xs = r.appends.filter((a) => a.backend === backend);
    if (xs.length === 0) {
      rows.push([`appends, ${backend}`, `≥ ${int(TARGETS[backend])}/s`, 'not run', '', '']);
      continue;
    }
    const best = xs.reduce((a, b) => (b.medianEntriesPerSec > a.medianEntriesPerSec ? b : a));
    rows.push([
      `appends, ${backend} (best configuration: maxBatch ${best.maxBatch}, ${best.concurrency} in flight)`,
      `≥ ${int(TARGETS[backend])}/s`,
      `${int(best.medianEntriesPerSec)}/s`,
      ratio(best.medianEntriesPerSec, TARGETS[backend]),
      verdict(best.medianEntriesPerSec, TARGETS[backend]),
    ]);
  }
  for (const v of r.verification) {
    if (v.target !== undefined) {
      rows.push([
        `proof verification: ${v.name}`,
        `≥ ${int(TARGETS.verify)}/s`,
        `${int(v.perSec)}/s`,
        ratio(v.perSec, TARGETS.verify),
        verdict(v.perSec, TARGETS.verify),
      ]);
    }
  }
  out.push(mdTable(['target', 'goal', 'measured', 'ratio', ''], rows, 'lrrrl'));
  return out.join('\n');
}

if (isMainThread) {
  runMain(main);
} else {
  const { proofs, seconds, kind } = workerData as { proofs: ProofSet; seconds: number; kind: VerifyKind };
  parentPort!.postMessage(verifyLoop(proofs, seconds, kind));
}

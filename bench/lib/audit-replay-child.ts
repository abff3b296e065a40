/**
 * Child process of `bench/bench-audit.ts`: a full replay as a regulator's verifier does it, in a
 * process of its own so its peak RSS is its own. Verifies the signed checkpoint note against the
 * log's public key, reads every entry back from the database in chunks (the next chunk is requested
 * while the current one is hashed), recomputes the root with `CheckpointVerifier.verifyReplay`
 * (a compact range: ≤ 64 hashes in memory) and compares it with the checkpoint's.
 *
 * The job comes in the environment variable `SHIMING_BENCH_AUDIT_JOB` (JSON; it may hold a
 * PostgreSQL URL, so not on the command line); one JSON line of results goes to stdout.
 *
 * @module
 */
import { CheckpointVerifier } from '../../src/audit/checkpoint-verifier.ts';
import { hashSuite } from '../../src/audit/hash-suite.ts';
import { LogStore } from '../../src/audit/log/log-store.ts';
import type { AuditTables } from '../../src/audit/log/schema.ts';
import { noteVerifier } from '../../src/audit/note-keys.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreConfig } from '../../src/store/store.types.ts';
import { runMain } from './cli.ts';

export interface ReplayJob {
  readonly config: StoreConfig;
  readonly logId: string;
  readonly origin: string;
  /** The log's verifier key (C2SP vkey). */
  readonly vkey: string;
  /** The signed checkpoint to replay against. */
  readonly note: string;
  readonly chunk: number;
}

export interface ReplayReport {
  readonly size: string;
  /** From the first read to the verified root. */
  readonly seconds: number;
  /** Time the hashing loop waited for the database (reads not hidden behind hashing). */
  readonly readWaitSeconds: number;
  readonly chunks: number;
  readonly bytes: number;
  /** Process RSS at the end, MB (peak RSS is measured from outside). */
  readonly rssEndMB: number;
}

async function main(): Promise<number> {
  const text = process.env.SHIMING_BENCH_AUDIT_JOB;
  if (text === undefined)
    throw new Error('SHIMING_BENCH_AUDIT_JOB is not set (run through bench/bench-audit.ts)');
  const job = JSON.parse(text) as ReplayJob;
  const suite = hashSuite('sha256');
  const verifier = new CheckpointVerifier({ origin: job.origin, suite, logKeys: [noteVerifier(job.vkey)] });
  const store = await openStore<AuditTables>(job.config);
  try {
    const started = performance.now();
    const { checkpoint } = verifier.verifyNote(job.note);
    const logStore = new LogStore(store.db, store.dialect, job.logId);
    const chunk = BigInt(job.chunk);
    let waitMs = 0;
    let chunks = 0;
    let bytes = 0;
    async function* entries(): AsyncGenerator<Uint8Array> {
      const size = checkpoint.size;
      let from = 0n;
      let next = size > 0n ? logStore.readEntries(0n, chunk < size ? chunk : size) : undefined;
      while (next !== undefined) {
        const t = performance.now();
        const rows = await next;
        waitMs += performance.now() - t;
        chunks++;
        from += BigInt(rows.length);
        const to = from + chunk < size ? from + chunk : size;
        next = from < size ? logStore.readEntries(from, to) : undefined;
        for (const row of rows) {
          bytes += row.length;
          yield row;
        }
      }
    }
    const result = await verifier.verifyReplay(checkpoint, entries());
    const seconds = (performance.now() - started) / 1000;
    const report: ReplayReport = {
      size: result.size.toString(),
      seconds,
      readWaitSeconds: waitMs / 1000,
      chunks,
      bytes,
      rssEndMB: process.memoryUsage.rss() / 1e6,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

runMain(main);

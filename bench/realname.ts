/**
 * `npm run bench:realname`: real-name registration end to end, and the enforcement job at scale.
 *
 * 1. Registrations + verifications per second: `shiming authority` runs in a child process (real
 *    HTTP, its own synthetic population); this process runs the real service (SQLite database,
 *    vault, audit log, verifier chain with the HTTP adapter). Each flow registers one account and
 *    verifies it by name + ID (two-factor), `--concurrency` flows in flight, with the authority
 *    answering at once and after 50 ms. Policies: `game` (keeps nothing) and `social` (keeps the
 *    login mobile in the vault, counts the identity against a limit).
 * 2. Enforcement: `--accounts` (default 1,000,000) unverified accounts past their grace period are
 *    written straight into a fresh database, then one `enforce()` run notifies them all: time,
 *    peak RSS, and one audit entry and one history row per transition.
 *
 * Flags: --flows N (per run, default 10000), --concurrency N (default 64), --accounts N,
 * --batch N (enforcement batch, default 2000, the job's default), --pg URL (enforcement on PostgreSQL), --skip-flows,
 * --skip-enforce, --json.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, type ShimingConfig } from '../src/config/config.ts';
import { generatePopulation, writePopulation } from '../src/realname/authority/population.ts';
import { EXAMPLE_POLICIES } from '../src/realname/policies/examples.ts';
import { buildApp } from '../src/server/app.ts';
import { openServerResources } from '../src/server/open-server-resources.ts';
import type { AccessContext } from '../src/vault/core.ts';
import { runLoad } from './lib/load.ts';
import { benchSchema } from './lib/pg-schema.ts';

const { values: args } = parseArgs({
  options: {
    flows: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '64' },
    accounts: { type: 'string', default: '1000000' },
    population: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '2000' },
    pg: { type: 'string' },
    'skip-flows': { type: 'boolean', default: false },
    'skip-enforce': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const FLOWS = Number(args.flows);
const CONCURRENCY = Number(args.concurrency);
const ACCOUNTS = Number(args.accounts);
const POPULATION = Number(args.population);
const SEED = 7;
const AS_OF = new Date('2026-11-28T00:00:00Z');
const log = (s: string) => {
  if (!args.json) console.error(s);
};

interface FlowResult {
  readonly policy: string;
  readonly latencyMs: number;
  readonly flows: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly verified: number;
}

/** Starts `shiming authority` in a child process; resolves with its URL. */
async function startAuthorityChild(
  populationFile: string,
  latencyMs: number,
): Promise<{ url: string; child: ChildProcess }> {
  const bin = fileURLToPath(new URL('./lib/run-cli-from-src.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, 'authority', '--population', populationFile, '--port', '0', '--latency-ms', String(latencyMs)],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const m = /(https?:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`authority exited with ${code}`)));
  });
  return { url, child };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function flows(
  dir: string,
  latencyMs: number,
  populationFile: string,
  people: ReturnType<typeof generatePopulation>,
): Promise<FlowResult[]> {
  const { url, child } = await startAuthorityChild(populationFile, latencyMs);
  const config: ShimingConfig = loadConfig({
    env: {
      SHIMING_DATA_DIR: join(dir, `flows-${latencyMs}`),
      SHIMING_ROOT_KEY_FILE: join(dir, `keys-${latencyMs}`, 'root.key'),
      SHIMING_AUDIT_CHECKPOINT_MS: '0',
      SHIMING_AUTHORITY_URL: url,
      SHIMING_RATE_LIMIT_RPS: '0',
      SHIMING_ENFORCE_INTERVAL_MS: '0',
    },
  });
  const resources = await openServerResources(config, { vaultJobs: false, enforcement: false });
  const out: FlowResult[] = [];
  try {
    const as = (role: 'admin' | 'registrar', purpose: string): AccessContext => ({
      tenant: 'bench',
      actor: `key_bench${role}00000000`,
      role,
      purpose,
    });
    const admin = as('admin', 'policy-management');
    const registrar = as('registrar', 'registration');
    await resources.vault.setPolicy(admin, { version: 1, purposes: ['registration'], rules: [] });
    for (const p of Object.values(EXAMPLE_POLICIES)) await resources.realname.putPolicy(admin, p);
    let cursor = 0;
    for (const policy of ['game', 'social'] as const) {
      const n = Math.min(FLOWS, people.length - cursor);
      const latencies: number[] = [];
      let verified = 0;
      let next = 0;
      const base = cursor;
      cursor += n;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let i = next++; i < n; i = next++) {
            const person = people[base + i]!;
            const s = performance.now();
            const [account] = await resources.realname.register(registrar, [
              policy === 'social'
                ? { service: policy, fields: { CN_MOBILE: person.mobiles[0]!.number } }
                : { service: policy },
            ]);
            const r = await resources.realname.verify(registrar, account!.id, {
              method: 'id-two-factor',
              fields: { CN_NAME: person.name, CN_RESIDENT_ID: person.residentId },
            });
            if (r.account.state === 'verified') verified++;
            latencies.push(performance.now() - s);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      const r: FlowResult = {
        policy,
        latencyMs,
        flows: n,
        seconds,
        perSecond: n / seconds,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        verified,
      };
      out.push(r);
      log(
        `register + verify (${policy}, authority ${latencyMs} ms, ${CONCURRENCY} in flight): ${Math.round(r.perSecond)}/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${verified}/${n} verified`,
      );
    }
    out.push(await overHttp(config, resources, latencyMs, people.slice(cursor, cursor + FLOWS)));
  } finally {
    await resources.close();
    child.kill('SIGTERM');
  }
  return out;
}

/**
 * The same flow over the HTTP API: `POST /v1/accounts` with the verification inline (one request
 * registers and verifies), `CONCURRENCY` connections, the `game` policy.
 */
async function overHttp(
  config: ShimingConfig,
  resources: Awaited<ReturnType<typeof openServerResources>>,
  latencyMs: number,
  people: ReturnType<typeof generatePopulation>,
): Promise<FlowResult> {
  const by = { actor: 'bench', role: 'system' };
  const token = (await resources.keys.create({ tenant: 'bench', role: 'registrar', name: 'bench-http' }, by))
    .token;
  const app = await buildApp({
    config,
    store: resources.store,
    auditLog: resources.auditLog,
    keys: resources.keys,
    vault: resources.vault,
    realname: resources.realname,
  });
  try {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const out = await runLoad({
      url,
      connections: CONCURRENCY,
      amount: people.length,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      plan: {
        kind: 'accounts',
        service: 'game',
        people: people.map((p) => ({ name: p.name, residentId: p.residentId })),
      },
    });
    const seconds = out.duration;
    const ok = out['2xx'];
    const r: FlowResult = {
      policy: 'game over HTTP',
      latencyMs,
      flows: out.requests.total,
      seconds,
      perSecond: ok / seconds,
      p50Ms: out.latency.p50,
      p99Ms: out.latency.p99,
      verified: ok,
    };
    log(
      `HTTP POST /v1/accounts + verify (game, authority ${latencyMs} ms, ${CONCURRENCY} connections): ${Math.round(r.perSecond)}/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${ok}/${r.flows} 2xx`,
    );
    return r;
  } finally {
    await app.close();
  }
}

interface EnforceBench {
  readonly accounts: number;
  readonly seedSeconds: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly transitions: number;
  readonly peakRssMb: number;
  readonly auditEntries: number;
}

async function enforcement(dir: string): Promise<EnforceBench> {
  const base: ShimingConfig = loadConfig({
    env: {
      SHIMING_DATA_DIR: join(dir, 'enforce'),
      SHIMING_ROOT_KEY_FILE: join(dir, 'keys-enforce', 'root.key'),
      SHIMING_AUDIT_CHECKPOINT_MS: '0',
      SHIMING_ENFORCE_INTERVAL_MS: '0',
    },
  });
  // --pg URL: the same run on PostgreSQL, in a schema of its own (dropped afterwards).
  const pgSchema =
    args.pg === undefined ? undefined : await benchSchema(args.pg, `bench_${process.pid}`, base);
  const config = pgSchema?.config ?? base;
  const resources = await openServerResources(config, { vaultJobs: false, enforcement: false });
  try {
    const admin: AccessContext = {
      tenant: 'bench',
      actor: 'key_benchadmin00000000',
      role: 'admin',
      purpose: 'policy-management',
    };
    await resources.realname.putPolicy(admin, EXAMPLE_POLICIES.social);
    // Seed: unverified accounts whose 30-day grace ended yesterday, written straight to the table.
    const t0 = performance.now();
    const created = new Date(AS_OF.getTime() - 31 * 86_400_000).toISOString();
    const deadline = new Date(AS_OF.getTime() - 86_400_000).toISOString();
    const db = resources.store.db;
    const chunk = 1000;
    for (let i = 0; i < ACCOUNTS; i += 50_000) {
      await db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(ACCOUNTS, i + 50_000); j += chunk) {
          const rows = [];
          for (let k = j; k < Math.min(ACCOUNTS, j + chunk); k++) {
            rows.push({
              tenant_id: 'bench',
              account_id: `acc_${k.toString(36).padStart(22, 'A')}`,
              service: 'social',
              state: 'unverified' as const,
              reason: 'REGISTERED',
              seq: 1,
              deadline_at: deadline,
              created_at: created,
              updated_at: created,
            });
          }
          await trx.insertInto('realname_accounts').values(rows).execute();
        }
      });
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`seeded ${ACCOUNTS} accounts in ${seedSeconds.toFixed(1)} s`);
    const before = resources.auditLog.size;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 100);
    const result = await resources.realname.enforce({
      now: AS_OF,
      batchSize: Number(args.batch),
      onProgress: (r) => {
        if (r.batches % 100 === 0) log(`  … ${r.examined} examined`);
      },
    });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const transitions = Object.values(result.transitions).reduce((a, b) => a + (b ?? 0), 0);
    const r: EnforceBench = {
      accounts: ACCOUNTS,
      seedSeconds,
      seconds: result.durationMs / 1000,
      perSecond: transitions / (result.durationMs / 1000),
      transitions,
      peakRssMb: Math.round(peak / 1048576),
      auditEntries: Number(resources.auditLog.size - before),
    };
    log(
      `enforce ${ACCOUNTS} due accounts: ${r.seconds.toFixed(1)} s (${Math.round(r.perSecond)}/s), ${transitions} transitions, ${r.auditEntries} audit entries, peak RSS ${r.peakRssMb} MB`,
    );
    return r;
  } finally {
    await resources.close();
    await pgSchema?.drop();
    // Its million rows would otherwise be written back while the flows measure their fsyncs.
    await rm(join(dir, 'enforce'), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shiming-bench-realname-'));
  const out: Record<string, unknown> = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    concurrency: CONCURRENCY,
  };
  try {
    // Enforcement first: the flows leave much dirty page cache whose writeback slows later fsyncs.
    if (!args['skip-enforce']) out.enforcement = await enforcement(dir);
    if (!args['skip-flows']) {
      const everyone = generatePopulation({ count: POPULATION, seed: SEED, asOf: AS_OF });
      const file = join(dir, 'population.jsonl');
      await writePopulation(everyone, file);
      // Adults with a mobile: the flow under test is the plain one (minors wait for a guardian).
      const people = everyone.filter(
        (p) => p.status === 'active' && p.mobiles.length > 0 && Number(p.residentId.slice(6, 10)) <= 2006,
      );
      out.flows = [...(await flows(dir, 0, file, people)), ...(await flows(dir, 50, file, people))];
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  out.loadavg = loadavg().map((l) => l.toFixed(2));
  if (args.json) console.log(JSON.stringify(out, null, 2));
}

await main();

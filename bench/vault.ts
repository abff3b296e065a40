/**
 * `node bench/vault.ts`: how fast the vault creates and reads subjects on the embedded SQLite
 * (WAL, synchronous=FULL: every commit is an fsync), with the real audit log in the same database
 * (every create and read appends its entries, durably, before answering).
 *
 * Service level (no HTTP): batched creates, single creates in parallel, batched and single reads
 * (PLAIN, so every field is decrypted), lookups. With `--http`: `shiming serve`'s app on a local
 * port, driven by autocannon in a worker thread (single reads and batched creates over HTTP, API-key
 * auth included).
 *
 * Subjects have four fields: resident ID and mobile (both blind-indexed, the ID unique), name and
 * address. Options: --subjects 20000, --batch 500, --concurrency 32, --http, --http-only (skip the
 * service-level runs), --seconds 10 (HTTP),
 * --pg URL (the service-level run again on PostgreSQL, in a schema of its own), --json. Writes `bench/out/bench-vault.json`.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig, type ShimingConfig } from '../src/config/config.ts';
import { buildApp } from '../src/server/app.ts';
import { openServerResources } from '../src/server/open-server-resources.ts';
import type { AccessContext } from '../src/vault/core.ts';
import type { Vault } from '../src/vault/vault.ts';
import { mobile } from '../test/synth/contacts.ts';
import { residentId } from '../test/synth/ids.ts';
import { address, name } from '../test/synth/names.ts';
import { mulberry32 } from '../test/synth/rng.ts';
import { type LoadPlan, runLoad } from './lib/load.ts';
import { benchSchema } from './lib/pg-schema.ts';

const { values: args } = parseArgs({
  options: {
    subjects: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '10' },
    http: { type: 'boolean', default: false },
    'http-only': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    pg: { type: 'string' },
  },
});
const SUBJECTS = Number(args.subjects);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);

const POLICY = {
  version: 1,
  purposes: ['registration', 'fraud-investigation', 'customer-support'],
  rules: [
    {
      roles: ['investigator'],
      purposes: ['fraud-investigation'],
      operations: ['read', 'lookup'],
      fields: ['*'],
      access: 'PLAIN',
    },
    { roles: ['agent'], purposes: ['customer-support'], fields: ['*'], access: 'MASKED' },
  ],
};

interface Result {
  readonly name: string;
  readonly records: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU seconds of this process per record, in µs (includes SQLite, which runs on this thread). */
  readonly cpuUsPerRecord: number;
  /** HTTP runs: request latency percentiles, in ms. */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
}

const results: Result[] = [];

async function timed(label: string, records: number, work: () => Promise<void>): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const r = {
    name: label,
    records,
    seconds,
    perSecond: records / seconds,
    cpuUsPerRecord: (cpu.user + cpu.system) / records,
  };
  results.push(r);
  if (!args.json) {
    console.error(
      `${label.padEnd(52)} ${Math.round(r.perSecond).toString().padStart(8)} /s   ${r.cpuUsPerRecord.toFixed(0).padStart(6)} µs CPU each`,
    );
  }
}

/** Runs `count` calls of `f(i)` with `CONCURRENCY` in flight. */
async function parallel(count: number, f: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) await f(i);
    }),
  );
}

function subjects(n: number, seed: number): { fields: Record<string, string> }[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => ({
    fields: {
      CN_RESIDENT_ID: residentId(rng),
      CN_MOBILE: mobile(rng, { format: 'plain' }),
      CN_NAME: name(rng),
      CN_ADDRESS: address(rng),
    },
  }));
}

async function serviceLevel(vault: Vault, tenant: string, engine: string): Promise<string[]> {
  const as = (role: AccessContext['role'], purpose: string): AccessContext => ({
    tenant,
    actor: `key_bench${role.padEnd(11, '0')}`,
    role,
    purpose,
  });
  const registrar = as('registrar', 'registration');
  const investigator = as('investigator', 'fraud-investigation');
  const agent = as('agent', 'customer-support');
  await vault.setPolicy(as('admin', 'policy-management'), POLICY);

  const items = subjects(SUBJECTS, 1);
  const ids: string[] = [];
  await timed(`${engine}: create, batches of ${BATCH}`, SUBJECTS, async () => {
    for (let i = 0; i < items.length; i += BATCH)
      ids.push(...(await vault.createSubjects(registrar, items.slice(i, i + BATCH))));
  });
  const singles = subjects(Math.min(2000, SUBJECTS), 2);
  await timed(`${engine}: create, one per call, ${CONCURRENCY} in flight`, singles.length, () =>
    parallel(singles.length, (i) => vault.createSubjects(registrar, [singles[i]!])),
  );
  const readBatch = 100;
  await timed(`${engine}: read PLAIN, batches of ${readBatch}`, ids.length, async () => {
    for (let i = 0; i < ids.length; i += readBatch) {
      await vault.readSubjects(investigator, ids.slice(i, i + readBatch), { access: 'PLAIN' });
    }
  });
  await timed(`${engine}: read MASKED, batches of ${readBatch}`, ids.length, async () => {
    for (let i = 0; i < ids.length; i += readBatch)
      await vault.readSubjects(agent, ids.slice(i, i + readBatch));
  });
  const singleReads = Math.min(10_000, ids.length);
  await timed(`${engine}: read PLAIN, one per call, ${CONCURRENCY} in flight`, singleReads, () =>
    parallel(singleReads, (i) => vault.readSubjects(investigator, [ids[i]!], { access: 'PLAIN' })),
  );
  const lookups = Math.min(10_000, items.length);
  await timed(`${engine}: lookup by resident ID, one per call, ${CONCURRENCY} in flight`, lookups, () =>
    parallel(lookups, (i) =>
      vault.lookup(investigator, [{ field: 'CN_RESIDENT_ID', value: items[i]!.fields.CN_RESIDENT_ID! }]),
    ),
  );
  return ids;
}

async function http(config: ShimingConfig): Promise<void> {
  const resources = await openServerResources(config, { vaultJobs: false });
  const by = { actor: 'bench', role: 'system' };
  const key = async (role: 'admin' | 'registrar' | 'investigator' | 'agent') =>
    (await resources.keys.create({ tenant: 'http', role, name: `bench-${role}` }, by)).token;
  const [admin, registrar, investigator, agent] = [
    await key('admin'),
    await key('registrar'),
    await key('investigator'),
    await key('agent'),
  ];
  const app = await buildApp({
    config,
    store: resources.store,
    auditLog: resources.auditLog,
    keys: resources.keys,
    vault: resources.vault,
    realname: resources.realname,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  await fetch(`${url}/v1/policies`, { method: 'PUT', headers: json(admin), body: JSON.stringify(POLICY) });
  const seed = subjects(2000, 3);
  const ids: string[] = [];
  for (let i = 0; i < seed.length; i += 500) {
    const res = await fetch(`${url}/v1/subjects/batch`, {
      method: 'POST',
      headers: json(registrar),
      body: JSON.stringify({ items: seed.slice(i, i + 500) }),
    });
    ids.push(...((await res.json()) as { ids: string[] }).ids);
  }
  const run = async (
    label: string,
    records: number,
    headers: Record<string, string>,
    plan: LoadPlan,
  ): Promise<void> => {
    const cpu0 = process.cpuUsage();
    const out = await runLoad({
      url,
      connections: CONCURRENCY,
      duration: Number(args.seconds),
      headers,
      plan,
    });
    const cpu = process.cpuUsage(cpu0);
    const done = out.requests.total * records;
    const errors = out.non2xx + out.errors;
    const r = {
      name: label,
      records: done,
      seconds: Number(args.seconds),
      perSecond: done / Number(args.seconds),
      cpuUsPerRecord: (cpu.user + cpu.system) / done,
      p50Ms: out.latency.p50,
      p99Ms: out.latency.p99,
    };
    results.push(r);
    if (!args.json) {
      console.error(
        `${label.padEnd(52)} ${Math.round(r.perSecond).toString().padStart(8)} /s   p50 ${out.latency.p50} ms, p99 ${out.latency.p99} ms${errors ? `, ${errors} errors` : ''}`,
      );
    }
  };
  // Every subject once in turn, starting at a different place for each run.
  const paths = (query: string, from: number) =>
    ids.map((_, i) => `/v1/subjects/${ids[(i + from) % ids.length]}${query}`);
  await run(
    `HTTP GET /v1/subjects/:id PLAIN, ${CONCURRENCY} connections`,
    1,
    { authorization: `Bearer ${investigator}`, 'shiming-purpose': 'fraud-investigation' },
    { kind: 'paths', paths: paths('?access=PLAIN', 0) },
  );
  await run(
    `HTTP GET /v1/subjects/:id MASKED, ${CONCURRENCY} connections`,
    1,
    { authorization: `Bearer ${agent}`, 'shiming-purpose': 'customer-support' },
    { kind: 'paths', paths: paths('', 1000) },
  );
  await run(`HTTP POST /v1/subjects (one), ${CONCURRENCY} connections`, 1, json(registrar), {
    kind: 'vault-create',
    seed: 5,
    per: 1,
  });
  await run(`HTTP POST /v1/subjects/batch (100), ${CONCURRENCY} connections`, 100, json(registrar), {
    kind: 'vault-create',
    seed: 4,
    per: 100,
  });
  await app.close();
  await resources.close();
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shiming-bench-vault-'));
  try {
    const config: ShimingConfig = loadConfig({
      env: {
        SHIMING_DATA_DIR: join(dir, 'data'),
        SHIMING_ROOT_KEY_FILE: join(dir, 'keys', 'root.key'),
        SHIMING_AUDIT_CHECKPOINT_MS: '0',
        SHIMING_RATE_LIMIT_RPS: '0',
      },
    });
    if (!args['http-only']) {
      const resources = await openServerResources(config, { vaultJobs: false });
      await serviceLevel(resources.vault, 'bench', 'SQLite');
      await resources.close();
    }
    if (args.pg !== undefined && !args['http-only']) {
      // The same service-level run on PostgreSQL, in a schema of its own.
      const schema = await benchSchema(args.pg, `bench_vault_${process.pid}`, config);
      try {
        const onPg = await openServerResources(schema.config, { vaultJobs: false });
        await serviceLevel(onPg.vault, 'bench', 'PostgreSQL');
        await onPg.close();
      } finally {
        await schema.drop();
      }
    }
    if (args.http || args['http-only']) await http(config);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const out = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    loadavg: loadavg().map((l) => l.toFixed(2)),
    subjects: SUBJECTS,
    fields: 4,
    results,
  };
  const outDir = join(fileURLToPath(new URL('.', import.meta.url)), 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-vault.json'), `${JSON.stringify(out, null, 2)}\n`);
  if (args.json) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(
      `\nNode ${out.node}, ${out.cpus}, load ${out.loadavg.join(' ')}; SQLite WAL, synchronous=FULL\n`,
    );
    console.log('| operation | records/s | µs CPU per record | p50 / p99 ms |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const r of results) {
      const p = r.p50Ms === undefined ? '' : `${r.p50Ms} / ${r.p99Ms}`;
      console.log(`| ${r.name} | ${Math.round(r.perSecond)} | ${r.cpuUsPerRecord.toFixed(0)} | ${p} |`);
    }
  }
}

await main();

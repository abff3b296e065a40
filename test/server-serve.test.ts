/**
 * End to end: the real `shiming serve` in a child process, in an empty directory with no
 * configuration, driven with fetch — the first start's admin key (printed once), auth and rate
 * limit refusals, validation, the OpenAPI document, metrics, audit routes that verify with the
 * core, the regulator's verifyLog over HTTP (and its failure after tampering), graceful shutdown
 * and restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointVerifier } from '../src/audit/checkpoint-verifier.ts';
import { hashSuite } from '../src/audit/hash-suite.ts';
import { verifyLog } from '../src/audit/log/verify-log.ts';
import { noteVerifier } from '../src/audit/note-keys.ts';
import { verifyConsistency, verifyInclusion } from '../src/audit/verify-proof.ts';
import { HttpLogSource } from '../src/server/client/http-log-source.ts';
import { CLI_ENTRY, type CliRun, runCli } from './support/cli.ts';

const suite = hashSuite('sha256');

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  stdout: string;
  stderr: string;
  stop(): Promise<number | null>;
}

let dir: string;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below.
type Json = any;
const json = async (res: Response | Promise<Response>): Promise<Json> => (await res).json();

/** No SHIMING_* from the developer's environment: a first start with no configuration. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SHIMING_')) env[k] = v;
  return { ...env, SHIMING_LOG_LEVEL: 'warn', ...extra };
}

async function serve(extra: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [CLI_ENTRY, 'serve', '--port', '0'], {
    cwd: dir,
    env: cleanEnv(extra),
  });
  const server = { child, url: '', stdout: '', stderr: '' } as Server & { url: string };
  child.stdout!.on('data', (d: Buffer) => {
    server.stdout += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  server.url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${server.stderr}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      server.stderr += d.toString();
      const m = /listening on (http:\/\/[^\s]+) /.exec(server.stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', () => reject(new Error(`server exited: ${server.stderr}`)));
  });
  server.stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return server;
}

function shiming(...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: dir, env: cleanEnv(), replaceEnv: true });
}

describe('shiming serve', () => {
  let server: Server;
  let admin: string;
  let auditor: string;
  const call = (path: string, key?: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, {
      ...init,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-serve-'));
    server = await serve();
  });
  afterAll(async () => {
    if (server.child.exitCode === null) await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates ./data, the database, the root key and an admin key printed once, on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stdout).toMatch(/shown ONCE/);
    const keys = server.stdout.match(/shk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}/g) ?? [];
    expect(keys).toHaveLength(1);
    admin = keys[0]!;
    expect(existsSync(join(dir, 'data', 'shiming.db'))).toBe(true);
    expect((await stat(join(dir, 'keys', 'root.key'))).mode & 0o777).toBe(0o600);
    const who = await call('/v1/whoami', admin);
    expect(await json(who)).toMatchObject({ role: 'admin', tenant: 'default' });
  });

  it('answers health checks without a key, everything else only with one', async () => {
    expect((await call('/healthz')).status).toBe(200);
    expect((await call('/readyz')).status).toBe(200);
    const res = await call('/v1/keys');
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('UNAUTHENTICATED');
  });

  it('creates keys, refuses other roles (403) and bad bodies (400 naming the field)', async () => {
    const created = await call('/v1/keys', admin, {
      method: 'POST',
      body: JSON.stringify({ role: 'auditor', name: 'regulator' }),
    });
    expect(created.status).toBe(201);
    auditor = (await json(created)).token;
    const forbidden = await call('/v1/keys', auditor);
    expect(forbidden.status).toBe(403);
    expect((await json(forbidden)).error.code).toBe('FORBIDDEN');
    const bad = await call('/v1/keys', admin, { method: 'POST', body: JSON.stringify({ role: 'root' }) });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'role' });
  });

  it('documents every route in /docs/json', async () => {
    const doc = await json(call('/docs/json'));
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/healthz',
        '/metrics',
        '/readyz',
        '/v1/audit/checkpoint',
        '/v1/audit/find',
        '/v1/audit/hash',
        '/v1/audit/key',
        '/v1/audit/proof/consistency',
        '/v1/audit/proof/inclusion',
        '/v1/audit/tile/{*}',
        '/v1/keys',
        '/v1/keys/{id}',
        '/v1/keys/rewrap',
        '/v1/keys/rotate',
        '/v1/keys/rotation',
        '/v1/detokenize',
        '/v1/lookup',
        '/v1/lookup/batch',
        '/v1/policies',
        '/v1/subjects',
        '/v1/subjects/{id}',
        '/v1/subjects/archive',
        '/v1/subjects/batch',
        '/v1/subjects/erase',
        '/v1/subjects/prune',
        '/v1/subjects/read',
        '/v1/subjects/update',
        '/v1/tokenize',
        '/v1/whoami',
        '/v1/accounts',
        '/v1/accounts/batch',
        '/v1/accounts/{id}',
        '/v1/accounts/{id}/ban',
        '/v1/accounts/{id}/close',
        '/v1/accounts/{id}/guardian-consent',
        '/v1/accounts/{id}/history',
        '/v1/accounts/{id}/network-identity',
        '/v1/accounts/{id}/play',
        '/v1/accounts/{id}/risk',
        '/v1/accounts/{id}/verifications',
        '/v1/identity/footprint',
        '/v1/identity/reports',
        '/v1/identity/reports/{id}/resolve',
        '/v1/realname/enforce',
        '/v1/realname/report',
        '/v1/services',
        '/v1/services/{id}/policy',
      ].sort(),
    );
  });

  it('serves a checkpoint, tiles and proofs that verify with the audit core', async () => {
    const signed = await json(call('/v1/audit/checkpoint', admin, { method: 'POST' }));
    const vkey = (await (await call('/v1/audit/key', auditor)).text()).trim();
    const verifier = new CheckpointVerifier({
      origin: 'shiming.local/audit',
      suite,
      logKeys: [noteVerifier(vkey)],
    });
    const note = await (await call('/v1/audit/checkpoint', auditor)).text();
    const cp = verifier.verifyNote(note).checkpoint;
    expect(cp.size.toString()).toBe(signed.size);
    const source = new HttpLogSource({ baseUrl: `${server.url}/v1/audit/`, apiKey: auditor });
    await source.latestCheckpoint();
    const entries = await source.readEntries(0n, cp.size);
    const proof = await json(call(`/v1/audit/proof/inclusion?index=0&size=${cp.size}`, auditor));
    const hashes = proof.proof.map((h: string) => Buffer.from(h, 'base64'));
    verifyInclusion(suite, 0n, cp.size, suite.leafHash(entries[0]!), hashes, cp.root);
    // One more key (one more entry), a new checkpoint, and a consistency proof between the two.
    await call('/v1/keys', admin, { method: 'POST', body: JSON.stringify({ role: 'agent' }) });
    const next = verifier.verifyNote(
      (await json(call('/v1/audit/checkpoint', admin, { method: 'POST' }))).note,
    ).checkpoint;
    const cons = await json(call(`/v1/audit/proof/consistency?from=${cp.size}&to=${next.size}`, auditor));
    verifyConsistency(
      suite,
      cp.size,
      next.size,
      cons.proof.map((h: string) => Buffer.from(h, 'base64')),
      cp.root,
      next.root,
    );
  });

  it("passes the regulator's verifyLog over HTTP, and fails it after the database is edited", async () => {
    const logKey = (await (await call('/v1/audit/key', auditor)).text()).trim();
    const source = () => new HttpLogSource({ baseUrl: `${server.url}/v1/audit/`, apiKey: auditor });
    const ok = await verifyLog({ source: source(), suite, logKey, replay: true });
    expect(ok.entriesChecked).toBeGreaterThanOrEqual(3n);
    // An insider edits the first entry behind the server's back.
    const db = new DatabaseSync(join(dir, 'data', 'shiming.db'));
    try {
      db.exec('DROP TRIGGER audit_entries_no_update');
      const row = db.prepare('SELECT data FROM audit_entries WHERE idx = 0').get() as { data: Uint8Array };
      const forged = Buffer.from(Buffer.from(row.data).toString().replace('"bootstrap"', '"somebody"'));
      db.prepare('UPDATE audit_entries SET data = ? WHERE idx = 0').run(forged);
    } finally {
      db.close();
    }
    await expect(verifyLog({ source: source(), suite, logKey, replay: true })).rejects.toMatchObject({
      code: 'REPLAY_MISMATCH',
    });
  });

  it('exposes metrics with route patterns only, and no label that looks like PI', async () => {
    await call('/v1/subjects/11010519491231002X');
    const text = await (await call('/metrics', auditor)).text();
    for (const series of [
      'shiming_http_requests_total',
      'shiming_http_request_duration_seconds_bucket',
      'shiming_audit_log_size',
      'shiming_audit_unsigned_entries',
      'shiming_audit_checkpoint_age_seconds',
      'shiming_auth_failures_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text, series).toContain(series);
    }
    expect(text).toContain('route="/v1/keys",status="201"');
    for (const line of text.split('\n').filter((l) => !l.startsWith('#'))) {
      for (const m of line.matchAll(/="([^"]*)"/g)) expect(m[1], line).not.toMatch(/\d{5,}|shk_|key_/);
    }
  });

  it('stops on SIGTERM, and a restart prints no key; the rate limit answers 429 with Retry-After', async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr).toContain('shutting down');
    expect(server.stderr).toContain('stopped');
    server = await serve({ SHIMING_RATE_LIMIT_RPS: '1', SHIMING_RATE_LIMIT_BURST: '3' });
    expect(server.stdout).not.toMatch(/shk_/);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('/v1/whoami', auditor)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await call('/v1/whoami', auditor);
    expect((await json(limited)).error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call('/v1/whoami', admin)).status).toBe(200);
  });

  it('manages keys from the command line on the same database, while the server runs', async () => {
    const created = await shiming('keys', 'create', '--role', 'investigator', '--tenant', 'acme', '--json');
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout);
    expect((await call('/v1/whoami', key.token)).status).toBe(200);
    const list = await shiming('keys', 'list', '--json');
    expect(list.stdout).not.toContain(key.token);
    expect(list.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(4);
    expect((await shiming('keys', 'revoke', key.id)).code).toBe(0);
    // The server saw the key moments ago: its cache (5 s by default) may still admit it; then not.
    await new Promise((r) => setTimeout(r, 5500));
    expect((await call('/v1/whoami', key.token)).status).toBe(401);
    expect((await shiming('keys', 'create', '--role', 'root', '--tenant', 'acme')).code).toBe(2);
  });

  // `shiming audit` opens the store with the audit migrations only; migrations are checked per
  // layer, so the server's own (server/0001-api-keys) do not make it refuse the database.
  it('lets `shiming audit` open the database the server migrated', async () => {
    const res = await shiming('audit', 'checkpoint');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
  });
});

/**
 * End to end, as the README tour shows it with curl: the real `shiming serve` in a child process,
 * its first admin key, a policy set by the admin, keys made for a registrar, an agent and an
 * investigator, a subject created by the registrar, then read back masked (agent) and plain
 * (investigator, asking for it), and found by lookup. Finally the database file is searched for the
 * values: they are not there in clear.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY } from './support/cli.ts';

const POLICY = {
  version: 1,
  purposes: ['registration', 'customer-support', 'fraud-investigation'],
  rules: [
    { roles: ['agent'], purposes: ['customer-support'], fields: ['*'], access: 'MASKED' },
    { roles: ['investigator'], purposes: ['fraud-investigation'], fields: ['*'], access: 'PLAIN' },
    {
      roles: ['registrar'],
      purposes: ['registration'],
      operations: ['lookup'],
      fields: ['CN_RESIDENT_ID', 'CN_MOBILE'],
      access: 'MASKED',
    },
  ],
};
// A made-up number with a valid check character (the GB 11643 example: 110105 = Chaoyang, Beijing).
const RESIDENT_ID = '11010519491231002X';

describe('the vault through `shiming serve`', () => {
  let dir: string;
  let child: ChildProcess;
  let url = '';
  let admin = '';
  const keys: Record<string, string> = {};

  const call = async (
    path: string,
    key: string,
    init: { method?: string; body?: object; headers?: object } = {},
  ) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below.
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-vault-serve-'));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SHIMING_')) env[k] = v;
    child = spawn(process.execPath, [CLI_ENTRY, 'serve', '--port', '0'], {
      cwd: dir,
      env: { ...env, SHIMING_LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 30_000);
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /listening on (http:\/\/[^\s]+) /.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', () => reject(new Error(`server exited: ${stderr}`)));
    });
    admin = /shk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}/.exec(stdout)![0];
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('creates with the registrar key, reads back masked (agent) and plain (investigator)', async () => {
    const policy = await call('/v1/policies', admin, { method: 'PUT', body: POLICY });
    expect(policy.status).toBe(200);
    expect(policy.body.version).toBe(1);
    for (const role of ['registrar', 'agent', 'investigator']) {
      const made = await call('/v1/keys', admin, { body: { role, name: `tour-${role}` } });
      expect(made.status).toBe(201);
      keys[role] = made.body.token;
    }

    const created = await call('/v1/subjects', keys.registrar!, {
      body: { fields: { CN_NAME: '张三', CN_MOBILE: '13812345678', CN_RESIDENT_ID: RESIDENT_ID } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    const masked = await call(`/v1/subjects/${id}`, keys.agent!, {
      headers: { 'shiming-purpose': 'customer-support' },
    });
    expect(masked.status).toBe(200);
    expect(masked.body.fields).toEqual({
      CN_NAME: '张*',
      CN_MOBILE: '138****5678',
      CN_RESIDENT_ID: '110105********002X',
    });
    const plain = await call(`/v1/subjects/${id}?access=PLAIN`, keys.investigator!, {
      headers: { 'shiming-purpose': 'fraud-investigation' },
    });
    expect(plain.status).toBe(200);
    expect(plain.body.fields).toEqual({
      CN_NAME: '张三',
      CN_MOBILE: '13812345678',
      CN_RESIDENT_ID: RESIDENT_ID,
    });
    // The agent asking for PLAIN still gets masked values: the policy says MASKED.
    const agentPlain = await call(`/v1/subjects/${id}?access=PLAIN`, keys.agent!, {
      headers: { 'shiming-purpose': 'customer-support' },
    });
    expect(agentPlain.body.fields.CN_MOBILE).toBe('138****5678');

    const found = await call('/v1/lookup', keys.registrar!, {
      body: { field: 'CN_RESIDENT_ID', value: RESIDENT_ID.toLowerCase(), purpose: 'registration' },
    });
    expect(found.body).toEqual({ subjects: [id] });
    const dup = await call('/v1/subjects', keys.registrar!, {
      body: { fields: { CN_RESIDENT_ID: RESIDENT_ID } },
    });
    expect(dup.status).toBe(409);
    expect(JSON.stringify(dup.body)).not.toContain(RESIDENT_ID);

    // Nothing in the database or its WAL in clear.
    const db = await readFile(join(dir, 'data', 'shiming.db'));
    const wal = await readFile(join(dir, 'data', 'shiming.db-wal')).catch(() => Buffer.alloc(0));
    for (const value of ['13812345678', RESIDENT_ID, '张三']) {
      expect(db.includes(Buffer.from(value)), value).toBe(false);
      expect(wal.includes(Buffer.from(value)), value).toBe(false);
    }
  });
});

/**
 * End-to-end tests of `shiming audit`: the real command in a child process against the embedded
 * SQLite database, as an operator and a regulator would use it — checkpoints, the trusted state
 * file, verification after tampering (exit 1 with the reason, trusted state untouched), export,
 * offline verification, import and search by audit hash.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../src/audit/log/open-from-config.ts';
import { loadConfig } from '../src/config/config.ts';
import { CLI_ENTRY, type CliRun, runCli } from './support/cli.ts';
import { mobile } from './synth/contacts.ts';
import { mulberry32 } from './synth/rng.ts';

let dir: string;
let env: Record<string, string>;

function shiming(...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: dir, env });
}

/** SHIMING_* settings that keep a test's data, keys and database inside `dir`. */
function isolatedEnv(root: string): Record<string, string> {
  return {
    SHIMING_DATA_DIR: join(root, 'data'),
    SHIMING_ROOT_KEY_FILE: join(root, 'keys', 'root.key'),
    SHIMING_AUDIT_CHECKPOINT_MS: '0',
    SHIMING_ROOT_KEY: '',
    SHIMING_DATABASE_URL: '',
  };
}

const rng = mulberry32(77);
const phones = Array.from({ length: 20 }, () => mobile(rng, { format: 'plain' }));

async function record(count: number, offset: number): Promise<void> {
  const opened = await openAuditLog(loadConfig({ env }), { log: { checkpointIntervalMs: 0 } });
  try {
    await opened.log.record(
      Array.from({ length: count }, (_, k) => ({
        actor: `key_${(offset + k) % 5}`,
        role: 'agent',
        purpose: 'customer-support',
        action: 'subject.read',
        tenant: 'acme',
        subject: opened.log.identifier('CN_MOBILE', phones[(offset + k) % phones.length]!),
        fields: ['CN_MOBILE', 'CN_NAME'],
        outcome: 'ok' as const,
      })),
    );
  } finally {
    await opened.close();
  }
}

describe('shiming audit', () => {
  let logKey: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-cli-audit-'));
    env = isolatedEnv(dir);
    await record(200, 0);
  });

  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints a signed checkpoint and the key to pin', async () => {
    const key = await shiming('audit', 'key');
    expect(key.code).toBe(0);
    logKey = key.stdout.trim();
    expect(logKey).toMatch(/^shiming\.local\/audit\+[0-9a-f]{8}\+/);
    const cp = await shiming('audit', 'checkpoint', '--new', '--json');
    expect(cp.code).toBe(0);
    expect(JSON.parse(cp.stdout)).toMatchObject({ origin: 'shiming.local/audit', size: '200', logKey });
  });

  it('verifies from first use, then incrementally, updating the trusted state', async () => {
    const trusted = join(dir, 'trusted.json');
    const missing = await shiming('audit', 'verify', '--trusted', trusted);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--log-key');
    const first = await shiming('audit', 'verify', '--trusted', trusted, '--log-key', logKey);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('verified at size 200 (trusted before: 0)');
    await record(100, 200);
    expect((await shiming('audit', 'checkpoint', '--new')).code).toBe(0);
    const second = await shiming('audit', 'verify', '--trusted', trusted, '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      ok: true,
      size: '300',
      previousSize: '200',
      entriesChecked: '100',
    });
    expect(JSON.parse(await readFile(trusted, 'utf8')).checkpoint).toContain('\n300\n');
  });

  it('finds the entries about a phone number however it is written', async () => {
    const p = phones[3]!;
    const found = await shiming(
      'audit',
      'find',
      '--type',
      'CN_MOBILE',
      '--value',
      `+86 ${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
      '--json',
    );
    expect(found.code).toBe(0);
    const rows = found.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { index: string; purpose: string });
    expect(rows.map((r) => Number(r.index))).toEqual(Array.from({ length: 15 }, (_, k) => 3 + 20 * k));
    expect(found.stdout).not.toContain(p);
  });

  it('exports tiles that verify offline and import into a mirror', async () => {
    const out = join(dir, 'export');
    const exported = await shiming('audit', 'export', '--out', out);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('exported tree size 300');
    const offline = await shiming(
      'audit',
      'verify',
      '--trusted',
      join(dir, 'offline.json'),
      '--log-key',
      logKey,
      '--source',
      out,
      '--replay',
    );
    expect(offline.code).toBe(0);
    const imported = await shiming(
      'audit',
      'import',
      '--in',
      out,
      '--log-key',
      logKey,
      '--database',
      `sqlite:${join(dir, 'mirror.db')}`,
    );
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('imported 300 entries');
  });

  it('fails with the reason when an entry was edited, and keeps the trusted state', async () => {
    await record(50, 300);
    expect((await shiming('audit', 'checkpoint', '--new')).code).toBe(0);
    // The insider, with the database file: drop the guard, rewrite the access they want hidden.
    const db = new DatabaseSync(join(dir, 'data', 'shiming.db'));
    db.exec('DROP TRIGGER audit_entries_no_update');
    const row = db.prepare('SELECT data FROM audit_entries WHERE idx = 320').get() as { data: Uint8Array };
    const forged = Buffer.from(row.data).toString().replace('"actor":"key_0"', '"actor":"key_4"');
    db.prepare('UPDATE audit_entries SET data = ? WHERE idx = 320').run(Buffer.from(forged));
    db.close();
    const trusted = join(dir, 'trusted.json');
    const before = await readFile(trusted, 'utf8');
    const run = await shiming('audit', 'verify', '--trusted', trusted);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('VERIFICATION FAILED (REPLAY_MISMATCH)');
    expect(run.stdout).toContain('edited, reordered or removed');
    expect(await readFile(trusted, 'utf8')).toBe(before);
  });

  it('refuses bad arguments with exit 2', async () => {
    const bad = await shiming('audit', 'verify', '--trusted', join(dir, 'x.json'), '--log-key', 'not-a-key');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('verifier key');
    const both = await shiming('audit', 'find', '--value', '1', '--hash', 'hmac-sha256:00');
    expect(both.code).toBe(2);
  });
});

describe('shiming audit with a witness', () => {
  it('cosigns checkpoints, and verify can require the cosignature', { timeout: 60_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-cli-witness-'));
    env = isolatedEnv(dir);
    const witnessKey = await shiming(
      'audit',
      'witness-key',
      '--name',
      'witness.test/regulator',
      '--out',
      join(dir, 'w.key'),
    );
    expect(witnessKey.code).toBe(0);
    const wvkey = witnessKey.stdout.trim();
    const again = await shiming(
      'audit',
      'witness-key',
      '--name',
      'witness.test/regulator',
      '--out',
      join(dir, 'w.key'),
    );
    expect(again.code).toBe(2); // never overwrites a key
    await record(30, 0);
    const logKey = (await shiming('audit', 'key')).stdout.trim();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const server = spawn(
      process.execPath,
      [
        CLI_ENTRY,
        'audit',
        'witness',
        '--state',
        join(dir, 'wstate'),
        '--key',
        join(dir, 'w.key'),
        '--log',
        `shiming.local/audit=${logKey}`,
        '--listen',
        `127.0.0.1:${port}`,
      ],
      { cwd: dir },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('listening')) resolve();
        });
        server.on('exit', (code) => reject(new Error(`witness exited ${code}`)));
      });
      await writeFile(
        join(dir, 'shiming.config.json'),
        JSON.stringify({ audit: { witnesses: [{ url: `http://127.0.0.1:${port}`, key: wvkey }] } }),
      );
      const cp = await shiming('audit', 'checkpoint', '--new');
      expect(cp.code).toBe(0);
      expect(
        cp.stdout
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('— ')),
      ).toHaveLength(2);
      const trusted = join(dir, 't.json');
      const verified = await shiming(
        'audit',
        'verify',
        '--trusted',
        trusted,
        '--log-key',
        logKey,
        '--witness-key',
        wvkey,
      );
      expect(verified.code).toBe(0);
      // A checkpoint the witness never saw does not satisfy a verifier that requires it.
      await rm(join(dir, 'shiming.config.json'));
      await record(5, 30);
      expect((await shiming('audit', 'checkpoint', '--new')).code).toBe(0);
      const unwitnessed = await shiming('audit', 'verify', '--trusted', trusted);
      expect(unwitnessed.code).toBe(1);
      expect(unwitnessed.stdout).toContain('WITNESS_QUORUM');
    } finally {
      server.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    }
  });
});

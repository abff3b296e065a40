/**
 * `shiming enforce` end to end: the real command in a child process against the embedded SQLite
 * database that the server's resources created — a dry run that counts and changes nothing, a run
 * that applies and is idempotent, `--at` to read deadlines at another time, and usage errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { EXAMPLE_POLICIES } from '../src/realname/policies/examples.ts';
import { openServerResources } from '../src/server/open-server-resources.ts';
import { type CliRun, runCli } from './support/cli.ts';

let dir: string;
let env: Record<string, string>;

function shiming(...args: string[]): Promise<CliRun> {
  return runCli(args, { cwd: dir, env });
}

async function states(): Promise<string[]> {
  const resources = await openServerResources(loadConfig({ env }), { vaultJobs: false, enforcement: false });
  try {
    const rows = await resources.store.db.selectFrom('realname_accounts').select('state').execute();
    return rows.map((r) => r.state).sort();
  } finally {
    await resources.close();
  }
}

describe('shiming enforce', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-cli-enforce-'));
    env = {
      SHIMING_DATA_DIR: join(dir, 'data'),
      SHIMING_ROOT_KEY_FILE: join(dir, 'keys', 'root.key'),
      SHIMING_AUDIT_CHECKPOINT_MS: '0',
      SHIMING_ENFORCE_INTERVAL_MS: '0',
      SHIMING_ROOT_KEY: '',
      SHIMING_DATABASE_URL: '',
    };
    const resources = await openServerResources(loadConfig({ env }), {
      vaultJobs: false,
      enforcement: false,
    });
    try {
      const admin = {
        tenant: 'acme',
        actor: 'key_admin000000000',
        role: 'admin',
        purpose: 'policy-management',
      } as const;
      await resources.realname.putPolicy(admin, EXAMPLE_POLICIES.social);
      const registrar = {
        ...admin,
        actor: 'key_registrar0000',
        role: 'registrar',
        purpose: 'registration',
      } as const;
      // Three accounts with the social policy's 30-day grace period.
      await resources.realname.register(registrar, [
        { service: 'social' },
        { service: 'social' },
        { service: 'social' },
      ]);
    } finally {
      await resources.close();
    }
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const in31Days = () => new Date(Date.now() + 31 * 86_400_000).toISOString();

  it('does nothing before the grace period ends', async () => {
    const run = await shiming('enforce', '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: false, examined: 0, transitions: {} });
  }, 60_000);

  it('--dry-run counts what would happen and changes nothing', async () => {
    const run = await shiming('enforce', '--dry-run', '--at', in31Days());
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('would apply: 3 transitions over 3 due accounts');
    expect(run.stdout).toMatch(/GRACE_EXPIRED\s+3/);
    expect(await states()).toEqual(['unverified', 'unverified', 'unverified']);
  }, 60_000);

  it('applies once, and a second run at the same time does nothing', async () => {
    const at = in31Days();
    const first = await shiming('enforce', '--json', '--at', at, '--batch', '2');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ transitions: { GRACE_EXPIRED: 3 }, batches: 2 });
    expect(await states()).toEqual(['notified', 'notified', 'notified']);
    const again = await shiming('enforce', '--json', '--at', at);
    expect(JSON.parse(again.stdout)).toMatchObject({ examined: 0, transitions: {} });
  }, 60_000);

  it('refuses bad arguments with exit code 2', async () => {
    expect((await shiming('enforce', '--batch', '0')).code).toBe(2);
    expect((await shiming('enforce', '--at', 'tomorrow')).code).toBe(2);
  }, 60_000);
});

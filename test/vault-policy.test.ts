/**
 * Policies and background jobs on every dialect: policies are checked (the error names the JSON
 * path), versioned and audited; a policy file applies only what changed; the jobs rewrap after a
 * rotation and prune expired holds on their own.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startVaultJobs } from '../src/vault/jobs.ts';
import { EMPTY_POLICY } from '../src/vault/policy.ts';
import { applyPolicyFile } from '../src/vault/policy-file.ts';
import { testDialects } from './support/databases.ts';
import { openVaultFixture, TEST_POLICY, type VaultFixture } from './support/vault.ts';

describe.each(testDialects)('vault policies and jobs on %s', (dialect) => {
  let t: VaultFixture;
  let dir: string;
  beforeEach(async () => {
    t = await openVaultFixture(dialect);
    dir = await mkdtemp(join(tmpdir(), 'shiming-policy-'));
  });
  afterEach(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts from the empty policy, checks documents, versions and audits every change', async () => {
    expect(await t.vault.getPolicy('acme')).toEqual({ version: 0, policy: EMPTY_POLICY });
    await expect(
      t.vault.setPolicy(t.as('admin'), {
        ...TEST_POLICY,
        rules: [{ ...TEST_POLICY.rules[0], access: 'ALL' }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_POLICY', field: 'rules[0].access' });
    const first = await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
    const second = await t.vault.setPolicy(t.as('admin'), { ...TEST_POLICY, rules: [] });
    expect([first.version, second.version]).toEqual([1, 2]);
    const stored = await t.vault.getPolicy('acme');
    expect(stored).toMatchObject({ version: 2, updatedBy: t.as('admin').actor });
    expect(stored.policy.rules).toEqual([]);
    const changes = (await t.entries()).filter((e) => e.action === 'policy.update');
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({ actor: t.as('admin').actor, role: 'admin', tenant: 'acme' });
  });

  it('applies a policy file: tenants whose policy differs get a new version, others are left alone', async () => {
    const file = join(dir, 'policies.json');
    await writeFile(file, JSON.stringify({ acme: TEST_POLICY, beta: { ...TEST_POLICY, rules: [] } }));
    expect(await applyPolicyFile(t.vault, file)).toEqual(['acme', 'beta']);
    expect(await applyPolicyFile(t.vault, file)).toEqual([]);
    await t.vault.setPolicy(t.as('admin'), { ...TEST_POLICY, rules: [] });
    expect(await applyPolicyFile(t.vault, file)).toEqual(['acme']);
    expect((await t.vault.getPolicy('acme')).version).toBe(3);
    const fromFile = (await t.entries()).filter((e) => e.actor === 'policy-file');
    expect(fromFile.map((e) => e.tenant)).toEqual(['acme', 'beta', 'acme']);

    await writeFile(file, JSON.stringify({ acme: { ...TEST_POLICY, purposes: ['Bad Purpose'] } }));
    await expect(applyPolicyFile(t.vault, file)).rejects.toMatchObject({
      code: 'INVALID_POLICY',
      field: 'acme.purposes[0]',
    });
  });

  it('rewraps and prunes in the background', async () => {
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      Array.from({ length: 12 }, () => ({ fields: { CN_NAME: '张三' } })),
    );
    await t.vault.rotateKek(t.as('admin'));
    await t.vault.archiveSubjects(t.as('registrar'), ids.slice(0, 3), new Date(t.clock().getTime() - 1));
    const errors: unknown[] = [];
    const jobs = startVaultJobs(t.vault, {
      rewrapIntervalMs: 20,
      rewrapBatch: 5,
      pruneIntervalMs: 20,
      onError: (_job, e) => errors.push(e),
    });
    try {
      for (let i = 0; i < 200; i++) {
        const status = await t.vault.kekStatus('acme');
        const { subjects } = await t.vault.readSubjects(t.as('agent'), ids.slice(0, 3));
        if (status[0]?.state === 'retired' && subjects.every((s) => s.status === 'erased')) break;
        await sleep(20);
      }
    } finally {
      await jobs.stop();
    }
    expect(errors).toEqual([]);
    expect((await t.vault.kekStatus('acme')).map((k) => [k.state, k.deks])).toEqual([
      ['retired', 0],
      ['active', 9],
    ]);
  });
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_POLICIES } from './policies/examples.ts';
import { ServicePolicyError } from './policy.ts';
import {
  EXAMPLE_POLICY_DIR,
  loadExamplePolicies,
  loadPolicyDirectory,
  loadPolicyFile,
} from './policy-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-policies-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<ServicePolicyError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServicePolicyError);
  return error as ServicePolicyError;
}

describe('policy files', () => {
  it('loads the examples from the folder beside the module, identical to the imported ones', async () => {
    const loaded = await loadExamplePolicies();
    expect([...loaded.keys()].sort()).toEqual(['game', 'public-service', 'social', 'telecom']);
    for (const [service, policy] of loaded)
      expect(policy).toEqual(EXAMPLE_POLICIES[service as keyof typeof EXAMPLE_POLICIES]);
    expect(await loadPolicyFile(new URL('telecom.json', EXAMPLE_POLICY_DIR))).toEqual(
      EXAMPLE_POLICIES.telecom,
    );
  });

  it('names the JSON path of a fault inside a file, and the file', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({
        ...EXAMPLE_POLICIES.social,
        realName: { ...EXAMPLE_POLICIES.social.realName, graceDays: -1 },
      }),
    );
    const e = await failure(loadPolicyFile(path));
    expect(e.field).toBe('realName.graceDays');
    expect(e.message).toMatch(/^policy file bad\.json: /);
  });

  it('does not quote the text of a file that is not JSON', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"service": "11010519491231002X" oops');
    const e = await failure(loadPolicyFile(path));
    expect([e.field, e.code, e.cause]).toEqual(['$', 'INVALID_POLICY', undefined]);
    expect(e.message).not.toContain('1101');
  });

  it('reports a missing file', async () => {
    const e = await failure(loadPolicyFile(join(dir, 'missing.json')));
    expect(e.field).toBe('$');
    expect(e.message).toContain('cannot be read');
  });

  it('refuses two files defining the same service', async () => {
    const sub = join(dir, 'twice');
    await rm(sub, { recursive: true, force: true });
    await mkdir(sub);
    await writeFile(join(sub, 'a.json'), JSON.stringify(EXAMPLE_POLICIES.game));
    await writeFile(join(sub, 'b.json'), JSON.stringify(EXAMPLE_POLICIES.game));
    await writeFile(join(sub, 'notes.txt'), 'ignored');
    const e = await failure(loadPolicyDirectory(sub));
    expect(e.field).toBe('service');
    expect(e.message).toContain('b.json');
    await rm(join(sub, 'b.json'));
    expect([...(await loadPolicyDirectory(sub)).keys()]).toEqual(['game']);
  });
});

/**
 * `/v1/policies` over HTTP on every dialect: admins replace the policy (versioned, audited),
 * auditors read it, nobody else; a bad document names its JSON path.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { TEST_POLICY } from '../../../test/support/vault.ts';
import { decodeEntry } from '../../audit/entry.ts';

describe.each(testDialects)('policy routes on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  it('starts empty, takes a new version per change, and is readable by auditors only besides admins', async () => {
    const empty = await t.app.inject({ url: '/v1/policies', headers: t.auth('auditor') });
    expect(empty.json()).toEqual({
      version: 0,
      policy: { version: 1, purposes: ['maintenance'], rules: [], quotas: {} },
    });
    const put = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: t.auth('admin'),
      payload: TEST_POLICY,
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ version: 1, policy: { purposes: TEST_POLICY.purposes } });
    expect(put.json().policy.rules[0].operations).toEqual(['read', 'detokenize']);
    const again = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: t.auth('admin'),
      payload: TEST_POLICY,
    });
    expect(again.json().version).toBe(2);
    for (const who of ['registrar', 'agent', 'investigator'] as const) {
      expect((await t.app.inject({ url: '/v1/policies', headers: t.auth(who) })).statusCode).toBe(403);
    }
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: '/v1/policies',
          headers: t.auth('auditor'),
          payload: TEST_POLICY,
        })
      ).statusCode,
    ).toBe(403);
    const [last] = await t.auditLog.entries(t.auditLog.size - 1n, t.auditLog.size);
    expect(decodeEntry(last!)).toMatchObject({ action: 'policy.update', role: 'admin', tenant: 'acme' });
  });

  it('refuses a bad document with INVALID_POLICY naming the JSON path', async () => {
    const res = await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: t.auth('admin'),
      payload: {
        ...TEST_POLICY,
        rules: [{ roles: ['agent'], purposes: ['nope'], fields: ['*'], access: 'PLAIN' }],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'INVALID_POLICY', field: 'rules[0].purposes[0]' });
  });
});

/**
 * `/v1/keys/rotate`, `/v1/keys/rotation` and `/v1/keys/rewrap` over HTTP on every dialect: a
 * rotation is immediate, the rewrap moves every DEK and retires the old version, reads go on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { TEST_POLICY } from '../../../test/support/vault.ts';

describe.each(testDialects)('rotation routes on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: t.auth('admin'),
      payload: TEST_POLICY,
    });
  });
  afterEach(() => t.close());

  it('rotates, rewraps and retires while subjects stay readable; admins only', async () => {
    const { ids } = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/subjects/batch',
        headers: t.auth('registrar'),
        payload: { items: Array.from({ length: 5 }, () => ({ fields: { CN_NAME: '张三' } })) },
      })
    ).json() as { ids: string[] };
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/keys/rotate',
          headers: t.auth('registrar'),
          payload: {},
        })
      ).statusCode,
    ).toBe(403);
    const rotated = await t.app.inject({
      method: 'POST',
      url: '/v1/keys/rotate',
      headers: t.auth('admin'),
      payload: {},
    });
    expect(rotated.json()).toEqual({ version: 2, suite: 'intl', retiring: [1] });
    const status = await t.app.inject({ url: '/v1/keys/rotation', headers: t.auth('auditor') });
    expect(status.json().versions.map((v: { state: string; deks: number }) => [v.state, v.deks])).toEqual([
      ['retiring', 5],
      ['active', 0],
    ]);
    expect(status.body).not.toMatch(/wrapped|bytes/);
    // The retire grace period (2 × the KEK refresh interval) has not passed: rewrapped, not yet retired.
    const step = await t.app.inject({
      method: 'POST',
      url: '/v1/keys/rewrap',
      headers: t.auth('admin'),
      payload: { limit: 100 },
    });
    expect(step.json()).toEqual({ rewrapped: 5, retired: [] });
    const read = await t.app.inject({
      method: 'POST',
      url: '/v1/subjects/read',
      headers: t.auth('investigator'),
      payload: { ids, purpose: 'fraud-investigation', access: 'PLAIN' },
    });
    expect(
      read.json().subjects.every((s: { fields: { CN_NAME: string } }) => s.fields.CN_NAME === '张三'),
    ).toBe(true);
    const after = await t.app.inject({ url: '/v1/keys/rotation', headers: t.auth('admin') });
    expect(after.json().versions.map((v: { deks: number }) => v.deks)).toEqual([0, 5]);
  });
});

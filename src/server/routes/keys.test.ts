/**
 * `/v1/keys` and `/v1/whoami` through `inject()`, on every dialect: who may manage keys, the token
 * shown once, tenants kept apart, every change in the audit log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { decodeEntry } from '../../audit/entry.ts';
import { ROLES } from '../auth/roles.ts';

describe.each(testDialects)('key routes on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  it('tells every role who it is', async () => {
    for (const role of ROLES) {
      const res = await t.app.inject({ url: '/v1/whoami', headers: t.auth(role) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ tenant: 'acme', role, name: `test-${role}` });
    }
  });

  it('lets only admins manage keys (403 FORBIDDEN for the others)', async () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const res = await t.app.inject({ url: '/v1/keys', headers: t.auth(role) });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
      const post = await t.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: t.auth(role),
        payload: { role: 'admin' },
      });
      expect(post.statusCode).toBe(403);
    }
  });

  it('creates a key whose token is shown once and works at once', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: t.auth('admin'),
      payload: { role: 'auditor', name: 'regulator' },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ tenant: 'acme', role: 'auditor', name: 'regulator' });
    expect(created.token).toMatch(/^shk_/);
    expect(res.headers['cache-control']).toBe('no-store');
    const who = await t.app.inject({
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${created.token}` },
    });
    expect(who.json().keyId).toBe(created.id);
    // Lists never carry the token or the hash.
    const list = await t.app.inject({ url: '/v1/keys', headers: t.auth('admin') });
    expect(list.body).not.toContain(created.token.slice(21));
    expect(list.body).not.toContain('hash');
    expect(list.json().keys.map((k: { id: string }) => k.id)).toContain(created.id);
  });

  it("lists and revokes only the caller's tenant", async () => {
    const list = await t.app.inject({ url: '/v1/keys', headers: t.auth('admin') });
    const tenants = new Set(list.json().keys.map((k: { tenant: string }) => k.tenant));
    expect([...tenants]).toEqual(['acme']);
    const other = (await t.keys.list('other'))[0]!;
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${other.id}`,
      headers: t.auth('admin'),
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const who = await t.app.inject({ url: '/v1/whoami', headers: t.auth('otherInvestigator') });
    expect(who.statusCode).toBe(200);
  });

  it('revokes a key: 401 from then on, and the revocation is audited', async () => {
    const agent = (await t.app.inject({ url: '/v1/whoami', headers: t.auth('agent') })).json();
    const res = await t.app.inject({
      method: 'DELETE',
      url: `/v1/keys/${agent.keyId}`,
      headers: t.auth('admin'),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().revokedAt).toBeDefined();
    const after = await t.app.inject({ url: '/v1/whoami', headers: t.auth('agent') });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('UNAUTHENTICATED');
    const admin = (await t.app.inject({ url: '/v1/whoami', headers: t.auth('admin') })).json();
    const last = await t.auditLog.entries(t.auditLog.size - 1n, t.auditLog.size);
    expect(decodeEntry(last[0]!)).toMatchObject({
      action: 'key.revoke',
      actor: admin.keyId,
      role: 'admin',
      tenant: 'acme',
      fields: [agent.keyId, 'role.agent'],
    });
  });

  it('validates bodies and ids, naming the field and never echoing the value', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: t.auth('admin'),
      payload: { role: 'superuser', name: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'role' });
    expect(bad.body).not.toContain('superuser');
    const name = await t.app.inject({
      method: 'POST',
      url: '/v1/keys',
      headers: t.auth('admin'),
      payload: { role: 'agent', name: '张伟 13812345678\n' },
    });
    expect(name.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'name' });
    expect(name.body).not.toContain('13812345678');
    const id = await t.app.inject({ method: 'DELETE', url: '/v1/keys/not-a-key', headers: t.auth('admin') });
    expect(id.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'id' });
  });
});

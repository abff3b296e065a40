/**
 * `/v1/audit/hash` and `/v1/audit/find`, on every dialect: values only in bodies, a purpose always,
 * every search itself audited, investigators kept to their tenant, admins kept out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { decodeEntry } from '../../audit/entry.ts';

const PHONE = '13812345678';

describe.each(testDialects)('audit search routes on %s', (dialect) => {
  let t: TestApp;
  let subject: string;

  const post = (url: string, role: Parameters<TestApp['auth']>[0], payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.auth(role), payload });

  beforeEach(async () => {
    t = await startTestApp(dialect);
    subject = t.auditLog.identifier('CN_MOBILE', PHONE);
    const read = (tenant: string) => ({
      actor: 'key_agent1',
      role: 'agent',
      purpose: 'customer-support',
      action: 'subject.read',
      tenant,
      subject,
      fields: ['CN_MOBILE'],
      outcome: 'ok' as const,
    });
    await t.auditLog.record([read('acme'), read('other'), read('acme')]);
  });
  afterEach(() => t.close());

  it('hashes a value (normalised by its type) into the identifier entries carry, and audits the lookup', async () => {
    const res = await post('/v1/audit/hash', 'auditor', {
      type: 'CN_MOBILE',
      value: '+86 138 1234 5678',
      purpose: 'regulator-inspection',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ identifier: subject });
    const [last] = await t.auditLog.entries(t.auditLog.size - 1n, t.auditLog.size);
    const entry = decodeEntry(last!);
    expect(entry).toMatchObject({
      action: 'audit.hash',
      role: 'auditor',
      purpose: 'regulator-inspection',
      subject,
      fields: ['CN_MOBILE'],
    });
    expect(new TextDecoder().decode(last)).not.toContain('5678');
  });

  it('finds every entry about the identifier for an auditor, and records the search with its count', async () => {
    const res = await post('/v1/audit/find', 'auditor', { identifier: subject, purpose: 'inspection' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.truncated).toBe(false);
    expect(body.entries.map((e: { entry: { tenant: string } }) => e.entry.tenant)).toEqual([
      'acme',
      'other',
      'acme',
    ]);
    expect(body.entries[0].index).toMatch(/^\d+$/);
    const [last] = await t.auditLog.entries(t.auditLog.size - 1n, t.auditLog.size);
    expect(decodeEntry(last!)).toMatchObject({
      action: 'audit.find',
      subject,
      count: 3,
      purpose: 'inspection',
    });
    // The search itself is now among the entries about this person.
    const again = await post('/v1/audit/find', 'auditor', { identifier: subject, purpose: 'inspection' });
    expect(again.json().entries.at(-1).entry.action).toBe('audit.find');
  });

  it("shows an investigator only their own tenant's entries", async () => {
    const res = await post('/v1/audit/find', 'otherInvestigator', {
      identifier: subject,
      purpose: 'fraud-case',
    });
    expect(res.statusCode).toBe(200);
    const tenants = res.json().entries.map((e: { entry: { tenant: string } }) => e.entry.tenant);
    expect(new Set(tenants)).toEqual(new Set(['other']));
  });

  it('reports truncation at the limit', async () => {
    const res = await post('/v1/audit/find', 'auditor', {
      identifier: subject,
      purpose: 'inspection',
      limit: 2,
    });
    expect(res.json().entries).toHaveLength(2);
    expect(res.json().truncated).toBe(true);
  });

  it('keeps admins, agents and registrars out', async () => {
    for (const role of ['admin', 'agent', 'registrar'] as const) {
      const res = await post('/v1/audit/hash', role, { type: 'CN_MOBILE', value: PHONE, purpose: 'x' });
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain(PHONE);
    }
  });

  it('needs a purpose, refuses one that holds a phone number, and never echoes the value', async () => {
    const missing = await post('/v1/audit/hash', 'auditor', { type: 'CN_MOBILE', value: PHONE });
    expect(missing.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'purpose' });
    const pi = await post('/v1/audit/find', 'auditor', { identifier: subject, purpose: `call-${PHONE}` });
    expect(pi.statusCode).toBe(400);
    expect(pi.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'purpose' });
    expect(pi.body).not.toContain(PHONE);
    const type = await post('/v1/audit/hash', 'auditor', { type: 'PHONE', value: PHONE, purpose: 'x' });
    expect(type.json().error.field).toBe('type');
    expect(type.body).not.toContain(PHONE);
    const long = await post('/v1/audit/hash', 'auditor', {
      type: 'CN_MOBILE',
      value: '1'.repeat(300),
      purpose: 'x',
    });
    expect(long.json().error.field).toBe('value');
    expect(long.body).not.toContain('1'.repeat(20));
  });

  it('answers nothing when the audit log cannot record the search (503 AUDIT_UNAVAILABLE)', async () => {
    await t.auditLog.close(); // the sequencer refuses appends from now on
    const res = await post('/v1/audit/find', 'auditor', { identifier: subject, purpose: 'inspection' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      error: { code: 'AUDIT_UNAVAILABLE', message: expect.any(String) },
    });
    expect(res.body).not.toContain('entries');
  });
});

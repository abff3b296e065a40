/**
 * `/v1/subjects` over HTTP on every dialect: roles, the purpose rule, masked and plain reads, error
 * codes with the request path at fault and never the value, batch forms, erasure and retention,
 * and failing closed when the audit log is down.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { TEST_POLICY } from '../../../test/support/vault.ts';
import { corruptCheckChar, residentId } from '../../../test/synth/ids.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';

type Who = Parameters<TestApp['auth']>[0];

describe.each(testDialects)('subject routes on %s', (dialect) => {
  let t: TestApp;
  const rng = mulberry32(101);
  const ID = residentId(rng);

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    who: Who,
    payload?: object,
    headers = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: { ...t.auth(who), ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
  const create = async (fields: Record<string, string>) => {
    const res = await call('POST', '/v1/subjects', 'registrar', { fields });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  beforeEach(async () => {
    t = await startTestApp(dialect);
    const res = await call('PUT', '/v1/policies', 'admin', TEST_POLICY);
    expect(res.statusCode, res.body).toBe(200);
  });
  afterEach(() => t.close());

  it('creates a subject and reads it back masked (agent) and plain (investigator, asking for it)', async () => {
    const id = await create({ CN_RESIDENT_ID: ID, CN_MOBILE: '+86 138 1234 5678', CN_NAME: '张三' });
    expect(id).toMatch(/^sub_[0-9A-Za-z]{22}$/);

    const agent = await call('GET', `/v1/subjects/${id}`, 'agent', undefined, {
      'shiming-purpose': 'customer-support',
    });
    expect(agent.statusCode).toBe(200);
    expect(agent.json()).toMatchObject({
      id,
      status: 'active',
      fields: {
        CN_MOBILE: '138****5678',
        CN_NAME: '张*',
        CN_RESIDENT_ID: `${ID.slice(0, 6)}********${ID.slice(14)}`,
      },
      access: { CN_MOBILE: 'MASKED' },
      denied: [],
    });
    const plain = await call(
      'GET',
      `/v1/subjects/${id}?access=PLAIN&fields=CN_MOBILE,CN_NAME`,
      'investigator',
      undefined,
      {
        'shiming-purpose': 'fraud-investigation',
      },
    );
    expect(plain.json().fields).toEqual({ CN_MOBILE: '13812345678', CN_NAME: '张三' });

    // The purpose is mandatory on reads; admins and auditors read no PI.
    const noPurpose = await call('GET', `/v1/subjects/${id}`, 'agent');
    expect(noPurpose.statusCode).toBe(400);
    expect(noPurpose.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'shiming-purpose' });
    for (const who of ['admin', 'auditor'] as const) {
      const res = await call('GET', `/v1/subjects/${id}`, who, undefined, {
        'shiming-purpose': 'maintenance',
      });
      expect(res.statusCode).toBe(403);
    }
    // The tenant is the key's: another tenant's investigator does not see acme's subject.
    const other = await call('GET', `/v1/subjects/${id}`, 'otherInvestigator', undefined, {
      'shiming-purpose': 'maintenance',
    });
    expect(other.statusCode).toBe(404);
    // A purpose not on the list is refused.
    const unlisted = await call('GET', `/v1/subjects/${id}`, 'agent', undefined, {
      'shiming-purpose': 'curiosity',
    });
    expect(unlisted.statusCode).toBe(403);
    expect(unlisted.json().error).toMatchObject({ code: 'POLICY_DENIED', field: 'purpose' });
  });

  it('refuses bad values as INVALID_FIELD naming the path, never echoing the value; duplicates as 409', async () => {
    const bad = corruptCheckChar(residentId(rng), rng);
    const single = await call('POST', '/v1/subjects', 'registrar', { fields: { CN_RESIDENT_ID: bad } });
    expect(single.statusCode).toBe(400);
    expect(single.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'fields.CN_RESIDENT_ID' });
    expect(single.body).not.toContain(bad);

    const batch = await call('POST', '/v1/subjects/batch', 'registrar', {
      items: [{ fields: { CN_NAME: '李四' } }, { fields: { CN_RESIDENT_ID: bad } }],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error.field).toBe('items[1].fields.CN_RESIDENT_ID');
    expect(batch.body).not.toContain(bad);

    const unknown = await call('POST', '/v1/subjects', 'registrar', { fields: { '13812345678': 'x' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'fields' });
    expect(unknown.body).not.toContain('13812345678');

    await create({ CN_RESIDENT_ID: ID });
    const dup = await call('POST', '/v1/subjects', 'registrar', { fields: { CN_RESIDENT_ID: ID } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error).toMatchObject({ code: 'DUPLICATE_SUBJECT', field: 'fields.CN_RESIDENT_ID' });
    expect(dup.body).not.toContain(ID);

    // Only registrars create.
    expect(
      (await call('POST', '/v1/subjects', 'investigator', { fields: { CN_NAME: '王五' } })).statusCode,
    ).toBe(403);
  });

  it('reads, updates, archives and erases in batches', async () => {
    const created = await call('POST', '/v1/subjects/batch', 'registrar', {
      items: Array.from({ length: 3 }, (_, i) => ({ fields: { CN_MOBILE: `1370000000${i}` } })),
    });
    expect(created.statusCode).toBe(201);
    const ids = created.json().ids as string[];

    const updated = await call('POST', '/v1/subjects/update', 'registrar', {
      items: [{ id: ids[0], fields: { CN_NAME: '赵六', CN_MOBILE: null } }],
    });
    expect(updated.json()).toEqual({ ids: [ids[0]] });
    const patched = await call('PATCH', `/v1/subjects/${ids[1]}`, 'registrar', {
      fields: { EMAIL: 'Zhao@Example.cn' },
    });
    expect(patched.statusCode).toBe(200);

    const read = await call('POST', '/v1/subjects/read', 'investigator', {
      ids: [...ids, 'sub_0000000000000000000000'],
      purpose: 'fraud-investigation',
      access: 'PLAIN',
    });
    expect(read.statusCode).toBe(200);
    const body = read.json();
    expect(body.subjects.map((s: { fields: object }) => s.fields)).toEqual([
      { CN_NAME: '赵六' },
      { CN_MOBILE: '13700000001', EMAIL: 'zhao@example.cn' },
      { CN_MOBILE: '13700000002' },
    ]);
    expect(body.notFound).toEqual(['sub_0000000000000000000000']);

    const archived = await call('POST', '/v1/subjects/archive', 'registrar', {
      ids: [ids[2]],
      retainUntil: '2020-01-01T00:00:00Z',
    });
    expect(archived.json()).toEqual({ archived: [ids[2]], erased: [], notFound: [] });
    const archivedPatch = await call('PATCH', `/v1/subjects/${ids[2]}`, 'registrar', {
      fields: { CN_NAME: '张三' },
    });
    expect(archivedPatch.statusCode).toBe(409);
    expect(archivedPatch.json().error.code).toBe('SUBJECT_ARCHIVED');
    expect((await call('POST', '/v1/subjects/prune', 'admin', {})).json()).toEqual({ erased: 1 });

    expect((await call('DELETE', `/v1/subjects/${ids[0]}`, 'registrar')).json()).toEqual({
      id: ids[0],
      status: 'erased',
    });
    const gone = await call('GET', `/v1/subjects/${ids[0]}`, 'agent', undefined, {
      'shiming-purpose': 'customer-support',
    });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('SUBJECT_ERASED');
    const erased = await call('POST', '/v1/subjects/erase', 'registrar', { ids: [ids[0], ids[1]] });
    expect(erased.json()).toEqual({ erased: [ids[1]], alreadyErased: [ids[0]], notFound: [] });
    const missing = await call('DELETE', '/v1/subjects/sub_0000000000000000000000', 'registrar');
    expect(missing.statusCode).toBe(404);
  });

  it('fails closed: when the audit log is down, reads and writes answer 503 and return nothing', async () => {
    const id = await create({ CN_MOBILE: '13812345678' });
    vi.spyOn(t.auditLog, 'record').mockRejectedValue(new Error('disk full'));
    const read = await call('GET', `/v1/subjects/${id}?access=PLAIN`, 'investigator', undefined, {
      'shiming-purpose': 'fraud-investigation',
    });
    expect(read.statusCode).toBe(503);
    expect(read.json().error.code).toBe('AUDIT_UNAVAILABLE');
    expect(read.body).not.toContain('5678');
    const write = await call('POST', '/v1/subjects', 'registrar', { fields: { CN_MOBILE: '13900001111' } });
    expect(write.statusCode).toBe(503);
    vi.restoreAllMocks();
    const found = await call('POST', '/v1/lookup', 'registrar', {
      field: 'CN_MOBILE',
      value: '13900001111',
      purpose: 'registration',
    });
    expect(found.json()).toEqual({ subjects: [] });
  });
});

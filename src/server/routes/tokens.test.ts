/**
 * `/v1/lookup`, `/v1/tokenize` and `/v1/detokenize` over HTTP on every dialect: lookups need a rule
 * and a purpose, detokenizing is masked by default and answers each token on its own, quotas give
 * 429 with Retry-After, and no token or value is echoed where it should not be.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { TEST_POLICY } from '../../../test/support/vault.ts';

type Who = Parameters<TestApp['auth']>[0];

describe.each(testDialects)('lookup and token routes on %s', (dialect) => {
  let t: TestApp;
  let id: string;
  const post = (url: string, who: Who, payload: object) =>
    t.app.inject({ method: 'POST', url, headers: t.auth(who), payload });

  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: t.auth('admin'),
      payload: TEST_POLICY,
    });
    id = (
      await post('/v1/subjects', 'registrar', { fields: { CN_MOBILE: '13812345678', CN_NAME: '张三' } })
    ).json().id;
  });
  afterEach(() => t.close());

  it('looks up by value in the body, with a purpose and a lookup rule', async () => {
    const one = await post('/v1/lookup', 'registrar', {
      field: 'CN_MOBILE',
      value: '138 1234 5678',
      purpose: 'registration',
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ subjects: [id] });
    const batch = await post('/v1/lookup/batch', 'investigator', {
      queries: [
        { field: 'CN_MOBILE', value: '13812345678' },
        { field: 'CN_MOBILE', value: '13900000000' },
      ],
      purpose: 'fraud-investigation',
    });
    expect(batch.json()).toEqual({ results: [{ subjects: [id] }, { subjects: [] }] });
    const bad = await post('/v1/lookup/batch', 'investigator', {
      queries: [{ field: 'CN_MOBILE', value: '1381234' }],
      purpose: 'fraud-investigation',
    });
    expect(bad.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'queries[0].value' });
    expect(bad.body).not.toContain('1381234');
    const notIndexed = await post('/v1/lookup', 'investigator', {
      field: 'CN_NAME',
      value: '张三',
      purpose: 'fraud-investigation',
    });
    expect(notIndexed.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'field' });
    const agent = await post('/v1/lookup', 'agent', {
      field: 'CN_MOBILE',
      value: '13812345678',
      purpose: 'customer-support',
    });
    expect(agent.statusCode).toBe(403);
    expect(agent.json().error.code).toBe('POLICY_DENIED');
    expect(
      (await post('/v1/lookup', 'registrar', { field: 'CN_MOBILE', value: '13812345678' })).statusCode,
    ).toBe(400);
  });

  it('tokenizes and detokenizes: masked by default, plain when asked and allowed, per-token answers', async () => {
    const issued = await post('/v1/tokenize', 'registrar', {
      items: [
        { subject: id, field: 'CN_MOBILE' },
        { subject: id, field: 'CN_MOBILE', kind: 'format', scope: 'partner-a' },
      ],
    });
    expect(issued.statusCode).toBe(200);
    const tokens = issued.json().tokens as { token: string; kind: string }[];
    expect(tokens[0]!.token).toMatch(/^tok_/);
    expect(tokens[1]!.token).toMatch(/^2\d{10}$/);
    const all = [...tokens.map((x) => x.token), 'tok_0000000000000000000000'];

    const masked = await post('/v1/detokenize', 'agent', { tokens: all, purpose: 'customer-support' });
    expect(masked.json()).toEqual({
      results: [
        { field: 'CN_MOBILE', value: '138****5678', access: 'MASKED' },
        { field: 'CN_MOBILE', value: '138****5678', access: 'MASKED' },
        { error: 'NOT_FOUND' },
      ],
    });
    expect(masked.body).not.toContain(tokens[0]!.token);
    const plain = await post('/v1/detokenize', 'investigator', {
      tokens: all,
      purpose: 'fraud-investigation',
      access: 'PLAIN',
    });
    expect(plain.json().results[1]).toEqual({ field: 'CN_MOBILE', value: '13812345678', access: 'PLAIN' });
    // Agents cannot tokenize; an unknown field kind is refused naming the item.
    expect(
      (await post('/v1/tokenize', 'agent', { items: [{ subject: id, field: 'CN_MOBILE' }] })).statusCode,
    ).toBe(403);
    const wrong = await post('/v1/tokenize', 'registrar', {
      items: [{ subject: id, field: 'CN_NAME', kind: 'format' }],
    });
    expect(wrong.json().error).toMatchObject({ code: 'INVALID_FIELD', field: 'items[0].kind' });
  });

  it('stops bulk detokenization at the quota with 429 and Retry-After', async () => {
    await t.app.inject({
      method: 'PUT',
      url: '/v1/policies',
      headers: t.auth('admin'),
      payload: { ...TEST_POLICY, quotas: { agent: { detokenizations: { limit: 3, windowSeconds: 600 } } } },
    });
    const { tokens } = (
      await post('/v1/tokenize', 'registrar', {
        items: Array.from({ length: 4 }, () => ({ subject: id, field: 'CN_MOBILE' })),
      })
    ).json() as { tokens: { token: string }[] };
    const ok = await post('/v1/detokenize', 'agent', {
      tokens: tokens.slice(0, 3).map((x) => x.token),
      purpose: 'customer-support',
    });
    expect(ok.statusCode).toBe(200);
    const over = await post('/v1/detokenize', 'agent', {
      tokens: [tokens[3]!.token],
      purpose: 'customer-support',
    });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('QUOTA_EXCEEDED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
  });
});

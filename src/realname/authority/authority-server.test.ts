import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdBirthDate } from '../../pi/cn-resident-id.ts';
import { ageOn, shanghaiDate } from '../adapters/age.ts';
import { ageBandOf } from '../types.ts';
import { type AuthorityRequestEvent, type AuthorityServer, startAuthority } from './authority-server.ts';
import { generatePopulation, type Person } from './population.ts';

const NOW = Date.parse('2025-07-15T04:00:00Z');
const people = generatePopulation({ count: 2_000, seed: 2025, asOf: new Date(NOW) });
const today = shanghaiDate(NOW);
const ageOf = (p: Person) => ageOn(residentIdBirthDate(p.residentId)!, today);
const find = (f: (p: Person) => boolean) => people.find(f)!;
const adult = find((p) => p.status === 'active' && ageOf(p) >= 18 && p.mobiles.length > 0);
const minor = find((p) => p.status === 'active' && ageOf(p) < 14);
const deceased = find((p) => p.status === 'deceased' && p.mobiles.length > 0);
const moved = find((p) => p.status === 'moved');
const other = find(
  (p) => p.status === 'active' && p !== adult && p.mobiles.length > 0 && p.name !== adult.name,
);
const bizSeq = 'Ab3'.repeat(10) + 'Z9';

let clock = NOW;
let server: AuthorityServer;
const events: AuthorityRequestEvent[] = [];

async function post(path: string, body: unknown, headers: Record<string, string> = {}, base = server.url) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}
const two = (name: string, residentId: string) => post('/v1/verify/id-two-factor', { name, residentId });
const three = (name: string, residentId: string, mobile: string) =>
  post('/v1/verify/mobile-three-factor', { name, residentId, mobile });
async function authData(networkIdentity: string, extra: Record<string, string> = {}): Promise<string> {
  const r = await post('/v1/network-identity/authorize', { networkIdentity, ...extra });
  expect(r.status).toBe(200);
  return r.body.authData as string;
}
const niVerify = (authData: string, seq = bizSeq) =>
  post('/v1/network-identity/verify', { bizSeq: seq, authData });

beforeAll(async () => {
  server = await startAuthority({ population: people, now: () => clock, onRequest: (e) => events.push(e) });
});
afterAll(async () => {
  await server.close();
});

describe('two-factor', () => {
  it('MATCH with the age band, MISMATCH naming the name, NO_RECORD for unknown, deceased and moved', async () => {
    const match = await two(adult.name, adult.residentId);
    expect(match.status).toBe(200);
    expect(match.body).toMatchObject({ result: 'MATCH', ageBand: '18+' });
    expect(match.body.requestId).toBe(match.headers.get('x-request-id'));
    expect((await two(minor.name, minor.residentId)).body).toMatchObject({
      result: 'MATCH',
      ageBand: ageBandOf(ageOf(minor)),
    });
    const mismatch = await two(other.name, adult.residentId);
    expect(mismatch.body).toEqual({ result: 'MISMATCH', mismatch: ['name'], requestId: expect.any(String) });
    // A syntactically valid ID nobody holds.
    const unknown = generatePopulation({ count: 1, seed: 99_999, asOf: new Date(NOW) })[0]!;
    expect((await two(unknown.name, unknown.residentId)).body.result).toBe('NO_RECORD');
    for (const p of [deceased, moved]) {
      const r = await two(p.name, p.residentId);
      expect(r.body).toEqual({ result: 'NO_RECORD', requestId: expect.any(String) });
    }
  });

  it('INVALID_INPUT (200) for a bad check character or name; 400 for bad JSON, wrong types, unknown fields', async () => {
    const badId = adult.residentId.slice(0, 17) + (adult.residentId[17] === '1' ? '2' : '1');
    expect((await two(adult.name, badId)).body).toMatchObject({
      result: 'INVALID_INPUT',
      reason: 'BAD_RESIDENT_ID',
    });
    expect((await two('', adult.residentId)).body).toMatchObject({
      result: 'INVALID_INPUT',
      reason: 'BAD_NAME',
    });
    for (const body of ['{not json', '[]', { name: adult.name, residentId: 110 }, { name: adult.name }]) {
      const r = await post('/v1/verify/id-two-factor', body);
      expect(r.status).toBe(400);
      expect((r.body.error as { code: string }).code).toBe('INVALID_INPUT');
    }
    const extra = await post('/v1/verify/id-two-factor', {
      name: adult.name,
      residentId: adult.residentId,
      x: 1,
    });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body)).not.toContain(adult.residentId);
  });

  it('404 for unknown paths, 405 for the wrong verb, GET /v1/health', async () => {
    expect((await post('/v1/nope', {})).status).toBe(404);
    expect((await fetch(`${server.url}/v1/verify/id-two-factor`)).status).toBe(405);
    const health = await fetch(`${server.url}/v1/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', population: 2_000 });
  });
});

describe('three-factor', () => {
  it('MATCH with carrier and band; mismatch names the wrong element', async () => {
    const mobile = adult.mobiles[0]!;
    expect((await three(adult.name, adult.residentId, mobile.number)).body).toMatchObject({
      result: 'MATCH',
      carrier: mobile.carrier,
      ageBand: '18+',
    });
    // The number is someone else's.
    expect((await three(adult.name, adult.residentId, other.mobiles[0]!.number)).body).toMatchObject({
      result: 'MISMATCH',
      mismatch: ['mobile'],
    });
    expect((await three(other.name, adult.residentId, mobile.number)).body.mismatch).toEqual(['name']);
    expect((await three(adult.name, other.residentId, mobile.number)).body.mismatch).toEqual(['residentId']);
  });

  it('NO_RECORD for an unregistered number and a deceased subscriber; INVALID_INPUT for a bad number', async () => {
    const unused = `1390000${String(people.length).padStart(4, '0')}`;
    const r = await three(adult.name, adult.residentId, unused);
    expect(r.body.result).toBe('NO_RECORD');
    expect(r.body.carrier).toBe('cmcc');
    expect((await three(deceased.name, deceased.residentId, deceased.mobiles[0]!.number)).body.result).toBe(
      'NO_RECORD',
    );
    expect((await three(adult.name, adult.residentId, '12345678901')).body).toMatchObject({
      result: 'INVALID_INPUT',
      reason: 'BAD_MOBILE',
    });
  });
});

describe('network identity', () => {
  it('MATCH with the network identity and age band, never the ID number; a replay is INVALID_INPUT', async () => {
    const data = await authData(minor.networkIdentity);
    expect(data).not.toContain(minor.networkIdentity);
    const first = await niVerify(data);
    expect(first.body).toEqual({
      result: 'MATCH',
      bizSeq,
      networkIdentity: minor.networkIdentity,
      ageBand: ageBandOf(ageOf(minor)),
      requestId: expect.any(String),
    });
    expect(JSON.stringify(first.body)).not.toContain(minor.residentId);
    expect((await niVerify(data)).body).toMatchObject({
      result: 'INVALID_INPUT',
      reason: 'AUTHDATA_REPLAYED',
    });
  });

  it('expired, forged, bizSeq-bound and malformed credentials', async () => {
    const old = await authData(adult.networkIdentity);
    clock += 301_000;
    try {
      expect((await niVerify(old)).body).toMatchObject({
        result: 'INVALID_INPUT',
        reason: 'AUTHDATA_EXPIRED',
      });
    } finally {
      clock = NOW;
    }
    const genuine = await authData(adult.networkIdentity);
    const forged = genuine.slice(0, -2) + (genuine.endsWith('AA') ? 'BB' : 'AA');
    expect((await niVerify(forged)).body).toMatchObject({
      result: 'INVALID_INPUT',
      reason: 'AUTHDATA_INVALID',
    });
    const bound = await authData(adult.networkIdentity, { bizSeq });
    expect((await niVerify(bound, 'x'.repeat(32))).body).toMatchObject({ reason: 'BIZSEQ_MISMATCH' });
    expect((await niVerify(genuine, 'short')).body).toMatchObject({ reason: 'BAD_BIZSEQ' });
    // Plaintext identity is refused outright.
    const r = await post('/v1/network-identity/verify', {
      bizSeq,
      authData: genuine,
      residentId: adult.residentId,
    });
    expect(r.status).toBe(400);
  });

  it('NO_RECORD for a moved person, MISMATCH when the in-app factor fails, 404 for an unknown identity', async () => {
    expect((await niVerify(await authData(moved.networkIdentity))).body.result).toBe('NO_RECORD');
    const failed = await authData(adult.networkIdentity, { simulate: 'factor-mismatch' });
    expect((await niVerify(failed)).body.result).toBe('MISMATCH');
    const unknown = await post('/v1/network-identity/authorize', { networkIdentity: 'WHNOSUCHPERSONXYZAB' });
    expect(unknown.status).toBe(404);
  });
});

describe('failure injection, rate limits and keys', () => {
  it('failureRate 1 answers 503 on verifications', async () => {
    const down = await startAuthority({ population: people.slice(0, 10), failureRate: 1, seed: 1 });
    try {
      const r = await post(
        '/v1/verify/id-two-factor',
        { name: people[0]!.name, residentId: people[0]!.residentId },
        {},
        down.url,
      );
      expect(r.status).toBe(503);
      expect(down.stats().injectedFailures).toBe(1);
    } finally {
      await down.close();
    }
  });

  it('rate limit per caller answers 429 with Retry-After; unknown keys get 401', async () => {
    const limited = await startAuthority({
      population: people.slice(0, 10),
      rateLimit: 3,
      apiKeys: ['k1', 'k2'],
    });
    try {
      const p = people[0]!;
      const call = (key?: string) =>
        post(
          '/v1/verify/id-two-factor',
          { name: p.name, residentId: p.residentId },
          key === undefined ? {} : { authorization: `Bearer ${key}` },
          limited.url,
        );
      expect((await call()).status).toBe(401);
      expect((await call('nope')).status).toBe(401);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call('k1')).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      const limitedAnswer = await call('k1');
      expect(limitedAnswer.status).toBe(429);
      expect(Number(limitedAnswer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      // Another caller has its own bucket.
      expect((await call('k2')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('logs no submitted value', () => {
    const logged = JSON.stringify(events);
    for (const p of [adult, minor, deceased]) {
      expect(logged).not.toContain(p.residentId);
      expect(logged).not.toContain(p.name);
      expect(logged).not.toContain(p.networkIdentity);
    }
    expect(events.length).toBeGreaterThan(10);
  });
});

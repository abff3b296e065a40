/**
 * End to end: the reference authority on a real port, driven through `HttpAuthorityAdapter`, the
 * network-identity wrapper and the verifier chain — every outcome mapping, failover from a broken
 * authority without a wrong verdict, rate limiting, replayed credentials — and `shiming authority`
 * as a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdBirthDate } from '../src/pi/cn-resident-id.ts';
import { ageOn, shanghaiDate } from '../src/realname/adapters/age.ts';
import { VerifierChain } from '../src/realname/adapters/chain.ts';
import { HttpAuthorityAdapter } from '../src/realname/adapters/http-authority.ts';
import { NetworkIdentityAdapter, newBizSeq } from '../src/realname/adapters/network-identity.ts';
import { type AuthorityServer, startAuthority } from '../src/realname/authority/authority-server.ts';
import { requestAuthData } from '../src/realname/authority/identity-app.ts';
import { generatePopulation, type Person, readPopulation } from '../src/realname/authority/population.ts';
import { ageBandOf, type VerificationRequest } from '../src/realname/types.ts';

const KEY = 'test-key-primary';
const people = generatePopulation({ count: 3_000, seed: 715 });
const today = shanghaiDate(Date.now());
const ageOf = (p: Person) => ageOn(residentIdBirthDate(p.residentId)!, today);
const active = people.filter((p) => p.status === 'active');
const adult = active.find((p) => ageOf(p) >= 18 && p.mobiles.length > 0)!;
const minor = active.find((p) => ageOf(p) < 16 && ageOf(p) >= 8)!;
const deceased = people.find((p) => p.status === 'deceased')!;
const moved = people.find((p) => p.status === 'moved')!;
const stranger = active.find((p) => p.mobiles.length > 0 && p.name !== adult.name && p !== adult)!;

const two = (p: Pick<Person, 'name' | 'residentId'>): VerificationRequest => ({
  method: 'id-two-factor',
  name: p.name,
  residentId: p.residentId,
});

let primary: AuthorityServer;
let adapter: HttpAuthorityAdapter;

beforeAll(async () => {
  primary = await startAuthority({ population: people, apiKeys: [KEY] });
  adapter = new HttpAuthorityAdapter({
    id: 'authority-primary',
    baseUrl: primary.url,
    apiKey: KEY,
    timeoutMs: 2_000,
  });
});
afterAll(async () => {
  await primary.close();
});

describe('HttpAuthorityAdapter against the reference authority', () => {
  it('maps every outcome', async () => {
    const match = await adapter.verify(two(adult));
    expect(match).toMatchObject({
      outcome: 'MATCH',
      level: 'L2',
      ageBand: '18+',
      provider: 'authority-primary',
    });
    expect(match.providerRequestId).toMatch(/^[0-9a-f]{8}-/);
    expect(await adapter.verify(two({ name: stranger.name, residentId: adult.residentId }))).toMatchObject({
      outcome: 'MISMATCH',
      mismatch: ['name'],
    });
    expect((await adapter.verify(two(deceased))).outcome).toBe('NO_RECORD');
    expect((await adapter.verify(two(moved))).outcome).toBe('NO_RECORD');
    const badCheck = adult.residentId.slice(0, 17) + (adult.residentId[17] === '3' ? '4' : '3');
    expect((await adapter.verify(two({ name: adult.name, residentId: badCheck }))).outcome).toBe(
      'INVALID_INPUT',
    );
    expect((await adapter.verify(two(minor))).ageBand).toBe(ageBandOf(ageOf(minor)));

    const three = await adapter.verify({
      ...two(adult),
      method: 'mobile-three-factor',
      mobile: adult.mobiles[0]!.number,
    });
    expect(three).toMatchObject({ outcome: 'MATCH', carrier: adult.mobiles[0]!.carrier });
    const elsewhere = await adapter.verify({
      ...two(adult),
      method: 'mobile-three-factor',
      mobile: stranger.mobiles[0]!.number,
    });
    expect(elsewhere).toMatchObject({ outcome: 'MISMATCH', mismatch: ['mobile'] });

    const wrongKey = new HttpAuthorityAdapter({
      id: 'misconfigured',
      baseUrl: primary.url,
      apiKey: 'wrong-key',
    });
    expect((await wrongKey.verify(two(adult))).outcome).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('network identity: MATCH with the 网号 and band, a replay is INVALID_INPUT, plaintext is refused', async () => {
    const ni = new NetworkIdentityAdapter(adapter);
    const bizSeq = newBizSeq();
    const { authData } = await requestAuthData({
      baseUrl: primary.url,
      apiKey: KEY,
      networkIdentity: minor.networkIdentity,
      bizSeq,
    });
    const request: VerificationRequest = {
      method: 'network-identity',
      networkIdentity: { bizSeq, authData },
    };
    const r = await ni.verify(request);
    expect(r).toMatchObject({
      outcome: 'MATCH',
      level: 'L3',
      networkIdentity: minor.networkIdentity,
      ageBand: ageBandOf(ageOf(minor)),
    });
    expect(JSON.stringify(r)).not.toContain(minor.residentId);
    expect((await ni.verify(request)).outcome).toBe('INVALID_INPUT');
    const fresh = await requestAuthData({
      baseUrl: primary.url,
      apiKey: KEY,
      networkIdentity: adult.networkIdentity,
    });
    const withName = await ni.verify({
      ...request,
      networkIdentity: { bizSeq, authData: fresh.authData },
      name: adult.name,
    });
    expect(withName.outcome).toBe('INVALID_INPUT');
    // Refused before sending: the credential is still unused and verifies now.
    expect(
      (await ni.verify({ method: 'network-identity', networkIdentity: { bizSeq, authData: fresh.authData } }))
        .outcome,
    ).toBe('MATCH');
  });

  it('429 from the rate limit becomes RATE_LIMITED with retryAfterMs', async () => {
    const limited = await startAuthority({ population: people.slice(0, 50), rateLimit: 2 });
    try {
      const a = new HttpAuthorityAdapter({ id: 'limited', baseUrl: limited.url, apiKey: 'caller-1' });
      const outcomes = [];
      for (let i = 0; i < 4; i++) outcomes.push(await a.verify(two(people[0]!)));
      expect(outcomes.map((o) => o.outcome).slice(0, 2)).not.toContain('RATE_LIMITED');
      const last = outcomes[3]!;
      expect(last.outcome).toBe('RATE_LIMITED');
      expect(last.retryAfterMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await limited.close();
    }
  });
});

describe('VerifierChain over two authorities', () => {
  it('failureRate 1: UPSTREAM_UNAVAILABLE alone, the right verdict with a second authority, nothing billed at the first', async () => {
    const broken = await startAuthority({ population: people, failureRate: 1, seed: 3 });
    try {
      const down = new HttpAuthorityAdapter({ id: 'authority-broken', baseUrl: broken.url });
      expect((await down.verify(two(adult))).outcome).toBe('UPSTREAM_UNAVAILABLE');
      const chain = new VerifierChain({ adapters: [down, adapter], retries: 1, backoffMs: 1 });
      const r = await chain.verify(two({ name: stranger.name, residentId: adult.residentId }));
      expect(r).toMatchObject({ outcome: 'MISMATCH', provider: 'authority-primary', attempts: 3 });
      expect(chain.counters()['authority-broken']).toMatchObject({ calls: 2, billable: 0, failures: 2 });
      expect(chain.counters()['authority-primary']).toMatchObject({ calls: 1, billable: 1, failures: 0 });
    } finally {
      await broken.close();
    }
  });

  it('under a flaky primary (50 % 503) every answer is the ground truth', async () => {
    const flaky = await startAuthority({ population: people, failureRate: 0.5, seed: 11 });
    try {
      const chain = new VerifierChain({
        adapters: [new HttpAuthorityAdapter({ id: 'flaky', baseUrl: flaky.url }), adapter],
        retries: 1,
        backoffMs: 0,
      });
      const sample = people.slice(0, 400);
      const results = await Promise.all(
        sample.map((p, i) => {
          const wrongName = i % 3 === 0;
          const name = wrongName ? (p.name === adult.name ? stranger.name : adult.name) : p.name;
          return chain.verify(two({ name, residentId: p.residentId })).then((r) => ({ r, p, wrongName }));
        }),
      );
      for (const { r, p, wrongName } of results) {
        const truth = p.status !== 'active' ? 'NO_RECORD' : wrongName ? 'MISMATCH' : 'MATCH';
        expect(r.outcome).toBe(truth);
      }
      const c = chain.counters();
      expect(c.flaky!.failures).toBeGreaterThan(0);
      expect(c.flaky!.billable + c['authority-primary']!.billable).toBe(
        results.filter(({ r }) => r.outcome === 'MATCH' || r.outcome === 'MISMATCH').length,
      );
    } finally {
      await flaky.close();
    }
  });
});

describe('shiming authority (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-authority-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const ENTRY = join(import.meta.dirname, '..', 'src', 'cli', 'run.ts');

  function run(args: string[]): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    });
  }

  it('writes a population file, then serves it until SIGTERM', async () => {
    const file = join(dir, 'people.jsonl');
    const written = await run(['authority', 'population', '--count', '200', '--seed', '5', '--out', file]);
    expect(written).toMatchObject({ code: 0 });
    const back: Person[] = [];
    for await (const p of readPopulation(file)) back.push(p);
    expect(back).toHaveLength(200);

    const child = spawn(process.execPath, [ENTRY, 'authority', '--population', file, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('close', () => reject(new Error('exited early')));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const http = new HttpAuthorityAdapter({ id: 'cli', baseUrl: url });
    expect((await http.verify(two(back.find((p) => p.status === 'active')!))).outcome).toBe('MATCH');
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('a bad population file exits 2 naming the line, not the value', async () => {
    const file = join(dir, 'bad.jsonl');
    const { writeFile } = await import('node:fs/promises');
    const p = people[0]!;
    await writeFile(file, `${JSON.stringify({ ...p, residentId: `${p.residentId.slice(0, 17)}Y` })}\n`);
    const r = await run(['authority', '--population', file, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('line 1');
    expect(r.stderr).not.toContain(p.residentId.slice(0, 17));
    expect((await run(['authority', '--port', '0'])).code).toBe(2);
  });
});

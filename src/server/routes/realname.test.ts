/**
 * The real-name routes over HTTP on every dialect, against a real `shiming authority` server
 * in-process: service policies, register-and-verify in one call, scope and role refusals, tenant
 * isolation, the network-identity flow (start → the user's identity app → verify), the footprint,
 * reports, enforcement — and that no fixture PI leaves in a response or lands in the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import {
  type AuthorityServer,
  generatePopulation,
  type Person,
  requestAuthData,
  startAuthority,
} from '../../realname/authority/index.ts';
import { EXAMPLE_POLICIES } from '../../realname/policies/examples.ts';

type Who = Parameters<TestApp['auth']>[0] | 'otherRegistrar';

const POPULATION = generatePopulation({
  count: 40,
  seed: 20_240_601,
  minorsShare: 0,
  deceasedShare: 0,
  movedShare: 0,
});
const THIS_YEAR = new Date().getUTCFullYear();
/** Adults (at least 20 this year) with a mobile: every fixture person the tests use. */
const ADULTS = POPULATION.filter(
  (p) => p.status === 'active' && Number(p.residentId.slice(6, 10)) <= THIS_YEAR - 20 && p.mobiles.length > 0,
);
/** Every PI value of the population: none may appear in a response or an audit entry. */
const PI_VALUES = POPULATION.flatMap((p) => [p.name, p.residentId, ...p.mobiles.map((m) => m.number)]);

function expectNoPi(text: string): void {
  for (const value of PI_VALUES) expect(text.includes(value), 'a fixture PI value leaked').toBe(false);
}

describe.each(testDialects)('real-name routes on %s', (dialect) => {
  let t: TestApp;
  let authority: AuthorityServer;
  let otherRegistrar: string;
  const bodies: string[] = [];
  let next = 0;
  const person = (): Person => {
    const p = ADULTS[next++];
    if (p === undefined) throw new Error('population too small');
    return p;
  };

  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, who: Who, payload?: object) => {
    const headers = who === 'otherRegistrar' ? { authorization: `Bearer ${otherRegistrar}` } : t.auth(who);
    const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    bodies.push(res.body);
    return res;
  };
  const twoFactor = (p: Person) => ({
    method: 'id-two-factor',
    fields: { CN_NAME: p.name, CN_RESIDENT_ID: p.residentId },
  });
  const registerVerified = async (service: string, p: Person) => {
    const res = await call('POST', '/v1/accounts', 'registrar', { service, verification: twoFactor(p) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().account.state).toBe('verified');
    return res.json().account.id as string;
  };

  beforeAll(async () => {
    authority = await startAuthority({ population: POPULATION });
    t = await startTestApp(dialect, {
      env: { SHIMING_AUTHORITY_URL: authority.url, SHIMING_ENFORCE_INTERVAL_MS: '0' },
    });
    otherRegistrar = (
      await t.keys.create(
        { tenant: 'other', role: 'registrar', name: 'other-registrar' },
        { actor: 'bootstrap', role: 'system' },
      )
    ).token;
    for (const service of ['social', 'game'] as const) {
      const res = await call('PUT', `/v1/services/${service}/policy`, 'admin', EXAMPLE_POLICIES[service]);
      expect(res.statusCode, res.body).toBe(200);
    }
  });
  afterAll(async () => {
    await t?.close();
    await authority?.close();
  });

  it('puts and reads service policies (admins write; registrars and auditors read)', async () => {
    const got = await call('GET', '/v1/services/social/policy', 'registrar');
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({
      version: 1,
      policy: { service: 'social', realName: { minimumLevel: 'L2' } },
    });
    const list = await call('GET', '/v1/services', 'auditor');
    expect(
      list
        .json()
        .services.map((s: { policy: { service: string } }) => s.policy.service)
        .sort(),
    ).toEqual(['game', 'social']);

    const again = await call('PUT', '/v1/services/social/policy', 'admin', EXAMPLE_POLICIES.social);
    expect(again.json().version).toBe(2);
    const registrar = await call('PUT', '/v1/services/social/policy', 'registrar', EXAMPLE_POLICIES.social);
    expect(registrar.statusCode).toBe(403);
    expect(registrar.json().error.code).toBe('FORBIDDEN');
    const mismatch = await call('PUT', '/v1/services/other/policy', 'admin', EXAMPLE_POLICIES.social);
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'service' });
    const invalid = await call('PUT', '/v1/services/social/policy', 'admin', {
      ...EXAMPLE_POLICIES.social,
      realName: { ...EXAMPLE_POLICIES.social.realName, minimumLevel: 'L3' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('INVALID_POLICY');
    const missing = await call('GET', '/v1/services/nothing/policy', 'admin');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('registers and verifies in one call against the authority; the answer carries no PI', async () => {
    const p = person();
    const res = await call('POST', '/v1/accounts', 'registrar', {
      service: 'social',
      fields: { CN_MOBILE: p.mobiles[0]!.number },
      verification: twoFactor(p),
    });
    expect(res.statusCode, res.body).toBe(201);
    const { account, verification } = res.json();
    expect(account).toMatchObject({
      service: 'social',
      state: 'verified',
      level: 'L2',
      bound: true,
      minor: false,
    });
    expect(account.id).toMatch(/^acc_[0-9A-Za-z]{22}$/);
    expect(verification).toMatchObject({ method: 'id-two-factor', outcome: 'MATCH', provider: 'authority' });
    expectNoPi(res.body);

    const read = await call('GET', `/v1/accounts/${account.id}`, 'agent');
    expect(read.json()).toMatchObject({ id: account.id, state: 'verified' });
    const history = await call('GET', `/v1/accounts/${account.id}/history`, 'auditor');
    expect(history.json().transitions.map((x: { to: string }) => x.to)).toEqual(['unverified', 'verified']);
    const verifications = await call('GET', `/v1/accounts/${account.id}/verifications`, 'registrar');
    expect(verifications.json().verifications).toHaveLength(1);

    // A wrong name is a definite failure: 201 with the account rejected.
    const q = person();
    const wrong = await call('POST', '/v1/accounts', 'registrar', {
      service: 'social',
      verification: { method: 'id-two-factor', fields: { CN_NAME: p.name, CN_RESIDENT_ID: q.residentId } },
    });
    expect(wrong.statusCode).toBe(201);
    expect(wrong.json()).toMatchObject({
      account: { state: 'rejected' },
      verification: { outcome: 'MISMATCH' },
    });
    // …and it can verify again on its own route.
    const retry = await call(
      'POST',
      `/v1/accounts/${wrong.json().account.id}/verifications`,
      'registrar',
      twoFactor(q),
    );
    expect(retry.statusCode).toBe(200);
    expect(retry.json().account.state).toBe('verified');
  });

  it('refuses out-of-scope fields (nothing stored), wrong roles, unknown and foreign accounts', async () => {
    const p = person();
    const before = (await call('GET', '/v1/realname/report', 'auditor')).json();
    const scope = await call('POST', '/v1/accounts', 'registrar', {
      service: 'game',
      fields: { CN_MOBILE: p.mobiles[0]!.number },
    });
    expect(scope.statusCode).toBe(400);
    expect(scope.json().error).toMatchObject({ code: 'FIELD_OUT_OF_SCOPE', field: 'fields.CN_MOBILE' });
    const batch = await call('POST', '/v1/accounts/batch', 'registrar', {
      items: [{ service: 'social' }, { service: 'game', fields: { CN_MOBILE: p.mobiles[0]!.number } }],
    });
    expect(batch.statusCode).toBe(400);
    expect(batch.json().error).toMatchObject({
      code: 'FIELD_OUT_OF_SCOPE',
      field: 'items[1].fields.CN_MOBILE',
    });
    const inVerification = await call('POST', '/v1/accounts', 'registrar', {
      service: 'game',
      verification: { ...twoFactor(p), fields: { ...twoFactor(p).fields, CN_MOBILE: p.mobiles[0]!.number } },
    });
    expect(inVerification.json().error).toMatchObject({
      code: 'FIELD_OUT_OF_SCOPE',
      field: 'verification.fields.CN_MOBILE',
    });
    // The account it created is named, so the caller can verify it again.
    expect(inVerification.headers.location).toMatch(/^\/v1\/accounts\/acc_/);
    // Nothing of the refused batches was stored (the last call's account, yes: it is unverified).
    const after = (await call('GET', '/v1/realname/report', 'auditor')).json();
    const count = (r: { accounts: { service: string; count: number }[] }, s: string) =>
      r.accounts.filter((a) => a.service === s).reduce((n, a) => n + a.count, 0);
    expect(count(after, 'social')).toBe(count(before, 'social'));
    expect(count(after, 'game')).toBe(count(before, 'game') + 1);

    const id = await registerVerified('social', p);
    expect((await call('POST', '/v1/accounts', 'agent', { service: 'social' })).statusCode).toBe(403);
    expect((await call('POST', `/v1/accounts/${id}/ban`, 'registrar')).statusCode).toBe(403);
    expect((await call('GET', `/v1/accounts/${id}`, 'investigator')).statusCode).toBe(403);
    const unknown = await call('GET', '/v1/accounts/acc_0000000000000000000000', 'registrar');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    const foreign = await call('GET', `/v1/accounts/${id}`, 'otherRegistrar');
    expect(foreign.statusCode).toBe(404);
    const badBody = await call('POST', `/v1/accounts/${id}/risk`, 'registrar', { trigger: 'sunspots' });
    expect(badBody.statusCode).toBe(400);
  });

  it('runs the network-identity flow over HTTP and refuses plaintext identity with it', async () => {
    const p = person();
    const created = await call('POST', '/v1/accounts', 'registrar', { service: 'social' });
    const id = created.json().account.id as string;
    const start = await call('POST', `/v1/accounts/${id}/network-identity`, 'registrar');
    expect(start.statusCode, start.body).toBe(200);
    const { bizSeq, account } = start.json();
    expect(bizSeq).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(account.state).toBe('pending');

    // The user's identity app (simulated by the authority) hands over the credential.
    const { authData } = await requestAuthData({
      baseUrl: authority.url,
      networkIdentity: p.networkIdentity,
      bizSeq,
    });
    const plaintext = await call('POST', `/v1/accounts/${id}/verifications`, 'registrar', {
      method: 'network-identity',
      fields: { CN_RESIDENT_ID: p.residentId },
      networkIdentity: { bizSeq, authData },
    });
    expect(plaintext.statusCode).toBe(400);
    expect(plaintext.json().error).toMatchObject({
      code: 'PLAINTEXT_NOT_ALLOWED',
      field: 'fields.CN_RESIDENT_ID',
    });
    const verified = await call('POST', `/v1/accounts/${id}/verifications`, 'registrar', {
      method: 'network-identity',
      networkIdentity: { bizSeq, authData },
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().account).toMatchObject({
      state: 'verified',
      level: 'L3',
      method: 'network-identity',
    });
    expect(verified.body).not.toContain(p.networkIdentity);
  });

  it('shows the footprint of the caller’s own identity only, and takes "not mine" reports', async () => {
    const p = person();
    const stranger = person();
    const mine = await registerVerified('social', p);
    const second = await registerVerified('game', p);
    const theirs = await registerVerified('social', stranger);

    const res = await call('GET', `/v1/identity/footprint?account=${mine}`, 'registrar');
    expect(res.statusCode, res.body).toBe(200);
    const ids = res.json().accounts.map((a: { id: string }) => a.id);
    expect(ids.sort()).toEqual([mine, second].sort());
    expect(ids).not.toContain(theirs);
    expect(res.json().accounts.find((a: { id: string }) => a.id === mine)).toMatchObject({ current: true });
    expect((await call('GET', `/v1/identity/footprint?account=${mine}`, 'agent')).statusCode).toBe(403);

    const foreign = await call('POST', '/v1/identity/reports', 'registrar', {
      reporterAccount: mine,
      account: theirs,
    });
    expect(foreign.statusCode).toBe(404);
    const report = await call('POST', '/v1/identity/reports', 'registrar', {
      reporterAccount: mine,
      account: second,
    });
    expect(report.statusCode, report.body).toBe(201);
    expect(report.json()).toMatchObject({ state: 'notified' });

    // The play decision of the adult's game account.
    const play = await call('GET', `/v1/accounts/${second}/play?at=2026-03-04T10:00:00Z`, 'registrar');
    expect(play.statusCode, play.body).toBe(200);
    expect(play.json()).toMatchObject({ allowed: true, reason: 'ADULT' });

    // The review queue: compliance staff see the report and uphold it, which closes the account.
    expect((await call('GET', '/v1/identity/reports', 'registrar')).statusCode).toBe(403);
    const queue = await call('GET', '/v1/identity/reports?status=open', 'investigator');
    expect(queue.statusCode, queue.body).toBe(200);
    const open = queue.json().reports.find((r: { account: string }) => r.account === second);
    expect(open).toMatchObject({ id: report.json().reportId, reporterAccount: mine, status: 'open' });
    const resolved = await call('POST', `/v1/identity/reports/${open.id}/resolve`, 'investigator', {
      resolution: 'account-closed',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
    expect((await call('GET', `/v1/accounts/${second}`, 'registrar')).json()).toMatchObject({
      state: 'closed',
      reason: 'CLOSED_BY_PROVIDER',
    });
    const twice = await call('POST', `/v1/identity/reports/${open.id}/resolve`, 'investigator', {
      resolution: 'dismissed',
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('INVALID_TRANSITION');
  });

  it('flags risk, closes and bans; reports counts only; enforces on demand (dry run)', async () => {
    const id = await registerVerified('social', person());
    const risk = await call('POST', `/v1/accounts/${id}/risk`, 'registrar', { trigger: 'phone-change' });
    expect(risk.json()).toMatchObject({ state: 'notified', reason: 'RISK_PHONE_CHANGE' });
    const banned = await call('POST', `/v1/accounts/${id}/ban`, 'admin');
    expect(banned.json().state).toBe('banned');
    const closeBanned = await call('POST', `/v1/accounts/${id}/close`, 'registrar', { by: 'user' });
    expect(closeBanned.statusCode).toBe(409);
    expect(closeBanned.json().error.code).toBe('INVALID_TRANSITION');

    const report = await call('GET', '/v1/realname/report?since=2020-01-01T00:00:00Z', 'auditor');
    expect(report.statusCode).toBe(200);
    const body = report.json();
    expect(body.accounts.length).toBeGreaterThan(0);
    expect(body.verifications.some((v: { outcome: string }) => v.outcome === 'MATCH')).toBe(true);
    expect(report.body).not.toMatch(/acc_/);
    expect((await call('GET', '/v1/realname/report', 'registrar')).statusCode).toBe(403);

    // Metrics: the authority's answers by outcome and the billable ones, no PI in any label.
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: t.auth('auditor') });
    expect(metrics.statusCode).toBe(200);
    const match = /^shiming_verifier_answers\{adapter="authority",outcome="MATCH"\} (\d+)$/m.exec(
      metrics.body,
    );
    expect(Number(match?.[1])).toBeGreaterThan(0);
    expect(metrics.body).toMatch(/^shiming_verifier_billable\{adapter="authority"\} \d+$/m);
    expect(metrics.body).toMatch(/^shiming_realname_enumeration_alerts 0$/m);

    const dry = await call('POST', '/v1/realname/enforce', 'admin', { dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true });
    expect((await call('POST', '/v1/realname/enforce', 'auditor', { dryRun: true })).statusCode).toBe(403);
  });

  it('lists the routes in the OpenAPI document', async () => {
    const res = await t.app.inject({ url: '/docs/json' });
    const paths = Object.keys(res.json().paths);
    expect(paths).toContain('/v1/accounts');
    expect(paths).toContain('/v1/identity/footprint');
    expect(paths).toContain('/v1/services/{id}/policy');
  });

  it('leaves no fixture PI in any response nor in the audit log', async () => {
    for (const body of bodies) expectNoPi(body);
    const entries = await t.auditLog.entries(0n, t.auditLog.size);
    expect(entries.length).toBeGreaterThan(10);
    const decoder = new TextDecoder();
    const texts = entries.map((e) => decoder.decode(e));
    expect(texts.some((x) => x.includes('account.verified'))).toBe(true);
    expect(texts.some((x) => x.includes('realname.enforce'))).toBe(true);
    for (const text of texts) expectNoPi(text);
  });
});

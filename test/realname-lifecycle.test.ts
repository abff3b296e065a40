/**
 * The account lifecycle end to end on SQLite and PostgreSQL: registration within a policy's scope,
 * every verification outcome, every state transition with its history row and audit entry, the
 * enforcement ladder (grace → notified → restricted → suspended, restored by verification), risk
 * re-verification, closing and banning, the accounts-per-identity limit under a concurrent race,
 * minors and guardians, the network-identity path (no plaintext), the footprint, and an outage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRealnameError } from '../src/realname/errors.ts';
import { TRANSITIONS } from '../src/realname/transitions.ts';
import type { AccessContext } from '../src/vault/core.ts';
import { testDialects } from './support/databases.ts';
import { openRealnameFixture, people, type RealnameFixture } from './support/realname.ts';

const DAY = 86_400_000;

describe.each(testDialects)('real-name accounts on %s', (dialect) => {
  let t: RealnameFixture;
  let reg: AccessContext;

  beforeEach(async () => {
    t = await openRealnameFixture(dialect);
    reg = t.as('registrar');
  });
  afterEach(async () => {
    await t?.close();
  });

  const verifyBy2f = (accountId: string, p: { name: string; residentId: string }) =>
    t.realname.verify(reg, accountId, {
      method: 'id-two-factor',
      fields: { CN_NAME: p.name, CN_RESIDENT_ID: p.residentId },
    });

  it('registers, verifies, and leaves a history row and an audit entry for each step', async () => {
    const p = t.population[0]!;
    const [account] = await t.realname.register(reg, [
      { service: 'social', fields: { CN_MOBILE: p.mobile } },
    ]);
    expect(account).toMatchObject({
      state: 'unverified',
      reason: 'REGISTERED',
      access: 'full',
      bound: false,
    });
    expect(new Date(account!.deadlineAt!).getTime() - t.clock().getTime()).toBe(30 * DAY);

    const { verification, account: verified } = await verifyBy2f(account!.id, p);
    expect(verification).toMatchObject({ outcome: 'MATCH', method: 'id-two-factor', level: 'L2' });
    expect(verified).toMatchObject({
      state: 'verified',
      level: 'L2',
      deadlineAt: null,
      bound: true,
      minor: false,
    });

    const history = await t.realname.history(reg, account!.id);
    expect(history.map((h) => [h.from, h.to, h.reason])).toEqual([
      [null, 'unverified', 'REGISTERED'],
      ['unverified', 'verified', 'VERIFIED'],
    ]);
    const entries = (await t.entries()).filter((e) => e.subject === account!.id);
    expect(entries.map((e) => [e.action, e.reason, e.outcome])).toEqual([
      ['account.unverified', 'REGISTERED', 'ok'],
      ['account.verification', 'MATCH', 'ok'],
      ['account.verified', 'VERIFIED', 'ok'],
    ]);
    // No PI in any entry.
    const text = JSON.stringify(await t.entries());
    for (const value of [p.name, p.residentId, p.mobile]) expect(text).not.toContain(value);
    expect(await t.verifyAudit()).toBeGreaterThan(0n);
  });

  it('refuses a field outside the scope and stores nothing', async () => {
    const p = t.population[0]!;
    const err = await t.realname
      .register(reg, [{ service: 'game', fields: { CN_MOBILE: p.mobile } }])
      .catch((e: unknown) => e);
    expect(isRealnameError(err, 'FIELD_OUT_OF_SCOPE')).toBe(true);
    expect((err as Error).message).not.toContain(p.mobile);
    const rows = await t.store.db
      .selectFrom('realname_accounts' as never)
      .selectAll()
      .execute();
    expect(rows).toHaveLength(0);
    const subjects = await t.store.db.selectFrom('vault_subjects').selectAll().execute();
    expect(subjects).toHaveLength(0);
  });

  it('a failed verification rejects a new account, and the failure names the element, not the value', async () => {
    const p = t.population[1]!;
    const [account] = await t.realname.register(reg, [{ service: 'social' }]);
    const { verification, account: after } = await verifyBy2f(account!.id, {
      name: t.population[20]!.name === p.name ? '欧阳明' : t.population[20]!.name,
      residentId: p.residentId,
    });
    expect(verification).toMatchObject({ outcome: 'MISMATCH', mismatch: ['name'] });
    expect(after.state).toBe('rejected');
    // A retry with the right name verifies it.
    expect((await verifyBy2f(account!.id, p)).account.state).toBe('verified');
  });

  it('enforcement walks the ladder and a verification restores the account', async () => {
    const p = t.population[2]!;
    const [a, b] = await t.realname.register(reg, [{ service: 'social' }, { service: 'social' }]);
    await verifyBy2f(b!.id, p);
    t.clock.advance(31 * DAY);
    const dry = await t.realname.enforce({ dryRun: true });
    expect(dry.transitions).toEqual({ GRACE_EXPIRED: 1 });
    expect((await t.realname.getAccount(reg, a!.id)).state).toBe('unverified');

    const r1 = await t.realname.enforce();
    expect(r1.transitions).toEqual({ GRACE_EXPIRED: 1 });
    expect(await t.realname.enforce()).toMatchObject({ transitions: {} }); // idempotent
    expect((await t.realname.getAccount(reg, a!.id)).state).toBe('notified');
    t.clock.advance(8 * DAY);
    expect((await t.realname.enforce()).transitions).toEqual({ NOTICE_EXPIRED: 1 });
    expect((await t.realname.getAccount(reg, a!.id)).access).toBe('restricted');
    t.clock.advance(31 * DAY);
    expect((await t.realname.enforce()).transitions).toEqual({ RESTRICTION_EXPIRED: 1 });
    const suspended = await t.realname.getAccount(reg, a!.id);
    expect(suspended).toMatchObject({ state: 'suspended', access: 'none', deadlineAt: null });
    expect((await t.realname.getAccount(reg, b!.id)).state).toBe('verified');

    const restored = await verifyBy2f(a!.id, t.population[3]!);
    expect(restored.account).toMatchObject({ state: 'verified', access: 'full' });
    const reasons = (await t.realname.history(reg, a!.id)).map((h) => h.reason);
    expect(reasons).toEqual([
      'REGISTERED',
      'GRACE_EXPIRED',
      'NOTICE_EXPIRED',
      'RESTRICTION_EXPIRED',
      'VERIFIED',
    ]);
    const entries = (await t.entries()).filter(
      (e) => e.subject === a!.id && e.action.startsWith('account.') && e.action !== 'account.verification',
    );
    expect(entries.map((e) => e.reason)).toEqual(reasons);
    expect(
      entries
        .filter((e) => e.reason !== 'REGISTERED' && e.reason !== 'VERIFIED')
        .every((e) => e.actor === 'system:enforcement'),
    ).toBe(true);
  });

  it('enforcement moves each account one step per run across batches, even with zero-day periods', async () => {
    // Game: no grace, no notice period. Ten accounts, batches of three.
    const accounts = await t.realname.register(
      reg,
      Array.from({ length: 10 }, () => ({ service: 'game' })),
    );
    const at = (ms: number) => new Date(t.clock().getTime() + ms);
    expect((await t.realname.enforce({ now: t.clock(), batchSize: 3 })).transitions).toEqual({}); // not yet past
    const first = await t.realname.enforce({ now: at(3_600_000), batchSize: 3 });
    expect(first).toMatchObject({ transitions: { GRACE_EXPIRED: 10 }, batches: 4 });
    expect((await t.realname.enforce({ now: at(3_600_000), batchSize: 3 })).transitions).toEqual({});
    expect((await t.realname.enforce({ now: at(7_200_000), batchSize: 3 })).transitions).toEqual({
      NOTICE_EXPIRED: 10,
    });
    for (const a of accounts) {
      const history = await t.realname.history(reg, a.id);
      expect(history.map((h) => h.reason)).toEqual(['REGISTERED', 'GRACE_EXPIRED', 'NOTICE_EXPIRED']);
      // A step is dated when it happened, not at the time deadlines were read at.
      expect(history.every((h) => h.at === t.clock().toISOString())).toBe(true);
    }
  });

  it('enforcement stops at a batch whose audit append fails, and moves no account without its entry', async () => {
    const accounts = await t.realname.register(
      reg,
      Array.from({ length: 10 }, () => ({ service: 'game' })),
    );
    const later = new Date(t.clock().getTime() + 3_600_000);
    let batches = 0;
    const run = t.realname.enforce({
      now: later,
      batchSize: 3,
      onProgress: () => {
        // After the first batch has landed, the log stops taking entries.
        if (++batches === 1) void t.auditLog.close();
      },
    });
    await expect(run).rejects.toBeDefined();
    const logged = new Set(
      (await t.entries())
        .filter((e) => e.reason === 'GRACE_EXPIRED' && e.outcome === 'ok')
        .map((e) => e.subject),
    );
    let moved = 0;
    for (const a of accounts) {
      const history = await t.realname.history(reg, a.id);
      if (history.some((h) => h.reason === 'GRACE_EXPIRED')) {
        moved++;
        expect(logged.has(a.id)).toBe(true);
      }
    }
    expect(moved).toBeGreaterThanOrEqual(3);
    expect(moved).toBeLessThan(10);
  });

  it('a lapsed account that fails verification stays where it is', async () => {
    const [a] = await t.realname.register(reg, [{ service: 'social' }]);
    t.clock.advance(31 * DAY);
    await t.realname.enforce();
    const p = t.population[4]!;
    const { account } = await verifyBy2f(a!.id, {
      name: t.population[21]!.name === p.name ? '欧阳明' : t.population[21]!.name,
      residentId: p.residentId,
    });
    expect(account.state).toBe('notified');
  });

  it('risk triggers send a verified account to re-verification with the policy deadline', async () => {
    const p = t.population[5]!;
    const [a] = await t.realname.register(reg, [{ service: 'social' }]);
    await verifyBy2f(a!.id, p);
    const flagged = await t.realname.flagRisk(reg, a!.id, 'phone-change');
    expect(flagged.state).toBe('notified');
    expect(new Date(flagged.deadlineAt!).getTime() - t.clock().getTime()).toBe(72 * 3_600_000);
    t.clock.advance(73 * 3_600_000);
    expect((await t.realname.enforce()).transitions).toEqual({ NOTICE_EXPIRED: 1 });
    expect((await verifyBy2f(a!.id, p)).account.state).toBe('verified');
    // A trigger the policy has no deadline for is refused.
    const [g] = await t.realname.register(reg, [{ service: 'game' }]);
    await t.realname.verify(reg, g!.id, {
      method: 'id-two-factor',
      fields: { CN_NAME: p.name, CN_RESIDENT_ID: p.residentId },
    });
    await expect(t.realname.flagRisk(reg, g!.id, 'device-change')).rejects.toMatchObject({
      code: 'INVALID_FIELD',
    });
  });

  it('closing gives the slot back; a banned identity cannot register with the service again', async () => {
    const p = t.population[6]!;
    const [a, b] = await t.realname.register(reg, [{ service: 'social' }, { service: 'social' }]);
    await verifyBy2f(a!.id, p);
    const closed = await t.realname.close(reg, a!.id, 'user');
    expect(closed.state).toBe('closed');
    await expect(t.realname.close(reg, a!.id, 'user')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await expect(verifyBy2f(a!.id, p)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    await t.realname.ban(reg, a!.id);
    const calls = t.verifier.calls;
    const err = await verifyBy2f(b!.id, p).catch((e: unknown) => e);
    expect(isRealnameError(err, 'IDENTITY_BANNED')).toBe(true);
    expect(t.verifier.calls).toBe(calls); // refused before the authority is asked (and billed)
    expect((await t.realname.getAccount(reg, b!.id)).state).toBe('rejected');
  });

  it('the accounts-per-identity limit holds under a concurrent race', async () => {
    const p = t.population[7]!;
    // Telecom: 5 numbers per identity per operator.
    const accounts = await t.realname.register(
      reg,
      Array.from({ length: 8 }, () => ({ service: 'telecom' })),
    );
    const results = await Promise.allSettled(accounts.map((a) => verifyBy2f(a.id, p)));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'IDENTITY_LIMIT_REACHED' });
    // Closing one frees a slot.
    const verified = (await Promise.all(accounts.map((a) => t.realname.getAccount(reg, a.id)))).filter(
      (a) => a.state === 'verified',
    );
    await t.realname.close(reg, verified[0]!.id, 'provider');
    const rejected = (await Promise.all(accounts.map((a) => t.realname.getAccount(reg, a.id)))).filter(
      (a) => a.state === 'rejected',
    );
    expect(rejected).toHaveLength(3);
    expect((await verifyBy2f(rejected[0]!.id, p)).account.state).toBe('verified');
    // One identity subject holds the retained ID number for all five lines.
    const identities = await t.store.db
      .selectFrom('realname_identities' as never)
      .selectAll()
      .execute();
    expect(identities).toHaveLength(1);
  });

  it('a minor under the consent age waits for a verified adult guardian', async () => {
    const [child] = people(1, 99, [2016, 2016]);
    const parent = t.population[8]!;
    t.verifier.byId.set(child!.residentId, child!);
    const [c, g] = await t.realname.register(reg, [{ service: 'game' }, { service: 'game' }]);
    const err = await verifyBy2f(c!.id, child!).catch((e: unknown) => e);
    expect(isRealnameError(err, 'GUARDIAN_CONSENT_REQUIRED')).toBe(true);
    expect((await t.realname.getAccount(reg, c!.id)).state).toBe('pending');
    await expect(t.realname.guardianConsent(reg, c!.id, g!.id)).rejects.toMatchObject({
      code: 'INVALID_FIELD',
    });
    await verifyBy2f(g!.id, parent);
    const consented = await t.realname.guardianConsent(reg, c!.id, g!.id);
    expect(consented).toMatchObject({ state: 'verified', minor: true, ageBand: '8-13' });
    // Play windows: 2026-03-06 is a Friday; 20:30 Beijing is 12:30 UTC.
    expect((await t.realname.playDecision(reg, c!.id, new Date('2026-03-06T12:30:00Z'))).allowed).toBe(true);
    expect((await t.realname.playDecision(reg, c!.id, new Date('2026-03-04T12:30:00Z'))).allowed).toBe(false);
    expect((await t.realname.playDecision(reg, g!.id, new Date('2026-03-04T12:30:00Z'))).reason).toBe(
      'ADULT',
    );
  });

  it('network identity: no plaintext accepted, the account is keyed by the opaque number', async () => {
    const p = t.population[9]!;
    const [a] = await t.realname.register(reg, [{ service: 'public-service' }]);
    await expect(
      t.realname.verify(reg, a!.id, {
        method: 'network-identity',
        fields: { CN_RESIDENT_ID: p.residentId },
        networkIdentity: { bizSeq: 'A'.repeat(32), authData: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'PLAINTEXT_NOT_ALLOWED' });
    const { bizSeq, account } = await t.realname.startNetworkIdentity(reg, a!.id);
    expect(account.state).toBe('pending');
    const { account: verified } = await t.realname.verify(reg, a!.id, {
      method: 'network-identity',
      networkIdentity: { bizSeq, authData: t.verifier.credentialFor(p) },
    });
    expect(verified).toMatchObject({ state: 'verified', level: 'L3', method: 'network-identity' });
    // Nothing of the person's identity was stored: no vault subject at all.
    const subjects = await t.store.db.selectFrom('vault_subjects').selectAll().execute();
    expect(subjects).toHaveLength(0);
  });

  it('an authority outage decides nothing and changes no state', async () => {
    const p = t.population[10]!;
    const [a] = await t.realname.register(reg, [{ service: 'social' }]);
    t.verifier.outage = true;
    await expect(verifyBy2f(a!.id, p)).rejects.toMatchObject({ code: 'VERIFICATION_UNAVAILABLE' });
    expect((await t.realname.getAccount(reg, a!.id)).state).toBe('unverified');
    t.verifier.outage = false;
    expect((await verifyBy2f(a!.id, p)).account.state).toBe('verified');
  });

  it('the footprint lists only the caller identity; "not mine" sends that account to re-verification', async () => {
    const me = t.population[11]!;
    const other = t.population[12]!;
    const [mine1, mine2, theirs] = await t.realname.register(reg, [
      { service: 'social' },
      { service: 'telecom' },
      { service: 'social' },
    ]);
    await verifyBy2f(mine1!.id, me);
    await verifyBy2f(mine2!.id, me);
    await verifyBy2f(theirs!.id, other);
    const footprint = await t.realname.footprint(reg, mine1!.id);
    expect(footprint.map((f) => f.id).sort()).toEqual([mine1!.id, mine2!.id].sort());
    expect(footprint.find((f) => f.id === mine1!.id)?.current).toBe(true);
    await expect(t.realname.reportNotMine(reg, mine1!.id, theirs!.id)).rejects.toMatchObject({
      code: 'ACCOUNT_NOT_FOUND',
    });
    const report = await t.realname.reportNotMine(reg, mine1!.id, mine2!.id);
    expect(report.state).toBe('notified');
    // The review queue: a dismissed report leaves the account to its re-verification deadline.
    const reviewer = t.as('investigator');
    expect(await t.realname.listReports(reviewer, 'open')).toMatchObject([
      { id: report.reportId, account: mine2!.id, reporterAccount: mine1!.id, status: 'open' },
    ]);
    await t.realname.resolveReport(reviewer, report.reportId, 'dismissed');
    expect(await t.realname.listReports(reviewer, 'open')).toEqual([]);
    expect((await t.realname.getAccount(reg, mine2!.id)).state).toBe('notified');
    await expect(t.realname.resolveReport(reviewer, report.reportId, 'account-closed')).rejects.toMatchObject(
      {
        code: 'INVALID_TRANSITION',
      },
    );
  });

  it('every transition reason is reachable only from its listed states', () => {
    for (const [reason, { from }] of Object.entries(TRANSITIONS)) {
      expect(from.length, reason).toBeGreaterThan(0);
    }
  });
});

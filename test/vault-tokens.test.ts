/**
 * Lookups and tokens on every dialect: blind-index lookups by any spelling of a value, every token
 * kind round-trips, format tokens pass format checks but never validate as real numbers, and
 * detokenizing is masked unless PLAIN is asked for and allowed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMobileToken, isResidentIdToken } from '../src/crypto/format-token.ts';
import { hasValidMod112Check } from '../src/crypto/mod11-2.ts';
import { piType } from '../src/pi/catalogue.ts';
import type { VaultError } from '../src/vault/errors.ts';
import { testDialects } from './support/databases.ts';
import { openVaultFixture, TEST_POLICY, type VaultFixture } from './support/vault.ts';
import { mobile } from './synth/contacts.ts';
import { residentId } from './synth/ids.ts';
import { mulberry32 } from './synth/rng.ts';

describe.each(testDialects)('vault lookups and tokens on %s', (dialect) => {
  let t: VaultFixture;
  let id: string;
  let resident: string;
  const MOBILE = '13812345678';

  beforeEach(async () => {
    t = await openVaultFixture(dialect);
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
    resident = residentId(mulberry32(5));
    [id] = (await t.vault.createSubjects(t.as('registrar'), [
      { fields: { CN_RESIDENT_ID: resident, CN_MOBILE: MOBILE, CN_NAME: '张三' } },
    ])) as [string];
  });
  afterEach(() => t.close());

  it('looks subjects up by blind index, whatever the spelling, and audits hits and misses', async () => {
    const found = await t.vault.lookup(t.as('registrar'), [
      { field: 'CN_MOBILE', value: '+86 138-1234-5678' },
      { field: 'CN_RESIDENT_ID', value: resident.toLowerCase() },
      { field: 'CN_MOBILE', value: '13900000000' },
    ]);
    expect(found).toEqual([[id], [id], []]);
    const lookups = (await t.entries()).filter((e) => e.action === 'subject.lookup');
    expect(lookups.map((e) => e.subject)).toEqual([
      id,
      id,
      t.auditLog.identifier('CN_MOBILE', '13900000000'),
    ]);
    expect(lookups[2]!.count).toBe(0);

    // Names have no index; agents have no lookup rule.
    await expect(
      t.vault.lookup(t.as('registrar'), [{ field: 'CN_NAME', value: '张三' }]),
    ).rejects.toMatchObject({
      code: 'INVALID_FIELD',
      field: 'field',
    });
    await expect(
      t.vault.lookup(t.as('agent'), [{ field: 'CN_MOBILE', value: MOBILE }]),
    ).rejects.toMatchObject({
      code: 'POLICY_DENIED',
    });
  });

  it('round-trips random, deterministic and format tokens; detokenize is masked by default', async () => {
    const issued = await t.vault.tokenize(t.as('registrar'), [
      { subject: id, field: 'CN_MOBILE' },
      { subject: id, field: 'CN_MOBILE' },
      { subject: id, field: 'CN_MOBILE', kind: 'deterministic', scope: 'partner-a' },
      { subject: id, field: 'CN_MOBILE', kind: 'deterministic', scope: 'partner-a' },
      { subject: id, field: 'CN_MOBILE', kind: 'deterministic', scope: 'partner-b' },
      { subject: id, field: 'CN_RESIDENT_ID', kind: 'format', scope: 'partner-a' },
      { subject: id, field: 'CN_MOBILE', kind: 'format' },
    ]);
    const [r1, r2, d1, d2, d3, fId, fMobile] = issued.map((x) => x.token) as string[];
    expect(r1).toMatch(/^tok_[0-9A-Za-z]{22}$/);
    expect(r1).not.toBe(r2);
    expect(d1).toBe(d2);
    expect(d1).not.toBe(d3);
    expect(isResidentIdToken(fId!)).toBe(true);
    expect(fId).toHaveLength(18);
    expect(fId!.startsWith('0')).toBe(true);
    expect(hasValidMod112Check(fId!)).toBe(true);
    expect(piType('CN_RESIDENT_ID').validate(fId!).valid).toBe(false);
    expect(isMobileToken(fMobile!)).toBe(true);
    expect(fMobile!.startsWith('2')).toBe(true);
    expect(piType('CN_MOBILE').validate(fMobile!).valid).toBe(false);
    expect(piType('CN_LANDLINE').validate(fMobile!).valid).toBe(false);
    // The same value and scope give the same format token again.
    const again = await t.vault.tokenize(t.as('registrar'), [
      { subject: id, field: 'CN_RESIDENT_ID', kind: 'format', scope: 'partner-a' },
    ]);
    expect(again[0]!.token).toBe(fId);

    const all = [r1!, r2!, d1!, d3!, fId!, fMobile!];
    const masked = await t.vault.detokenize(t.as('agent'), all);
    expect(masked.map((m) => (m.ok ? m.value : m.error))).toEqual([
      '138****5678',
      '138****5678',
      '138****5678',
      '138****5678',
      piType('CN_RESIDENT_ID').mask(resident),
      '138****5678',
    ]);
    // Agents asking for PLAIN still get MASKED; investigators get PLAIN when they ask.
    expect((await t.vault.detokenize(t.as('agent'), [r1!], { access: 'PLAIN' }))[0]).toMatchObject({
      ok: true,
      access: 'MASKED',
    });
    const plain = await t.vault.detokenize(t.as('investigator'), all, { access: 'PLAIN' });
    expect(plain.map((p) => (p.ok ? p.value : p.error))).toEqual([
      MOBILE,
      MOBILE,
      MOBILE,
      MOBILE,
      resident,
      MOBILE,
    ]);
    expect((await t.vault.detokenize(t.as('investigator'), [fId!]))[0]).toMatchObject({ access: 'MASKED' });

    // Unknown tokens, and a format token of another scope, are not found.
    const other = await t.vault.detokenize(t.as('agent'), [
      'tok_0000000000000000000000',
      `${fId!.slice(0, 17)}0`,
    ]);
    expect(other.map((o) => (o.ok ? 'ok' : o.error))).toEqual(['TOKEN_NOT_FOUND', 'TOKEN_NOT_FOUND']);

    const actions = (await t.entries()).map((e) => e.action);
    expect(actions).toContain('token.create.format');
    expect(actions).toContain('token.detokenize.plain');
  });

  it('issues format tokens that are always format-valid and never validate as real numbers (200 subjects)', async () => {
    const rng = mulberry32(77);
    const values = Array.from({ length: 200 }, () => ({
      CN_RESIDENT_ID: residentId(rng),
      CN_MOBILE: mobile(rng, { format: 'plain' }),
    }));
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      values.map((fields) => ({ fields })),
    );
    const issued = await t.vault.tokenize(
      t.as('registrar'),
      ids.flatMap((subject) => [
        { subject, field: 'CN_RESIDENT_ID', kind: 'format' as const, scope: 'export-2026' },
        { subject, field: 'CN_MOBILE', kind: 'format' as const, scope: 'export-2026' },
      ]),
    );
    for (const { token, field } of issued) {
      if (field === 'CN_RESIDENT_ID') {
        expect(isResidentIdToken(token)).toBe(true);
        expect(piType('CN_RESIDENT_ID').validate(token).valid).toBe(false);
      } else {
        expect(isMobileToken(token)).toBe(true);
        expect(piType('CN_MOBILE').validate(token).valid).toBe(false);
        expect(piType('CN_LANDLINE').validate(token).valid).toBe(false);
      }
    }
    const back = await t.vault.detokenize(
      t.as('investigator'),
      issued.map((x) => x.token),
      { access: 'PLAIN' },
    );
    expect(back.map((b) => (b.ok ? b.value : b.error))).toEqual(
      values.flatMap((v) => [v.CN_RESIDENT_ID, v.CN_MOBILE]),
    );
  });

  it('deletes value-derived tokens when the value changes; random tokens follow the field', async () => {
    const [random, det] = await t.vault.tokenize(t.as('registrar'), [
      { subject: id, field: 'CN_MOBILE' },
      { subject: id, field: 'CN_MOBILE', kind: 'deterministic' },
    ]);
    await t.vault.updateSubject(t.as('registrar'), id, { CN_MOBILE: '13700001111' });
    const out = await t.vault.detokenize(t.as('investigator'), [random!.token, det!.token], {
      access: 'PLAIN',
    });
    expect(out[0]).toMatchObject({ ok: true, value: '13700001111' });
    expect(out[1]).toMatchObject({ ok: false, error: 'TOKEN_NOT_FOUND' });
  });

  it('refuses format tokens for other fields, bad scopes and fields the subject lacks', async () => {
    const attempt = (req: Parameters<typeof t.vault.tokenize>[1][number]) =>
      t.vault.tokenize(t.as('registrar'), [req]).then(
        () => undefined,
        (e: VaultError) => ({ code: e.code, field: e.field }),
      );
    expect(await attempt({ subject: id, field: 'CN_NAME', kind: 'format' })).toEqual({
      code: 'INVALID_FIELD',
      field: 'kind',
    });
    expect(await attempt({ subject: id, field: 'CN_MOBILE', scope: 'a b' })).toEqual({
      code: 'INVALID_FIELD',
      field: 'scope',
    });
    expect(await attempt({ subject: id, field: 'EMAIL' })).toEqual({ code: 'INVALID_FIELD', field: 'EMAIL' });
    expect(await attempt({ subject: 'sub_0000000000000000000000', field: 'CN_MOBILE' })).toEqual({
      code: 'SUBJECT_NOT_FOUND',
      field: undefined,
    });
  });
});

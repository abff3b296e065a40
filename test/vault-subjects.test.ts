/**
 * The vault's subjects on every dialect: every PI type round-trips, reads go through the policy
 * (masked, plain, redacted, denied; default deny), bad values are refused naming the field but
 * never echoing the value, and a resident ID belongs to one subject even under concurrent creates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { piType } from '../src/pi/catalogue.ts';
import { PI_TYPE_IDS, type PiTypeId } from '../src/pi/types.ts';
import { VaultError } from '../src/vault/errors.ts';
import { REDACTED_VALUE } from '../src/vault/fields.ts';
import { testDialects } from './support/databases.ts';
import { openVaultFixture, samples, TEST_POLICY, type VaultFixture } from './support/vault.ts';
import { corruptCheckChar, residentId } from './synth/ids.ts';
import { mulberry32 } from './synth/rng.ts';

async function failure(p: Promise<unknown>): Promise<VaultError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error('expected a VaultError');
}

describe.each(testDialects)('vault subjects on %s', (dialect) => {
  let t: VaultFixture;
  beforeEach(async () => {
    t = await openVaultFixture(dialect);
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
  });
  afterEach(() => t.close());

  it('stores every PI type of the catalogue and reads it back plain (investigator) and masked (agent)', async () => {
    const values = samples(7);
    expect(Object.keys(values).sort()).toEqual([...PI_TYPE_IDS].sort());
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: values }]);
    expect(id).toMatch(/^sub_[0-9A-Za-z]{22}$/);

    const plain = await t.vault.readSubject(t.as('investigator'), id!, { access: 'PLAIN' });
    for (const type of PI_TYPE_IDS) {
      expect(plain.fields[type], type).toBe(piType(type).normalise(values[type]));
      expect(plain.access[type]).toBe('PLAIN');
    }
    // Without asking for PLAIN, even an investigator gets masked values.
    const asked = await t.vault.readSubject(t.as('investigator'), id!);
    expect(asked.access.CN_MOBILE).toBe('MASKED');

    const masked = await t.vault.readSubject(t.as('agent'), id!, { access: 'PLAIN' });
    for (const type of PI_TYPE_IDS.filter((x) => x !== 'CN_BANK_CARD')) {
      expect(masked.fields[type], type).toBe(piType(type).mask(piType(type).normalise(values[type])));
      expect(masked.access[type]).toBe('MASKED');
    }
    // An explicit DENY beats the agent's "*": the card is left out and listed.
    expect(masked.fields.CN_BANK_CARD).toBeUndefined();
    expect(masked.denied).toEqual(['CN_BANK_CARD']);

    const entries = await t.entries();
    const reads = entries.filter((e) => e.action.startsWith('subject.read'));
    expect(reads.map((e) => e.action)).toEqual(['subject.read.plain', 'subject.read', 'subject.read']);
    expect(reads[0]).toMatchObject({ subject: id, role: 'investigator', purpose: 'fraud-investigation' });
  });

  it('denies by default: an empty policy shows nothing, and an unlisted purpose is refused', async () => {
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_MOBILE: '13812345678' } }]);
    const other = { tenant: 'beta' };
    const [betaId] = await t.vault.createSubjects(t.as('registrar', other), [
      { fields: { CN_MOBILE: '13812345678', CN_NAME: '张三' } },
    ]);
    // Tenant beta has no policy: its only purpose is "maintenance", and no rule allows anything.
    const view = await t.vault.readSubject(
      t.as('investigator', { ...other, purpose: 'maintenance' }),
      betaId!,
      {
        access: 'PLAIN',
      },
    );
    expect(view.fields).toEqual({});
    expect(view.denied.sort()).toEqual(['CN_MOBILE', 'CN_NAME']);
    const e = await failure(t.vault.readSubjects(t.as('investigator', other), [betaId!]));
    expect(e.code).toBe('POLICY_DENIED');
    expect(e.field).toBe('purpose');
    // A role with no rule for the purpose sees nothing either.
    const registrar = await t.vault.readSubject(t.as('registrar'), id!);
    expect(registrar.fields).toEqual({});
    // Tenants are separate: acme's subject does not exist for beta.
    const cross = await t.vault.readSubjects(t.as('investigator', { ...other, purpose: 'maintenance' }), [
      id!,
    ]);
    expect(cross).toEqual({ subjects: [], notFound: [id] });
  });

  it('returns REDACTED fields as a placeholder without decrypting them', async () => {
    await t.vault.setPolicy(t.as('admin'), {
      ...TEST_POLICY,
      rules: [{ roles: ['agent'], purposes: ['customer-support'], fields: ['*'], access: 'REDACTED' }],
    });
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_NAME: '李四' } }]);
    const view = await t.vault.readSubject(t.as('agent'), id!, { access: 'PLAIN' });
    expect(view.fields).toEqual({ CN_NAME: REDACTED_VALUE });
    expect(view.access).toEqual({ CN_NAME: 'REDACTED' });
  });

  it('refuses a bad ID number with INVALID_FIELD naming the field and item, never the value', async () => {
    const rng = mulberry32(3);
    const good = residentId(rng);
    const bad = corruptCheckChar(residentId(rng), rng);
    const e = await failure(
      t.vault.createSubjects(t.as('registrar'), [
        { fields: { CN_RESIDENT_ID: good } },
        { fields: { CN_NAME: '王五', CN_RESIDENT_ID: bad } },
      ]),
    );
    expect(e.code).toBe('INVALID_FIELD');
    expect(e.field).toBe('CN_RESIDENT_ID');
    expect(e.item).toBe(1);
    expect(e.message).not.toContain(bad);
    expect(e.message).not.toContain(bad.slice(0, 6));
    expect(JSON.stringify(e)).not.toContain(bad);
    // All or nothing: the valid first item was not created either.
    expect(await t.vault.lookup(t.as('registrar'), [{ field: 'CN_RESIDENT_ID', value: good }])).toEqual([[]]);

    const unknown = await failure(
      t.vault.createSubjects(t.as('registrar'), [
        { fields: { '13812345678': 'x' } as Record<string, string> },
      ]),
    );
    expect(unknown.code).toBe('INVALID_FIELD');
    expect(unknown.field).toBe('fields');
    expect(unknown.message).not.toContain('13812345678');
  });

  it('keeps one subject per resident ID, even under 20 concurrent creates', async () => {
    const id = residentId(mulberry32(11));
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        t.vault.createSubjects(t.as('registrar'), [
          { fields: { CN_RESIDENT_ID: id, CN_MOBILE: `1381234${String(i).padStart(4, '0')}` } },
        ]),
      ),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(VaultError);
      expect((l.reason as VaultError).code).toBe('DUPLICATE_SUBJECT');
      expect((l.reason as VaultError).field).toBe('CN_RESIDENT_ID');
      expect((l.reason as VaultError).message).not.toContain(id);
    }
    expect(await t.vault.lookup(t.as('registrar'), [{ field: 'CN_RESIDENT_ID', value: id }])).toEqual([
      [(won[0] as PromiseFulfilledResult<string[]>).value[0]],
    ]);
    // Also refused within one batch, naming the second item.
    const other = residentId(mulberry32(12));
    const e = await failure(
      t.vault.createSubjects(t.as('registrar'), [
        { fields: { CN_RESIDENT_ID: other } },
        { fields: { CN_RESIDENT_ID: other.toLowerCase() } },
      ]),
    );
    expect(e).toMatchObject({ code: 'DUPLICATE_SUBJECT', item: 1, field: 'CN_RESIDENT_ID' });
  });

  it('updates fields: re-encrypts, re-indexes, removes with null, refuses taking another subject’s ID', async () => {
    const rng = mulberry32(21);
    const [a, b] = await t.vault.createSubjects(t.as('registrar'), [
      { fields: { CN_RESIDENT_ID: residentId(rng), CN_MOBILE: '13912345678', CN_NAME: '赵六' } },
      { fields: { CN_RESIDENT_ID: residentId(rng) } },
    ]);
    await t.vault.updateSubject(t.as('registrar'), a!, { CN_MOBILE: '13700001111', CN_NAME: null });
    const view = await t.vault.readSubject(t.as('investigator'), a!, { access: 'PLAIN' });
    expect(view.fields).toMatchObject({ CN_MOBILE: '13700001111' });
    expect(view.fields.CN_NAME).toBeUndefined();
    const found = await t.vault.lookup(t.as('registrar'), [
      { field: 'CN_MOBILE', value: '13912345678' },
      { field: 'CN_MOBILE', value: '+86 137 0000 1111' },
    ]);
    expect(found).toEqual([[], [a]]);

    const bId = (await t.vault.readSubject(t.as('investigator'), b!, { access: 'PLAIN' })).fields
      .CN_RESIDENT_ID!;
    const e = await failure(t.vault.updateSubject(t.as('registrar'), a!, { CN_RESIDENT_ID: bId }));
    expect(e).toMatchObject({ code: 'DUPLICATE_SUBJECT', field: 'CN_RESIDENT_ID' });
    // Setting a subject's own ID again is not a duplicate.
    const aId = (await t.vault.readSubject(t.as('investigator'), a!, { access: 'PLAIN' })).fields
      .CN_RESIDENT_ID!;
    await t.vault.updateSubject(t.as('registrar'), a!, { CN_RESIDENT_ID: aId });

    const missing = await failure(
      t.vault.updateSubject(t.as('registrar'), 'sub_0000000000000000000000', { CN_NAME: '张三' }),
    );
    expect(missing.code).toBe('SUBJECT_NOT_FOUND');
  });

  it('reads in batches, listing ids that are not subjects', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      fields: { CN_MOBILE: `1360000${String(i).padStart(4, '0')}` } as Partial<Record<PiTypeId, string>>,
    }));
    const created = await t.vault.createSubjects(
      t.as('registrar'),
      items as { fields: Record<string, string> }[],
    );
    expect(new Set(created).size).toBe(50);
    const missing = 'sub_zzzzzzzzzzzzzzzzzzzzzz';
    const { subjects, notFound } = await t.vault.readSubjects(t.as('agent'), [...created, missing]);
    expect(subjects.map((s) => s.id)).toEqual(created);
    expect(subjects[7]!.fields.CN_MOBILE).toBe('136****0007');
    expect(notFound).toEqual([missing]);
  });
});

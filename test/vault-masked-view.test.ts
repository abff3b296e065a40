/**
 * The masked view (src/vault/masked-view.ts) on every dialect: masked reads served from it say
 * exactly what reading and masking every field says, through creates, updates (concurrent ones
 * included), field filters, redaction and denial by policy, and subjects stored before views
 * existed; erasure leaves no view behind.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { piType } from '../src/pi/catalogue.ts';
import { startVaultJobs } from '../src/vault/jobs.ts';
import type { SubjectView } from '../src/vault/read-subjects.ts';
import { testDialects } from './support/databases.ts';
import { openVaultFixture, TEST_POLICY, type VaultFixture } from './support/vault.ts';
import { mobile } from './synth/contacts.ts';
import { residentId } from './synth/ids.ts';
import { address, name } from './synth/names.ts';
import { mulberry32 } from './synth/rng.ts';

describe.each(testDialects)('masked views on %s', (dialect) => {
  let t: VaultFixture;
  beforeEach(async () => {
    t = await openVaultFixture(dialect);
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
  });
  afterEach(() => t.close());

  const agent = () => t.as('agent');
  const view = async (id: string) =>
    (
      await t.store.db
        .selectFrom('vault_subjects')
        .select('masked_view')
        .where('subject_id', '=', id)
        .executeTakeFirstOrThrow()
    ).masked_view;
  /** What a masked read must say: every plain value, masked by the catalogue. */
  const expected = async (id: string): Promise<Record<string, string>> => {
    const plain = await t.vault.readSubject(t.as('investigator'), id, { access: 'PLAIN' });
    return Object.fromEntries(Object.entries(plain.fields).map(([f, v]) => [f, piType(f as never).mask(v)]));
  };
  /** A masked read the long way: the view dropped first, as for a subject stored before views. */
  const withoutView = async (id: string): Promise<SubjectView> => {
    const saved = await view(id);
    await t.store.db
      .updateTable('vault_subjects')
      .set({ masked_view: null })
      .where('subject_id', '=', id)
      .execute();
    try {
      return await t.vault.readSubject(agent(), id);
    } finally {
      await t.store.db
        .updateTable('vault_subjects')
        .set({ masked_view: saved })
        .where('subject_id', '=', id)
        .execute();
    }
  };
  const strip = (v: SubjectView) => ({ fields: v.fields, access: v.access, denied: v.denied });

  it('answers masked reads exactly as masking every field does, the long way included', async () => {
    const rng = mulberry32(61);
    const people = Array.from({ length: 5 }, () => ({
      CN_NAME: name(rng),
      CN_RESIDENT_ID: residentId(rng),
      CN_MOBILE: mobile(rng, { format: 'plain' }),
      CN_ADDRESS: address(rng),
    }));
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      people.map((fields) => ({ fields })),
    );
    for (const id of ids) {
      expect(await view(id)).toBeInstanceOf(Uint8Array);
      const fromView = await t.vault.readSubject(agent(), id);
      expect(fromView.fields).toEqual(await expected(id));
      expect(Object.keys(fromView.fields)).toEqual(Object.keys(await expected(id)));
      expect(strip(fromView)).toEqual(strip(await withoutView(id)));
    }
    // Batches, a field filter, and redaction asked for by the caller.
    const batch = await t.vault.readSubjects(agent(), ids, { fields: ['CN_MOBILE', 'CN_NAME'] });
    expect(batch.subjects.map((s) => Object.keys(s.fields).sort())).toEqual(
      ids.map(() => ['CN_MOBILE', 'CN_NAME']),
    );
    const redacted = await t.vault.readSubject(agent(), ids[0]!, { access: 'REDACTED' });
    expect(Object.values(redacted.fields)).toEqual(['[REDACTED]', '[REDACTED]', '[REDACTED]', '[REDACTED]']);
    expect(Object.values(redacted.access)).toEqual(['REDACTED', 'REDACTED', 'REDACTED', 'REDACTED']);
  });

  it('leaves out and lists the fields the policy denies, as the long way does', async () => {
    const rng = mulberry32(62);
    const [id] = await t.vault.createSubjects(t.as('registrar'), [
      { fields: { CN_NAME: name(rng), CN_BANK_CARD: '6222021234567890128' } },
    ]);
    const fromView = await t.vault.readSubject(agent(), id!);
    expect(fromView.denied).toEqual(['CN_BANK_CARD']);
    expect(Object.keys(fromView.fields)).toEqual(['CN_NAME']);
    expect(strip(fromView)).toEqual(strip(await withoutView(id!)));
  });

  it('follows updates: values set and removed, in any order, one update after another', async () => {
    const rng = mulberry32(63);
    const [id] = await t.vault.createSubjects(t.as('registrar'), [
      { fields: { CN_NAME: name(rng), CN_MOBILE: mobile(rng, { format: 'plain' }) } },
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            CN_NAME: fc.option(fc.constantFrom(...Array.from({ length: 5 }, () => name(rng))), { nil: null }),
            CN_MOBILE: fc.option(
              fc.constantFrom(...Array.from({ length: 5 }, () => mobile(rng, { format: 'plain' }))),
              {
                nil: null,
              },
            ),
            CN_ADDRESS: fc.option(fc.constantFrom(...Array.from({ length: 5 }, () => address(rng))), {
              nil: null,
            }),
          },
          { requiredKeys: [] },
        ),
        async (change) => {
          if (Object.keys(change).length === 0) return;
          await t.vault.updateSubject(t.as('registrar'), id!, change);
          expect((await t.vault.readSubject(agent(), id!)).fields).toEqual(await expected(id!));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stays exact when updates of different fields of one subject run at the same time', async () => {
    const rng = mulberry32(64);
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_NAME: name(rng) } }]);
    const changes = [
      { CN_MOBILE: mobile(rng, { format: 'plain' }) },
      { CN_ADDRESS: address(rng) },
      { CN_RESIDENT_ID: residentId(rng) },
      { CN_NAME: name(rng) },
    ];
    await Promise.all(changes.map((c) => t.vault.updateSubject(t.as('registrar'), id!, c)));
    const fields = (await t.vault.readSubject(agent(), id!)).fields;
    expect(Object.keys(fields).sort()).toEqual(['CN_ADDRESS', 'CN_MOBILE', 'CN_NAME', 'CN_RESIDENT_ID']);
    expect(fields).toEqual(await expected(id!));
  });

  it('is built in the background for subjects stored before views, never over a newer one', async () => {
    const rng = mulberry32(66);
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      Array.from({ length: 4 }, () => ({
        fields: { CN_NAME: name(rng), CN_MOBILE: mobile(rng, { format: 'plain' }) },
      })),
    );
    const [legacy, updated, erased, alsoLegacy] = ids as [string, string, string, string];
    // As if stored before migration vault/0002: no views at all.
    await t.store.db.updateTable('vault_subjects').set({ masked_view: null }).execute();
    // An update writes its own view; an erasure leaves none.
    await t.vault.updateSubject(t.as('registrar'), updated, { CN_ADDRESS: address(rng) });
    const updatedView = await view(updated);
    expect(updatedView).toBeInstanceOf(Uint8Array);
    await t.vault.eraseSubjects(t.as('registrar'), [erased]);

    expect(await t.vault.backfillMaskedViews(1)).toBe(1);
    expect(await t.vault.backfillMaskedViews()).toBe(1);
    expect(await t.vault.backfillMaskedViews()).toBe(0);
    for (const id of [legacy, alsoLegacy, updated]) {
      expect(await view(id)).toBeInstanceOf(Uint8Array);
      expect((await t.vault.readSubject(agent(), id)).fields).toEqual(await expected(id));
    }
    expect(Buffer.from((await view(updated))!).equals(Buffer.from(updatedView!))).toBe(true);
    expect(await view(erased)).toBeNull();
    // Audited per tenant and step, with a count and no subject.
    const built = (await t.entries()).filter((e) => e.action === 'subject.view.build');
    expect(built.map((e) => [e.actor, e.count, e.subject])).toEqual([
      ['vault-view-backfill', 1, undefined],
      ['vault-view-backfill', 1, undefined],
    ]);
  });

  it('is built by the vault jobs on a running server', async () => {
    const rng = mulberry32(67);
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_NAME: name(rng) } }]);
    await t.store.db.updateTable('vault_subjects').set({ masked_view: null }).execute();
    const jobs = startVaultJobs(t.vault, { rewrapIntervalMs: 0, pruneIntervalMs: 0, viewsIntervalMs: 20 });
    try {
      await vi.waitFor(async () => expect(await view(id!)).toBeInstanceOf(Uint8Array), { timeout: 5000 });
    } finally {
      await jobs.stop();
    }
  });

  it('is shredded with the subject', async () => {
    const rng = mulberry32(65);
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_NAME: name(rng) } }]);
    await t.vault.eraseSubjects(t.as('registrar'), [id!]);
    expect(await view(id!)).toBeNull();
    const { subjects } = await t.vault.readSubjects(agent(), [id!]);
    expect(subjects[0]).toMatchObject({ status: 'erased', fields: {} });
  });
});

/**
 * The end of a subject's life and key rotation, on every dialect: erasure leaves nothing
 * decryptable (and the audit log still verifies), archived subjects are pruned when their hold
 * ends (fake clock), and a KEK rotation rewraps every DEK in the background while reads go on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWrappedKey } from '../src/crypto/key-wrap.ts';
import { testDialects } from './support/databases.ts';
import { openVaultFixture, TEST_POLICY, type VaultFixture } from './support/vault.ts';
import { residentId } from './synth/ids.ts';
import { mulberry32 } from './synth/rng.ts';

describe.each(testDialects)('vault lifecycle on %s', (dialect) => {
  let t: VaultFixture;
  beforeEach(async () => {
    t = await openVaultFixture(dialect);
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
  });
  afterEach(() => t.close());

  const count = async (table: 'vault_fields' | 'vault_blind_indexes' | 'vault_tokens', subject: string) =>
    (await t.store.db.selectFrom(table).select('subject_id').where('subject_id', '=', subject).execute())
      .length;

  it('erases by crypto-shredding: key, ciphertexts, index rows and value tokens gone; the log still verifies', async () => {
    const rng = mulberry32(9);
    const resident = residentId(rng);
    const [id, keep] = (await t.vault.createSubjects(t.as('registrar'), [
      { fields: { CN_RESIDENT_ID: resident, CN_MOBILE: '13812345678', CN_NAME: '张三' } },
      { fields: { CN_RESIDENT_ID: residentId(rng) } },
    ])) as [string, string];
    const tokens = await t.vault.tokenize(t.as('registrar'), [
      { subject: id, field: 'CN_MOBILE' },
      { subject: id, field: 'CN_MOBILE', kind: 'deterministic' },
      { subject: id, field: 'CN_RESIDENT_ID', kind: 'format' },
    ]);
    const before = await t.store.db
      .selectFrom('vault_subjects')
      .select('wrapped_dek')
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(before.wrapped_dek).not.toBeNull();

    const result = await t.vault.eraseSubjects(t.as('registrar'), [id, id, 'sub_0000000000000000000000']);
    expect(result).toEqual({ erased: [id], alreadyErased: [], notFound: ['sub_0000000000000000000000'] });
    const row = await t.store.db
      .selectFrom('vault_subjects')
      .selectAll()
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'erased', wrapped_dek: null, kek_version: null });
    expect(row.erased_at).toBe(t.clock().toISOString());
    expect(await count('vault_fields', id)).toBe(0);
    expect(await count('vault_blind_indexes', id)).toBe(0);
    // Only the random token's row is left, pointing at the tombstone.
    expect(await count('vault_tokens', id)).toBe(1);

    expect(await t.vault.lookup(t.as('registrar'), [{ field: 'CN_RESIDENT_ID', value: resident }])).toEqual([
      [],
    ]);
    const out = await t.vault.detokenize(
      t.as('investigator'),
      tokens.map((x) => x.token),
      { access: 'PLAIN' },
    );
    expect(out.map((o) => (o.ok ? o.value : o.error))).toEqual([
      'SUBJECT_ERASED',
      'TOKEN_NOT_FOUND',
      'TOKEN_NOT_FOUND',
    ]);
    await expect(t.vault.readSubject(t.as('investigator'), id)).rejects.toMatchObject({
      code: 'SUBJECT_ERASED',
    });
    const { subjects } = await t.vault.readSubjects(t.as('investigator'), [id]);
    expect(subjects[0]).toMatchObject({ id, status: 'erased', fields: {}, erasedAt: row.erased_at });
    await expect(t.vault.updateSubject(t.as('registrar'), id, { CN_NAME: '李四' })).rejects.toMatchObject({
      code: 'SUBJECT_ERASED',
    });
    // The same resident ID can be registered again, as a new subject.
    const [again] = await t.vault.createSubjects(t.as('registrar'), [
      { fields: { CN_RESIDENT_ID: resident } },
    ]);
    expect(again).not.toBe(id);
    // Erasing again changes nothing; the other subject is untouched.
    expect((await t.vault.eraseSubjects(t.as('registrar'), [id])).alreadyErased).toEqual([id]);
    expect(await count('vault_fields', keep)).toBe(1);

    const entries = await t.entries();
    expect(entries.filter((e) => e.action === 'subject.erase')).toEqual([
      expect.objectContaining({ subject: id, fields: ['CN_MOBILE', 'CN_NAME', 'CN_RESIDENT_ID'] }),
    ]);
    expect(await t.verifyAudit()).toBe(BigInt(entries.length));
  });

  it('archives with a retention hold and prunes when it ends (idempotent, holds can move)', async () => {
    const rng = mulberry32(13);
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      Array.from({ length: 5 }, () => ({
        fields: { CN_RESIDENT_ID: residentId(rng), CN_MOBILE: '13812345678' },
      })),
    );
    const [a, b, c] = ids as [string, string, string];
    // Service ended now; telecom records are kept two years after.
    const twoYears = new Date('2028-03-01T08:00:00.000Z');
    expect(await t.vault.archiveSubjects(t.as('registrar'), [a, b], twoYears)).toEqual({
      archived: [a, b],
      erased: [],
      notFound: [],
    });
    await expect(t.vault.updateSubject(t.as('registrar'), a, { CN_NAME: '张三' })).rejects.toMatchObject({
      code: 'SUBJECT_ARCHIVED',
    });
    expect((await t.vault.readSubject(t.as('agent'), a)).status).toBe('archived');
    expect(await t.vault.pruneExpired()).toBe(0);

    t.clock.set('2028-02-29T00:00:00.000Z');
    await t.vault.archiveSubjects(t.as('registrar'), [c], new Date('2028-02-29T00:00:00.000Z'));
    // A legal hold: b's retention is extended before it ends.
    await t.vault.archiveSubjects(t.as('registrar'), [b], new Date('2029-01-01T00:00:00.000Z'));
    expect(await t.vault.pruneExpired()).toBe(1); // c
    t.clock.set('2028-03-01T08:00:00.000Z');
    expect(await t.vault.pruneExpired(t.clock(), 1)).toBe(1); // a
    expect(await t.vault.pruneExpired()).toBe(0);
    const { subjects } = await t.vault.readSubjects(t.as('agent'), [a, b, c]);
    expect(subjects.map((s) => s.status)).toEqual(['erased', 'archived', 'erased']);
    const prunes = (await t.entries()).filter((e) => e.actor === 'vault-prune');
    expect(prunes.map((e) => [e.action, e.subject, e.role])).toEqual([
      ['subject.erase', c, 'system'],
      ['subject.erase', a, 'system'],
    ]);
  });

  it('serves a gm tenant (SM4-GCM, HMAC-SM3) and migrates it to intl by rotation, indexes unchanged', async () => {
    const gm = await t.openAnother({ suite: 'gm' });
    const ctx = (role: 'registrar' | 'admin' | 'investigator') => t.as(role, { tenant: 'gm-tenant' });
    await gm.setPolicy(ctx('admin'), TEST_POLICY);
    const resident = residentId(mulberry32(23));
    const [id] = await gm.createSubjects(ctx('registrar'), [
      { fields: { CN_RESIDENT_ID: resident, CN_NAME: '张三' } },
    ]);
    expect((await gm.kekStatus('gm-tenant'))[0]).toMatchObject({ suite: 'gm', state: 'active' });
    const [token] = await gm.tokenize(ctx('registrar'), [
      { subject: id!, field: 'CN_RESIDENT_ID', kind: 'deterministic' },
    ]);
    expect(await gm.rotateKek(ctx('admin'), 'intl')).toEqual({ version: 2, suite: 'intl', retiring: [1] });
    const [later] = await gm.createSubjects(ctx('registrar'), [{ fields: { CN_NAME: '李四' } }]);
    expect(later).toBeDefined();
    expect((await gm.rewrapStep(100, 'gm-tenant')).rewrapped).toBe(1);
    // Blind indexes and tokens keep the suite of the tenant's first KEK: still found, still the same.
    expect(await gm.lookup(ctx('investigator'), [{ field: 'CN_RESIDENT_ID', value: resident }])).toEqual([
      [id],
    ]);
    const again = await gm.tokenize(ctx('registrar'), [
      { subject: id!, field: 'CN_RESIDENT_ID', kind: 'deterministic' },
    ]);
    expect(again[0]!.token).toBe(token!.token);
    const view = await gm.readSubject(ctx('investigator'), id!, { access: 'PLAIN' });
    expect(view.fields).toEqual({ CN_RESIDENT_ID: resident, CN_NAME: '张三' });
  });

  it('rotates the KEK: new DEKs use it at once, a background rewrap moves the rest, reads never stop', async () => {
    const rng = mulberry32(17);
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      Array.from({ length: 30 }, () => ({ fields: { CN_RESIDENT_ID: residentId(rng), CN_NAME: '王五' } })),
    );
    const server2 = await t.openAnother();
    const kekOf = async (id: string) => {
      const row = await t.store.db
        .selectFrom('vault_subjects')
        .select(['kek_version', 'wrapped_dek'])
        .where('subject_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(parseWrappedKey(row.wrapped_dek!).wrappedBy).toBe(row.kek_version);
      return row.kek_version;
    };
    const fieldsBefore = await t.store.db
      .selectFrom('vault_fields')
      .select(['subject_id', 'field', 'ciphertext'])
      .execute();

    const rotation = await t.vault.rotateKek(t.as('admin'));
    expect(rotation).toEqual({ version: 2, suite: 'intl', retiring: [1] });
    const [fresh] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_NAME: '赵六' } }]);
    expect(await kekOf(fresh!)).toBe(2);
    expect(await kekOf(ids[0]!)).toBe(1);

    // Reads continue on both servers while the rewrap runs in small steps.
    let steps = 0;
    const retired: unknown[] = [];
    for (;;) {
      const reads = await Promise.all([
        t.vault.readSubjects(t.as('investigator'), ids, { access: 'PLAIN' }),
        server2.readSubjects(t.as('agent'), [...ids, fresh!]),
      ]);
      expect(reads[0].subjects.every((s) => s.fields.CN_NAME === '王五')).toBe(true);
      expect(reads[1].subjects.every((s) => s.fields.CN_NAME !== undefined)).toBe(true);
      const step = await (steps % 2 === 0 ? t.vault : server2).rewrapStep(7);
      steps++;
      retired.push(...step.retired);
      if (step.rewrapped === 0) break;
      expect(steps).toBeLessThan(10);
    }
    // 30 DEKs in steps of 7; the step that moved the last ones also retired version 1.
    expect(steps).toBe(6);
    expect(retired).toEqual([{ tenant: 'acme', version: 1 }]);
    for (const id of ids) expect(await kekOf(id)).toBe(2);
    // Fields were not re-encrypted: only the DEKs moved.
    const fieldsAfter = await t.store.db
      .selectFrom('vault_fields')
      .select(['subject_id', 'field', 'ciphertext'])
      .execute();
    for (const f of fieldsBefore) {
      expect(
        fieldsAfter.find((g) => g.subject_id === f.subject_id && g.field === f.field)?.ciphertext,
      ).toEqual(f.ciphertext);
    }
    const status = await t.vault.kekStatus('acme');
    expect(status.map((s) => [s.version, s.state, s.deks])).toEqual([
      [1, 'retired', 0],
      [2, 'active', 31],
    ]);
    const v1 = await t.store.db
      .selectFrom('vault_keks')
      .select('wrapped')
      .where('version', '=', 1)
      .executeTakeFirst();
    expect(v1?.wrapped).toBeNull();
    // Still readable everywhere after the old KEK is gone.
    const after = await server2.readSubjects(t.as('investigator'), ids, { access: 'PLAIN' });
    expect(after.subjects.every((s) => s.fields.CN_NAME === '王五')).toBe(true);
    expect((await t.entries()).map((e) => e.action)).toEqual(
      expect.arrayContaining(['key.rotate', 'key.retire']),
    );
  });
});

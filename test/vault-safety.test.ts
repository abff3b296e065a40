/**
 * The vault's safety properties, on every dialect: quotas stop bulk pulls, a failing audit log
 * fails every access (and nothing is returned or written), no PI reaches an audit entry or an
 * error message (checked with the scanner), and erased keys do not linger in the SQLite file.
 */
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../src/audit/entry.ts';
import { scanText } from '../src/scan/stream.ts';
import { VaultError } from '../src/vault/errors.ts';
import { testDialects } from './support/databases.ts';
import { openVaultFixture, samples, TEST_POLICY, type VaultFixture } from './support/vault.ts';
import { corruptCheckChar, residentId } from './synth/ids.ts';
import { mulberry32 } from './synth/rng.ts';

/** An audit log that can be switched off. */
function switchable() {
  const state = { failing: false, attempts: 0 };
  const wrap = (log: {
    record(e: AuditEvent | readonly AuditEvent[]): Promise<bigint[]>;
    identifier(k: string, v: string): string;
  }) => ({
    record(events: AuditEvent | readonly AuditEvent[]) {
      state.attempts++;
      return state.failing ? Promise.reject(new Error('disk full')) : log.record(events);
    },
    identifier: (kind: string, value: string) => log.identifier(kind, value),
  });
  return { state, wrap };
}

/** Findings with score ≥ 0.5 outside HMAC identifiers. */
function piIn(text: string): string[] {
  const hmacs = [...text.matchAll(/hmac-(?:sha256|sm3):[0-9a-f]{64}/g)].map((m) => [
    m.index,
    m.index + m[0].length,
  ]);
  return scanText(text)
    .filter((f) => f.score >= 0.5)
    .filter((f) => !hmacs.some(([s, e]) => f.start >= s! && f.end <= e!))
    .map((f) => `${f.type}:${f.masked}`);
}

describe.each(testDialects)('vault safety on %s', (dialect) => {
  let t: VaultFixture;
  afterEach(() => t.close());

  it('refuses reads, lookups and detokenizations beyond the quota with a retry time', async () => {
    t = await openVaultFixture(dialect);
    await t.vault.setPolicy(t.as('admin'), {
      ...TEST_POLICY,
      quotas: {
        agent: { reads: { limit: 5, windowSeconds: 60 }, detokenizations: { limit: 2, windowSeconds: 60 } },
        registrar: { lookups: { limit: 1, windowSeconds: 3600 } },
      },
    });
    const ids = await t.vault.createSubjects(
      t.as('registrar'),
      Array.from({ length: 6 }, (_, i) => ({ fields: { CN_MOBILE: `1390000000${i}` } })),
    );
    await t.vault.readSubjects(t.as('agent'), ids.slice(0, 4));
    const e = await t.vault.readSubjects(t.as('agent'), ids.slice(0, 2)).catch((x: VaultError) => x);
    expect(e).toBeInstanceOf(VaultError);
    expect(e).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect((e as VaultError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // Another actor has a quota of its own.
    await t.vault.readSubjects(t.as('agent', { actor: 'key_agent1111111111' }), ids.slice(0, 5));
    // The window slides: a minute later the first actor may read again.
    t.clock.advance(120_000);
    await t.vault.readSubjects(t.as('agent'), ids.slice(0, 5));

    const tokens = await t.vault.tokenize(
      t.as('registrar'),
      ids.slice(0, 3).map((subject) => ({ subject, field: 'CN_MOBILE' })),
    );
    await expect(
      t.vault.detokenize(
        t.as('agent'),
        tokens.map((x) => x.token),
      ),
    ).rejects.toMatchObject({
      code: 'QUOTA_EXCEEDED',
    });
    await t.vault.lookup(t.as('registrar'), [{ field: 'CN_MOBILE', value: '13900000000' }]);
    await expect(
      t.vault.lookup(t.as('registrar'), [{ field: 'CN_MOBILE', value: '13900000001' }]),
    ).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    const denied = (await t.entries()).filter((x) => x.outcome === 'denied');
    expect(denied.map((x) => x.action)).toEqual(['subject.read', 'token.detokenize', 'subject.lookup']);
  });

  it('fails every access when the audit log fails, returning and writing nothing', async () => {
    const audit = switchable();
    t = await openVaultFixture(dialect, { audit: audit.wrap });
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_MOBILE: '13812345678' } }]);
    const [token] = await t.vault.tokenize(t.as('registrar'), [{ subject: id!, field: 'CN_MOBILE' }]);
    const subjectsBefore = (await t.store.db.selectFrom('vault_subjects').selectAll().execute()).length;
    audit.state.failing = true;

    const outcomes = await Promise.allSettled([
      t.vault.readSubjects(t.as('investigator'), [id!], { access: 'PLAIN' }),
      t.vault.detokenize(t.as('investigator'), [token!.token], { access: 'PLAIN' }),
      t.vault.lookup(t.as('registrar'), [{ field: 'CN_MOBILE', value: '13812345678' }]),
      t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_MOBILE: '13700001111' } }]),
      t.vault.updateSubject(t.as('registrar'), id!, { CN_MOBILE: '13700002222' }),
      t.vault.tokenize(t.as('registrar'), [{ subject: id!, field: 'CN_MOBILE' }]),
      t.vault.eraseSubjects(t.as('registrar'), [id!]),
      t.vault.archiveSubjects(t.as('registrar'), [id!], new Date('2030-01-01')),
      t.vault.setPolicy(t.as('admin'), { ...TEST_POLICY, rules: [] }),
      t.vault.rotateKek(t.as('admin')),
    ]);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      const reason = (o as PromiseRejectedResult).reason as VaultError;
      expect(reason).toBeInstanceOf(VaultError);
      expect(reason.code).toBe('AUDIT_UNAVAILABLE');
      expect(reason.message).not.toContain('13812345678');
    }
    audit.state.failing = false;
    // Nothing changed: same subjects, same value, still active, same policy and KEK.
    expect((await t.store.db.selectFrom('vault_subjects').selectAll().execute()).length).toBe(subjectsBefore);
    const view = await t.vault.readSubject(t.as('investigator'), id!, { access: 'PLAIN' });
    expect(view).toMatchObject({ status: 'active', fields: { CN_MOBILE: '13812345678' } });
    expect((await t.vault.getPolicy('acme')).version).toBe(1);
    expect((await t.vault.kekStatus('acme')).map((k) => k.version)).toEqual([1]);
    expect(await t.store.db.selectFrom('vault_tokens').selectAll().execute()).toHaveLength(1);
  });

  it('puts no PI in audit entries or error messages (scanner: nothing ≥ 0.5 but HMACs)', async () => {
    t = await openVaultFixture(dialect);
    await t.vault.setPolicy(t.as('admin'), TEST_POLICY);
    const values = samples(31);
    const rng = mulberry32(31);
    const errors: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable(),
        (e: VaultError) => errors.push(`${e.code} ${e.field ?? ''} ${e.message}`),
      );
    const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: values }]);
    await collect(
      t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_RESIDENT_ID: values.CN_RESIDENT_ID } }]),
    );
    await collect(
      t.vault.createSubjects(t.as('registrar'), [
        { fields: { CN_RESIDENT_ID: corruptCheckChar(residentId(rng), rng), CN_MOBILE: '13812345678' } },
      ]),
    );
    await collect(t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_MOBILE: '1381234567' } }]));
    const badCard = values.CN_BANK_CARD.slice(0, 13); // too short for a card
    await collect(t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_BANK_CARD: badCard } }]));
    await collect(t.vault.lookup(t.as('registrar'), [{ field: 'CN_NAME', value: values.CN_NAME }]));
    await collect(t.vault.lookup(t.as('registrar'), [{ field: 'CN_MOBILE', value: '13812345' }]));
    await t.vault.readSubjects(t.as('investigator'), [id!], { access: 'PLAIN' });
    await t.vault.readSubjects(t.as('agent'), [id!]);
    await t.vault.lookup(t.as('registrar'), [
      { field: 'CN_MOBILE', value: values.CN_MOBILE },
      { field: 'CN_RESIDENT_ID', value: residentId(rng) },
    ]);
    const tokens = await t.vault.tokenize(t.as('registrar'), [
      { subject: id!, field: 'CN_RESIDENT_ID', kind: 'format' },
      { subject: id!, field: 'CN_MOBILE', kind: 'deterministic' },
      { subject: id!, field: 'EMAIL' },
    ]);
    await t.vault.detokenize(t.as('investigator'), [...tokens.map((x) => x.token), 'tok_x'], {
      access: 'PLAIN',
    });
    await t.vault.updateSubject(t.as('registrar'), id!, { CN_MOBILE: '13700001111', CN_NAME: null });
    await t.vault.eraseSubjects(t.as('registrar'), [id!]);

    expect(errors).toHaveLength(6);
    for (const message of errors) {
      expect(piIn(message), message).toEqual([]);
      for (const value of Object.values(values)) expect(message).not.toContain(value);
    }
    const entries = await t.entries();
    expect(entries.length).toBeGreaterThan(15);
    const text = entries.map((e) => JSON.stringify(e)).join('\n');
    expect(piIn(text)).toEqual([]);
    for (const value of [...Object.values(values), '13700001111', ...tokens.map((x) => x.token)]) {
      expect(text).not.toContain(value);
    }
  });

  it.runIf(dialect === 'sqlite')(
    'leaves no copy of an erased wrapped DEK in the SQLite file (secure_delete)',
    async () => {
      t = await openVaultFixture(dialect);
      const [id] = await t.vault.createSubjects(t.as('registrar'), [{ fields: { CN_NAME: '张三' } }]);
      const { wrapped_dek } = await t.store.db
        .selectFrom('vault_subjects')
        .select('wrapped_dek')
        .where('subject_id', '=', id!)
        .executeTakeFirstOrThrow();
      const path = (
        await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(
          t.store.db,
        )
      ).rows[0]!.file;
      const dek = Buffer.from(wrapped_dek!);
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(t.store.db);
      expect((await readFile(path)).includes(dek)).toBe(true);
      await t.vault.eraseSubjects(t.as('registrar'), [id!]);
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(t.store.db);
      expect((await readFile(path)).includes(dek)).toBe(false);
      expect((await readFile(`${path}-wal`).catch(() => Buffer.alloc(0))).includes(dek)).toBe(false);
    },
  );
});

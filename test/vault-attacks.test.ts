/**
 * Attacks on the vault, through the app with `inject()` and on every dialect where storage is
 * involved: ciphertexts and wrapped DEKs swapped between rows in the database (AAD binds them to
 * tenant, subject and field, so reads fail and never return the other person's value), a copy of
 * the SQLite file without the key file (nothing readable, no plaintext in the bytes), another
 * tenant's subject (404 NOT_FOUND, as for a subject that does not exist), a revoked key on a vault
 * route, malformed JSON, oversized bodies and wrong types. After each the server still answers.
 *
 * Already covered elsewhere (not repeated here): wrong role on subject reads (403, subjects.test.ts),
 * missing purpose (400 `shiming-purpose`, subjects.test.ts), a purpose not on the list (403
 * POLICY_DENIED, subjects.test.ts), other tenant reading by GET (404, subjects.test.ts), a revoked
 * key on /v1/whoami (401, keys.test.ts), malformed JSON / 415 / 413 on /v1/keys (app.test.ts).
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryRootKeyProvider } from '../src/crypto/root-key-provider.ts';
import { piType } from '../src/pi/catalogue.ts';
import { openStore } from '../src/store/index.ts';
import type { AccessContext, VaultAudit } from '../src/vault/core.ts';
import { VAULT_MIGRATIONS, type VaultTables } from '../src/vault/schema.ts';
import { Vault } from '../src/vault/vault.ts';
import { testDialects } from './support/databases.ts';
import { startTestApp, type TestApp } from './support/server-app.ts';
import { TEST_POLICY } from './support/vault.ts';
import { mobile } from './synth/contacts.ts';
import { residentId } from './synth/ids.ts';
import { mulberry32 } from './synth/rng.ts';

type Who = Parameters<TestApp['auth']>[0];

const INVESTIGATE = { 'shiming-purpose': 'fraud-investigation' };

describe.each(testDialects)('attacks on the vault on %s', (dialect) => {
  let t: TestApp | undefined;
  const rng = mulberry32(4004);
  // Two made-up people (synthetic IDs and mobiles with valid check digits).
  const alice = {
    CN_RESIDENT_ID: residentId(rng),
    CN_MOBILE: mobile(rng, { format: 'plain' }),
    CN_NAME: '王小明',
  };
  const bob = {
    CN_RESIDENT_ID: residentId(rng),
    CN_MOBILE: mobile(rng, { format: 'plain' }),
    CN_NAME: '赵丽华',
  };
  const allValues = [...Object.values(alice), ...Object.values(bob)];

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const app = () => t!;
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    who: Who,
    payload?: object | string,
    headers: Record<string, string> = {},
  ) =>
    app().app.inject({
      method,
      url,
      headers: { ...app().auth(who), ...headers },
      ...(payload === undefined ? {} : { payload }),
    });
  const start = async (env: Record<string, string> = {}) => {
    t = await startTestApp(dialect, { env });
    const res = await call('PUT', '/v1/policies', 'admin', TEST_POLICY);
    expect(res.statusCode, res.body).toBe(200);
    return t;
  };
  const create = async (fields: Record<string, string>) => {
    const res = await call('POST', '/v1/subjects', 'registrar', { fields });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const readPlain = (id: string) =>
    call('GET', `/v1/subjects/${id}?access=PLAIN`, 'investigator', undefined, INVESTIGATE);
  const readMasked = (id: string) =>
    call('GET', `/v1/subjects/${id}`, 'agent', undefined, { 'shiming-purpose': 'customer-support' });
  const stillUp = async () => {
    const health = await app().app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
  };
  /** A failed response that holds none of the stored values and no internals. */
  const expectRefused = (res: { statusCode: number; body: string }, status: number, code: string) => {
    expect(res.statusCode, res.body).toBe(status);
    const body = JSON.parse(res.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    for (const value of allValues) expect(res.body).not.toContain(value);
    expect(res.body).not.toMatch(/DECRYPT|Crypto|stack|at \w+ \(|sqlite|postgres/i);
  };

  it('refuses to read field ciphertexts swapped between two subjects (AAD), never showing the other value', async () => {
    await start();
    const a = await create(alice);
    const b = await create(bob);
    const db = app().store.db;
    const cipher = async (subject: string, field: string) =>
      (
        await db
          .selectFrom('vault_fields')
          .select('ciphertext')
          .where('subject_id', '=', subject)
          .where('field', '=', field)
          .executeTakeFirstOrThrow()
      ).ciphertext;
    const setCipher = (subject: string, field: string, ciphertext: Uint8Array) =>
      db
        .updateTable('vault_fields')
        .set({ ciphertext })
        .where('subject_id', '=', subject)
        .where('field', '=', field)
        .executeTakeFirstOrThrow();
    const aMobile = await cipher(a, 'CN_MOBILE');
    const bMobile = await cipher(b, 'CN_MOBILE');
    await setCipher(a, 'CN_MOBILE', bMobile);
    await setCipher(b, 'CN_MOBILE', aMobile);

    for (const id of [a, b]) {
      expectRefused(await readPlain(id), 500, 'DATA_INTEGRITY');
      // A masked read comes from the subject's sealed masked view: its own masked values, never
      // the other subject's.
      const own = id === a ? alice : bob;
      const masked = await readMasked(id);
      expect(masked.statusCode, masked.body).toBe(200);
      expect(masked.json().fields.CN_MOBILE).toBe(piType('CN_MOBILE').mask(own.CN_MOBILE));
      for (const value of allValues) expect(masked.body).not.toContain(value);
      // Without a view (a subject stored before views existed), masked reads decrypt the fields:
      // the same refusal, no masked form of the other value.
      await db
        .updateTable('vault_subjects')
        .set({ masked_view: null })
        .where('subject_id', '=', id)
        .execute();
      expectRefused(await readMasked(id), 500, 'DATA_INTEGRITY');
      // Batch reads fail as a whole rather than returning the untouched subject's neighbour.
      const batch = await call('POST', '/v1/subjects/read', 'investigator', {
        ids: [id],
        purpose: 'fraud-investigation',
        access: 'PLAIN',
      });
      expect(batch.statusCode).not.toBe(200);
      for (const value of allValues) expect(batch.body).not.toContain(value);
      await stillUp();
    }
    // Fields not swapped still read; a field moved within one subject fails too (AAD names the field).
    const names = await call(
      'GET',
      `/v1/subjects/${a}?access=PLAIN&fields=CN_NAME,CN_RESIDENT_ID`,
      'investigator',
      undefined,
      INVESTIGATE,
    );
    expect(names.statusCode, names.body).toBe(200);
    expect(names.json().fields).toEqual({ CN_NAME: alice.CN_NAME, CN_RESIDENT_ID: alice.CN_RESIDENT_ID });
    await setCipher(a, 'CN_NAME', await cipher(a, 'CN_RESIDENT_ID'));
    expectRefused(
      await call(
        'GET',
        `/v1/subjects/${a}?access=PLAIN&fields=CN_NAME`,
        'investigator',
        undefined,
        INVESTIGATE,
      ),
      500,
      'DATA_INTEGRITY',
    );
    await stillUp();
  });

  it('refuses to read with wrapped DEKs swapped between two subjects', async () => {
    await start();
    const a = await create(alice);
    const b = await create(bob);
    const db = app().store.db;
    const dek = async (subject: string) =>
      (
        await db
          .selectFrom('vault_subjects')
          .select('wrapped_dek')
          .where('subject_id', '=', subject)
          .executeTakeFirstOrThrow()
      ).wrapped_dek!;
    const aDek = await dek(a);
    const bDek = await dek(b);
    await db.updateTable('vault_subjects').set({ wrapped_dek: bDek }).where('subject_id', '=', a).execute();
    await db.updateTable('vault_subjects').set({ wrapped_dek: aDek }).where('subject_id', '=', b).execute();
    for (const id of [a, b]) {
      expectRefused(await readPlain(id), 500, 'DATA_INTEGRITY');
      await stillUp();
    }
    // Both swapped (DEK and ciphertexts moved together to the other row): still refused.
    for (const field of Object.keys(alice)) {
      const rows = await db
        .selectFrom('vault_fields')
        .select(['subject_id', 'ciphertext'])
        .where('field', '=', field)
        .where('subject_id', 'in', [a, b])
        .execute();
      for (const r of rows) {
        await db
          .updateTable('vault_fields')
          .set({ ciphertext: r.ciphertext })
          .where('field', '=', field)
          .where('subject_id', '=', r.subject_id === a ? b : a)
          .execute();
      }
    }
    for (const id of [a, b]) {
      expectRefused(await readPlain(id), 500, 'DATA_INTEGRITY');
      await stillUp();
    }
  });

  it('refuses masked views swapped between subjects, or a field ciphertext planted as one', async () => {
    await start();
    const a = await create(alice);
    const b = await create(bob);
    const db = app().store.db;
    const row = async (subject: string) =>
      db
        .selectFrom('vault_subjects')
        .select('masked_view')
        .where('subject_id', '=', subject)
        .executeTakeFirstOrThrow();
    const aView = (await row(a)).masked_view!;
    const bView = (await row(b)).masked_view!;
    await db.updateTable('vault_subjects').set({ masked_view: bView }).where('subject_id', '=', a).execute();
    await db.updateTable('vault_subjects').set({ masked_view: aView }).where('subject_id', '=', b).execute();
    for (const id of [a, b]) {
      expectRefused(await readMasked(id), 500, 'DATA_INTEGRITY');
      await stillUp();
    }
    // One of a's own field ciphertexts, under a's own DEK, as a's view: the AAD names the field.
    const { ciphertext } = await db
      .selectFrom('vault_fields')
      .select('ciphertext')
      .where('subject_id', '=', a)
      .where('field', '=', 'CN_NAME')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('vault_subjects')
      .set({ masked_view: ciphertext })
      .where('subject_id', '=', a)
      .execute();
    expectRefused(await readMasked(a), 500, 'DATA_INTEGRITY');
    // Plain reads do not use the view: untouched fields still read in full.
    const plain = await readPlain(a);
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json().fields).toEqual(alice);
  });

  it("answers 404 NOT_FOUND for another tenant's subject on every route, as for one that does not exist", async () => {
    await start();
    const a = await create(alice);
    const missing = 'sub_0000000000000000000000';
    const answers = async (id: string) => [
      await call('GET', `/v1/subjects/${id}?access=PLAIN`, 'otherInvestigator', undefined, {
        'shiming-purpose': 'maintenance',
      }),
      await call('POST', '/v1/subjects/read', 'otherInvestigator', {
        ids: [id],
        purpose: 'maintenance',
        access: 'PLAIN',
      }),
    ];
    const theirs = await answers(a);
    const none = await answers(missing);
    for (const [i, res] of theirs.entries()) {
      for (const value of allValues) expect(res.body).not.toContain(value);
      // The same status and code as for an id that exists nowhere: existence does not leak.
      expect(res.statusCode, res.body).toBe(none[i]!.statusCode);
      expect(res.json().error?.code).toBe(none[i]!.json().error?.code);
    }
    expectRefused(theirs[0]!, 404, 'NOT_FOUND');
    // Lookups by value in another tenant find nothing either (the blind index is per tenant).
    const look = await call('POST', '/v1/lookup', 'otherInvestigator', {
      field: 'CN_RESIDENT_ID',
      value: alice.CN_RESIDENT_ID,
      purpose: 'maintenance',
    });
    expect(look.statusCode).not.toBe(200);
    expect(look.body).not.toContain(a);
    await stillUp();
  });

  it('answers 401 UNAUTHENTICATED on vault routes once the key is revoked', async () => {
    await start();
    const a = await create(alice);
    const before = await readPlain(a);
    expect(before.statusCode).toBe(200);
    const who = (await app().app.inject({ url: '/v1/whoami', headers: app().auth('investigator') })).json();
    const revoked = await call('DELETE', `/v1/keys/${who.keyId}`, 'admin');
    expect(revoked.statusCode).toBe(200);
    expectRefused(await readPlain(a), 401, 'UNAUTHENTICATED');
    expectRefused(
      await call('POST', '/v1/lookup', 'investigator', {
        field: 'CN_MOBILE',
        value: alice.CN_MOBILE,
        purpose: 'fraud-investigation',
      }),
      401,
      'UNAUTHENTICATED',
    );
    // A forged token with a valid shape and an unknown secret.
    const forged = await app().app.inject({
      url: `/v1/subjects/${a}`,
      headers: { authorization: `Bearer ${app().tokens.agent.slice(0, -4)}AAAA`, ...INVESTIGATE },
    });
    expectRefused(forged, 401, 'UNAUTHENTICATED');
    await stillUp();
  });

  it('refuses malformed JSON, oversized bodies and wrong types with 400/413 and a code', async () => {
    await start({ SHIMING_BODY_LIMIT: '4096' });
    const a = await create(alice);
    const json = { 'content-type': 'application/json' };
    const malformed = await call('POST', '/v1/subjects', 'registrar', '{"fields":{"CN_MOBILE":', json);
    expectRefused(malformed, 400, 'INVALID_REQUEST');
    const big = await call(
      'POST',
      '/v1/subjects/batch',
      'registrar',
      JSON.stringify({ items: Array.from({ length: 200 }, () => ({ fields: { CN_NAME: '王小明' } })) }),
      json,
    );
    expectRefused(big, 413, 'PAYLOAD_TOO_LARGE');
    const text = await call('POST', '/v1/subjects', 'registrar', 'CN_MOBILE=13800000000', {
      'content-type': 'text/plain',
    });
    expectRefused(text, 415, 'UNSUPPORTED_MEDIA_TYPE');

    const wrong: Array<[string, 'POST' | 'PATCH', string, Who, object, string | undefined]> = [
      ['fields as array', 'POST', '/v1/subjects', 'registrar', { fields: ['CN_MOBILE'] }, 'fields'],
      ['empty fields', 'POST', '/v1/subjects', 'registrar', { fields: {} }, 'fields'],
      ['items not an array', 'POST', '/v1/subjects/batch', 'registrar', { items: { fields: {} } }, 'items'],
      [
        'bad access level',
        'POST',
        '/v1/subjects/read',
        'investigator',
        { ids: [a], purpose: 'fraud-investigation', access: 'ALL' },
        'access',
      ],
      [
        'purpose not a string',
        'POST',
        '/v1/subjects/read',
        'investigator',
        { ids: [a], purpose: 7 },
        'purpose',
      ],
      [
        'bad subject id',
        'POST',
        '/v1/subjects/read',
        'investigator',
        { ids: ["sub_' or 1=1 --"], purpose: 'fraud-investigation' },
        'ids[0]',
      ],
      [
        'lookup value as object',
        'POST',
        '/v1/lookup',
        'registrar',
        { field: 'CN_MOBILE', value: { $ne: '' }, purpose: 'registration' },
        'value',
      ],
    ];
    for (const [what, method, url, who, body, field] of wrong) {
      const res = await call(method, url, who, body);
      expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
      expect(res.json().error.code, what).toBe('INVALID_REQUEST');
      if (field !== undefined) expect(res.json().error.field, what).toBe(field);
    }
    // Nothing was written by any of them, and the subject is intact.
    const count = await app()
      .store.db.selectFrom('vault_subjects')
      .select(sql<number>`count(*)`.as('n'))
      .execute();
    expect(Number(count[0]!.n)).toBe(1);
    expect((await readPlain(a)).json().fields).toEqual(alice);
    await stillUp();
  });

  // Bodies are validated without type coercion (src/server/app.ts validatorCompiler).
  it('refuses numbers where strings belong and strings where lists belong (400 INVALID_REQUEST)', async () => {
    await start();
    const a = await create(alice);
    const cases: Array<[string, 'POST' | 'PATCH', string, Who, object, string]> = [
      [
        'number value',
        'POST',
        '/v1/subjects',
        'registrar',
        { fields: { CN_MOBILE: 13812345678 } },
        'fields.CN_MOBILE',
      ],
      [
        'ids as a string',
        'POST',
        '/v1/subjects/read',
        'investigator',
        { ids: a, purpose: 'fraud-investigation' },
        'ids',
      ],
      [
        'update field as number',
        'PATCH',
        `/v1/subjects/${a}`,
        'registrar',
        { fields: { CN_MOBILE: 1 } },
        'fields.CN_MOBILE',
      ],
    ];
    const seen = [];
    for (const [what, method, url, who, body] of cases) {
      const res = await call(method, url, who, body);
      seen.push({
        what,
        status: res.statusCode,
        code: res.json().error?.code,
        field: res.json().error?.field,
      });
    }
    await stillUp();
    expect(seen).toEqual(
      cases.map(([what, , , , , field]) => ({ what, status: 400, code: 'INVALID_REQUEST', field })),
    );
  });

  it.runIf(dialect === 'sqlite')(
    'makes a copy of the database without the key file useless: no plaintext in its bytes, nothing readable',
    async () => {
      await start();
      const a = await create(alice);
      const b = await create(bob);
      expect((await readPlain(a)).statusCode).toBe(200);
      const database = app().config.database;
      const dbPath = database.kind === 'sqlite' ? database.path : '';
      expect(dbPath).not.toBe('');
      const copyDir = await mkdtemp(join(tmpdir(), 'shiming-stolen-'));
      try {
        // The bytes as they are on disk while the server runs: the file and its WAL.
        const liveDb = await readFile(dbPath);
        const liveWal = await readFile(`${dbPath}-wal`).catch(() => Buffer.alloc(0));
        // A consistent copy: checkpoint, close, copy the file.
        await sql`pragma wal_checkpoint(TRUNCATE)`.execute(app().store.db);
        await t!.app.close();
        const copy = join(copyDir, 'stolen.db');
        await copyFile(dbPath, copy);
        const copied = await readFile(copy);
        for (const value of allValues) {
          for (const [where, bytes] of [
            ['db', liveDb],
            ['wal', liveWal],
            ['copy', copied],
          ] as const) {
            expect(bytes.includes(Buffer.from(value, 'utf8')), `${value} in ${where}`).toBe(false);
          }
        }

        // Opened with another root key (the attacker has no key file): nothing reads.
        const store = await openStore<VaultTables>(
          { kind: 'sqlite', path: copy },
          { migrations: VAULT_MIGRATIONS },
        );
        const root = new InMemoryRootKeyProvider(new Uint8Array(32).fill(77), 'attacker');
        const audit: VaultAudit = {
          record: async () => [],
          identifier: (kind, value) => `${kind}:${value.length}`,
        };
        try {
          const vault = await Vault.open({ store, rootKey: root, audit, kekRefreshMs: 0 });
          const ctx: AccessContext = {
            tenant: 'acme',
            actor: 'key_attacker000000',
            role: 'investigator',
            purpose: 'fraud-investigation',
          };
          const read = await vault.readSubjects(ctx, [a, b], { access: 'PLAIN' }).then(
            (r) => JSON.stringify(r),
            (e: unknown) => e,
          );
          expect(read).toBeInstanceOf(Error);
          expect(String((read as Error).message)).not.toMatch(new RegExp(allValues.join('|')));
          // The blind index is keyed from the root key too: a lookup by value finds nothing.
          const found = await vault
            .lookup(ctx, [{ field: 'CN_RESIDENT_ID', value: alice.CN_RESIDENT_ID }])
            .then(
              (r) => JSON.stringify(r),
              (e: unknown) => String(e),
            );
          expect(found).not.toContain(a);
          await vault.close();
        } finally {
          await root.close();
          await store.close();
        }
      } finally {
        await rm(copyDir, { recursive: true, force: true });
      }
    },
  );
});

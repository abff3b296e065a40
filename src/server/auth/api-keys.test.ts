/**
 * API keys on every dialect: stored only as keyed hashes bound to tenant, id and role; checked in
 * constant time; revocation; every change audited without the secret; fail closed when the
 * audit log cannot record a creation.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../../test/support/databases.ts';
import type { AuditEvent } from '../../audit/entry.ts';
import { HmacKey } from '../../crypto/hmac-key.ts';
import { InMemoryRootKeyProvider } from '../../crypto/root-key-provider.ts';
import type { Store } from '../../store/store.types.ts';
import { ApiError } from '../errors.ts';
import { ApiKeyHasher } from './api-key-hasher.ts';
import { ApiKeys } from './api-keys.ts';
import { SERVER_MIGRATIONS, type ServerTables } from './schema.ts';

const BY = { actor: 'cli', role: 'operator' };

class FakeAudit {
  readonly events: AuditEvent[] = [];
  fail = false;
  async record(event: AuditEvent | readonly AuditEvent[]): Promise<bigint[]> {
    if (this.fail) throw new Error('disk full');
    this.events.push(event as AuditEvent);
    return [BigInt(this.events.length - 1)];
  }
}

describe.each(testDialects)('API keys on %s', (dialect) => {
  let t: TestDatabase;
  let store: Store<ServerTables>;
  let audit: FakeAudit;
  let keys: ApiKeys;
  const hasher = new ApiKeyHasher(new HmacKey('intl', new Uint8Array(32).fill(5)));

  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    store = await t.open<ServerTables>({ migrations: SERVER_MIGRATIONS });
    audit = new FakeAudit();
    keys = new ApiKeys({ db: store.db, hasher, auditLog: audit, cacheMs: 0 });
  });
  afterEach(() => t.drop());

  it('stores a keyed hash, never the secret, and authenticates the token', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    const rows = await store.db.selectFrom('api_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    const secret = token.slice('shk_'.length + 16 + 1); // the secret itself may hold '_'
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(Buffer.from(rows[0]!.hash)).toHaveLength(32);
    expect(await keys.authenticate(token)).toEqual({
      ok: true,
      principal: { keyId: record.id, tenant: 'acme', role: 'agent', name: 'crm' },
    });
  });

  it('refuses a wrong secret, an unknown id and a malformed token, saying why only to the caller code', async () => {
    const { token } = await keys.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(await keys.authenticate(token.slice(0, -1) + last)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await keys.authenticate(`shk_${'Z'.repeat(16)}${token.slice(20)}`)).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await keys.authenticate('hunter2')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('binds the role and tenant into the hash: promoting a key in the table disables it', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    await store.db.updateTable('api_keys').set({ role: 'admin' }).where('key_id', '=', record.id).execute();
    expect(await keys.authenticate(token)).toEqual({ ok: false, reason: 'mismatch' });
    await store.db
      .updateTable('api_keys')
      .set({ role: 'agent', tenant_id: 'other' })
      .where('key_id', '=', record.id)
      .execute();
    expect(await keys.authenticate(token)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('fails closed when two rows claim one key id', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    const row = await store.db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow();
    await store.db
      .insertInto('api_keys')
      .values({ ...row, tenant_id: 'other', key_id: record.id })
      .execute();
    expect(await keys.authenticate(token)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('revokes: the key stops working, the row stays, a second revoke changes nothing', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'auditor', name: 'reg' }, BY);
    const revoked = await keys.revoke(record.id, BY, 'acme');
    expect(revoked?.revokedAt).toBeDefined();
    expect(await keys.authenticate(token)).toEqual({ ok: false, reason: 'revoked' });
    const again = await keys.revoke(record.id, BY, 'acme');
    expect(again?.revokedAt).toBe(revoked?.revokedAt);
    expect(audit.events.map((e) => e.action)).toEqual(['key.create', 'key.revoke']);
    expect(await keys.list('acme')).toHaveLength(1);
  });

  it('does not revoke, or reveal, a key of another tenant', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    expect(await keys.revoke(record.id, BY, 'other')).toBeUndefined();
    expect((await keys.authenticate(token)).ok).toBe(true);
  });

  it('writes key.create and key.revoke entries that are valid audit entries and hold no secret', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'admin', name: 'ops' }, BY);
    await keys.revoke(record.id, { actor: 'key_abc', role: 'admin', request: 'req_1' });
    expect(audit.events[0]).toMatchObject({
      action: 'key.create',
      actor: 'cli',
      tenant: 'acme',
      fields: [record.id, 'role.admin'],
      purpose: 'key-management',
    });
    expect(audit.events[1]).toMatchObject({ action: 'key.revoke', actor: 'key_abc', request: 'req_1' });
    expect(JSON.stringify(audit.events)).not.toContain(token.slice(21));
  });

  it('removes a key whose creation the audit log could not record (503 AUDIT_UNAVAILABLE)', async () => {
    audit.fail = true;
    const error = await keys.create({ tenant: 'acme', role: 'admin', name: 'ops' }, BY).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('AUDIT_UNAVAILABLE');
    expect(await keys.count()).toBe(0);
  });

  it('keeps a revocation even when the audit log then fails', async () => {
    const { record, token } = await keys.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    audit.fail = true;
    await expect(keys.revoke(record.id, BY)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(await keys.authenticate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('refuses a tenant the audit log would refuse, before writing anything', async () => {
    await expect(
      keys.create({ tenant: 'acme-13812345678', role: 'agent', name: 'crm' }, BY),
    ).rejects.toMatchObject({ code: 'ENTRY_CONTAINS_PI', field: 'tenant' });
    expect(await keys.count()).toBe(0);
  });

  it('serves a cached row until it expires, and forgets it at once when revoked here', async () => {
    const cached = new ApiKeys({ db: store.db, hasher, auditLog: audit, cacheMs: 60_000 });
    const { record, token } = await cached.create({ tenant: 'acme', role: 'agent', name: 'crm' }, BY);
    expect((await cached.authenticate(token)).ok).toBe(true);
    // Revoked by another process: this one keeps the cached row for the cache time.
    await keys.revoke(record.id, BY);
    expect((await cached.authenticate(token)).ok).toBe(true);
    // Revoked through this instance: effective at once.
    await cached.revoke(record.id, BY);
    expect(await cached.authenticate(token)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('derives the hashing key from the root key under its own label', async () => {
    const root = new InMemoryRootKeyProvider(new Uint8Array(32).fill(1), 'test');
    const a = await ApiKeyHasher.fromRootKey(root);
    const other = new InMemoryRootKeyProvider(new Uint8Array(32).fill(2), 'test');
    const b = await ApiKeyHasher.fromRootKey(other);
    const m = { tenant: 't', keyId: 'key_x', role: 'admin', secret: 's' };
    expect(a.verify(m, a.hash(m))).toBe(true);
    expect(b.verify(m, a.hash(m))).toBe(false);
  });
});

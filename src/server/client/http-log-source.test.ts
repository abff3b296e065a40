/**
 * The regulator's `verifyLog` over HTTP against a listening server, on every dialect: it passes on
 * an untouched log (from scratch and incrementally) and fails, saying why, after an insider edits
 * the database behind the server's back.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';
import { hashSuite } from '../../audit/hash-suite.ts';
import { verifyLog } from '../../audit/log/verify-log.ts';
import { HttpLogSource, HttpSourceError } from './http-log-source.ts';

const suite = hashSuite('sha256');

describe.each(testDialects)('HttpLogSource on %s', (dialect) => {
  let t: TestApp;
  let base: string;

  async function record(n: number, offset = 0): Promise<void> {
    await t.auditLog.record(
      Array.from({ length: n }, (_, i) => ({
        actor: `key_${(offset + i) % 5}`,
        role: 'agent',
        purpose: 'customer-support',
        action: 'subject.read',
        tenant: 'acme',
        outcome: 'ok' as const,
      })),
    );
    await t.auditLog.checkpoint();
  }

  const source = (role: Parameters<TestApp['auth']>[0] = 'auditor') =>
    new HttpLogSource({ baseUrl: `${base}/v1/audit`, apiKey: t.tokens[role] });

  beforeEach(async () => {
    t = await startTestApp(dialect);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(() => t.close());

  it('verifies a log over HTTP, by full replay and then incrementally from a trusted checkpoint', async () => {
    await record(700);
    const logKey = t.auditLog.verifierKey;
    const first = await verifyLog({ source: source(), suite, logKey, replay: true });
    expect(first.checkpoint.size).toBe(t.auditLog.size);
    expect(first.entriesChecked).toBe(t.auditLog.size);
    await record(300, 700);
    const next = await verifyLog({ source: source(), suite, logKey, trusted: first.note });
    expect(next.previousSize).toBe(first.checkpoint.size);
    expect(next.entriesChecked).toBe(300n);
  });

  it('fails with REPLAY_MISMATCH when an entry was edited in the database', async () => {
    await record(400);
    const logKey = t.auditLog.verifierKey;
    const trusted = (await verifyLog({ source: source(), suite, logKey, replay: true })).note;
    // An insider removes the append-only trigger and rewrites an old entry's purpose.
    if (t.store.dialect === 'sqlite') await sql`DROP TRIGGER audit_entries_no_update`.execute(t.store.db);
    else await sql`DROP TRIGGER audit_entries_append_only ON audit_entries`.execute(t.store.db);
    const row = await t.store.db
      .selectFrom('audit_entries')
      .select('data')
      .where('idx', '=', 100n)
      .executeTakeFirstOrThrow();
    const forged = Buffer.from(
      Buffer.from(row.data).toString().replace('customer-support', 'customer-service'),
    );
    await t.store.db.updateTable('audit_entries').set({ data: forged }).where('idx', '=', 100n).execute();

    await expect(verifyLog({ source: source(), suite, logKey, replay: true })).rejects.toMatchObject({
      code: 'REPLAY_MISMATCH',
    });
    // Incremental verification from the trusted checkpoint still passes (the edit is older), as
    // documented: only --replay re-reads history.
    await expect(verifyLog({ source: source(), suite, logKey, trusted })).resolves.toBeDefined();
  });

  it('fails with FORK when the served tiles were rewritten', async () => {
    await record(300);
    const logKey = t.auditLog.verifierKey;
    const trusted = (await verifyLog({ source: source(), suite, logKey })).note;
    await record(10, 300);
    const tile = await t.store.db
      .selectFrom('audit_tiles')
      .select(['hashes'])
      .where('level', '=', 1)
      .where('idx', '=', 0n)
      .executeTakeFirstOrThrow();
    const bad = Buffer.from(tile.hashes);
    bad[0] = bad[0]! ^ 1;
    // The level-1 hash of entries 0–255: every proof and the compact range rest on it.
    await t.store.db
      .updateTable('audit_tiles')
      .set({ hashes: bad })
      .where('level', '=', 1)
      .where('idx', '=', 0n)
      .execute();
    await expect(verifyLog({ source: source(), suite, logKey, trusted })).rejects.toMatchObject({
      code: 'FORK',
    });
  });

  it('reports refusals as HttpSourceError, not as tampering', async () => {
    await record(3);
    const error = await verifyLog({ source: source('agent'), suite, logKey: t.auditLog.verifierKey }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(HttpSourceError);
    expect(error.status).toBe(403);
  });

  it('says a log without a checkpoint has none', async () => {
    expect(await source().latestCheckpoint()).toBeUndefined();
  });
});

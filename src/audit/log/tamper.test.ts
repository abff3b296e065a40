/**
 * An insider with database rights tampers with the log; `verifyLog`, holding only the log key and
 * a checkpoint taken earlier, must notice every time and say why.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../../../test/support/databases.ts';
import { HmacKey } from '../../crypto/hmac-key.ts';
import type { Store } from '../../store/store.types.ts';
import type { AuditEvent } from '../entry.ts';
import { hashSuite } from '../hash-suite.ts';
import { AuditLog } from './audit-log.ts';
import { LogStore } from './log-store.ts';
import { AUDIT_MIGRATIONS, type AuditTables } from './schema.ts';
import { FileSignerStateStore } from './signer-state-file.ts';
import { verifyLog } from './verify-log.ts';

const SEED = new Uint8Array(32).fill(3);
const ORIGIN = 'shiming.test/tamper';
const suite = hashSuite('sha256');

const event = (i: number, purpose = 'support'): AuditEvent => ({
  time: new Date(Date.UTC(2026, 10, 28, 10, 0, 0, i % 1000)),
  actor: `key_${i % 11}`,
  role: 'agent',
  purpose,
  action: 'subject.read',
  tenant: 'acme',
  outcome: 'ok',
});

describe.each(testDialects)('tampering on %s', (dialect) => {
  let dir: string;
  const dbs: TestDatabase[] = [];
  let store: Store<AuditTables>;
  let trusted: string;
  let logKey: string;

  async function newLog(stateFile: string): Promise<{ store: Store<AuditTables>; log: AuditLog }> {
    const t = await createTestDatabase(dialect);
    dbs.push(t);
    const s = await t.open<AuditTables>({ migrations: AUDIT_MIGRATIONS });
    const log = await AuditLog.open({
      store: s,
      origin: ORIGIN,
      signingSeed: SEED,
      signerState: new FileSignerStateStore(join(dir, stateFile)),
      hmacKey: new HmacKey('intl', new Uint8Array(32).fill(1)),
      checkpointIntervalMs: 0,
    });
    return { store: s, log };
  }

  const verify = (extra: { replay?: boolean; source?: Store<AuditTables> } = {}) =>
    verifyLog({
      source: new LogStore((extra.source ?? store).db, (extra.source ?? store).dialect, 'main').asSource(),
      suite,
      logKey,
      trusted,
      replay: extra.replay ?? false,
    });

  /** What an administrator does first: remove the append-only triggers. */
  async function dropTriggers(s: Store<AuditTables>): Promise<void> {
    if (s.dialect === 'sqlite') {
      await sql`DROP TRIGGER audit_entries_no_update`.execute(s.db);
      await sql`DROP TRIGGER audit_entries_no_delete`.execute(s.db);
    } else {
      await sql`DROP TRIGGER audit_entries_append_only ON audit_entries`.execute(s.db);
    }
  }

  const dataAt = async (idx: bigint) =>
    (
      await store.db
        .selectFrom('audit_entries')
        .select('data')
        .where('idx', '=', idx)
        .executeTakeFirstOrThrow()
    ).data;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-tamper-'));
    const made = await newLog('signer.json');
    store = made.store;
    await made.log.record(Array.from({ length: 1000 }, (_, i) => event(i)));
    trusted = await made.log.checkpoint(); // the regulator keeps this one
    logKey = made.log.verifierKey;
    await made.log.record(Array.from({ length: 300 }, (_, i) => event(1000 + i)));
    await made.log.checkpoint();
    await made.log.close();
  });

  afterEach(async () => {
    for (const t of dbs.splice(0)) await t.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes when nothing was touched, incrementally and by full replay', async () => {
    expect((await verify()).checkpoint.size).toBe(1300n);
    expect((await verify({ replay: true })).entriesChecked).toBe(1300n);
  });

  it('notices an edited entry (after the trusted checkpoint; anywhere with replay)', async () => {
    await dropTriggers(store);
    const edit = async (idx: bigint) => {
      const forged = Buffer.from(
        Buffer.from(await dataAt(idx))
          .toString()
          .replace('"purpose":"support"', '"purpose":"audit"'),
      );
      await store.db.updateTable('audit_entries').set({ data: forged }).where('idx', '=', idx).execute();
    };
    await edit(1100n);
    await expect(verify()).rejects.toMatchObject({ code: 'REPLAY_MISMATCH' });
  });

  it('notices an edited entry older than the trusted checkpoint with --replay', async () => {
    await dropTriggers(store);
    const old = Buffer.from(await dataAt(10n)).toString();
    const forged = Buffer.from(old.replace('"actor":"key_10"', '"actor":"key_99"'));
    expect(forged.toString()).not.toBe(old);
    await store.db.updateTable('audit_entries').set({ data: forged }).where('idx', '=', 10n).execute();
    await expect(verify({ replay: true })).rejects.toMatchObject({ code: 'REPLAY_MISMATCH' });
  });

  it('notices deleted last entries', async () => {
    await dropTriggers(store);
    await store.db.deleteFrom('audit_entries').where('idx', '>=', 1290n).execute();
    await expect(verify()).rejects.toMatchObject({ code: 'REPLAY_MISMATCH' });
  });

  it('notices two entries swapped', async () => {
    await dropTriggers(store);
    const a = await dataAt(1050n);
    const b = await dataAt(1051n);
    await store.db.updateTable('audit_entries').set({ data: b }).where('idx', '=', 1050n).execute();
    await store.db.updateTable('audit_entries').set({ data: a }).where('idx', '=', 1051n).execute();
    await expect(verify()).rejects.toMatchObject({ code: 'REPLAY_MISMATCH' });
  });

  it('notices a log rolled back to before the trusted checkpoint (truncation)', async () => {
    // The insider restores an old backup and re-signs it with the real key and a wiped signer state.
    const shorter = await newLog('wiped-1.json');
    await shorter.log.record(Array.from({ length: 900 }, (_, i) => event(i)));
    await shorter.log.checkpoint();
    await shorter.log.close();
    await expect(verify({ source: shorter.store })).rejects.toMatchObject({ code: 'ROLLBACK' });
  });

  it('notices a forked history re-signed with the real key', async () => {
    const forked = await newLog('wiped-2.json');
    // Same first 999 entries, then a different one: the access the insider wants to hide is gone.
    await forked.log.record(Array.from({ length: 999 }, (_, i) => event(i)));
    await forked.log.record(Array.from({ length: 400 }, (_, i) => event(2000 + i, 'innocent')));
    await forked.log.checkpoint();
    await forked.log.close();
    await expect(verify({ source: forked.store })).rejects.toMatchObject({ code: 'FORK' });
  });
});

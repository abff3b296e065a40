/**
 * Crash test for the vault: kill -9 a writer (test/support/vault-writer.ts, opened as `shiming
 * serve` opens it) under a load of batch creates, restart it, kill it again, then reopen and check
 * that every acknowledged subject reads back with exactly its values, that no subject exists
 * without all its fields (and no field without its subject), and that the audit log verifies with
 * full replay. SQLite always; PostgreSQL too when SHIMING_TEST_PG_URL is set.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSuite } from '../src/audit/hash-suite.ts';
import { LogStore } from '../src/audit/log/log-store.ts';
import { verifyLog } from '../src/audit/log/verify-log.ts';
import { loadConfig } from '../src/config/config.ts';
import { openServerResources } from '../src/server/open-server-resources.ts';
import type { AccessContext } from '../src/vault/core.ts';
import { freshPgDatabase, runThenKill } from './support/crash.ts';
import { testDialects } from './support/databases.ts';
import { digestOf, WRITER_TENANT } from './support/vault-writer.ts';

const WRITER = join(import.meta.dirname, 'support', 'vault-writer.ts');
const FIELDS = ['CN_RESIDENT_ID', 'CN_MOBILE', 'CN_NAME', 'EMAIL'];

/** Runs the writer until it has acknowledged `acks` subjects, then SIGKILLs it: id → digest. */
async function writeThenKill(env: NodeJS.ProcessEnv, acks: number): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  await runThenKill(WRITER, env, acks, (line) => {
    const [id, digest] = line.split(' ');
    seen.set(id!, digest!);
  });
  return seen;
}

describe.each(testDialects)('kill -9 while creating subjects on %s', (dialect) => {
  let dir: string;
  let dropDb = async () => {};

  afterEach(async () => {
    await dropDb();
    dropDb = async () => {};
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged subject whole, writes nothing by halves, and the audit log verifies', {
    timeout: 180_000,
  }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-vault-crash-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SHIMING_DATA_DIR: join(dir, 'data'),
      SHIMING_ROOT_KEY_FILE: join(dir, 'keys', 'root.key'),
      SHIMING_AUDIT_CHECKPOINT_MS: '20',
      SHIMING_LOG_LEVEL: 'warn',
      SHIMING_ROOT_KEY: '',
    };
    if (dialect === 'postgres') {
      const db = await freshPgDatabase('vcrash');
      env.SHIMING_DATABASE_URL = db.url;
      dropDb = db.drop;
    }

    const first = await writeThenKill({ ...env, WRITER_SEED: '1' }, 1500);
    const second = await writeThenKill({ ...env, WRITER_SEED: '2' }, 1500); // restart, write more, crash again
    const acknowledged = new Map([...first, ...second]);
    expect(acknowledged.size).toBe(first.size + second.size); // no id handed out twice

    const resources = await openServerResources(
      loadConfig({ env: env as Record<string, string | undefined> }),
      {
        vaultJobs: false,
        log: { checkpointIntervalMs: 0 },
      },
    );
    try {
      const db = resources.store.db;
      // Nothing half-written: every subject has all its fields, every field its subject.
      const subjects = await db
        .selectFrom('vault_subjects')
        .select(['subject_id', 'status', 'wrapped_dek'])
        .where('tenant_id', '=', WRITER_TENANT)
        .execute();
      const fields = await db
        .selectFrom('vault_fields')
        .select(['subject_id', 'field'])
        .where('tenant_id', '=', WRITER_TENANT)
        .execute();
      const byId = new Map<string, string[]>();
      for (const f of fields) byId.set(f.subject_id, [...(byId.get(f.subject_id) ?? []), f.field]);
      const ids = new Set(subjects.map((s) => s.subject_id));
      for (const s of subjects) {
        expect(s.status, s.subject_id).toBe('active');
        expect(s.wrapped_dek, s.subject_id).not.toBeNull();
        expect((byId.get(s.subject_id) ?? []).sort(), s.subject_id).toEqual([...FIELDS].sort());
      }
      for (const id of byId.keys()) expect(ids.has(id), `fields of ${id} without a subject`).toBe(true);
      // Each subject's unique resident ID is in the blind index, once.
      const unique = await db
        .selectFrom('vault_blind_indexes')
        .select('subject_id')
        .where('tenant_id', '=', WRITER_TENANT)
        .where('field', '=', 'CN_RESIDENT_ID')
        .where('uniq', '=', 1)
        .execute();
      expect(unique.map((u) => u.subject_id).sort()).toEqual([...ids].sort());
      // Every acknowledged subject is there (more may be: committed, killed before printing).
      for (const id of acknowledged.keys()) expect(ids.has(id), id).toBe(true);
      expect(ids.size).toBeGreaterThanOrEqual(acknowledged.size);

      // …and reads back with exactly the values it was created with.
      const investigator: AccessContext = {
        tenant: WRITER_TENANT,
        actor: 'key_crashcheck00000',
        role: 'investigator',
        purpose: 'fraud-investigation',
      };
      const all = [...acknowledged.keys()];
      for (let i = 0; i < all.length; i += 500) {
        const chunk = all.slice(i, i + 500);
        const { subjects: views, notFound } = await resources.vault.readSubjects(investigator, chunk, {
          access: 'PLAIN',
        });
        expect(notFound).toEqual([]);
        for (const view of views) {
          expect(Object.values(view.access).every((a) => a === 'PLAIN')).toBe(true);
          expect(digestOf(view.fields), view.id).toBe(acknowledged.get(view.id));
        }
      }

      // The audit log (creations by both writers, and the reads just made) verifies with replay.
      const note = await resources.auditLog.checkpoint();
      const logStore = new LogStore(resources.store.db, resources.store.dialect, 'main');
      const result = await verifyLog({
        source: logStore.asSource(),
        suite: hashSuite('sha256'),
        logKey: resources.auditLog.verifierKey,
        replay: true,
      });
      expect(result.note).toBe(note);
      expect(result.entriesChecked).toBe(resources.auditLog.size);
      expect(result.entriesChecked).toBeGreaterThan(BigInt(acknowledged.size));
    } finally {
      await resources.close();
    }
  });
});

/**
 * Crash test: kill -9 the appender under load. On restart nothing acknowledged is lost, the tree
 * is consistent with its entries, and the next checkpoint is consistent with the last one signed
 * before the crash (the signer, with its own state, accepts it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSuite } from '../src/audit/hash-suite.ts';
import { LogStore } from '../src/audit/log/log-store.ts';
import { openAuditLog } from '../src/audit/log/open-from-config.ts';
import { verifyLog } from '../src/audit/log/verify-log.ts';
import { loadConfig } from '../src/config/config.ts';
import { freshPgDatabase, runThenKill } from './support/crash.ts';
import { testDialects } from './support/databases.ts';

const APPENDER = join(import.meta.dirname, 'support', 'audit-appender.ts');

/** Runs the appender until it has acknowledged `acks` entries, then SIGKILLs it. */
async function appendThenKill(env: NodeJS.ProcessEnv, acks: number): Promise<bigint[]> {
  const seen: bigint[] = [];
  await runThenKill(APPENDER, env, acks, (line) => seen.push(BigInt(line)));
  return seen;
}

describe.each(testDialects)('kill -9 while appending on %s', (dialect) => {
  let dir: string;
  let dropDb = async () => {};

  afterEach(async () => {
    await dropDb();
    await rm(dir, { recursive: true, force: true });
  });

  it('loses nothing acknowledged; the tree and the next checkpoint stay consistent', {
    timeout: 120_000,
  }, async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-crash-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SHIMING_DATA_DIR: join(dir, 'data'),
      SHIMING_ROOT_KEY_FILE: join(dir, 'keys', 'root.key'),
      SHIMING_AUDIT_CHECKPOINT_MS: '20',
      SHIMING_ROOT_KEY: '',
    };
    if (dialect === 'postgres') {
      const db = await freshPgDatabase('crash');
      env.SHIMING_DATABASE_URL = db.url;
      dropDb = db.drop;
    }
    const config = () => loadConfig({ env: env as Record<string, string | undefined> });

    const first = await appendThenKill(env, 1500);
    const second = await appendThenKill(env, 1500); // restart, append more, crash again
    const acknowledged = [...first, ...second];

    const opened = await openAuditLog(config(), { log: { checkpointIntervalMs: 0 } });
    try {
      const size = opened.log.size;
      expect(new Set(acknowledged).size).toBe(acknowledged.length); // no index handed out twice
      for (const index of acknowledged) expect(index).toBeLessThan(size);
      // The stored entries hash to the stored root, and the signer accepts the grown tree.
      const note = await opened.log.checkpoint();
      const logStore = new LogStore(opened.store.db, opened.store.dialect, 'main');
      const result = await verifyLog({
        source: logStore.asSource(),
        suite: hashSuite('sha256'),
        logKey: opened.log.verifierKey,
        replay: true,
      });
      expect(result.note).toBe(note);
      expect(result.entriesChecked).toBe(size);
    } finally {
      await opened.close();
    }
  });
});

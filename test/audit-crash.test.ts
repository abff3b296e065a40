/**
 * Crash test: kill -9 the appender under load. On restart nothing acknowledged is lost, the tree
 * is consistent with its entries, and the next checkpoint is consistent with the last one signed
 * before the crash (the signer, with its own state, accepts it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSuite } from '../src/audit/hash-suite.ts';
import { LogStore } from '../src/audit/log/log-store.ts';
import { openAuditLog } from '../src/audit/log/open-from-config.ts';
import { verifyLog } from '../src/audit/log/verify-log.ts';
import { loadConfig } from '../src/config/config.ts';
import { testDialects } from './support/databases.ts';

const APPENDER = join(import.meta.dirname, 'support', 'audit-appender.ts');
const PG_URL = process.env.SHIMING_TEST_PG_URL ?? '';

/** Runs the appender until it has acknowledged `acks` entries, then SIGKILLs it. */
function appendThenKill(env: NodeJS.ProcessEnv, acks: number): Promise<bigint[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [APPENDER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen: bigint[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) seen.push(BigInt(line));
      if (seen.length >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`appender exited on its own: ${stderr.slice(-2000)}`));
    });
  });
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
      const name = `crash_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(PG_URL);
      url.pathname = `/${name}`;
      env.SHIMING_DATABASE_URL = url.toString();
      dropDb = async () => {
        const c = new pg.Client({ connectionString: PG_URL });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      };
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

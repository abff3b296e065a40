/**
 * `/healthz` and `/readyz`: open to anyone, and `/readyz` fails closed when the database or the
 * audit log's write path is not there.
 */
import { chmod } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../../test/support/databases.ts';
import { startTestApp, type TestApp } from '../../../test/support/server-app.ts';

describe.each(testDialects)('health routes on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await chmod(dirname(t.config.keys.signerStateFile), 0o700).catch(() => {});
    await t.close();
  });

  it('answers /healthz and /readyz without a key', async () => {
    for (const url of ['/healthz', '/readyz']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    }
  });

  it('is not ready when the audit log state cannot be written', async () => {
    // The rollback-only probe needs the row the sequencer updates; a broken schema fails it.
    await sql`alter table audit_logs rename to audit_logs_gone`.execute(t.store.db);
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(res.json().error.message).toContain('audit-log');
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await sql`alter table audit_logs_gone rename to audit_logs`.execute(t.store.db);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it.skipIf(process.getuid?.() === 0)(
    'is not ready when the signer state directory is read-only',
    async () => {
      await chmod(dirname(t.config.keys.signerStateFile), 0o500);
      const res = await t.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
    },
  );

  it('leaves the audit log as it was (the probe rolls back)', async () => {
    const before = await t.store.db.selectFrom('audit_logs').selectAll().execute();
    for (let i = 0; i < 3; i++) await t.app.inject({ url: '/readyz' });
    expect(await t.store.db.selectFrom('audit_logs').selectAll().execute()).toEqual(before);
  });

  it('is not ready once the database is gone', async () => {
    await t.store.close();
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('database');
  });
});

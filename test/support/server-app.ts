/**
 * A Shiming app on a fresh test database (SQLite or PostgreSQL, see databases.ts), opened the way
 * `shiming serve` opens it, with one API key per role in tenant `acme` and an investigator in
 * tenant `other`. Tests drive it with `inject()` (or `listen` on port 0).
 *
 * @example
 * ```ts
 * const t = await startTestApp('sqlite');
 * const res = await t.app.inject({ url: '/v1/whoami', headers: t.auth('auditor') });
 * await t.close();
 * ```
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ShimingConfig } from '../../src/config/config.ts';
import { type BuildAppOptions, buildApp } from '../../src/server/app.ts';
import type { ShimingApp } from '../../src/server/app.types.ts';
import { ROLES, type Role } from '../../src/server/auth/roles.ts';
import { openServerResources, type ServerResources } from '../../src/server/open-server-resources.ts';
import type { StoreDialect } from '../../src/store/store.types.ts';
import { createTestDatabase } from './databases.ts';

export interface TestApp extends ServerResources {
  readonly app: ShimingApp;
  readonly config: ShimingConfig;
  readonly dir: string;
  /** Tokens of tenant `acme`, one per role, and `otherInvestigator` (tenant `other`). */
  readonly tokens: Readonly<Record<Role | 'otherInvestigator', string>>;
  /** `{ authorization: 'Bearer …' }` for a role's key. */
  auth(role: Role | 'otherInvestigator'): Record<string, string>;
}

export interface TestAppOptions {
  /** Environment for loadConfig (SHIMING_RATE_LIMIT_RPS…). */
  readonly env?: Record<string, string>;
  readonly app?: Partial<BuildAppOptions>;
}

/** Opens resources and builds the app; `close()` undoes everything and deletes the database. */
export async function startTestApp(dialect: StoreDialect, options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase(dialect);
  const dir = await mkdtemp(join(tmpdir(), 'shiming-server-'));
  const base = loadConfig({
    env: {
      SHIMING_DATA_DIR: join(dir, 'data'),
      SHIMING_ROOT_KEY_FILE: join(dir, 'keys', 'root.key'),
      SHIMING_AUDIT_CHECKPOINT_MS: '0',
      SHIMING_RATE_LIMIT_RPS: '0',
      ...options.env,
    },
  });
  // The test database (a temporary file, or a schema of its own on PostgreSQL).
  const config: ShimingConfig = { ...base, database: db.config as ShimingConfig['database'] };
  const resources = await openServerResources(config);
  const by = { actor: 'bootstrap', role: 'system' };
  const tokens: Partial<Record<Role | 'otherInvestigator', string>> = {};
  for (const role of ROLES) {
    tokens[role] = (await resources.keys.create({ tenant: 'acme', role, name: `test-${role}` }, by)).token;
  }
  tokens.otherInvestigator = (
    await resources.keys.create({ tenant: 'other', role: 'investigator', name: 'other-investigator' }, by)
  ).token;
  const app = await buildApp({
    config,
    store: resources.store,
    auditLog: resources.auditLog,
    keys: resources.keys,
    vault: resources.vault,
    realname: resources.realname,
    ...options.app,
  });
  const all = tokens as Record<Role | 'otherInvestigator', string>;
  return {
    ...resources,
    app,
    config,
    dir,
    tokens: all,
    auth: (role) => ({ authorization: `Bearer ${all[role]}` }),
    async close() {
      await app.close();
      await resources.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

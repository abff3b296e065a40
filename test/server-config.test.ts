/**
 * The server's configuration options: defaults, file, environment and flags in that order of
 * precedence, refusals naming the option — and docs/configuration.md listing every option and
 * environment variable that src/config/config.ts's table declares.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';

const ROOT = join(import.meta.dirname, '..');

describe('server configuration', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiming-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('defaults to 127.0.0.1:8080 with a per-key limit of 100/s, burst 200', () => {
    expect(loadConfig({ env: {} }).server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      bodyLimit: 1_048_576,
      logLevel: 'info',
      rateLimit: { perSecond: 100, burst: 200 },
      authCacheMs: 5000,
      bootstrapTenant: 'default',
    });
  });

  it('takes the file, then the environment, then flags', async () => {
    const file = join(dir, 'shiming.config.json');
    await writeFile(
      file,
      JSON.stringify({
        server: { host: '0.0.0.0', port: 9000, logLevel: 'warn', rateLimit: { perSecond: 5, burst: 10 } },
      }),
    );
    expect(loadConfig({ file, env: {} }).server).toMatchObject({
      host: '0.0.0.0',
      port: 9000,
      logLevel: 'warn',
      rateLimit: { perSecond: 5, burst: 10 },
    });
    const env = { SHIMING_PORT: '9100', SHIMING_RATE_LIMIT_RPS: '0', SHIMING_AUTH_CACHE_MS: '0' };
    expect(loadConfig({ file, env }).server).toMatchObject({
      port: 9100,
      rateLimit: { perSecond: 0, burst: 10 },
      authCacheMs: 0,
    });
    expect(loadConfig({ file, env, overrides: { port: 0, host: '::1' } }).server).toMatchObject({
      port: 0,
      host: '::1',
    });
  });

  it.each([
    [{ SHIMING_PORT: '70000' }, 'server.port'],
    [{ SHIMING_PORT: 'http' }, 'SHIMING_PORT'],
    [{ SHIMING_HOST: 'a b' }, 'server.host'],
    [{ SHIMING_LOG_LEVEL: 'loud' }, 'server.logLevel'],
    [{ SHIMING_RATE_LIMIT_BURST: '0' }, 'SHIMING_RATE_LIMIT_BURST'],
    [{ SHIMING_BODY_LIMIT: '100' }, 'SHIMING_BODY_LIMIT'],
    [{ SHIMING_BOOTSTRAP_TENANT: '13812345678' }, 'server.bootstrapTenant'],
  ])('refuses %o naming %s', (env, field) => {
    let error: unknown;
    try {
      loadConfig({ env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).not.toContain(Object.values(env)[0]);
  });

  it('refuses a server section that is not an object', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ server: { rateLimit: 5 } }));
    expect(() => loadConfig({ file, env: {} })).toThrow(/server\.rateLimit must be an object/);
  });

  it('are all in docs/configuration.md, as is every environment variable', async () => {
    const source = await readFile(join(ROOT, 'src', 'config', 'config.ts'), 'utf8');
    const doc = await readFile(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const table = source.slice(0, source.indexOf('@module'));
    const options = [...table.matchAll(/^ \* \| `([a-zA-Z.]+)`/gm)].map((m) => m[1]!);
    const envs = [...source.matchAll(/\b(SHIMING_[A-Z_]+)\b/g)].map((m) => m[1]!);
    expect(options.length).toBeGreaterThan(10);
    for (const option of options) expect(doc, option).toContain(`\`${option}\``);
    for (const env of new Set(envs)) expect(doc, env).toContain(`\`${env}\``);
  });
});

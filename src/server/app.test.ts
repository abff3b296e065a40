/**
 * The app's edges, through `inject()`: the error format for every kind of failure, the OpenAPI
 * document, the start-time guard against unguarded routes, rate limits, and logs without secrets.
 * (Storage is not the subject here: SQLite only; the route tests run on every dialect.)
 */
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/server-app.ts';
import { routesOf } from './app.ts';
import type { RoutePlugin } from './app.types.ts';
import { requireRole } from './auth/require-role.ts';
import { NoQuery, withErrors } from './schemas.ts';

/** Test-only routes: one that fails inside, one without a guard. */
const failing: RoutePlugin = async (app) => {
  app.get(
    '/boom',
    {
      preHandler: requireRole('admin'),
      schema: { querystring: NoQuery, response: withErrors({ 200: Type.Object({ ok: Type.Boolean() }) }) },
    },
    async () => {
      throw new Error('connection to 10.0.0.5 refused for user 张伟 13812345678');
    },
  );
  app.post(
    '/echo',
    {
      preHandler: requireRole('admin'),
      schema: {
        body: Type.Object({ items: Type.Array(Type.Object({ name: Type.String({ maxLength: 3 }) })) }),
        response: withErrors({ 200: Type.Object({ ok: Type.Boolean() }) }),
      },
    },
    async () => ({ ok: true, secret: 'should-not-leave' }) as { ok: boolean },
  );
};

describe('the app', () => {
  let t: TestApp | undefined;
  const lines: string[] = [];
  afterEach(async () => {
    await t?.close();
    t = undefined;
    lines.length = 0;
  });

  const start = (env: Record<string, string> = {}) =>
    startTestApp('sqlite', {
      env,
      app: {
        routes: [{ prefix: '/test', tag: 'test', plugin: failing }],
        logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
      },
    });

  describe('when a request fails', () => {
    it('answers 404 NOT_FOUND for unknown routes, with or without a key', async () => {
      t = await start();
      for (const headers of [{}, t.auth('admin')]) {
        const res = await t.app.inject({ url: '/v1/nothing-here', headers });
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
      }
    });

    it('answers 401 UNAUTHENTICATED with a challenge for a missing or malformed key', async () => {
      t = await start();
      for (const authorization of [
        undefined,
        'Bearer nope',
        'Basic YWxhZGRpbjpvcGVu',
        `Bearer ${t.tokens.admin}x`,
      ]) {
        const res = await t.app.inject({
          url: '/v1/whoami',
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHENTICATED');
        expect(res.headers['www-authenticate']).toBe('Bearer realm="shiming"');
      }
    });

    it('answers 500 INTERNAL without details, which go to the server log only', async () => {
      t = await start();
      const res = await t.app.inject({ url: '/v1/test/boom', headers: t.auth('admin') });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
      expect(res.body).not.toContain('10.0.0.5');
      expect(lines.join('')).toContain('connection to 10.0.0.5 refused');
    });

    it('names nested fields in validation errors', async () => {
      t = await start();
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/test/echo',
        headers: t.auth('admin'),
        payload: { items: [{ name: 'ok' }, { name: 'too long' }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'INVALID_REQUEST', field: 'items[1].name' });
      expect(res.body).not.toContain('too long');
    });

    it('refuses malformed JSON (400), other media types (415) and bodies over the limit (413)', async () => {
      t = await start({ SHIMING_BODY_LIMIT: '2048' });
      const headers = { ...t.auth('admin'), 'content-type': 'application/json' };
      const json = await t.app.inject({ method: 'POST', url: '/v1/keys', headers, payload: '{"role":' });
      expect(json.statusCode).toBe(400);
      expect(json.json().error).toEqual({
        code: 'INVALID_REQUEST',
        message: 'the request body is not valid JSON',
      });
      const text = await t.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: { ...t.auth('admin'), 'content-type': 'text/plain' },
        payload: 'role=admin',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const big = await t.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers,
        payload: JSON.stringify({ role: 'agent', name: 'x'.repeat(4096) }),
      });
      expect(big.statusCode).toBe(413);
      expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('keeps undeclared fields out of responses', async () => {
      t = await start();
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/test/echo',
        headers: t.auth('admin'),
        payload: { items: [] },
      });
      expect(res.json()).toEqual({ ok: true });
    });
  });

  describe('rate limits', () => {
    it('answer 429 RATE_LIMITED with Retry-After once a key spends its burst, per key', async () => {
      t = await start({ SHIMING_RATE_LIMIT_RPS: '1', SHIMING_RATE_LIMIT_BURST: '3' });
      const codes = [];
      for (let i = 0; i < 5; i++)
        codes.push((await t.app.inject({ url: '/v1/whoami', headers: t.auth('agent') })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const limited = await t.app.inject({ url: '/v1/whoami', headers: t.auth('agent') });
      expect(limited.json().error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Another key has its own bucket; unauthenticated routes have none.
      expect((await t.app.inject({ url: '/v1/whoami', headers: t.auth('auditor') })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    });
  });

  describe('the OpenAPI document', () => {
    it('lists every route with request and response schemas, roles and the key scheme', async () => {
      t = await start();
      const doc = (await t.app.inject({ url: '/docs/json' })).json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
      const routes = routesOf(t.app).filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs'));
      expect(routes.length).toBeGreaterThanOrEqual(14);
      for (const route of routes) {
        const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}').replace('*', '{*}');
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        expect(op, `${route.method} ${route.url} in /docs/json`).toBeDefined();
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
        const schema = route.schema as Record<string, unknown>;
        const input = ['body', 'querystring', 'params'].some((k) => schema[k] !== undefined);
        expect(input, `${route.method} ${route.url} has a request schema`).toBe(true);
        if (route.url.startsWith('/v1') || route.url === '/metrics') {
          expect(op.security).toEqual([{ apiKey: [] }]);
          expect(op.description).toMatch(/Roles: /);
        }
      }
    });

    it('is served with the UI at /docs without a key', async () => {
      t = await start();
      const ui = await t.app.inject({ url: '/docs/' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toContain('text/html');
    });
  });

  describe('at start', () => {
    it('refuses a /v1 route without requireRole', async () => {
      const unguarded: RoutePlugin = async (app) => {
        app.get('/open', { schema: { response: withErrors({ 200: Type.Object({}) }) } }, async () => ({}));
      };
      await expect(
        startTestApp('sqlite', { app: { routes: [{ prefix: '/x', tag: 'x', plugin: unguarded }] } }),
      ).rejects.toThrow(/GET \/v1\/x\/open has no requireRole/);
    });
  });

  describe('the server log', () => {
    it('never holds API keys, bodies or query strings', async () => {
      t = await start();
      await t.app.inject({ url: '/v1/whoami', headers: t.auth('admin') });
      await t.app.inject({
        method: 'POST',
        url: '/v1/audit/hash',
        headers: t.auth('auditor'),
        payload: { type: 'CN_MOBILE', value: '13812345678', purpose: 'check' },
      });
      await t.app.inject({ url: '/v1/audit/proof/inclusion?index=0&size=999', headers: t.auth('auditor') });
      const created = await t.app.inject({
        method: 'POST',
        url: '/v1/keys',
        headers: t.auth('admin'),
        payload: { role: 'agent' },
      });
      const log = lines.join('');
      expect(log).toContain('"route":"/v1/whoami"');
      for (const token of [...Object.values(t.tokens), created.json().token]) {
        expect(log).not.toContain(token.slice(21));
      }
      expect(log).not.toContain('13812345678');
      expect(log).not.toContain('size=999');
    });
  });
});

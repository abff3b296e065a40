/**
 * The HTTP API of `shiming serve`: Fastify with TypeBox schemas, OpenAPI at `/docs`, health and
 * metrics, API-key authentication and per-key rate limits, then the `/v1` route families.
 *
 * Order of control for a `/v1` request (the numbers in the hooks below):
 * 1. routing (unknown routes → 404 `NOT_FOUND`, unauthenticated);
 * 2. onRequest: the API key (401 `UNAUTHENTICATED`), then its token bucket (429 `RATE_LIMITED`);
 * 3. body parsing and schema validation (400 `INVALID_REQUEST` naming the field; 413; 415);
 * 4. preHandler `requireRole` (403 `FORBIDDEN`);
 * 5. the handler; its reply is serialised through the response schema (undeclared fields dropped);
 * 6. onSend: security headers; onResponse: metrics by route pattern.
 *
 * @example
 * ```ts
 * const app = await buildApp({ config, store, auditLog, keys });
 * await app.listen({ host: config.server.host, port: config.server.port });
 * ```
 * @module
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifySchemaCompiler } from 'fastify';
import { VERSION } from '../version.ts';
import type { RouteContext, RouteFamily, ShimingApp } from './app.types.ts';
import { randomBase62 } from './auth/api-key-token.ts';
import { authenticate } from './auth/authenticate.ts';
import { TokenBuckets } from './auth/token-bucket.ts';
import { installErrorHandling } from './error-handler.ts';
import { type LoggerSettings, loggerOptions } from './logger.ts';
import { Metrics } from './metrics.ts';
import { auditWritableCheck, databaseCheck, type ReadinessCheck } from './readiness.ts';
import { guardRoutes, type RouteInfo, tagRoutes } from './route-guard.ts';
import { healthRoutes } from './routes/health.ts';
import { V1_ROUTES } from './routes/index.ts';
import { metricsRoute } from './routes/metrics.ts';

export interface BuildAppOptions extends Omit<RouteContext, 'clock'> {
  readonly clock?: () => Date;
  /** Logging (redacted, see logger.ts); `false` or absent: no logs. */
  readonly logger?: LoggerSettings | false;
  /** Route families mounted under `/v1` after the built-in ones. */
  readonly routes?: readonly RouteFamily[];
  /** Readiness checks in addition to the database and the audit log. */
  readonly readinessChecks?: readonly ReadinessCheck[];
  /** Export Node's process metrics too (default false; `shiming serve` turns them on). */
  readonly processMetrics?: boolean;
}

/**
 * Request ids `req_<random per process><counter>`: unique across servers without drawing random
 * bytes per request (a measurable cost at thousands of requests a second).
 */
function requestIds(): () => string {
  const prefix = randomBase62(10);
  let n = 0;
  return () => `req_${prefix}${(n++).toString(36)}`;
}

const routeTables = new WeakMap<FastifyInstance, RouteInfo[]>();

/** The routes of an app built by {@link buildApp}: method, URL pattern and schema. */
export function routesOf(app: FastifyInstance): readonly RouteInfo[] {
  return routeTables.get(app) ?? [];
}

/**
 * Request validation. Bodies are JSON and must carry the declared types: Fastify's default
 * coercion would turn `{"CN_MOBILE": 13812345678}` into a string and `"ids": "sub_…"` into a list
 * and accept them. Query strings, parameters and headers are text by nature and keep coercion
 * (`?index=3`). Unknown fields are refused (400 naming the field), never silently dropped.
 */
function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const make = (coerceTypes: false | 'array') => {
    const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false });
    // ajv-formats is CommonJS: its default export is the module object under nodenext.
    (ajvFormats as unknown as { default: (a: Ajv) => Ajv }).default(ajv);
    return ajv;
  };
  const body = make(false);
  const text = make('array');
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}

/** Builds the app, ready to `listen` or `inject`. */
export async function buildApp(options: BuildAppOptions): Promise<ShimingApp> {
  const { config } = options;
  const clock = options.clock ?? (() => new Date());
  const app = Fastify({
    logger: options.logger === undefined || options.logger === false ? false : loggerOptions(options.logger),
    bodyLimit: config.server.bodyLimit,
    genReqId: requestIds(),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());
  const routes: RouteInfo[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, schema: route.schema });
  });

  app.decorateRequest('principal', null);
  // The API speaks JSON only: text bodies get 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');
  installErrorHandling(app);
  const metrics = new Metrics({
    auditSize: () => options.auditLog.size,
    realname: () => options.realname.stats(),
    db: options.store.db,
    clock,
    processMetrics: options.processMetrics ?? false,
  });
  // 6. Security headers and metrics, on every response (errors and 404s included).
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id).header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Shiming API',
        version: VERSION,
        description: 'Errors: `{ "error": { "code", "message", "field" } }`; codes and roles in docs/api.md.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'an API key: shk_<id>_<secret>' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const checks = [
    databaseCheck(options.store.db),
    auditWritableCheck(options.store.db, config.keys.signerStateFile),
    ...(options.readinessChecks ?? []),
  ];
  await app.register(healthRoutes, { checks });

  const ctx: RouteContext = {
    config,
    store: options.store,
    auditLog: options.auditLog,
    keys: options.keys,
    vault: options.vault,
    realname: options.realname,
    clock,
  };
  const families = [...V1_ROUTES, ...(options.routes ?? [])];
  await app.register(async (secured) => {
    // 2. Everything in this scope needs a key, within its rate limit; every route a role guard.
    secured.addHook('onRoute', guardRoutes);
    secured.addHook(
      'onRequest',
      authenticate({
        keys: options.keys,
        buckets: new TokenBuckets(config.server.rateLimit),
        onFailure: (reason) => metrics.authFailures.inc({ reason }),
        onRateLimited: (role) => metrics.rateLimited.inc({ role }),
      }),
    );
    await secured.register(metricsRoute, { metrics });
    await secured.register(
      async (v1) => {
        for (const family of families) {
          await v1.register(
            async (scope) => {
              scope.addHook('onRoute', tagRoutes(family.tag));
              await scope.register(family.plugin, ctx);
            },
            { prefix: family.prefix },
          );
        }
      },
      { prefix: '/v1' },
    );
  });
  await app.ready();
  return app;
}

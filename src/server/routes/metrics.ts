/**
 * `GET /metrics`: the Prometheus exposition of the app's registry, for admin and auditor keys
 * (Prometheus sends one with `authorization: { credentials: shk_… }` in its scrape config).
 *
 * @module
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, RawServerDefault } from 'fastify';
import { requireRole } from '../auth/require-role.ts';
import type { Metrics } from '../metrics.ts';
import { NoQuery, textResponse, withErrors } from '../schemas.ts';

export interface MetricsRouteOptions {
  readonly metrics: Metrics;
}

export const metricsRoute: FastifyPluginAsync<
  MetricsRouteOptions,
  RawServerDefault,
  TypeBoxTypeProvider
> = async (app, options) => {
  app.get(
    '/metrics',
    {
      preHandler: requireRole('admin', 'auditor'),
      schema: {
        summary: 'Prometheus metrics: request rates and latencies by route pattern, audit log lag',
        tags: ['operations'],
        querystring: NoQuery,
        response: withErrors({ 200: textResponse('Prometheus text exposition format') }),
      },
    },
    async (_request, reply) => {
      const registry = options.metrics.registry;
      const body = await registry.metrics();
      void reply.type(registry.contentType);
      return body;
    },
  );
};

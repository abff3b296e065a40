/**
 * `/healthz` (the process answers: restart me if not) and `/readyz` (the database answers and
 * the audit log is writable: send me traffic). Both are unauthenticated, for load balancers and
 * orchestrators, and say nothing about the data.
 *
 * @module
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync, RawServerDefault } from 'fastify';
import { Type } from 'typebox';
import { ApiError } from '../errors.ts';
import { failingChecks, type ReadinessCheck } from '../readiness.ts';
import { NoQuery, withErrors } from '../schemas.ts';

export interface HealthOptions {
  readonly checks: readonly ReadinessCheck[];
}

const Status = Type.Object({ status: Type.Literal('ok') });

export const healthRoutes: FastifyPluginAsync<HealthOptions, RawServerDefault, TypeBoxTypeProvider> = async (
  app,
  options,
) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process is up',
        tags: ['operations'],
        querystring: NoQuery,
        response: withErrors({ 200: Status }),
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: the database answers and the audit log is writable (503 otherwise)',
        tags: ['operations'],
        querystring: NoQuery,
        response: withErrors({ 200: Status }),
      },
    },
    async (request) => {
      const failed = await failingChecks(options.checks);
      if (failed.length > 0) {
        for (const f of failed) request.log.warn({ err: f.error, check: f.name }, 'readiness check failed');
        throw new ApiError('UNAVAILABLE', `not ready: ${failed.map((f) => f.name).join(', ')}`);
      }
      return { status: 'ok' as const };
    },
  );
};

/**
 * `/v1/realname`: compliance reporting and enforcement. The report is counts only — accounts per
 * service and state, how verified accounts were verified, verification outcomes per method — with
 * no account id and nothing about a person (auditors and admins; purpose `reporting`). Admins can
 * run the enforcement job once now (`dryRun` counts without changing anything); the server also
 * runs it every `realname.enforceIntervalMs`.
 *
 * @module
 */
import { type Static, Type } from 'typebox';
import { TRANSITION_REASON_CODES } from '../../realname/transitions.ts';
import type { RoutePlugin } from '../app.types.ts';
import { recordOrFail } from '../audit-record.ts';
import { requireRole } from '../auth/require-role.ts';
import { withErrors } from '../schemas.ts';
import { Level, Method, runRealname, ServiceId } from './realname-http.ts';
import { accessOf } from './vault-http.ts';

const strict = { additionalProperties: false } as const;
const Count = Type.Integer({ minimum: 0 });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const ReportQuery = Type.Object(
  {
    since: Type.Optional(
      Type.String({ format: 'date-time', maxLength: 40, description: 'verification outcomes from then on' }),
    ),
  },
  strict,
);
const ReportOut = Type.Object({
  generatedAt: Type.String({ format: 'date-time' }),
  accounts: Type.Array(Type.Object({ service: ServiceId, state: Type.String(), count: Count })),
  verified: Type.Array(
    Type.Object({ service: ServiceId, method: nullable(Method), level: nullable(Level), count: Count }),
  ),
  verifications: Type.Array(Type.Object({ method: Method, outcome: Type.String(), count: Count })),
});
const Enforce = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ description: 'count what would happen; change nothing' })) },
  strict,
);
const EnforceOut = Type.Object({
  dryRun: Type.Boolean(),
  examined: Count,
  transitions: Type.Object(
    Object.fromEntries(TRANSITION_REASON_CODES.map((r) => [r, Type.Optional(Count)])) as Record<
      string,
      ReturnType<typeof Type.Optional<typeof Count>>
    >,
    { description: 'transitions applied (or that would be), by reason' },
  ),
  cleared: Count,
  skipped: Count,
  batches: Count,
  durationMs: Type.Number({ minimum: 0 }),
});

export const realnameReportRoutes: RoutePlugin = async (app, ctx) => {
  const realname = ctx.realname;

  app.get(
    '/report',
    {
      preHandler: requireRole('auditor', 'admin'),
      schema: {
        summary: "The tenant's real-name counts (coverage, methods, outcomes): no account, no PI",
        querystring: ReportQuery,
        response: withErrors({ 200: ReportOut }),
      },
    },
    async (request) => {
      const since = request.query.since === undefined ? undefined : new Date(request.query.since);
      const report = await runRealname(() => realname.report(accessOf(request, 'reporting'), since));
      // Method and level columns hold the enumerated values.
      return report as Static<typeof ReportOut>;
    },
  );

  app.post(
    '/enforce',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Run the enforcement job once now (deadlines → notified, restricted, suspended)',
        body: Enforce,
        response: withErrors({ 200: EnforceOut }),
      },
    },
    async (request) => {
      const access = accessOf(request, 'policy-management');
      const dryRun = request.body.dryRun === true;
      // Who ran it, before it runs (the job records each transition itself).
      await recordOrFail(ctx.auditLog, {
        actor: access.actor,
        role: access.role,
        purpose: access.purpose,
        action: 'realname.enforce',
        tenant: access.tenant,
        outcome: 'ok',
        request: request.id,
        reason: dryRun ? 'DRY_RUN' : 'RUN',
      });
      return runRealname(() => realname.enforce({ dryRun, tenant: access.tenant }));
    },
  );
};

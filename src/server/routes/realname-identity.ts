/**
 * `/v1/identity`: the identity footprint (一证通查). A service's back end asks on behalf of its
 * logged-in user, who is identified by one of their own *verified* accounts: the answer lists every
 * account of the provider bound to that same identity, across services, and nothing else — there
 * is no way to name someone else's identity. The user can report one of those accounts as "not
 * mine", which sends it back to re-verification. Registrars only; purpose `identity-footprint`.
 * Reports form a review queue for compliance staff (admin, investigator; purpose `identity-review`).
 *
 * @module
 */
import { type Static, Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { withErrors } from '../schemas.ts';
import { AccountId, Level, Method, runRealname, ServiceId } from './realname-http.ts';
import { accessOf } from './vault-http.ts';

const PURPOSE = 'identity-footprint';
const strict = { additionalProperties: false } as const;

const FootprintQuery = Type.Object({ account: AccountId }, strict);
const FootprintEntry = Type.Object({
  id: AccountId,
  service: ServiceId,
  serviceName: Type.String({ description: "the service's display name" }),
  state: Type.String(),
  level: Type.Union([Level, Type.Null()]),
  method: Type.Union([Method, Type.Null()]),
  verifiedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean({ description: 'true for the account the request was made from' }),
});
const Report = Type.Object(
  {
    reporterAccount: Type.Intersect([AccountId], {
      description: "one of the reporter's own verified accounts",
    }),
    account: Type.Intersect([AccountId], { description: 'the account of the footprint that is not theirs' }),
  },
  strict,
);

const REVIEW_PURPOSE = 'identity-review';
const ReportId = Type.String({ pattern: '^rep_[0-9A-Za-z]{22}$', description: 'report id (rep_…)' });
const ReportsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  strict,
);
const ReportView = Type.Object({
  id: ReportId,
  account: AccountId,
  reporterAccount: AccountId,
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  createdAt: Type.String({ format: 'date-time' }),
});
const Resolve = Type.Object(
  {
    resolution: Type.Union([Type.Literal('account-closed'), Type.Literal('dismissed')], {
      description:
        '`account-closed`: the provider closes the reported account; `dismissed`: it keeps its deadline',
    }),
  },
  strict,
);

export const realnameIdentityRoutes: RoutePlugin = async (app, ctx) => {
  const registrar = requireRole('registrar');
  const realname = ctx.realname;

  app.get(
    '/footprint',
    {
      preHandler: registrar,
      schema: {
        summary: "Every account bound to the identity of one of the caller's verified accounts",
        querystring: FootprintQuery,
        response: withErrors({ 200: Type.Object({ accounts: Type.Array(FootprintEntry) }) }),
      },
    },
    async (request) => {
      const entries = await runRealname(() =>
        realname.footprint(accessOf(request, PURPOSE), request.query.account),
      );
      // The layer's columns are strings; the levels and methods in them are the enumerated ones.
      return { accounts: entries as Static<typeof FootprintEntry>[] };
    },
  );

  app.post(
    '/reports',
    {
      preHandler: registrar,
      schema: {
        summary: '"Not mine": an account of the footprint goes back to re-verification',
        body: Report,
        response: withErrors({
          201: Type.Object({
            reportId: Type.String({ description: 'report id (rep_…)' }),
            state: Type.String({ description: "the reported account's state now" }),
          }),
        }),
      },
    },
    async (request, reply) => {
      const { reporterAccount, account } = request.body;
      const out = await runRealname(() =>
        realname.reportNotMine(accessOf(request, PURPOSE), reporterAccount, account),
      );
      void reply.status(201);
      return out;
    },
  );

  // The review queue: compliance staff (admin, investigator) see the reports and decide.
  const reviewers = requireRole('admin', 'investigator');
  app.get(
    '/reports',
    {
      preHandler: reviewers,
      schema: {
        summary: '"Not mine" reports of the tenant, oldest first: the review queue',
        querystring: ReportsQuery,
        response: withErrors({ 200: Type.Object({ reports: Type.Array(ReportView) }) }),
      },
    },
    async (request) => {
      const { status, limit } = request.query;
      const reports = await runRealname(() =>
        realname.listReports(accessOf(request, REVIEW_PURPOSE), status, limit),
      );
      return { reports };
    },
  );

  app.post(
    '/reports/:id/resolve',
    {
      preHandler: reviewers,
      schema: {
        summary: 'Decide an open report: close the reported account, or dismiss the report',
        params: Type.Object({ id: ReportId }, strict),
        body: Resolve,
        response: withErrors({ 200: ReportView }),
      },
    },
    async (request) =>
      runRealname(() =>
        realname.resolveReport(accessOf(request, REVIEW_PURPOSE), request.params.id, request.body.resolution),
      ),
  );
};

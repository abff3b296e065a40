/**
 * `/v1/identity`: the identity footprint (一证通查). A service's back end asks on behalf of its
 * logged-in user, who is identified by one of their own *verified* accounts: the answer lists every
 * account of the provider bound to that same identity, across services, and nothing else — there
 * is no way to name someone else's identity. The user can report one of those accounts as "not
 * mine", which sends it back to re-verification. Registrars only; purpose `identity-footprint`.
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
};

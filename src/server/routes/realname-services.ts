/**
 * `/v1/services`: the tenant's real-name service policies — for each service, the *scope* (which
 * fields it may collect and keep) and the *means* (whether real name is required, at which
 * assurance level, by which methods), plus limits, minors' rules and deadlines
 * (docs/realname-policies.md). Admins replace a policy (`PUT`, a new version, audited as
 * `realname.policy.update`); admins, registrars and auditors read them. A document that does not
 * parse is `400 INVALID_POLICY` naming its JSON path.
 *
 * @module
 */
import { type Static, Type } from 'typebox';
import { PI_TYPE_IDS } from '../../pi/types.ts';
import type { PlayDay as PlayDayId } from '../../realname/policy.types.ts';
import type { StoredServicePolicy } from '../../realname/policy-store.ts';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { ApiError } from '../errors.ts';
import { NoQuery, withErrors } from '../schemas.ts';
import { Level, Method, runRealname, ServiceId } from './realname-http.ts';
import { accessOf } from './vault-http.ts';

const strict = { additionalProperties: false } as const;
const Days = Type.Integer({ minimum: 0, maximum: 36_500 });
const Hours = Type.Integer({ minimum: 0, maximum: 876_000 });
const Field = Type.Enum(PI_TYPE_IDS, { description: 'PI type id' });
const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const HhMm = Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM' });
const PLAY_DAYS: readonly PlayDayId[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN', 'HOLIDAY'];
const PlayDay = Type.Enum(PLAY_DAYS);

/**
 * A service policy document. The schema checks shapes and bounds; `parseServicePolicy` checks
 * the rules (methods reaching the level, retained fields collected, windows, time zones…) and
 * names the JSON path at fault as `INVALID_POLICY`.
 */
export const ServicePolicyDocument = Type.Object(
  {
    service: ServiceId,
    version: Type.Literal(1),
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    realName: Type.Object(
      {
        required: Type.Boolean(),
        minimumLevel: Level,
        methods: Type.Array(Method, { minItems: 1, maxItems: 8 }),
        graceDays: Days,
        noticeDays: Days,
        restrictDays: Days,
      },
      strict,
    ),
    fields: Type.Object(
      {
        collect: Type.Array(Field, { maxItems: 64 }),
        retain: Type.Array(Type.Object({ field: Field, daysAfterClose: Days }, strict), { maxItems: 64 }),
      },
      strict,
    ),
    accountsPerIdentity: Type.Optional(
      Type.Object(
        {
          limit: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
          scope: Type.String({ minLength: 1, maxLength: 64 }),
        },
        strict,
      ),
    ),
    minors: Type.Object(
      {
        minimumAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 150 })),
        guardianConsentUnder: Type.Integer({ minimum: 0, maximum: 150 }),
        play: Type.Optional(
          Type.Object(
            {
              timeZone: Type.String({ minLength: 1, maxLength: 64 }),
              windows: Type.Array(
                Type.Object(
                  { days: Type.Array(PlayDay, { minItems: 1, maxItems: 8 }), from: HhMm, to: HhMm },
                  strict,
                ),
                { maxItems: 64 },
              ),
              holidays: Type.Array(IsoDate, { maxItems: 2000 }),
              workdays: Type.Array(IsoDate, { maxItems: 2000 }),
            },
            strict,
          ),
        ),
      },
      strict,
    ),
    reverification: Type.Object(
      {
        phoneChange: Type.Optional(Hours),
        deviceChange: Type.Optional(Hours),
        fraudFlag: Type.Optional(Hours),
      },
      strict,
    ),
  },
  { ...strict, description: 'a service policy (docs/realname-policies.md)' },
);

const StoredOut = Type.Object({
  version: Type.Integer({ description: "the policy's version, from 1" }),
  updatedAt: Type.String({ format: 'date-time' }),
  policy: ServicePolicyDocument,
});
const IdParams = Type.Object({ id: ServiceId }, strict);

/** The stored policy as the API's (the parsed policy is deeply readonly, the schema's type is not). */
const view = (s: StoredServicePolicy) =>
  ({ version: s.version, updatedAt: s.updatedAt, policy: s.policy }) as Static<typeof StoredOut>;

export const realnameServiceRoutes: RoutePlugin = async (app, ctx) => {
  const readers = requireRole('admin', 'registrar', 'auditor');
  const realname = ctx.realname;

  app.get(
    '',
    {
      preHandler: readers,
      schema: {
        summary: "The tenant's service policies",
        querystring: NoQuery,
        response: withErrors({ 200: Type.Object({ services: Type.Array(StoredOut) }) }),
      },
    },
    async (request) => {
      const access = accessOf(request, 'policy-management');
      const stored = await runRealname(() => realname.listPolicies(access));
      return { services: stored.map(view) };
    },
  );

  app.get(
    '/:id/policy',
    {
      preHandler: readers,
      schema: {
        summary: "A service's policy and its version",
        params: IdParams,
        querystring: NoQuery,
        response: withErrors({ 200: StoredOut }),
      },
    },
    async (request) => {
      const access = accessOf(request, 'policy-management');
      return view(await runRealname(() => realname.getPolicy(access, request.params.id)));
    },
  );

  app.put(
    '/:id/policy',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: "Replace a service's policy (a new version; audited)",
        params: IdParams,
        body: ServicePolicyDocument,
        response: withErrors({ 200: StoredOut }),
      },
    },
    async (request) => {
      if (request.body.service !== request.params.id) {
        throw new ApiError('INVALID_REQUEST', "the document's service must be the one in the path", {
          field: 'service',
        });
      }
      const access = accessOf(request, 'policy-management');
      return view(await runRealname(() => realname.putPolicy(access, request.body)));
    },
  );
};

/**
 * `/v1/policies`: the caller's tenant's access policy — rules of (roles, purposes, operations,
 * fields) → PLAIN | MASKED | REDACTED | DENY, default deny, with per-role quotas (docs/vault.md).
 * Admins replace it (`PUT`, a new version, audited as `policy.update`); admins and auditors read
 * it. A document that does not parse is `400 INVALID_POLICY` naming its JSON path.
 *
 * @module
 */
import { Type } from 'typebox';
import type { StoredPolicy } from '../../vault/policy-store.ts';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { NoQuery, withErrors } from '../schemas.ts';
import { accessOf, run } from './vault-http.ts';

const Rule = Type.Object({
  roles: Type.Array(Type.String()),
  purposes: Type.Array(Type.String()),
  operations: Type.Optional(Type.Array(Type.String(), { description: 'read, lookup, detokenize, export' })),
  fields: Type.Array(Type.String(), { description: 'PI type ids or "*"' }),
  access: Type.String({ description: 'PLAIN, MASKED, REDACTED or DENY' }),
});
const Quota = Type.Object({ limit: Type.Integer(), windowSeconds: Type.Integer() });
const Quotas = Type.Record(
  Type.String(),
  Type.Object({
    reads: Type.Optional(Quota),
    lookups: Type.Optional(Quota),
    detokenizations: Type.Optional(Quota),
  }),
  { description: 'role → counter → quota' },
);
/** Loose on purpose: `parsePolicy` checks the document and names the JSON path at fault. */
const PolicyDocument = Type.Object(
  {
    version: Type.Literal(1),
    purposes: Type.Array(Type.String()),
    rules: Type.Array(Type.Unknown()),
    quotas: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
const PolicyOut = Type.Object({
  version: Type.Literal(1),
  purposes: Type.Array(Type.String()),
  rules: Type.Array(Rule),
  quotas: Quotas,
});
const StoredOut = Type.Object({
  version: Type.Integer({ description: 'policy version: 0 is the built-in empty policy' }),
  policy: PolicyOut,
  updatedAt: Type.Optional(Type.String({ format: 'date-time' })),
  updatedBy: Type.Optional(Type.String()),
});

const view = (s: StoredPolicy) => ({
  version: s.version,
  policy: {
    version: 1 as const,
    purposes: [...s.policy.purposes],
    rules: s.policy.rules.map((r) => ({
      ...r,
      roles: [...r.roles],
      purposes: [...r.purposes],
      operations: [...r.operations],
      fields: [...r.fields],
    })),
    quotas: s.policy.quotas as Record<string, Record<string, { limit: number; windowSeconds: number }>>,
  },
  ...(s.updatedAt === undefined ? {} : { updatedAt: s.updatedAt }),
  ...(s.updatedBy === undefined ? {} : { updatedBy: s.updatedBy }),
});

export const policyRoutes: RoutePlugin = async (app, ctx) => {
  app.get(
    '',
    {
      preHandler: requireRole('admin', 'auditor'),
      schema: {
        summary: "The caller's tenant's policy and its version",
        querystring: NoQuery,
        response: withErrors({ 200: StoredOut }),
      },
    },
    async (request) => view(await ctx.vault.getPolicy(accessOf(request, 'policy-management').tenant)),
  );

  app.put(
    '',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: "Replace the caller's tenant's policy (a new version; audited)",
        body: PolicyDocument,
        response: withErrors({ 200: StoredOut }),
      },
    },
    async (request) => {
      const access = accessOf(request, 'policy-management');
      return view(await run(() => ctx.vault.setPolicy(access, request.body)));
    },
  );
};

/**
 * `/v1/audit/hash` and `/v1/audit/find`: the entries about a person, without the log holding
 * their data. `hash` turns a value into its audit identifier (the keyed HMAC entries carry);
 * `find` lists the entries naming an identifier.
 *
 * Both are POST so that values never sit in URLs (which proxies and access logs keep), both need
 * a purpose, and both are themselves audited (`audit.hash`, `audit.find`, naming the identifier):
 * testing whether someone's number appears in the log is an access to PI. Investigators see the
 * entries of their own tenant; auditors see the whole log (it is the deployment's, and holds no
 * PI). Admins may not search: whoever manages keys should not also look people up.
 *
 * @module
 */
import { Type } from 'typebox';
import { PI_TYPE_IDS } from '../../pi/types.ts';
import type { RoutePlugin } from '../app.types.ts';
import { recordOrFail } from '../audit-record.ts';
import { principalOf, requireRole } from '../auth/require-role.ts';
import { AuditIdentifier, Purpose, Uint64, withErrors } from '../schemas.ts';

const HashRequest = Type.Object(
  {
    type: Type.Enum(PI_TYPE_IDS, { description: 'PI type id: decides how the value is normalised' }),
    value: Type.String({ minLength: 1, maxLength: 256, description: 'the value; never stored or logged' }),
    purpose: Purpose,
  },
  { additionalProperties: false },
);

const FindRequest = Type.Object(
  {
    identifier: AuditIdentifier,
    purpose: Purpose,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const Entry = Type.Object({
  v: Type.Literal(1),
  time: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  role: Type.String(),
  purpose: Type.String(),
  action: Type.String(),
  tenant: Type.String(),
  subject: Type.Optional(Type.String()),
  fields: Type.Optional(Type.Array(Type.String())),
  outcome: Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('error')]),
  request: Type.Optional(Type.String()),
  count: Type.Optional(Type.Integer()),
});

const FindResponse = Type.Object({
  entries: Type.Array(Type.Object({ index: Uint64, entry: Entry })),
  truncated: Type.Boolean({ description: 'more entries exist than `limit`' }),
});

export const auditSearchRoutes: RoutePlugin = async (app, ctx) => {
  const searchers = requireRole('auditor', 'investigator');

  app.post(
    '/hash',
    {
      preHandler: searchers,
      schema: {
        summary: 'The audit identifier of a value (recorded as an access: audit.hash)',
        body: HashRequest,
        response: withErrors({ 200: Type.Object({ identifier: AuditIdentifier }) }),
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const identifier = ctx.auditLog.identifier(request.body.type, request.body.value);
      await recordOrFail(ctx.auditLog, {
        actor: caller.keyId,
        role: caller.role,
        purpose: request.body.purpose,
        action: 'audit.hash',
        tenant: caller.tenant,
        subject: identifier,
        fields: [request.body.type],
        outcome: 'ok',
        request: request.id,
      });
      return { identifier };
    },
  );

  app.post(
    '/find',
    {
      preHandler: searchers,
      schema: {
        summary: 'The entries naming an audit identifier (recorded as an access: audit.find)',
        body: FindRequest,
        response: withErrors({ 200: FindResponse }),
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const limit = request.body.limit ?? 100;
      let found = await ctx.auditLog.findIdentifier(request.body.identifier, limit + 1);
      const truncated = found.length > limit;
      found = found.slice(0, limit);
      if (caller.role !== 'auditor') found = found.filter((f) => f.entry.tenant === caller.tenant);
      // Recorded before answering: if the log cannot take it, the caller learns nothing.
      await recordOrFail(ctx.auditLog, {
        actor: caller.keyId,
        role: caller.role,
        purpose: request.body.purpose,
        action: 'audit.find',
        tenant: caller.tenant,
        subject: request.body.identifier,
        outcome: 'ok',
        request: request.id,
        count: found.length,
      });
      const entries = found.map((f) => {
        const { fields, ...rest } = f.entry;
        return {
          index: f.index.toString(),
          entry: fields === undefined ? rest : { ...rest, fields: [...fields] },
        };
      });
      return { entries, truncated };
    },
  );
};

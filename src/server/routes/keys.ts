/**
 * `/v1/keys`: API key management for admins, within their own tenant. The secret is returned once,
 * by `POST`; lists never carry secrets or hashes (the response schema leaves them out even if a
 * handler slipped). Every creation and revocation is in the audit log (`key.create`, `key.revoke`,
 * naming the key id and role in `fields`), and is refused (503) if the log cannot record it.
 *
 * Keys of other tenants, and keys after losing every admin key, are managed with `shiming keys`
 * on the database directly.
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import type { ApiKeyRecord } from '../auth/api-key-store.ts';
import { principalOf, requireRole } from '../auth/require-role.ts';
import { ROLES } from '../auth/roles.ts';
import { ApiError } from '../errors.ts';
import { KeyId, NoQuery, Tenant, withErrors } from '../schemas.ts';

const RoleSchema = Type.Enum(ROLES, { description: 'role of the key (see the roles table in docs/api.md)' });

const KeyName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$',
  description: 'a label for people ("crm-backend"); not a person\'s name',
});

const KeyRecord = Type.Object({
  id: KeyId,
  tenant: Tenant,
  role: RoleSchema,
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

const CreateKey = Type.Object(
  { role: RoleSchema, name: Type.Optional(KeyName) },
  { additionalProperties: false },
);

const CreatedKey = Type.Object({
  ...KeyRecord.properties,
  token: Type.String({ description: 'the API key (shk_…): shown this once, store it now' }),
});

const keyView = (r: ApiKeyRecord) => ({ ...r, role: r.role as (typeof ROLES)[number] });

export const keyRoutes: RoutePlugin = async (app, ctx) => {
  const admin = requireRole('admin');

  app.post(
    '',
    {
      preHandler: admin,
      schema: {
        summary: "Create an API key in the caller's tenant; the token is in this response only",
        body: CreateKey,
        response: withErrors({ 201: CreatedKey }),
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      const { record, token } = await ctx.keys.create(
        { tenant: caller.tenant, role: request.body.role, name: request.body.name ?? request.body.role },
        { actor: caller.keyId, role: caller.role, request: request.id },
      );
      void reply.status(201);
      return { ...keyView(record), token };
    },
  );

  app.get(
    '',
    {
      preHandler: admin,
      schema: {
        summary: "List the API keys of the caller's tenant (never secrets)",
        querystring: NoQuery,
        response: withErrors({ 200: Type.Object({ keys: Type.Array(KeyRecord) }) }),
      },
    },
    async (request) => ({ keys: (await ctx.keys.list(principalOf(request).tenant)).map(keyView) }),
  );

  app.delete(
    '/:id',
    {
      preHandler: admin,
      schema: {
        summary:
          "Revoke an API key of the caller's tenant (at once on this server; within the auth cache time on others)",
        params: Type.Object({ id: KeyId }, { additionalProperties: false }),
        response: withErrors({ 200: KeyRecord }),
      },
    },
    async (request) => {
      const caller = principalOf(request);
      const record = await ctx.keys.revoke(
        request.params.id,
        { actor: caller.keyId, role: caller.role, request: request.id },
        caller.tenant,
      );
      if (record === undefined)
        throw new ApiError('NOT_FOUND', 'no such API key in this tenant', { field: 'id' });
      return keyView(record);
    },
  );
};

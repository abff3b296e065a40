/**
 * `GET /v1/whoami`: the calling key's id, tenant, role and name — for any role. Lets a client check
 * its configuration without touching data.
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { principalOf, requireRole } from '../auth/require-role.ts';
import { ROLES } from '../auth/roles.ts';
import { KeyId, NoQuery, Tenant, withErrors } from '../schemas.ts';

const Whoami = Type.Object({
  keyId: KeyId,
  tenant: Tenant,
  role: Type.Enum(ROLES),
  name: Type.String(),
});

export const whoamiRoutes: RoutePlugin = async (app) => {
  app.get(
    '/whoami',
    {
      preHandler: requireRole(...ROLES),
      schema: {
        summary: 'The calling API key: id, tenant, role, name',
        querystring: NoQuery,
        response: withErrors({ 200: Whoami }),
      },
    },
    async (request) => principalOf(request),
  );
};

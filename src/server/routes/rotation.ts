/**
 * `/v1/keys/rotate`, `/v1/keys/rotation`, `/v1/keys/rewrap`: the tenant's key-encryption keys.
 * A rotation makes a new KEK version active at once; the server rewraps DEKs in the background
 * (every 10 s, or now with `rewrap`) and retires the old version when no DEK uses it. Admins only;
 * auditors may see the status. No key material is ever returned.
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { NoQuery, Purpose, withErrors } from '../schemas.ts';
import { accessOf, run } from './vault-http.ts';

const Suite = Type.Union([Type.Literal('intl'), Type.Literal('gm')], {
  description: 'intl (AES-256-GCM) or gm (SM4-GCM)',
});
const Rotate = Type.Object(
  {
    suite: Type.Optional(Suite),
    purpose: Type.Optional(Purpose),
  },
  { additionalProperties: false },
);
const Kek = Type.Object({
  version: Type.Integer(),
  suite: Suite,
  state: Type.Union([Type.Literal('active'), Type.Literal('retiring'), Type.Literal('retired')]),
  deks: Type.Integer({ description: 'DEKs wrapped under this version' }),
  createdAt: Type.String({ format: 'date-time' }),
  retiredAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export const rotationRoutes: RoutePlugin = async (app, ctx) => {
  app.post(
    '/rotate',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: "Rotate the tenant's KEK: a new version, active at once; DEKs rewrapped in the background",
        body: Type.Optional(Rotate),
        response: withErrors({
          200: Type.Object({ version: Type.Integer(), suite: Suite, retiring: Type.Array(Type.Integer()) }),
        }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.body?.purpose ?? 'key-rotation');
      return run(() => ctx.vault.rotateKek(access, request.body?.suite));
    },
  );

  app.get(
    '/rotation',
    {
      preHandler: requireRole('admin', 'auditor'),
      schema: {
        summary: "The tenant's KEK versions, their state and how many DEKs each wraps",
        querystring: NoQuery,
        response: withErrors({ 200: Type.Object({ versions: Type.Array(Kek) }) }),
      },
    },
    async (request) => ({ versions: await ctx.vault.kekStatus(accessOf(request, 'key-rotation').tenant) }),
  );

  app.post(
    '/rewrap',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: "Run one rewrap step of the tenant's DEKs now (up to `limit`), then retire unused versions",
        body: Type.Optional(
          Type.Object(
            { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) },
            { additionalProperties: false },
          ),
        ),
        response: withErrors({
          200: Type.Object({ rewrapped: Type.Integer(), retired: Type.Array(Type.Integer()) }),
        }),
      },
    },
    async (request) => {
      const tenant = accessOf(request, 'key-rotation').tenant;
      const result = await run(() => ctx.vault.rewrapStep(request.body?.limit ?? 1000, tenant));
      return { rewrapped: result.rewrapped, retired: result.retired.map((r) => r.version) };
    },
  );
};

/**
 * `/v1/tokenize` and `/v1/detokenize`. Registrars issue tokens for fields of subjects: `random`
 * (default), `deterministic` per scope, or `format` (format-valid resident IDs with a leading `0`
 * and mobiles with a leading `2`). Detokenizing answers each token on its own, MASKED unless
 * `access: "PLAIN"` is asked for and the policy allows `detokenize` at that level; tokens are not
 * echoed back (answers come in request order).
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { Purpose, withErrors } from '../schemas.ts';
import { AccessLevel, accessOf, PiField, run, SubjectId } from './vault-http.ts';

const Kind = Type.Union([Type.Literal('random'), Type.Literal('deterministic'), Type.Literal('format')], {
  description: 'random (default), deterministic per scope, or format (CN_RESIDENT_ID, CN_MOBILE)',
});
const Scope = Type.String({ pattern: '^[A-Za-z0-9_.:-]{0,128}$', description: 'partner or purpose scope' });
const TokenRequest = Type.Object(
  { subject: SubjectId, field: PiField, kind: Type.Optional(Kind), scope: Type.Optional(Scope) },
  { additionalProperties: false },
);
const Tokenize = Type.Object(
  { items: Type.Array(TokenRequest, { minItems: 1, maxItems: 1000 }), purpose: Type.Optional(Purpose) },
  { additionalProperties: false },
);
const Issued = Type.Object({
  token: Type.String(),
  subject: SubjectId,
  field: PiField,
  kind: Kind,
  scope: Scope,
});
const Detokenize = Type.Object(
  {
    tokens: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 1000 }),
    purpose: Purpose,
    access: Type.Optional(AccessLevel),
  },
  { additionalProperties: false },
);
const Answer = Type.Object({
  field: Type.Optional(PiField),
  value: Type.Optional(Type.String({ description: 'at the granted level' })),
  access: Type.Optional(AccessLevel),
  error: Type.Optional(
    Type.Union([Type.Literal('NOT_FOUND'), Type.Literal('SUBJECT_ERASED'), Type.Literal('POLICY_DENIED')]),
  ),
});

export const tokenRoutes: RoutePlugin = async (app, ctx) => {
  app.post(
    '/tokenize',
    {
      preHandler: requireRole('registrar'),
      schema: {
        summary: 'Issue tokens for fields of subjects',
        body: Tokenize,
        response: withErrors({ 200: Type.Object({ tokens: Type.Array(Issued) }) }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.body.purpose ?? 'registration');
      return { tokens: await run(() => ctx.vault.tokenize(access, request.body.items), { list: 'items' }) };
    },
  );

  app.post(
    '/detokenize',
    {
      preHandler: requireRole('registrar', 'agent', 'investigator'),
      schema: {
        summary: 'Values of tokens for a purpose (MASKED unless PLAIN is asked for and allowed)',
        body: Detokenize,
        response: withErrors({ 200: Type.Object({ results: Type.Array(Answer) }) }),
      },
    },
    async (request) => {
      const { tokens, purpose, access } = request.body;
      const answers = await run(
        () =>
          ctx.vault.detokenize(accessOf(request, purpose), tokens, access === undefined ? {} : { access }),
        { list: 'tokens' },
      );
      const results = answers.map((a) =>
        a.ok
          ? { field: a.field, value: a.value, access: a.access }
          : {
              ...(a.field === undefined ? {} : { field: a.field }),
              error: a.error === 'TOKEN_NOT_FOUND' ? ('NOT_FOUND' as const) : a.error,
            },
      );
      return { results };
    },
  );
};

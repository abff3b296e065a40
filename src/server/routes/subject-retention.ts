/**
 * `/v1/subjects` — the end of a subject's life: erase now (crypto-shredding), archive with a
 * retention hold (`retainUntil`), and prune archived subjects whose hold has ended (the server also
 * does it hourly). Registrars erase and archive; admins prune. Every subject touched is audited
 * first (fail closed).
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { ApiError } from '../errors.ts';
import { Purpose, withErrors } from '../schemas.ts';
import { accessOf, OptionalPurposeHeader, PURPOSE_HEADER, run, SubjectId } from './vault-http.ts';

const MAX = 1000;
const optionalPurpose = Type.Optional(Purpose);
const Ids = Type.Object(
  { ids: Type.Array(SubjectId, { minItems: 1, maxItems: MAX }), purpose: optionalPurpose },
  { additionalProperties: false },
);
const Archive = Type.Object(
  {
    ids: Type.Array(SubjectId, { minItems: 1, maxItems: MAX }),
    retainUntil: Type.String({ format: 'date-time', description: 'end of the retention hold' }),
    purpose: optionalPurpose,
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: SubjectId }, { additionalProperties: false });
const IdList = Type.Array(SubjectId);

export const subjectRetentionRoutes: RoutePlugin = async (app, ctx) => {
  const registrar = requireRole('registrar');
  const vault = ctx.vault;

  app.delete(
    '/:id',
    {
      preHandler: registrar,
      schema: {
        summary: 'Erase a subject now (crypto-shredding); idempotent',
        params: IdParams,
        headers: OptionalPurposeHeader,
        response: withErrors({ 200: Type.Object({ id: SubjectId, status: Type.Literal('erased') }) }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.headers[PURPOSE_HEADER] ?? 'erasure');
      const result = await run(() => vault.eraseSubjects(access, [request.params.id]));
      if (result.notFound.length > 0) {
        throw new ApiError('NOT_FOUND', 'no such subject in this tenant', { field: 'id' });
      }
      return { id: request.params.id, status: 'erased' as const };
    },
  );

  app.post(
    '/erase',
    {
      preHandler: registrar,
      schema: {
        summary: 'Erase up to 1000 subjects now (crypto-shredding)',
        body: Ids,
        response: withErrors({
          200: Type.Object({ erased: IdList, alreadyErased: IdList, notFound: IdList }),
        }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.body.purpose ?? 'erasure');
      return run(() => vault.eraseSubjects(access, request.body.ids), { list: 'ids' });
    },
  );

  app.post(
    '/archive',
    {
      preHandler: registrar,
      schema: {
        summary: 'Archive subjects (service ended) with a retention hold; pruned when it ends',
        body: Archive,
        response: withErrors({ 200: Type.Object({ archived: IdList, erased: IdList, notFound: IdList }) }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.body.purpose ?? 'retention');
      const until = new Date(request.body.retainUntil);
      return run(() => vault.archiveSubjects(access, request.body.ids, until), { list: 'ids' });
    },
  );

  app.post(
    '/prune',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Erase archived subjects whose hold has ended, now (the server also does it hourly)',
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: withErrors({ 200: Type.Object({ erased: Type.Integer() }) }),
      },
    },
    async () => ({ erased: await run(() => vault.pruneExpired()) }),
  );
};

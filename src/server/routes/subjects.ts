/**
 * `/v1/subjects`: data subjects in the vault. Registrars create and change them (archive and erase:
 * subject-retention.ts); reads
 * go through the tenant's policy for the caller's role and purpose (masked unless PLAIN is asked
 * for and allowed; denied fields left out and listed). Every route has a batch form; every access
 * is in the audit log before the answer leaves (fail closed: `503 AUDIT_UNAVAILABLE`).
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { Purpose, withErrors } from '../schemas.ts';
import {
  AccessLevel,
  accessOf,
  FieldChanges,
  FieldsIn,
  PiField,
  PURPOSE_HEADER,
  PurposeHeader,
  run,
  SubjectId,
  SubjectView,
} from './vault-http.ts';

const MAX = 1000;
const optionalPurpose = Type.Optional(Purpose);

const Create = Type.Object({ fields: FieldsIn, purpose: optionalPurpose }, { additionalProperties: false });
const CreateBatch = Type.Object(
  {
    items: Type.Array(Type.Object({ fields: FieldsIn }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: MAX,
    }),
    purpose: optionalPurpose,
  },
  { additionalProperties: false },
);
const Read = Type.Object(
  {
    ids: Type.Array(SubjectId, { minItems: 1, maxItems: MAX }),
    purpose: Purpose,
    fields: Type.Optional(Type.Array(PiField, { minItems: 1 })),
    access: Type.Optional(AccessLevel),
  },
  { additionalProperties: false },
);
const ReadQuery = Type.Object(
  {
    fields: Type.Optional(
      Type.String({
        pattern: '^[A-Z_]+(,[A-Z_]+)*$',
        description: 'comma-separated PI type ids (default all)',
      }),
    ),
    access: Type.Optional(AccessLevel),
  },
  { additionalProperties: false },
);
const Update = Type.Object(
  { fields: FieldChanges, purpose: optionalPurpose },
  { additionalProperties: false },
);
const UpdateBatch = Type.Object(
  {
    items: Type.Array(Type.Object({ id: SubjectId, fields: FieldChanges }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: MAX,
    }),
    purpose: optionalPurpose,
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: SubjectId }, { additionalProperties: false });
const IdList = Type.Array(SubjectId);

/** The schema admits only strings (optional keys make TypeScript add `undefined`). */
const values = (fields: Record<string, string | undefined>) => fields as Record<string, string>;
const changes = (fields: Record<string, string | null | undefined>) =>
  fields as Record<string, string | null>;

export const subjectRoutes: RoutePlugin = async (app, ctx) => {
  const registrar = requireRole('registrar');
  const readers = requireRole('registrar', 'agent', 'investigator');
  const vault = ctx.vault;

  app.post(
    '',
    {
      preHandler: registrar,
      schema: {
        summary: 'Create a subject (fields validated by their PI type; one subject per resident ID)',
        body: Create,
        response: withErrors({ 201: Type.Object({ id: SubjectId }) }),
      },
    },
    async (request, reply) => {
      const access = accessOf(request, request.body.purpose ?? 'registration');
      const [id] = await run(() => vault.createSubjects(access, [{ fields: values(request.body.fields) }]), {
        typed: 'fields',
      });
      void reply.status(201);
      return { id: id! };
    },
  );

  app.post(
    '/batch',
    {
      preHandler: registrar,
      schema: {
        summary: 'Create up to 1000 subjects at once (all or nothing)',
        body: CreateBatch,
        response: withErrors({ 201: Type.Object({ ids: IdList }) }),
      },
    },
    async (request, reply) => {
      const access = accessOf(request, request.body.purpose ?? 'registration');
      const ids = await run(
        () =>
          vault.createSubjects(
            access,
            request.body.items.map((i) => ({ fields: values(i.fields) })),
          ),
        {
          list: 'items',
          typed: 'fields',
        },
      );
      void reply.status(201);
      return { ids };
    },
  );

  app.get(
    '/:id',
    {
      preHandler: readers,
      schema: {
        summary: 'Read a subject for a purpose (Shiming-Purpose header), through the policy',
        params: IdParams,
        headers: PurposeHeader,
        querystring: ReadQuery,
        response: withErrors({ 200: SubjectView }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.headers[PURPOSE_HEADER]);
      const fields = request.query.fields?.split(',');
      return run(() =>
        vault.readSubject(access, request.params.id, {
          ...(fields === undefined ? {} : { fields }),
          ...(request.query.access === undefined ? {} : { access: request.query.access }),
        }),
      );
    },
  );

  app.post(
    '/read',
    {
      preHandler: readers,
      schema: {
        summary: 'Read up to 1000 subjects for a purpose, through the policy',
        body: Read,
        response: withErrors({ 200: Type.Object({ subjects: Type.Array(SubjectView), notFound: IdList }) }),
      },
    },
    async (request) => {
      const { ids, purpose, fields, access } = request.body;
      return run(
        () =>
          vault.readSubjects(accessOf(request, purpose), ids, {
            ...(fields === undefined ? {} : { fields }),
            ...(access === undefined ? {} : { access }),
          }),
        { list: 'ids' },
      );
    },
  );

  app.patch(
    '/:id',
    {
      preHandler: registrar,
      schema: {
        summary: 'Change fields of a subject (null removes a field)',
        params: IdParams,
        body: Update,
        response: withErrors({ 200: Type.Object({ id: SubjectId }) }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.body.purpose ?? 'registration');
      await run(() => vault.updateSubject(access, request.params.id, changes(request.body.fields)), {
        typed: 'fields',
      });
      return { id: request.params.id };
    },
  );

  app.post(
    '/update',
    {
      preHandler: registrar,
      schema: {
        summary: 'Change fields of up to 1000 subjects (all or nothing)',
        body: UpdateBatch,
        response: withErrors({ 200: Type.Object({ ids: IdList }) }),
      },
    },
    async (request) => {
      const access = accessOf(request, request.body.purpose ?? 'registration');
      await run(
        () =>
          vault.updateSubjects(
            access,
            request.body.items.map((i) => ({ id: i.id, fields: changes(i.fields) })),
          ),
        { list: 'items', typed: 'fields' },
      );
      return { ids: request.body.items.map((i) => i.id) };
    },
  );
};

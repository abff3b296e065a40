/**
 * `/v1/lookup`: which subjects hold a value, through the blind index of its field (identifiers
 * only: resident IDs, mobiles, passports… — not names or addresses). Only subject ids come back.
 * A lookup confirms that someone is registered, so it needs a policy rule allowing `lookup` on the
 * field for the caller's role and purpose, counts against the `lookups` quota and is audited. The
 * value is in the body, never in the URL.
 *
 * @module
 */
import { Type } from 'typebox';
import { MAX_VALUE_LENGTH } from '../../vault/fields.ts';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { Purpose, withErrors } from '../schemas.ts';
import { accessOf, PiField, run, SubjectId } from './vault-http.ts';

const Value = Type.String({
  minLength: 1,
  maxLength: MAX_VALUE_LENGTH,
  description: 'the value; never stored',
});
const Query = Type.Object({ field: PiField, value: Value }, { additionalProperties: false });
const Lookup = Type.Object({ ...Query.properties, purpose: Purpose }, { additionalProperties: false });
const LookupBatch = Type.Object(
  { queries: Type.Array(Query, { minItems: 1, maxItems: 1000 }), purpose: Purpose },
  { additionalProperties: false },
);
const Subjects = Type.Object({
  subjects: Type.Array(SubjectId, { description: 'holders of the value, sorted' }),
});

export const lookupRoutes: RoutePlugin = async (app, ctx) => {
  const readers = requireRole('registrar', 'agent', 'investigator');

  app.post(
    '',
    {
      preHandler: readers,
      schema: {
        summary: 'The subjects holding a value (blind index); needs a lookup rule for the purpose',
        body: Lookup,
        response: withErrors({ 200: Subjects }),
      },
    },
    async (request) => {
      const { field, value, purpose } = request.body;
      const [subjects] = await run(() => ctx.vault.lookup(accessOf(request, purpose), [{ field, value }]), {
        typed: 'value',
      });
      return { subjects: subjects! };
    },
  );

  app.post(
    '/batch',
    {
      preHandler: readers,
      schema: {
        summary: 'Up to 1000 lookups at once, answered in order',
        body: LookupBatch,
        response: withErrors({ 200: Type.Object({ results: Type.Array(Subjects) }) }),
      },
    },
    async (request) => {
      const results = await run(
        () => ctx.vault.lookup(accessOf(request, request.body.purpose), request.body.queries),
        { list: 'queries', typed: 'value' },
      );
      return { results: results.map((subjects) => ({ subjects })) };
    },
  );
};

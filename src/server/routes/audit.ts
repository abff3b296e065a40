/**
 * `/v1/audit`: the log as a C2SP tlog-tiles endpoint — `checkpoint`, `tile/<L>/<N>[.p/<W>]`,
 * `tile/entries/<N>[.p/<W>]` — plus the log key and signing on demand. With an auditor key, a
 * regulator's verifier reads `https://host/v1/audit/` exactly like an exported directory
 * (see `HttpLogSource`).
 *
 * Tiles and entry bundles are immutable once served (a partial tile of width W is a fixed prefix
 * of every later version), so they are cacheable for a year; the checkpoint is not.
 *
 * @module
 */
import { Type } from 'typebox';
import { parseCheckpoint } from '../../audit/checkpoint.ts';
import { FormatError } from '../../audit/errors.ts';
import { parseNote } from '../../audit/signed-note.ts';
import { parseTilePath } from '../../audit/tile-path.ts';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { ApiError } from '../errors.ts';
import { binaryResponse, NoQuery, textResponse, withErrors } from '../schemas.ts';

const IMMUTABLE = 'private, max-age=31536000, immutable';

const SignedCheckpoint = Type.Object({
  origin: Type.String(),
  size: Type.String({ description: 'tree size (decimal)' }),
  root: Type.String({ description: 'root hash (base64)' }),
  note: Type.String({ description: 'the C2SP signed note' }),
});

export const auditRoutes: RoutePlugin = async (app, ctx) => {
  const readers = requireRole('admin', 'auditor');

  app.get(
    '/checkpoint',
    {
      preHandler: readers,
      schema: {
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint in a signed note)',
        querystring: NoQuery,
        response: withErrors({ 200: textResponse('the signed note') }),
      },
    },
    async (_request, reply) => {
      const note = await ctx.auditLog.latestCheckpoint();
      if (note === undefined) throw new ApiError('NOT_FOUND', 'the log has no signed checkpoint yet');
      void reply.type('text/plain; charset=utf-8').header('cache-control', 'no-cache');
      return note;
    },
  );

  app.post(
    '/checkpoint',
    {
      preHandler: requireRole('admin'),
      schema: {
        summary: 'Sign a checkpoint of the committed tree now',
        querystring: NoQuery,
        response: withErrors({ 200: SignedCheckpoint }),
      },
    },
    async () => {
      const note = await ctx.auditLog.checkpoint();
      const cp = parseCheckpoint(parseNote(note).text);
      return {
        origin: cp.origin,
        size: cp.size.toString(),
        root: Buffer.from(cp.root).toString('base64'),
        note,
      };
    },
  );

  app.get(
    '/key',
    {
      preHandler: readers,
      schema: {
        summary: "The log's verifier key (C2SP vkey), for a regulator to pin",
        querystring: NoQuery,
        response: withErrors({ 200: textResponse('the vkey') }),
      },
    },
    async (_request, reply) => {
      void reply.type('text/plain; charset=utf-8');
      return `${ctx.auditLog.verifierKey}\n`;
    },
  );

  app.get(
    '/tile/*',
    {
      preHandler: readers,
      schema: {
        summary:
          'A hash tile (tile/<L>/<N>[.p/<W>]) or entry bundle (tile/entries/<N>[.p/<W>]), C2SP tlog-tiles',
        params: Type.Object({ '*': Type.String({ maxLength: 200 }) }),
        querystring: NoQuery,
        response: withErrors({ 200: binaryResponse('tile or entry bundle bytes') }),
      },
    },
    async (request, reply) => {
      let resource: ReturnType<typeof parseTilePath>;
      try {
        resource = parseTilePath(`tile/${request.params['*']}`);
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        throw new ApiError('INVALID_REQUEST', 'not a C2SP tile path', { field: 'path' });
      }
      const bytes =
        resource.kind === 'tile'
          ? await ctx.auditLog.tile(resource.level, resource.index, resource.width)
          : await ctx.auditLog.entryBundle(resource.index, resource.width);
      if (bytes === undefined) throw new ApiError('NOT_FOUND', 'the tree has no such tile yet');
      void reply.type('application/octet-stream').header('cache-control', IMMUTABLE);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  );
};

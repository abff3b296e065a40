/**
 * `/v1/audit/proof/…`: RFC 9162 inclusion and consistency proofs built from the stored tiles, for
 * clients that prefer a proof to fetching tiles. Hashes are base64; sizes and indices are decimal
 * strings (they may exceed 2^53).
 *
 * @module
 */
import { Type } from 'typebox';
import type { RoutePlugin } from '../app.types.ts';
import { requireRole } from '../auth/require-role.ts';
import { ApiError } from '../errors.ts';
import { Uint64, withErrors } from '../schemas.ts';

const b64 = (hashes: readonly Uint8Array[]) => hashes.map((h) => Buffer.from(h).toString('base64'));
const Proof = Type.Array(Type.String({ description: 'node hash (base64)' }));

export const auditProofRoutes: RoutePlugin = async (app, ctx) => {
  const readers = requireRole('admin', 'auditor');

  /** Refuses a tree size the log has not reached (the proof could not be built). */
  const withinLog = (size: bigint, field: string) => {
    if (size > ctx.auditLog.size) {
      throw new ApiError('INVALID_REQUEST', `${field} is beyond the log's committed size`, { field });
    }
  };

  app.get(
    '/proof/inclusion',
    {
      preHandler: readers,
      schema: {
        summary: 'Inclusion proof of entry `index` in the tree of `size` entries',
        querystring: Type.Object({ index: Uint64, size: Uint64 }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ index: Uint64, size: Uint64, proof: Proof }) }),
      },
    },
    async (request) => {
      const index = BigInt(request.query.index);
      const size = BigInt(request.query.size);
      withinLog(size, 'size');
      if (index >= size)
        throw new ApiError('INVALID_REQUEST', 'index must be below size', { field: 'index' });
      const proof = await ctx.auditLog.inclusionProof(index, size);
      return { index: request.query.index, size: request.query.size, proof: b64(proof) };
    },
  );

  app.get(
    '/proof/consistency',
    {
      preHandler: readers,
      schema: {
        summary: 'Consistency proof from the tree of `from` entries to the tree of `to` entries',
        querystring: Type.Object({ from: Uint64, to: Uint64 }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ from: Uint64, to: Uint64, proof: Proof }) }),
      },
    },
    async (request) => {
      const from = BigInt(request.query.from);
      const to = BigInt(request.query.to);
      withinLog(to, 'to');
      if (from < 1n) throw new ApiError('INVALID_REQUEST', 'from must be at least 1', { field: 'from' });
      if (from > to) throw new ApiError('INVALID_REQUEST', 'from must not exceed to', { field: 'from' });
      const proof = from === to ? [] : await ctx.auditLog.consistencyProof(from, to);
      return { from: request.query.from, to: request.query.to, proof: b64(proof) };
    },
  );
};

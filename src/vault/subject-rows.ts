/**
 * Reading subject rows in batches: subjects by id, their field ciphertexts, and the subjects that
 * hold given blind-index digests. `IN (…)` lists are cut into chunks and padded to a power of two
 * (repeating the last item, which changes no result), so a handful of SQL texts cover every batch
 * size and their prepared statements stay in the store's statement cache (the hot path).
 *
 * @module
 */
import type { Kysely } from 'kysely';
import type { PiTypeId } from '../pi/types.ts';
import { compiledOnce } from '../store/compiled-once.ts';
import type { SubjectStatus, VaultTables } from './schema.ts';

/** Items per `IN (…)` list (a power of two). */
const CHUNK = 512;

/** A subject's row as the operations need it. */
export interface SubjectRow {
  readonly id: string;
  readonly status: SubjectStatus;
  readonly wrappedDek: Uint8Array | null;
  readonly retainUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archivedAt: string | null;
  readonly erasedAt: string | null;
  /** The sealed masked view (masked-view.ts); null for rows written before views existed. */
  readonly maskedView: Uint8Array | null;
}

/** `items` in `IN`-list chunks padded to a power of two (see above). */
export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    const chunk = items.slice(i, i + size);
    let padded = 1;
    while (padded < chunk.length) padded *= 2;
    while (chunk.length < padded) chunk.push(chunk[chunk.length - 1]!);
    out.push(chunk);
  }
  return out;
}

/** Distinct values of `items`, in first-seen order. */
export function distinct<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** The subjects of `tenant` among `ids`, by id (missing ids are absent). */
export async function selectSubjects(
  db: Kysely<VaultTables>,
  tenant: string,
  ids: readonly string[],
): Promise<Map<string, SubjectRow>> {
  const out = new Map<string, SubjectRow>();
  for (const chunk of chunks(distinct(ids))) {
    const query = compiledOnce(db, `subjects/${chunk.length}`, [tenant, ...chunk], (q) =>
      q
        .selectFrom('vault_subjects')
        .select([
          'subject_id',
          'status',
          'wrapped_dek',
          'retain_until',
          'created_at',
          'updated_at',
          'archived_at',
          'erased_at',
          'masked_view',
        ])
        .where('tenant_id', '=', tenant)
        .where('subject_id', 'in', chunk),
    );
    for (const r of (await db.executeQuery(query)).rows) {
      out.set(r.subject_id, {
        id: r.subject_id,
        status: r.status,
        wrappedDek: r.wrapped_dek,
        retainUntil: r.retain_until,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        archivedAt: r.archived_at,
        erasedAt: r.erased_at,
        maskedView: r.masked_view,
      });
    }
  }
  return out;
}

/** Field ciphertexts of `ids`: subject → field → ciphertext. */
export async function selectFields(
  db: Kysely<VaultTables>,
  tenant: string,
  ids: readonly string[],
): Promise<Map<string, Map<PiTypeId, Uint8Array>>> {
  const out = new Map<string, Map<PiTypeId, Uint8Array>>();
  for (const chunk of chunks(distinct(ids))) {
    const query = compiledOnce(db, `fields/${chunk.length}`, [tenant, ...chunk], (q) =>
      q
        .selectFrom('vault_fields')
        .select(['subject_id', 'field', 'ciphertext'])
        .where('tenant_id', '=', tenant)
        .where('subject_id', 'in', chunk),
    );
    for (const r of (await db.executeQuery(query)).rows) {
      let fields = out.get(r.subject_id);
      if (fields === undefined) {
        fields = new Map();
        out.set(r.subject_id, fields);
      }
      fields.set(r.field as PiTypeId, r.ciphertext);
    }
  }
  return out;
}

/** Field names of `ids` (no ciphertext): subject → fields. */
export async function selectFieldNames(
  db: Kysely<VaultTables>,
  tenant: string,
  ids: readonly string[],
): Promise<Map<string, PiTypeId[]>> {
  const out = new Map<string, PiTypeId[]>();
  for (const chunk of chunks(distinct(ids))) {
    const rows = await db
      .selectFrom('vault_fields')
      .select(['subject_id', 'field'])
      .where('tenant_id', '=', tenant)
      .where('subject_id', 'in', chunk)
      .execute();
    for (const r of rows) {
      const list = out.get(r.subject_id) ?? [];
      list.push(r.field as PiTypeId);
      out.set(r.subject_id, list);
    }
  }
  return out;
}

/** Hex of a digest: map keys. */
export const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** Who holds each of `digests` of `field` (version 1): digest hex → subject ids. */
export async function selectByDigest(
  db: Kysely<VaultTables>,
  tenant: string,
  field: PiTypeId,
  digests: readonly Uint8Array[],
  uniqueOnly = false,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const chunk of chunks(digests)) {
    let query = db
      .selectFrom('vault_blind_indexes')
      .select(['digest', 'subject_id'])
      .where('tenant_id', '=', tenant)
      .where('field', '=', field)
      .where('key_version', '=', 1)
      .where('digest', 'in', chunk);
    if (uniqueOnly) query = query.where('uniq', '=', 1);
    for (const r of await query.execute()) {
      const key = hex(r.digest);
      const list = out.get(key) ?? [];
      list.push(r.subject_id);
      out.set(key, list);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

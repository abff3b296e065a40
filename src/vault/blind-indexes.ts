/**
 * Blind-index rows of subjects' fields, and the duplicate check of unique fields (one subject per
 * resident ID per tenant).
 *
 * The check before writing gives a precise error (which item, which field); the partial UNIQUE
 * index is what actually guarantees uniqueness when two creates race past the check.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';
import type { VaultCore } from './core.ts';
import { hex, selectByDigest } from './subject-rows.ts';

/** One index row to write. */
export interface IndexEntry {
  readonly field: PiTypeId;
  readonly digest: Uint8Array;
  readonly unique: boolean;
}

/** A unique value already held by another subject (or twice in one batch). */
export interface Duplicate {
  readonly item: number;
  readonly field: PiTypeId;
  /** The subject holding it (in the database), if any. */
  readonly holder?: string;
}

/** Values are already normalised by fields.ts: the index must not normalise again. */
const asIs = (value: string): string => value;

/** The index entries of `fields` (only indexed fields; `null` values are skipped). */
export async function indexEntries(
  core: VaultCore,
  tenant: string,
  fields: ReadonlyMap<PiTypeId, string | null>,
): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  for (const [field, value] of fields) {
    if (value === null || !core.indexedFields.has(field)) continue;
    const key = await core.keys.blindIndex(tenant, field);
    out.push({ field, digest: key.compute(value, asIs), unique: core.uniqueFields.has(field) });
  }
  return out;
}

/**
 * The first unique value of `items` that another subject holds, or that two items share.
 * `self[i]` is the subject item `i` updates (its own rows are not duplicates).
 */
export async function findDuplicate(
  core: VaultCore,
  tenant: string,
  items: readonly (readonly IndexEntry[])[],
  self: readonly (string | undefined)[] = [],
): Promise<Duplicate | undefined> {
  const seen = new Map<string, number>();
  const byField = new Map<PiTypeId, Uint8Array[]>();
  for (const [item, entries] of items.entries()) {
    for (const e of entries) {
      if (!e.unique) continue;
      const key = `${e.field}/${hex(e.digest)}`;
      if (seen.has(key)) return { item, field: e.field };
      seen.set(key, item);
      const list = byField.get(e.field) ?? [];
      list.push(e.digest);
      byField.set(e.field, list);
    }
  }
  for (const [field, digests] of byField) {
    const holders = await selectByDigest(core.db, tenant, field, digests, true);
    for (const [digest, subjects] of holders) {
      const item = seen.get(`${field}/${digest}`)!;
      const other = subjects.find((s) => s !== self[item]);
      if (other !== undefined) return { item, field, holder: other };
    }
  }
  return undefined;
}

/** Rows of `vault_blind_indexes` for one subject. */
export function indexRows(tenant: string, subject: string, entries: readonly IndexEntry[]) {
  return entries.map((e) => ({
    tenant_id: tenant,
    field: e.field,
    key_version: 1,
    digest: e.digest,
    subject_id: subject,
    uniq: e.unique ? 1 : 0,
  }));
}

/**
 * Changing subjects' fields, in batches: set a value (validated, re-encrypted under the subject's
 * DEK, its blind index replaced) or remove a field (`null`). Only active subjects change: an
 * archived subject is on a retention hold, an erased one has nothing left.
 *
 * Deterministic and format tokens of a changed field are deleted: they encode the old value.
 * Random tokens point at (subject, field) and follow the new value.
 *
 * @module
 */
import type { Insertable } from 'kysely';
import type { AeadKey } from '../crypto/aead-key.ts';
import type { PiTypeId } from '../pi/types.ts';
import { chunkRows } from '../store/batch.ts';
import { isStoreError } from '../store/store-error.ts';
import { findDuplicate, type IndexEntry, indexEntries, indexRows } from './blind-indexes.ts';
import {
  type AccessContext,
  auditEvent,
  checkBatch,
  checkContext,
  recordAudit,
  recordQuietly,
  transact,
  type VaultCore,
} from './core.ts';
import { VaultError } from './errors.ts';
import { normaliseFields } from './fields.ts';
import { SUBJECT_ID_PATTERN } from './ids.ts';
import { rebuildMaskedView } from './masked-view.ts';
import type { VaultFieldsTable } from './schema.ts';
import { type SubjectRow, selectFields, selectSubjects } from './subject-rows.ts';

/** Changes to one subject: PI type id → new value, or `null` to remove the field. */
export interface SubjectUpdate {
  readonly id: string;
  readonly fields: Readonly<Record<string, string | null>>;
}

const utf8 = new TextEncoder();

/** Throws the error for a subject that cannot change (missing, archived, erased). */
export function requireActive(row: SubjectRow | undefined, item: number): asserts row is SubjectRow {
  if (row === undefined)
    throw new VaultError('SUBJECT_NOT_FOUND', 'no such subject in this tenant', { item });
  if (row.status === 'erased') throw new VaultError('SUBJECT_ERASED', 'this subject was erased', { item });
  if (row.status === 'archived') {
    throw new VaultError('SUBJECT_ARCHIVED', 'this subject is archived (retention hold): it cannot change', {
      item,
    });
  }
}

/** A concurrent erase or archive won the race (the CAS below matched no row). */
class Changed extends Error {}

/**
 * Applies the updates; all or nothing.
 * @throws VaultError `INVALID_FIELD`, `SUBJECT_NOT_FOUND`, `SUBJECT_ERASED`, `SUBJECT_ARCHIVED`,
 *   `DUPLICATE_SUBJECT`, `AUDIT_UNAVAILABLE`
 */
export async function updateSubjects(
  core: VaultCore,
  ctx: AccessContext,
  updates: readonly SubjectUpdate[],
): Promise<void> {
  checkContext(ctx);
  checkBatch(updates, 'items');
  const now = core.clock();
  const tenant = ctx.tenant;
  const seen = new Set<string>();
  for (const [i, u] of updates.entries()) {
    if (typeof u?.id !== 'string' || !SUBJECT_ID_PATTERN.test(u.id) || seen.has(u.id)) {
      throw new VaultError('INVALID_FIELD', 'each item needs a distinct subject id (sub_…)', {
        field: 'id',
        item: i,
      });
    }
    seen.add(u.id);
  }
  const values = updates.map((u, i) => normaliseFields(u.fields ?? {}, i, now, true));
  const rows = await selectSubjects(
    core.db,
    tenant,
    updates.map((u) => u.id),
  );
  for (const [i, u] of updates.entries()) requireActive(rows.get(u.id), i);
  const entries: IndexEntry[][] = [];
  for (const fields of values) entries.push(await indexEntries(core, tenant, fields));
  const dup = await findDuplicate(
    core,
    tenant,
    entries,
    updates.map((u) => u.id),
  );
  if (dup !== undefined) {
    await recordAudit(core, [auditEvent(ctx, 'subject.update', 'denied', { fields: [dup.field] })]);
    throw new VaultError('DUPLICATE_SUBJECT', `another subject already has this ${dup.field}`, {
      field: dup.field,
      item: dup.item,
    });
  }

  const at = now.toISOString();
  const fieldRows: Insertable<VaultFieldsTable>[] = [];
  // Each subject's DEK stays open until its masked view is rebuilt inside the transaction.
  const deks = new Map<string, AeadKey>();
  try {
    for (const [i, u] of updates.entries()) {
      const dek = await core.keys.unwrap(tenant, u.id, rows.get(u.id)!.wrappedDek!);
      deks.set(u.id, dek);
      for (const [field, value] of values[i]!) {
        if (value === null) continue;
        const ciphertext = core.keys.keyring.encryptField(tenant, u.id, field, utf8.encode(value), dek);
        fieldRows.push({ tenant_id: tenant, subject_id: u.id, field, ciphertext, updated_at: at });
      }
    }
    await applyUpdates(core, ctx, updates, values, entries, fieldRows, deks, at);
  } finally {
    for (const dek of deks.values()) dek.destroy();
  }
}

/** Writes what {@link updateSubjects} prepared, with its audit entries and masked views. */
async function applyUpdates(
  core: VaultCore,
  ctx: AccessContext,
  updates: readonly SubjectUpdate[],
  values: readonly Map<PiTypeId, string | null>[],
  entries: readonly IndexEntry[][],
  fieldRows: readonly Insertable<VaultFieldsTable>[],
  deks: ReadonlyMap<string, AeadKey>,
  at: string,
): Promise<void> {
  const tenant = ctx.tenant;
  const events = updates.map((u, i) =>
    auditEvent(ctx, 'subject.update', 'ok', { subject: u.id, fields: [...values[i]!.keys()] }),
  );
  await recordAudit(core, events);
  try {
    await transact(core, async (trx) => {
      for (const [i, u] of updates.entries()) {
        const changed = [...values[i]!.keys()];
        const cas = await trx
          .updateTable('vault_subjects')
          .set({ updated_at: at })
          .where('tenant_id', '=', tenant)
          .where('subject_id', '=', u.id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (cas.numUpdatedRows === 0n) throw new Changed();
        await trx
          .deleteFrom('vault_fields')
          .where('tenant_id', '=', tenant)
          .where('subject_id', '=', u.id)
          .where('field', 'in', changed)
          .execute();
        await trx
          .deleteFrom('vault_blind_indexes')
          .where('tenant_id', '=', tenant)
          .where('subject_id', '=', u.id)
          .where('field', 'in', changed)
          .execute();
        await trx
          .deleteFrom('vault_tokens')
          .where('tenant_id', '=', tenant)
          .where('subject_id', '=', u.id)
          .where('field', 'in', changed)
          .where('kind', '!=', 'random')
          .execute();
      }
      for (const chunk of chunkRows(fieldRows, 5, core.dialect)) {
        await trx.insertInto('vault_fields').values(chunk).execute();
      }
      const bidx = updates.flatMap((u, i) => indexRows(tenant, u.id, entries[i]!));
      for (const chunk of chunkRows(bidx, 6, core.dialect)) {
        await trx.insertInto('vault_blind_indexes').values(chunk).execute();
      }
      // The masked views, from the fields as they now stand: the subjects' rows are locked by
      // the updates above, so a concurrent update of other fields cannot be left out.
      const { keyring } = core.keys;
      const stored = await selectFields(
        trx,
        tenant,
        updates.map((u) => u.id),
      );
      for (const u of updates) {
        const view = rebuildMaskedView(keyring, tenant, u.id, stored.get(u.id) ?? [], deks.get(u.id)!);
        await trx
          .updateTable('vault_subjects')
          .set({ masked_view: view })
          .where('tenant_id', '=', tenant)
          .where('subject_id', '=', u.id)
          .execute();
      }
    });
  } catch (error) {
    recordQuietly(
      core,
      events.map((e) => ({ ...e, outcome: 'error' as const })),
    );
    if (error instanceof Changed) {
      // Say what happened to it, as the check above would have.
      const now2 = await selectSubjects(
        core.db,
        tenant,
        updates.map((u) => u.id),
      );
      for (const [i, u] of updates.entries()) requireActive(now2.get(u.id), i);
    }
    if (isStoreError(error) && error.code === 'UNIQUE_VIOLATION') {
      throw new VaultError('DUPLICATE_SUBJECT', 'another subject already has one of these values');
    }
    throw error;
  }
}

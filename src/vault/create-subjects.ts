/**
 * Creating subjects, in batches: validate every field, refuse duplicates of unique fields, encrypt
 * each subject's fields under a DEK of its own, record the audit entries, then write everything in
 * one transaction. A batch is all or nothing.
 *
 * Order matters for failing closed: the entries are recorded *before* the rows are written, so no
 * subject ever exists without its `subject.create` entry. If the write then fails (a concurrent
 * create took the same resident ID), an `error` entry follows.
 *
 * @module
 */
import type { Insertable } from 'kysely';
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
import { randomId, SUBJECT_PREFIX } from './ids.ts';
import { sealMaskedView } from './masked-view.ts';
import type { VaultFieldsTable, VaultSubjectsTable } from './schema.ts';

/** One subject to create: PI type id → value. */
export interface NewSubject {
  readonly fields: Readonly<Record<string, string>>;
}

const utf8 = new TextEncoder();

/** A duplicate: recorded as a refused access (it tells the caller the value is registered). */
async function refuseDuplicate(
  core: VaultCore,
  ctx: AccessContext,
  dup: { item: number; field: PiTypeId; holder?: string },
): Promise<never> {
  await recordAudit(core, [
    auditEvent(ctx, 'subject.create', 'denied', {
      fields: [dup.field],
      ...(dup.holder === undefined ? {} : { subject: dup.holder }),
    }),
  ]);
  throw new VaultError('DUPLICATE_SUBJECT', `another subject already has this ${dup.field}`, {
    field: dup.field,
    item: dup.item,
  });
}

/**
 * Creates subjects; returns their ids in order.
 * @throws VaultError `INVALID_FIELD`, `DUPLICATE_SUBJECT`, `AUDIT_UNAVAILABLE`
 */
export async function createSubjects(
  core: VaultCore,
  ctx: AccessContext,
  items: readonly NewSubject[],
): Promise<string[]> {
  checkContext(ctx);
  checkBatch(items, 'items');
  const now = core.clock();
  const tenant = ctx.tenant;
  const values = items.map((item, i) => normaliseFields(item?.fields ?? {}, i, now, false));
  const entries: IndexEntry[][] = [];
  for (const fields of values) entries.push(await indexEntries(core, tenant, fields));
  const dup = await findDuplicate(core, tenant, entries);
  if (dup !== undefined) await refuseDuplicate(core, ctx, dup);

  const at = now.toISOString();
  const ids: string[] = [];
  const subjects: Insertable<VaultSubjectsTable>[] = [];
  const fieldRows: Insertable<VaultFieldsTable>[] = [];
  for (const fields of values) {
    const id = randomId(SUBJECT_PREFIX);
    ids.push(id);
    const { dek, wrapped } = await core.keys.newDek(tenant, id);
    let maskedView: Uint8Array;
    try {
      for (const [field, value] of fields) {
        const ciphertext = core.keys.keyring.encryptField(tenant, id, field, utf8.encode(value!), dek);
        fieldRows.push({ tenant_id: tenant, subject_id: id, field, ciphertext, updated_at: at });
      }
      maskedView = sealMaskedView(core.keys.keyring, tenant, id, fields as Map<PiTypeId, string>, dek);
    } finally {
      dek.destroy();
    }
    subjects.push({
      tenant_id: tenant,
      subject_id: id,
      status: 'active' as const,
      dek_version: dek.version,
      kek_version: wrapped.wrappedBy,
      wrapped_dek: wrapped.bytes,
      retain_until: null,
      created_at: at,
      updated_at: at,
      archived_at: null,
      erased_at: null,
      masked_view: maskedView,
    });
  }
  const bidx = ids.flatMap((id, i) => indexRows(tenant, id, entries[i]!));
  const events = ids.map((id, i) =>
    auditEvent(ctx, 'subject.create', 'ok', { subject: id, fields: [...values[i]!.keys()] }),
  );
  await recordAudit(core, events);
  try {
    await transact(core, async (trx) => {
      for (const chunk of chunkRows(subjects, 12, core.dialect)) {
        await trx.insertInto('vault_subjects').values(chunk).execute();
      }
      for (const chunk of chunkRows(fieldRows, 5, core.dialect)) {
        await trx.insertInto('vault_fields').values(chunk).execute();
      }
      for (const chunk of chunkRows(bidx, 6, core.dialect)) {
        await trx.insertInto('vault_blind_indexes').values(chunk).execute();
      }
    });
  } catch (error) {
    recordQuietly(
      core,
      events.map((e) => ({ ...e, outcome: 'error' as const })),
    );
    if (isStoreError(error) && error.code === 'UNIQUE_VIOLATION') {
      // Lost a race: say which item, as the check above would have.
      const raced = await findDuplicate(core, tenant, entries);
      throw new VaultError(
        'DUPLICATE_SUBJECT',
        `another subject already has this ${raced?.field ?? 'value'}`,
        {
          ...(raced === undefined ? {} : { field: raced.field, item: raced.item }),
        },
      );
    }
    throw error;
  }
  return ids;
}

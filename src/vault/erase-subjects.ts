/**
 * The end of a subject's life: archive (service ended; a retention hold until `retain_until`, e.g.
 * two years for telecom registrations under MIIT Order 25), then erase by crypto-shredding — the
 * wrapped DEK is deleted, so every copy of the ciphertexts (backups and replicas included) is
 * unreadable — together with the ciphertexts, blind-index rows and value-derived tokens.
 *
 * What stays: a tombstone row (id, status `erased`, timestamps) so reads answer "erased" rather
 * than "not found", and random tokens' rows (the HMAC of a random string, pointing at the
 * tombstone) so detokenizing one answers `SUBJECT_ERASED`. Deterministic and format tokens are
 * deleted: they are functions of the value, and whoever holds the keys could otherwise confirm a
 * guessed value against them. The audit log keeps only ids and HMACs.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely';
import {
  type AccessContext,
  auditEvent,
  checkContext,
  type JobContext,
  recordAudit,
  transact,
  type VaultCore,
} from './core.ts';
import { checkIds } from './read-subjects.ts';
import type { VaultTables } from './schema.ts';
import { selectFieldNames, selectSubjects } from './subject-rows.ts';

/** What an erase did. */
export interface EraseResult {
  readonly erased: string[];
  readonly alreadyErased: string[];
  readonly notFound: string[];
}

/** What an archive did. */
export interface ArchiveResult {
  readonly archived: string[];
  readonly erased: string[];
  readonly notFound: string[];
}

const CHUNK = 500;

/** Shreds `ids` (live subjects of `tenant`) inside `trx`; returns those it erased. */
async function shred(
  trx: Kysely<VaultTables>,
  tenant: string,
  ids: readonly string[],
  at: string,
  expiredBy?: string,
): Promise<string[]> {
  const done: string[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    let update = trx
      .updateTable('vault_subjects')
      .set({
        status: 'erased',
        wrapped_dek: null,
        masked_view: null,
        kek_version: null,
        retain_until: null,
        erased_at: at,
        updated_at: at,
      })
      .where('tenant_id', '=', tenant)
      .where('subject_id', 'in', ids.slice(i, i + CHUNK));
    // The prune job erases only holds that are still over (one may have been extended meanwhile).
    update =
      expiredBy === undefined
        ? update.where('status', '!=', 'erased')
        : update.where('status', '=', 'archived').where('retain_until', '<=', expiredBy);
    const erased = (await update.returning('subject_id').execute()).map((r) => r.subject_id);
    if (erased.length === 0) continue;
    done.push(...erased);
    await trx
      .deleteFrom('vault_fields')
      .where('tenant_id', '=', tenant)
      .where('subject_id', 'in', erased)
      .execute();
    await trx
      .deleteFrom('vault_blind_indexes')
      .where('tenant_id', '=', tenant)
      .where('subject_id', 'in', erased)
      .execute();
    await trx
      .deleteFrom('vault_tokens')
      .where('tenant_id', '=', tenant)
      .where('subject_id', 'in', erased)
      .where('kind', '!=', 'random')
      .execute();
  }
  return done;
}

/** Erases `ids` as `ctx`; entries first (fail closed), then one transaction. */
export async function eraseAs(
  core: VaultCore,
  ctx: JobContext,
  ids: readonly string[],
  expiredBy?: string,
): Promise<EraseResult> {
  const rows = await selectSubjects(core.db, ctx.tenant, ids);
  const live = [...rows.values()].filter((r) => r.status !== 'erased').map((r) => r.id);
  const fields = await selectFieldNames(core.db, ctx.tenant, live);
  await recordAudit(
    core,
    live.map((id) => auditEvent(ctx, 'subject.erase', 'ok', { subject: id, fields: fields.get(id) ?? [] })),
  );
  const at = core.clock().toISOString();
  const erased =
    live.length === 0 ? [] : await transact(core, (trx) => shred(trx, ctx.tenant, live, at, expiredBy));
  const done = new Set(erased);
  return {
    erased,
    alreadyErased: [...new Set(ids)].filter(
      (id) => rows.get(id)?.status === 'erased' || (rows.has(id) && !done.has(id)),
    ),
    notFound: [...new Set(ids)].filter((id) => !rows.has(id)),
  };
}

/**
 * Crypto-shreds subjects now.
 * @throws VaultError `INVALID_FIELD`, `AUDIT_UNAVAILABLE`
 */
export function eraseSubjects(
  core: VaultCore,
  ctx: AccessContext,
  ids: readonly string[],
): Promise<EraseResult> {
  checkContext(ctx);
  checkIds(ids, 'ids');
  return eraseAs(core, ctx, ids);
}

/**
 * Archives subjects with a retention hold until `retainUntil` (an archived subject's hold may be
 * moved, later or earlier). Archived subjects can be read, not changed; the prune job erases them
 * once the hold is over.
 */
export async function archiveSubjects(
  core: VaultCore,
  ctx: AccessContext,
  ids: readonly string[],
  retainUntil: Date,
): Promise<ArchiveResult> {
  checkContext(ctx);
  checkIds(ids, 'ids');
  const rows = await selectSubjects(core.db, ctx.tenant, ids);
  const live = [...rows.values()].filter((r) => r.status !== 'erased').map((r) => r.id);
  await recordAudit(
    core,
    live.map((id) => auditEvent(ctx, 'subject.archive', 'ok', { subject: id })),
  );
  const at = core.clock().toISOString();
  const until = retainUntil.toISOString();
  const archived = await transact(core, async (trx) => {
    const done: string[] = [];
    for (let i = 0; i < live.length; i += CHUNK) {
      const rows2 = await trx
        .updateTable('vault_subjects')
        .set((eb) => ({
          status: 'archived',
          retain_until: until,
          archived_at: eb.fn.coalesce('archived_at', eb.val(at)),
          updated_at: at,
        }))
        .where('tenant_id', '=', ctx.tenant)
        .where('subject_id', 'in', live.slice(i, i + CHUNK))
        .where('status', '!=', 'erased')
        .returning('subject_id')
        .execute();
      done.push(...rows2.map((r) => r.subject_id));
    }
    return done;
  });
  const done = new Set(archived);
  return {
    archived,
    erased: [...new Set(ids)].filter((id) => rows.has(id) && !done.has(id)),
    notFound: [...new Set(ids)].filter((id) => !rows.has(id)),
  };
}

/** Who the prune job acts as in audit entries. */
export const PRUNE_ACTOR = 'vault-prune';

/**
 * Erases archived subjects whose hold ended at or before `now`, `batchSize` at a time, across
 * tenants. Idempotent: a second run finds nothing to do. Returns how many it erased.
 */
export async function pruneExpired(core: VaultCore, now: Date, batchSize = 500): Promise<number> {
  const cutoff = now.toISOString();
  let total = 0;
  for (;;) {
    const due = await core.db
      .selectFrom('vault_subjects')
      .select(['tenant_id', 'subject_id'])
      // A literal, not a parameter: SQLite uses the partial index only when it sees the value.
      .where('status', '=', sql.lit('archived'))
      .where('retain_until', '<=', cutoff)
      .orderBy('retain_until')
      .limit(batchSize)
      .execute();
    const byTenant = new Map<string, string[]>();
    for (const r of due) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.subject_id]);
    let erased = 0;
    for (const [tenant, ids] of byTenant) {
      const ctx: JobContext = { tenant, actor: PRUNE_ACTOR, role: 'system', purpose: 'retention-expired' };
      erased += (await eraseAs(core, ctx, ids, cutoff)).erased.length;
    }
    total += erased;
    // Stop when the batch was not full, or nothing could be erased (holds moved meanwhile).
    if (due.length < batchSize || erased === 0) return total;
  }
}

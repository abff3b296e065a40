/**
 * A subject's masked view: every field's masked form (`138****5678`, `张*`), sealed as one
 * ciphertext under the subject's DEK in its `vault_subjects` row.
 *
 * Most reads are masked (customer service, operations). Without the view a masked read of a
 * four-field subject opens five ciphertexts (the DEK, then each field), parses the address to
 * mask it, and reads the field rows; with it, it opens two and reads one row. The view is a
 * cache of what `mask(value)` gives, never more: it holds nothing a masked read would not
 * return, it sits under the same DEK (erasure shreds it with the fields; a database copy without
 * the key file reads nothing), and its AAD names the pseudo-field `:masked-v1` (no PI type id has
 * a colon), so a field's ciphertext cannot be passed off as a view or the other way round.
 *
 * Kept exact: written with the subject, rebuilt from the stored fields inside the transaction of
 * every update (after the subject's row is locked, so concurrent updates cannot leave a stale
 * view), dropped on erasure. A row without a view (written before it existed) is read the long
 * way until the background job (`backfillMaskedViews`, in jobs.ts) has built theirs.
 *
 * INVARIANT: a view is what the catalogue's masks give today. A change to a mask must come with
 * a new pseudo-field (`:masked-v2`) and a migration that clears `masked_view`, which the job then
 * rebuilds; otherwise reads would show the old masking.
 *
 * @module
 */
import type { AeadKey } from '../crypto/aead-key.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { isPiTypeId, piType } from '../pi/catalogue.ts';
import type { PiTypeId } from '../pi/types.ts';
import { auditEvent, recordAudit, transact, type VaultCore } from './core.ts';
import { selectFields } from './subject-rows.ts';

/** The AAD's field id of a view (and its format version). */
export const MASKED_VIEW_FIELD = ':masked-v1';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Seals the masked form of `fields` (field → normalised value) under the subject's DEK. */
export function sealMaskedView(
  keyring: Keyring,
  tenant: string,
  subject: string,
  fields: ReadonlyMap<PiTypeId, string> | Iterable<readonly [PiTypeId, string]>,
  dek: AeadKey,
): Uint8Array {
  const masked: [PiTypeId, string][] = [];
  for (const [field, value] of fields) masked.push([field, piType(field).mask(value)]);
  // In field-id order: the order a read of the field rows gives (their primary key's).
  masked.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return keyring.encryptField(tenant, subject, MASKED_VIEW_FIELD, utf8.encode(JSON.stringify(masked)), dek);
}

/**
 * Opens a view: field → masked value, in field-id order.
 * @throws CryptoError when the view is not this subject's (AAD) or was tampered with
 */
export function openMaskedView(
  keyring: Keyring,
  tenant: string,
  subject: string,
  view: Uint8Array,
  dek: AeadKey,
): Map<PiTypeId, string> {
  const plain = keyring.decryptField(tenant, subject, MASKED_VIEW_FIELD, view, dek);
  const out = new Map<PiTypeId, string>();
  for (const [field, masked] of JSON.parse(utf8Decoder.decode(plain)) as [string, string][]) {
    // Authenticated, so written by us; a field the catalogue no longer knows is left out.
    if (isPiTypeId(field)) out.set(field, masked);
  }
  return out;
}

/** The view of a subject rebuilt from its stored field ciphertexts (decrypted, masked, sealed). */
export function rebuildMaskedView(
  keyring: Keyring,
  tenant: string,
  subject: string,
  stored: Iterable<readonly [PiTypeId, Uint8Array]>,
  dek: AeadKey,
): Uint8Array {
  const plain = [...stored].map(
    ([field, ciphertext]) =>
      [field, utf8Decoder.decode(keyring.decryptField(tenant, subject, field, ciphertext, dek))] as const,
  );
  return sealMaskedView(keyring, tenant, subject, plain, dek);
}

/** Actor of the audit entries of {@link backfillMaskedViews}. */
export const BACKFILL_ACTOR = 'vault-view-backfill';

/**
 * Builds the masked view of up to `limit` subjects that have none (stored before views existed),
 * across tenants; returns how many it built. Each view is written only if the row still has none
 * and is not erased: an update in the meantime wrote its own (from the fields as they then stood),
 * so nothing stale can land. One `subject.view.build` audit entry per tenant and step, with the
 * count: nothing leaves the vault.
 */
export async function backfillMaskedViews(core: VaultCore, limit: number): Promise<number> {
  const rows = await core.db
    .selectFrom('vault_subjects')
    .select(['tenant_id', 'subject_id', 'wrapped_dek'])
    .where('masked_view', 'is', null)
    .where('status', '!=', 'erased')
    .limit(limit)
    .execute();
  if (rows.length === 0) return 0;
  const byTenant = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byTenant.get(r.tenant_id) ?? [];
    list.push(r);
    byTenant.set(r.tenant_id, list);
  }
  const { keyring } = core.keys;
  let built = 0;
  for (const [tenant, list] of byTenant) {
    const stored = await selectFields(
      core.db,
      tenant,
      list.map((r) => r.subject_id),
    );
    const views: { id: string; view: Uint8Array }[] = [];
    for (const r of list) {
      const dek = await core.keys.unwrap(tenant, r.subject_id, r.wrapped_dek!);
      try {
        const view = rebuildMaskedView(keyring, tenant, r.subject_id, stored.get(r.subject_id) ?? [], dek);
        views.push({ id: r.subject_id, view });
      } finally {
        dek.destroy();
      }
    }
    const ctx = { tenant, actor: BACKFILL_ACTOR, role: 'system' as const, purpose: 'maintenance' };
    await recordAudit(core, [auditEvent(ctx, 'subject.view.build', 'ok', { count: views.length })]);
    built += await transact(core, async (trx) => {
      let n = 0;
      for (const { id, view } of views) {
        const res = await trx
          .updateTable('vault_subjects')
          .set({ masked_view: view })
          .where('tenant_id', '=', tenant)
          .where('subject_id', '=', id)
          .where('masked_view', 'is', null)
          .where('status', '!=', 'erased')
          .executeTakeFirst();
        n += Number(res.numUpdatedRows);
      }
      return n;
    });
  }
  return built;
}

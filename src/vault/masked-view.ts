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
 * way. The `v1` changes whenever a catalogue mask changes, so an old view is never shown.
 *
 * @module
 */
import type { AeadKey } from '../crypto/aead-key.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { isPiTypeId, piType } from '../pi/catalogue.ts';
import type { PiTypeId } from '../pi/types.ts';

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
 * Opens a view: field → masked value, in the order the fields were written.
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

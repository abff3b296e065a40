/**
 * Identity references: how the real-name layer knows a person without holding their ID number.
 *
 * A reference is the keyed HMAC (`hmac-sha256:<hex>`, or `hmac-sm3:` under the `gm` suite) of the
 * normalised resident ID, or of the opaque network identity number (网号) for people who verified
 * with the national credential. The key is per tenant, derived from the root key
 * (`shiming/v1/realname-identity/<tenant>`) and never stored, so a copy of the database cannot be
 * joined with a leaked ID list, and two tenants' references of one person differ.
 *
 * A person who verifies once by ID number and once by network identity has two references: the
 * platform holds nothing that could join them, which is the point of the 2025 Measures.
 *
 * @module
 */
import { assertContextId } from '../crypto/ciphertext.ts';
import { hmacIdentifier } from '../crypto/hmac-identifier.ts';
import { deriveHmacKey, type HmacKey } from '../crypto/hmac-key.ts';
import { assertValidLabel, LABEL_PREFIX_V1 } from '../crypto/labels.ts';
import type { RootKeyProvider } from '../crypto/root-key-provider.ts';
import type { Suite } from '../crypto/suite.ts';
import { cnResidentId } from '../pi/cn-resident-id.ts';

/** What an identity reference is computed from. */
export type IdentityKind = 'CN_RESIDENT_ID' | 'NETWORK_IDENTITY';

/** `shiming/v1/realname-identity/<tenant>`. */
export function identityKeyLabel(tenant: string): string {
  assertContextId('tenant', tenant);
  const label = `${LABEL_PREFIX_V1}/realname-identity/${encodeURIComponent(tenant)}`;
  assertValidLabel(label);
  return label;
}

/** Computes identity references, one derived key per tenant kept in memory. */
export class IdentityRefs {
  readonly #root: RootKeyProvider;
  readonly #suite: Suite;
  readonly #keys = new Map<string, Promise<HmacKey>>();

  constructor(root: RootKeyProvider, suite: Suite = 'intl') {
    this.#root = root;
    this.#suite = suite;
  }

  /** The reference of `value` (normalised first: `110105 19491231 002x` equals `…002X`). */
  async of(tenant: string, kind: IdentityKind, value: string): Promise<string> {
    let key = this.#keys.get(tenant);
    if (key === undefined) {
      key = deriveHmacKey(this.#root, identityKeyLabel(tenant), this.#suite);
      this.#keys.set(tenant, key);
      key.catch(() => this.#keys.delete(tenant));
    }
    const normalise = kind === 'CN_RESIDENT_ID' ? (v: string) => cnResidentId.normalise(v) : undefined;
    return hmacIdentifier(await key, kind, value, normalise);
  }
}

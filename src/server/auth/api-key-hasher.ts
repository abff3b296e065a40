/**
 * How API keys are stored: an HMAC-SHA256 under a key derived from the root key, never the secret.
 *
 * A plain hash of a 256-bit secret could not be brute-forced either; the keyed HMAC adds two
 * things. A stolen table cannot even be checked against a leaked token list without the root key,
 * and the MAC covers the row's tenant, key id and role, so someone who can write the table but
 * does not hold the root key cannot promote a key to `admin` or move it to another tenant: the
 * edited row no longer verifies and the key stops working (fail closed).
 *
 * INVARIANT: the label and the MAC input below are part of every stored hash. Changing either
 * invalidates every API key; a new format needs a new label version (`shiming/v2/...`).
 *
 * @module
 */
import { constantTimeEqual } from '../../crypto/constant-time.ts';
import { deriveHmacKey, type HmacKey } from '../../crypto/hmac-key.ts';
import { assertValidLabel } from '../../crypto/labels.ts';
import type { RootKeyProvider } from '../../crypto/root-key-provider.ts';

/**
 * HKDF label of the API-key hashing key. Defined here rather than in crypto/labels.ts (which owns
 * the shared table) because only the server uses it; it follows the same grammar.
 */
export const API_KEY_HASH_LABEL = 'shiming/v1/api-key-hash';
assertValidLabel(API_KEY_HASH_LABEL);

/** What the MAC binds: the row's identity and the secret. */
export interface ApiKeyMaterial {
  readonly tenant: string;
  readonly keyId: string;
  readonly role: string;
  readonly secret: string;
}

/** Computes and checks stored API-key hashes. */
export class ApiKeyHasher {
  readonly #key: HmacKey;

  constructor(key: HmacKey) {
    this.#key = key;
  }

  /** Derives the hashing key from the root key (`shiming/v1/api-key-hash`, HMAC-SHA256). */
  static async fromRootKey(provider: RootKeyProvider): Promise<ApiKeyHasher> {
    return new ApiKeyHasher(await deriveHmacKey(provider, API_KEY_HASH_LABEL, 'intl'));
  }

  /** The 32-byte hash stored for a key. Fields cannot hold a newline (their patterns exclude it). */
  hash(material: ApiKeyMaterial): Uint8Array {
    return this.#key.mac(
      `shiming-api-key/v1\n${material.tenant}\n${material.keyId}\n${material.role}\n${material.secret}`,
    );
  }

  /** True if `secret` matches the stored hash of the row; constant time. */
  verify(material: ApiKeyMaterial, stored: Uint8Array): boolean {
    return constantTimeEqual(this.hash(material), stored);
  }
}

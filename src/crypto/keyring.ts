/**
 * The vault's keyring: root key → per-tenant KEKs (versioned, random, wrapped by a root-derived
 * key) → one DEK per data subject (wrapped by the tenant's active KEK) → field ciphertexts.
 *
 * Why KEKs are random and wrapped rather than derived from the root
 * (`shiming/v1/kek-wrap/<tenant>` derives only the *wrapping* key):
 * - a tenant can be crypto-shredded (delete its wrapped KEK rows and every DEK under them is
 *   dead, backups included) while the root lives on — a root-derived KEK could always be re-derived;
 * - changing the root key means rewrapping a handful of KEK rows, not every subject's DEK;
 * - KEKs can be imported (BYOK) or minted by a KMS later without changing the DEK layer.
 *
 * The keyring holds unwrapped KEKs in memory only and zeroes them on `unloadKek` and `close`.
 * Storage is the vault's: it stores the {@link WrappedKey} bytes this class returns.
 *
 * Rotation (no downtime, plaintext never leaves memory):
 * 1. `createKek(tenant, v + 1, suite)`; store the wrapped KEK; every server `loadKek`s it;
 *    then `activateKek(tenant, v + 1)` — new DEKs are wrapped under v + 1 from then on.
 * 2. A background job calls `rewrapDek` on each DEK whose `wrappedBy` is older and writes the
 *    result back (compare-and-swap on the old bytes). Fields are not touched.
 * 3. When no DEK is wrapped under version v any more, delete its row and `unloadKek(tenant, v)`.
 * @module
 */
import { inspect } from 'node:util';
import { AeadKey, generateAeadKey } from './aead-key.ts';
import { assertContextId, assertKeyVersion, readEnvelopeHeader } from './ciphertext.ts';
import { CryptoError } from './errors.ts';
import { decryptField, encryptField } from './field-cipher.ts';
import { parseWrappedKey, unwrapDek, unwrapKek, type WrappedKey, wrapDek, wrapKek } from './key-wrap.ts';
import { type RandomSource, systemRandom } from './random-source.ts';
import type { RootKeyProvider } from './root-key-provider.ts';
import type { Suite } from './suite.ts';
import { kekWrapKeyRequest } from './vault-labels.ts';

/** Options for {@link Keyring}. */
export interface KeyringOptions {
  /** Source of KEK and DEK bytes (default: the OS CSPRNG). */
  readonly random?: RandomSource;
}

const bytesOf = (wrapped: WrappedKey | Uint8Array): Uint8Array =>
  wrapped instanceof Uint8Array ? wrapped : wrapped.bytes;

/** Holds tenant KEKs and performs every key operation the vault needs. */
export class Keyring {
  readonly #root: RootKeyProvider;
  readonly #random: RandomSource;
  /** tenant → version → unwrapped KEK */
  readonly #keks = new Map<string, Map<number, AeadKey>>();
  readonly #active = new Map<string, number>();
  #closed = false;

  /** @param root - the root-key provider; the keyring never closes it (its owner does) */
  constructor(root: RootKeyProvider, options: KeyringOptions = {}) {
    this.#root = root;
    this.#random = options.random ?? systemRandom;
  }

  #open(): void {
    if (this.#closed) throw new CryptoError('KEY_DESTROYED', 'the keyring is closed');
  }

  async #wrappingKey(tenant: string, suite: Suite): Promise<AeadKey> {
    const bytes = await this.#root.deriveKey(kekWrapKeyRequest(tenant, suite));
    try {
      return new AeadKey(suite, 0, bytes);
    } finally {
      bytes.fill(0);
    }
  }

  #hold(tenant: string, kek: AeadKey): void {
    let versions = this.#keks.get(tenant);
    if (versions === undefined) {
      versions = new Map();
      this.#keks.set(tenant, versions);
    }
    versions.get(kek.version)?.destroy();
    versions.set(kek.version, kek);
  }

  #kek(tenant: string, version: number): AeadKey {
    const kek = this.#keks.get(tenant)?.get(version);
    if (kek === undefined) {
      throw new CryptoError('KEK_NOT_LOADED', `KEK version ${version} of this tenant is not loaded`);
    }
    return kek;
  }

  /**
   * Generate a random KEK `version` for `tenant` under `suite`, hold it (not yet active) and return
   * its wrapped form for the vault to store.
   * @throws CryptoError `INVALID_KEY_VERSION` if that version is already loaded
   */
  async createKek(tenant: string, version: number, suite: Suite): Promise<WrappedKey> {
    this.#open();
    assertContextId('tenant', tenant);
    assertKeyVersion(version);
    if (this.#keks.get(tenant)?.has(version)) {
      throw new CryptoError('INVALID_KEY_VERSION', `KEK version ${version} of this tenant already exists`);
    }
    const kek = generateAeadKey(suite, version, this.#random);
    const wrapping = await this.#wrappingKey(tenant, suite);
    try {
      const wrapped = wrapKek(wrapping, tenant, kek);
      this.#open();
      // A concurrent createKek of the same version may have finished while we awaited the root.
      if (this.#keks.get(tenant)?.has(version)) {
        throw new CryptoError('INVALID_KEY_VERSION', `KEK version ${version} of this tenant already exists`);
      }
      this.#hold(tenant, kek);
      return wrapped;
    } catch (error) {
      kek.destroy();
      throw error;
    } finally {
      wrapping.destroy();
    }
  }

  /**
   * Unwrap a stored KEK of `tenant` into memory (at start-up, or when another server created it).
   * @throws CryptoError `DECRYPT_FAILED` if it is not this tenant's KEK under this root key
   */
  async loadKek(tenant: string, wrapped: WrappedKey | Uint8Array): Promise<void> {
    this.#open();
    const bytes = bytesOf(wrapped);
    const { suite } = readEnvelopeHeader(bytes);
    const wrapping = await this.#wrappingKey(tenant, suite);
    try {
      const kek = unwrapKek(wrapping, tenant, bytes);
      this.#open();
      this.#hold(tenant, kek);
    } finally {
      wrapping.destroy();
    }
  }

  /** Wrap new DEKs of `tenant` under KEK `version` (which must be loaded) from now on. */
  activateKek(tenant: string, version: number): void {
    this.#open();
    this.#kek(tenant, version);
    this.#active.set(tenant, version);
  }

  /** The KEK version new DEKs of `tenant` are wrapped under, if any. */
  activeKekVersion(tenant: string): number | undefined {
    return this.#active.get(tenant);
  }

  /** The KEK versions of `tenant` held in memory, ascending. */
  loadedKekVersions(tenant: string): number[] {
    return [...(this.#keks.get(tenant)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * Zero and forget KEK `version` of `tenant` — once the vault has checked nothing is wrapped
   * under it. Refuses the active version.
   */
  unloadKek(tenant: string, version: number): void {
    if (this.#active.get(tenant) === version) {
      throw new CryptoError('INVALID_KEY_VERSION', 'cannot unload the active KEK; activate another first');
    }
    const versions = this.#keks.get(tenant);
    versions?.get(version)?.destroy();
    versions?.delete(version);
  }

  /** A fresh random DEK for a new data subject (or a DEK rotation: pass the next version). */
  generateDek(suite: Suite, version = 1): AeadKey {
    this.#open();
    assertKeyVersion(version);
    return generateAeadKey(suite, version, this.#random);
  }

  /** Wrap `dek` under `tenant`'s active KEK, bound to `subject`. */
  wrapDek(tenant: string, subject: string, dek: AeadKey): WrappedKey {
    this.#open();
    const active = this.#active.get(tenant);
    if (active === undefined) throw new CryptoError('KEK_NOT_LOADED', 'this tenant has no active KEK');
    return wrapDek(this.#kek(tenant, active), tenant, subject, dek);
  }

  /**
   * Unwrap `subject`'s DEK. The caller owns the result: cache it or `destroy()` it.
   * @throws CryptoError `KEK_NOT_LOADED` (load `parseWrappedKey(bytes).wrappedBy` and retry),
   *   `DECRYPT_FAILED`
   */
  unwrapDek(tenant: string, subject: string, wrapped: WrappedKey | Uint8Array): AeadKey {
    this.#open();
    const bytes = bytesOf(wrapped);
    const { kind, wrappedBy } = parseWrappedKey(bytes);
    if (kind !== 'dek') throw new CryptoError('DECRYPT_FAILED', 'envelope holds a wrapped KEK, not a DEK');
    return unwrapDek(this.#kek(tenant, wrappedBy), tenant, subject, bytes);
  }

  /**
   * Unwrap and wrap again under KEK `toVersion` (default: the active one), in memory only; the DEK
   * bytes are zeroed before returning. Used by the background rotation job.
   */
  rewrapDek(
    tenant: string,
    subject: string,
    wrapped: WrappedKey | Uint8Array,
    toVersion: number | undefined = this.#active.get(tenant),
  ): WrappedKey {
    this.#open();
    if (toVersion === undefined) throw new CryptoError('KEK_NOT_LOADED', 'this tenant has no active KEK');
    const to = this.#kek(tenant, toVersion);
    const dek = this.unwrapDek(tenant, subject, wrapped);
    try {
      return wrapDek(to, tenant, subject, dek);
    } finally {
      dek.destroy();
    }
  }

  /** {@link encryptField} with ids as arguments. */
  encryptField(
    tenant: string,
    subject: string,
    field: string,
    plaintext: Uint8Array,
    dek: AeadKey,
  ): Uint8Array {
    this.#open();
    return encryptField({ tenant, subject, field }, plaintext, dek);
  }

  /** {@link decryptField} with ids as arguments. */
  decryptField(
    tenant: string,
    subject: string,
    field: string,
    ciphertext: Uint8Array,
    dek: AeadKey,
  ): Uint8Array {
    this.#open();
    return decryptField({ tenant, subject, field }, ciphertext, dek);
  }

  /** Zero every KEK and refuse further use. Does not close the root provider. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const versions of this.#keks.values()) for (const kek of versions.values()) kek.destroy();
    this.#keks.clear();
    this.#active.clear();
  }

  toJSON(): { tenants: number } {
    return { tenants: this.#keks.size };
  }

  [inspect.custom](): string {
    return `Keyring { tenants: ${this.#keks.size}${this.#closed ? ', closed' : ''} }`;
  }
}

/**
 * The root key and the interface every root-key source implements.
 *
 * Design choice: callers never see the root key. A provider only answers
 * {@link RootKeyProvider.deriveKey} — "give me the key named by this label" — so a cloud KMS or
 * HSM whose key cannot be exported can implement it (see `hkdfExpandWith` and `docs/keys.md`),
 * and a bug elsewhere in the process cannot leak the root by logging it. Derived keys are
 * returned as bytes because they are used in-process (HMAC, Ed25519, later AEAD key wrapping).
 * @module
 */
import { inspect } from 'node:util';
import { CryptoError } from './errors.ts';
import { hkdf } from './hkdf.ts';
import { assertValidLabel, ROOT_FINGERPRINT_LABEL } from './labels.ts';
import type { Suite } from './suite.ts';

/** Root keys are exactly 32 bytes (256 bits). */
export const ROOT_KEY_LENGTH = 32;

/** What to derive: a labelled key of `length` bytes, under a suite's KDF. */
export interface DeriveKeyRequest {
  /** A label from `labels.ts` (`shiming/v1/...`); the label *is* part of the key. */
  readonly label: string;
  /** Output length in bytes (1..8160). */
  readonly length: number;
  /** `intl` → HKDF-SHA256, `gm` → HKDF-SM3. */
  readonly suite: Suite;
}

/**
 * A source of the root key. Implement this to plug in a KMS or HSM.
 *
 * Contract:
 * - `deriveKey` is deterministic: the same request returns the same bytes for the life of the root
 *   key, across restarts and across every server sharing the root.
 * - Different labels or suites give independent keys (the derivation is a PRF of the request).
 * - Errors are `CryptoError`s (`KMS_FAILURE` with a `cause` for remote failures), and neither
 *   messages nor logs contain key bytes.
 * - The returned array belongs to the caller, who may zero it.
 */
export interface RootKeyProvider {
  /** Non-secret, human-readable origin for logs and `shiming keys` output, e.g. `file:/srv/keys/root.key`. */
  readonly description: string;
  /** Derive the key named by `request.label`. */
  deriveKey(request: DeriveKeyRequest): Promise<Uint8Array>;
  /** Forget the root key (zero it, close sessions). Later `deriveKey` calls fail with `ROOT_KEY_CLOSED`. */
  close(): Promise<void>;
}

/** True if every byte is zero (a placeholder or a zero-filled file after a crash, never a real key). */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/**
 * A provider holding the 32-byte root in process memory and deriving with
 * `HKDF(suite, ikm = root, salt = empty, info = label, length)`.
 *
 * The file and env providers are built on this; so can a KMS provider that stores the root
 * wrapped (encrypted) by the KMS and unwraps it once at start-up.
 */
export class InMemoryRootKeyProvider implements RootKeyProvider {
  readonly description: string;
  #root: Uint8Array | undefined;

  /**
   * @param root - exactly 32 bytes; copied, so the caller may zero its own array
   * @param description - non-secret origin for logs
   */
  constructor(root: Uint8Array, description: string) {
    if (root.length !== ROOT_KEY_LENGTH) {
      throw new CryptoError('ROOT_KEY_WRONG_LENGTH', `root key must be exactly ${ROOT_KEY_LENGTH} bytes`);
    }
    if (isAllZero(root)) throw new CryptoError('ROOT_KEY_MALFORMED', 'root key must not be all zero bytes');
    this.#root = Uint8Array.from(root);
    this.description = description;
  }

  async deriveKey(request: DeriveKeyRequest): Promise<Uint8Array> {
    if (this.#root === undefined) throw new CryptoError('ROOT_KEY_CLOSED', 'root key provider is closed');
    assertValidLabel(request.label);
    return hkdf(request.suite, this.#root, new Uint8Array(0), request.label, request.length);
  }

  async close(): Promise<void> {
    this.#root?.fill(0);
    this.#root = undefined;
  }

  /** Never serialise key material by accident. */
  toJSON(): { description: string } {
    return { description: this.description };
  }

  [inspect.custom](): string {
    return `InMemoryRootKeyProvider { description: ${JSON.stringify(this.description)} }`;
  }
}

/**
 * A short non-secret id of the root key: 16 hex digits derived under `shiming/v1/root-fingerprint`.
 *
 * Print it at start-up and record it with backups: if it changes, the root key changed and every
 * audit HMAC and signing key with it. It reveals nothing about the key (HKDF output).
 */
export async function rootKeyFingerprint(provider: RootKeyProvider): Promise<string> {
  const bytes = await provider.deriveKey({ label: ROOT_FINGERPRINT_LABEL, length: 8, suite: 'intl' });
  return Buffer.from(bytes).toString('hex');
}

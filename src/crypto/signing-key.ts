/**
 * Ed25519 log-signing keys, derived deterministically from the root so every server sharing the
 * root signs checkpoints with the same key and a restore from backup keeps the log's public key.
 * The key is never stored: it is re-derived at start-up under `shiming/v1/log-signing/<origin>`.
 * @module
 */
import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { CryptoError } from './errors.ts';
import { logSigningLabel } from './labels.ts';
import type { RootKeyProvider } from './root-key-provider.ts';

/** Ed25519 seeds, public keys: 32 bytes; signatures: 64 bytes. */
export const ED25519_SEED_LENGTH = 32;
export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

// DER framing for Ed25519 (RFC 8410): PKCS#8 PrivateKeyInfo around a 32-byte seed, SPKI around a public key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 private key (from a 32-byte seed) with its raw public key. */
export class Ed25519SigningKey {
  /** Node key objects, for `crypto.sign` / `crypto.verify` directly. */
  readonly privateKey: KeyObject;
  readonly publicKeyObject: KeyObject;
  #seed: Uint8Array;
  #publicKey: Uint8Array;

  private constructor(seed: Uint8Array) {
    this.#seed = Uint8Array.from(seed);
    this.privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    this.publicKeyObject = createPublicKey(this.privateKey);
    const spki = this.publicKeyObject.export({ format: 'der', type: 'spki' });
    this.#publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  }

  /** The key whose RFC 8032 private key is `seed` (32 bytes; copied). */
  static fromSeed(seed: Uint8Array): Ed25519SigningKey {
    if (seed.length !== ED25519_SEED_LENGTH) {
      throw new CryptoError('INVALID_KEY_LENGTH', `Ed25519 seeds are exactly ${ED25519_SEED_LENGTH} bytes`);
    }
    return new Ed25519SigningKey(seed);
  }

  /** A copy of the raw 32-byte public key (RFC 8032 encoding, as used in C2SP note keys). */
  get publicKey(): Uint8Array {
    return Uint8Array.from(this.#publicKey);
  }

  /** A copy of the secret 32-byte seed. Handle as key material; prefer {@link sign}. */
  seed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** The 64-byte Ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.privateKey));
  }

  /** True if `signature` is this key's signature of `message`. */
  verify(message: Uint8Array, signature: Uint8Array): boolean {
    return verifyEd25519(this.#publicKey, message, signature);
  }

  toJSON(): { publicKey: string } {
    return { publicKey: Buffer.from(this.#publicKey).toString('base64') };
  }

  [inspect.custom](): string {
    return `Ed25519SigningKey { publicKey: '${Buffer.from(this.#publicKey).toString('base64')}' }`;
  }
}

/** A Node public `KeyObject` from a raw 32-byte Ed25519 public key. */
export function ed25519PublicKeyFromRaw(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new CryptoError(
      'INVALID_KEY_LENGTH',
      `Ed25519 public keys are exactly ${ED25519_PUBLIC_KEY_LENGTH} bytes`,
    );
  }
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/** Verify an Ed25519 signature against a raw public key; false (never a throw) for a bad signature. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = ed25519PublicKeyFromRaw(publicKey);
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false;
  return verify(null, message, key, signature);
}

/**
 * The checkpoint-signing key of the log named `origin` (its C2SP checkpoint origin line):
 * `Ed25519(seed = HKDF-SHA256(root, "shiming/v1/log-signing/<origin>", 32))`, the same on every
 * start and every server sharing the root. Always derived under the `intl` suite, because the
 * signature algorithm (Ed25519) is fixed by the checkpoint format.
 */
export async function deriveLogSigningKey(
  provider: RootKeyProvider,
  origin: string,
): Promise<Ed25519SigningKey> {
  const seed = await provider.deriveKey({
    label: logSigningLabel(origin),
    length: ED25519_SEED_LENGTH,
    suite: 'intl',
  });
  try {
    return Ed25519SigningKey.fromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

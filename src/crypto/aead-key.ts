/**
 * Symmetric AEAD keys (DEKs and KEKs) held in memory, with a suite and a version, and zeroed on
 * `destroy()`. The bytes stay in a private `Uint8Array` (never a string, which cannot be wiped),
 * and neither `JSON.stringify` nor `console.log` show them.
 *
 * AES keys also get a cached Node `KeyObject` on first use (AES-GCM 3–5× faster on Node 24).
 * Its copy of the key lives in OpenSSL memory that JS cannot wipe: `destroy()` drops the reference
 * and the copy is freed when collected. SM4 keys stay bytes only (`sm-crypto-v2` takes bytes).
 * @module
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { type AeadKeyInput, aeadKeyLength } from './aead-suite.ts';
import { CryptoError } from './errors.ts';
import { type RandomSource, systemRandom } from './random-source.ts';
import { digestName, type Suite } from './suite.ts';

let readBytes: (key: AeadKey) => Uint8Array;
let readInput: (key: AeadKey) => AeadKeyInput;

/**
 * A data key (DEK) or key-encryption key (KEK): 32 bytes for `intl` (AES-256), 16 for `gm` (SM4).
 *
 * Version 0 is reserved for root-derived wrapping keys, which have no version of their own.
 */
export class AeadKey {
  /** The AEAD this key is for. */
  readonly suite: Suite;
  /** The key's version (DEK or KEK version), recorded in every envelope it seals. */
  readonly version: number;
  #bytes: Uint8Array | undefined;
  #keyObject: KeyObject | undefined;

  static {
    readBytes = (key) => {
      if (key.#bytes === undefined) throw new CryptoError('KEY_DESTROYED', 'this key was destroyed');
      return key.#bytes;
    };
    readInput = (key) => {
      const bytes = readBytes(key);
      if (key.suite !== 'intl') return bytes;
      key.#keyObject ??= createSecretKey(bytes);
      return key.#keyObject;
    };
  }

  /**
   * @param suite - `intl` or `gm`
   * @param version - 0..2^32-1
   * @param bytes - exactly the suite's key length; copied, so the caller may zero its array
   */
  constructor(suite: Suite, version: number, bytes: Uint8Array) {
    digestName(suite); // UNSUPPORTED_SUITE for unknown suites, or gm without SM3
    if (!Number.isInteger(version) || version < 0 || version > 0xffff_ffff) {
      throw new CryptoError('INVALID_KEY_VERSION', 'key versions are integers in 0..4294967295');
    }
    if (bytes.length !== aeadKeyLength(suite)) {
      throw new CryptoError('INVALID_KEY_LENGTH', `${suite} keys are ${aeadKeyLength(suite)} bytes`);
    }
    this.suite = suite;
    this.version = version;
    this.#bytes = Uint8Array.from(bytes);
  }

  /** True once {@link destroy} ran. */
  get destroyed(): boolean {
    return this.#bytes === undefined;
  }

  /** Zero the key bytes. Later use throws `KEY_DESTROYED`. Idempotent. */
  destroy(): void {
    this.#bytes?.fill(0);
    this.#bytes = undefined;
    this.#keyObject = undefined;
  }

  toJSON(): { suite: Suite; version: number } {
    return { suite: this.suite, version: this.version };
  }

  [inspect.custom](): string {
    return `AeadKey { suite: '${this.suite}', version: ${this.version}${this.destroyed ? ', destroyed' : ''} }`;
  }
}

/**
 * The live key bytes of `key`, for the AEAD and wrapping code in this folder only. Not exported
 * from `index.ts`: callers outside `src/crypto` never need raw key bytes.
 * @throws CryptoError `KEY_DESTROYED`
 */
export function aeadKeyBytes(key: AeadKey): Uint8Array {
  return readBytes(key);
}

/**
 * What to hand the suite's AEAD: a cached KeyObject for AES, the bytes for SM4. Internal, like
 * {@link aeadKeyBytes}.
 * @throws CryptoError `KEY_DESTROYED`
 */
export function aeadKeyInput(key: AeadKey): AeadKeyInput {
  return readInput(key);
}

/** A fresh random key for `suite` with `version`. */
export function generateAeadKey(suite: Suite, version: number, random: RandomSource = systemRandom): AeadKey {
  const bytes = random(aeadKeyLength(suite));
  try {
    return new AeadKey(suite, version, bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * The two AEAD constructions under the vault: `intl` = AES-256-GCM (node:crypto), `gm` = SM4-GCM
 * (`sm-crypto-v2`). Both take a random 96-bit nonce and a 128-bit tag, so the envelope
 * (`ciphertext.ts`) is the same for both.
 *
 * Why SM4-GCM through `sm-crypto-v2` and not native SM4-CTR + HMAC-SM3 (encrypt-then-MAC):
 * - SM4-GCM is a standard AEAD (NIST SP 800-38D's GCM over SM4, as RFC 8998 uses it): GmSSL,
 *   Tongsuo, BouncyCastle and Aliyun KMS's SM4 keys speak it, so a regulator, another language or
 *   a later Node whose OpenSSL exposes `sm4-gcm` (Node 24.21 / OpenSSL 3.5.8 still answers
 *   `ERR_CRYPTO_UNKNOWN_CIPHER`) can read our data with no code of ours and no migration. An EtM
 *   composition (key split labels, MAC input layout, tag length) would be our own format forever.
 * - The cost is speed, and it is small: for a 32-byte field, native SM4-CTR + HMAC-SM3 with both
 *   keys cached as KeyObjects was 1.2–1.9× faster than SM4-GCM in pure JS (encrypt + decrypt,
 *   38 vs 44 µs and 30 vs 56 µs in two runs), 6–25 µs per field against a database round trip per
 *   request (docs/crypto.md, `bench/crypto.ts`). With raw key bytes, as OpenSSL 3.5 re-imports
 *   them on every call, native EtM was about 3× slower than SM4-GCM.
 * - Risks, handled here: `sm-crypto-v2` skips the tag check when no tag is passed, so we always
 *   pass exactly 16 bytes; it is pinned and covered by the RFC 8998 A.1 vector and tamper tests.
 *   Its SM4 indexes an S-box table (not constant-time), and it copies keys and plaintexts into
 *   arrays it does not wipe; co-resident cache attackers and memory readers on the vault host are
 *   outside our threat model, as they are for HashiCorp Vault.
 *
 * Nonces: random 96-bit, so at most 2^32 messages per key (NIST SP 800-38D §8.3; collision
 * probability stays below 2^-32). A DEK encrypts one subject's few dozen field writes; a KEK wraps
 * one DEK per subject plus rewraps — the vault must rotate a tenant KEK before 2^32 wraps.
 * @module
 */
import { createCipheriv, createDecipheriv, KeyObject } from 'node:crypto';
import { sm4 } from 'sm-crypto-v2';
import { CryptoError } from './errors.ts';
import { type RandomSource, systemRandom } from './random-source.ts';
import { digestName, type Suite } from './suite.ts';

/** Nonce length of both suites (96 bits, the GCM default). */
export const AEAD_NONCE_LENGTH = 12;
/** Tag length of both suites (128 bits). */
export const AEAD_TAG_LENGTH = 16;
/** Largest plaintext accepted: 16 MiB (fields are small; this bounds memory, far below GCM's limit). */
export const AEAD_MAX_PLAINTEXT = 16 * 1024 * 1024;
/** Messages per key with random 96-bit nonces (NIST SP 800-38D §8.3). */
export const AEAD_MAX_MESSAGES_PER_KEY = 2 ** 32;

/**
 * Key material for an AEAD: raw bytes, or a Node secret `KeyObject`. On Node 24 (OpenSSL 3.5)
 * `createCipheriv` with raw bytes imports the key on every call and is 3–5× slower than with a
 * KeyObject, so `AeadKey` hands the AES suite a cached KeyObject.
 */
export type AeadKeyInput = Uint8Array | KeyObject;

/** An AEAD over one suite. Output is `nonce ‖ ciphertext ‖ tag`. */
export interface AeadSuite {
  readonly suite: Suite;
  /** Human name, e.g. for `shiming keys` output. */
  readonly algorithm: 'AES-256-GCM' | 'SM4-GCM';
  /** Key length in bytes: 32 (AES-256) or 16 (SM4). */
  readonly keyLength: number;
  /**
   * Encrypt with a fresh random nonce.
   * @throws CryptoError `INVALID_KEY_LENGTH`, `PLAINTEXT_TOO_LARGE`
   */
  encrypt(key: AeadKeyInput, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /**
   * Check the tag, then return the plaintext. Never returns partial plaintext.
   * @throws CryptoError `DECRYPT_FAILED` for a short input or a failed tag check
   */
  decrypt(key: AeadKeyInput, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
}

const decryptFailed = (): CryptoError =>
  new CryptoError(
    'DECRYPT_FAILED',
    'ciphertext failed authentication (wrong key, context or tampered bytes)',
  );

function checkInputs(keyLength: number, key: AeadKeyInput, plaintextLength: number): void {
  const length = key instanceof KeyObject ? key.symmetricKeySize : key.length;
  if (key instanceof KeyObject ? key.type !== 'secret' || length !== keyLength : length !== keyLength) {
    throw new CryptoError('INVALID_KEY_LENGTH', `this AEAD needs a ${keyLength}-byte key`);
  }
  if (plaintextLength > AEAD_MAX_PLAINTEXT) {
    throw new CryptoError('PLAINTEXT_TOO_LARGE', `plaintexts are limited to ${AEAD_MAX_PLAINTEXT} bytes`);
  }
}

/** Split `nonce ‖ ct ‖ tag`; DECRYPT_FAILED if too short. */
function split(sealed: Uint8Array): { nonce: Uint8Array; ct: Uint8Array; tag: Uint8Array } {
  if (sealed.length < AEAD_NONCE_LENGTH + AEAD_TAG_LENGTH) throw decryptFailed();
  const tagAt = sealed.length - AEAD_TAG_LENGTH;
  return {
    nonce: sealed.subarray(0, AEAD_NONCE_LENGTH),
    ct: sealed.subarray(AEAD_NONCE_LENGTH, tagAt),
    tag: sealed.subarray(tagAt),
  };
}

function join(nonce: Uint8Array, ct: Uint8Array, tag: Uint8Array): Uint8Array {
  const out = new Uint8Array(nonce.length + ct.length + tag.length);
  out.set(nonce, 0);
  out.set(ct, nonce.length);
  out.set(tag, nonce.length + ct.length);
  return out;
}

function aesGcm(random: RandomSource): AeadSuite {
  const keyLength = 32;
  return {
    suite: 'intl',
    algorithm: 'AES-256-GCM',
    keyLength,
    encrypt(key, plaintext, aad) {
      checkInputs(keyLength, key, plaintext.length);
      const nonce = random(AEAD_NONCE_LENGTH);
      const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_LENGTH });
      cipher.setAAD(aad);
      const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return join(nonce, ct, cipher.getAuthTag());
    },
    decrypt(key, sealed, aad) {
      checkInputs(keyLength, key, 0);
      const { nonce, ct, tag } = split(sealed);
      let head: Buffer | undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_LENGTH });
        decipher.setAuthTag(tag);
        decipher.setAAD(aad);
        head = decipher.update(ct);
        const tail = decipher.final(); // throws on a bad tag
        const plaintext = Buffer.concat([head, tail]);
        head.fill(0); // may hold key material when unwrapping
        return plaintext;
      } catch {
        head?.fill(0); // OpenSSL hands out plaintext before the tag check: wipe it
        throw decryptFailed();
      }
    },
  };
}

/** sm-crypto-v2 takes bytes only. */
const rawKey = (key: AeadKeyInput): Uint8Array => (key instanceof KeyObject ? key.export() : key);

function sm4Gcm(random: RandomSource): AeadSuite {
  const keyLength = 16;
  return {
    suite: 'gm',
    algorithm: 'SM4-GCM',
    keyLength,
    encrypt(key, plaintext, aad) {
      checkInputs(keyLength, key, plaintext.length);
      const nonce = random(AEAD_NONCE_LENGTH);
      const { output, tag } = sm4.encrypt(plaintext, rawKey(key), {
        mode: 'gcm',
        iv: nonce,
        associatedData: aad,
        output: 'array',
        outputTag: true,
      });
      if (tag?.length !== AEAD_TAG_LENGTH)
        throw new CryptoError('UNSUPPORTED_SUITE', 'SM4-GCM returned no tag');
      return join(nonce, output, tag);
    },
    decrypt(key, sealed, aad) {
      checkInputs(keyLength, key, 0);
      const { nonce, ct, tag } = split(sealed);
      try {
        // `tag` is always 16 bytes here: sm-crypto-v2 skips verification when it is missing.
        // It verifies before decrypting, so a failure yields no plaintext at all.
        return sm4.decrypt(ct, rawKey(key), {
          mode: 'gcm',
          iv: nonce,
          associatedData: aad,
          tag,
          output: 'array',
        });
      } catch {
        throw decryptFailed();
      }
    },
  };
}

/**
 * An {@link AeadSuite} drawing nonces from `random` (tests pass a fixed source to replay vectors).
 * @throws CryptoError `UNSUPPORTED_SUITE` for an unknown suite, or `gm` without SM3 in OpenSSL
 */
export function createAeadSuite(suite: Suite, random: RandomSource = systemRandom): AeadSuite {
  if (suite === 'intl') return aesGcm(random);
  if (suite === 'gm') {
    digestName('gm'); // the gm suite's KDF and MACs need SM3: fail now, not on first derive
    return sm4Gcm(random);
  }
  throw new CryptoError(
    'UNSUPPORTED_SUITE',
    `unknown algorithm suite "${String(suite)}"; use "intl" or "gm"`,
  );
}

const shared = new Map<Suite, AeadSuite>();

/** The {@link AeadSuite} for `suite` with the system CSPRNG. */
export function aeadSuite(suite: Suite): AeadSuite {
  let s = shared.get(suite);
  if (s === undefined) {
    s = createAeadSuite(suite);
    shared.set(suite, s);
  }
  return s;
}

/** Key length of `suite`'s AEAD: 32 for `intl` (AES-256), 16 for `gm` (SM4). */
export function aeadKeyLength(suite: Suite): number {
  return suite === 'gm' ? 16 : 32;
}

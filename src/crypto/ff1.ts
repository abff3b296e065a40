/**
 * FF1 format-preserving encryption (NIST SP 800-38G) over strings of digits, via `@noble/ciphers`
 * (which passes NIST's FF1 samples; see `ff1.test.ts`). AES with a 128/192/256-bit key is the round
 * function, as the standard defines it — there is no SM4 variant in any standard.
 *
 * We add what the library leaves to its caller:
 * - a minimum domain of one million values (radix^length ≥ 10^6), the bound of SP 800-38G Rev. 1
 *   (the library checks only the older ≥ 100);
 * - our own copy of the key (the library keeps a reference to the caller's array), zeroed on destroy;
 * - typed errors that never echo the value.
 * @module
 */
import { FF1 } from '@noble/ciphers/ff1.js';
import { CryptoError } from './errors.ts';

/** Numerals for radix up to 36: `0-9` then `a-z`. */
export const FF1_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** SP 800-38G Rev. 1: radix^minlen ≥ 1,000,000. */
export const FF1_MIN_DOMAIN = 1_000_000;
/** Longest input accepted (our tokens use 10 and 16 digits). */
export const FF1_MAX_LENGTH = 256;

/** An FF1 instance bound to a key, tweak and radix. */
export interface Ff1Cipher {
  readonly radix: number;
  /** Encrypt a numeral string; output has the same length and alphabet. */
  encrypt(numerals: string): string;
  /** Inverse of {@link encrypt}. */
  decrypt(numerals: string): string;
  /** Zero this instance's copy of the key. */
  destroy(): void;
}

/**
 * FF1 with AES under `key` (16, 24 or 32 bytes) and `tweak`, over numerals of `radix` (2..36).
 *
 * @example
 * ```ts
 * const f = createFf1(key32, utf8('scope'));
 * f.decrypt(f.encrypt('0123456789')) === '0123456789';
 * ```
 * @throws CryptoError `INVALID_KEY_LENGTH`; `INVALID_VALUE` from encrypt/decrypt for a bad input
 */
export function createFf1(key: Uint8Array, tweak: Uint8Array = new Uint8Array(0), radix = 10): Ff1Cipher {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new CryptoError('INVALID_KEY_LENGTH', 'FF1 keys are AES keys: 16, 24 or 32 bytes');
  }
  if (!Number.isInteger(radix) || radix < 2 || radix > FF1_ALPHABET.length) {
    throw new CryptoError('INVALID_VALUE', `FF1 radix must be an integer in 2..${FF1_ALPHABET.length}`);
  }
  const keyCopy = Uint8Array.from(key);
  const tweakCopy = Uint8Array.from(tweak);
  const cipher = FF1(radix, keyCopy, tweakCopy);
  let destroyed = false;

  const toNumerals = (text: string): number[] => {
    if (destroyed) throw new CryptoError('KEY_DESTROYED', 'this FF1 key was destroyed');
    if (typeof text !== 'string' || text.length > FF1_MAX_LENGTH || radix ** text.length < FF1_MIN_DOMAIN) {
      throw new CryptoError('INVALID_VALUE', `FF1 input length must give at least ${FF1_MIN_DOMAIN} values`);
    }
    const out: number[] = [];
    for (const ch of text) {
      const n = FF1_ALPHABET.indexOf(ch);
      if (n < 0 || n >= radix)
        throw new CryptoError('INVALID_VALUE', `FF1 input has a non-radix-${radix} character`);
      out.push(n);
    }
    return out;
  };
  const fromNumerals = (numerals: number[]): string => numerals.map((n) => FF1_ALPHABET[n]).join('');

  return {
    radix,
    encrypt: (numerals) => fromNumerals(cipher.encrypt(toNumerals(numerals))),
    decrypt: (numerals) => fromNumerals(cipher.decrypt(toNumerals(numerals))),
    destroy: () => {
      destroyed = true;
      keyCopy.fill(0);
    },
  };
}

/**
 * Vault ids and tokens: a prefix and 22 base62 characters (≥ 128 bits). Base62 rather than
 * base64url because an id is then one alphanumeric word: nothing in it can be read as a digit
 * group, which the audit log's PI guard checks subject ids for (`sub_` ids go into every entry).
 *
 * @module
 */
import { type RandomSource, systemRandom } from '../crypto/random-source.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Characters after the prefix: 62^22 > 2^130. */
export const ID_LENGTH = 22;

/** `sub_…`: a data subject. */
export const SUBJECT_PREFIX = 'sub_';
/** `tok_…`: a random or deterministic token. */
export const TOKEN_PREFIX = 'tok_';

/** Pattern of a subject id (what routes accept). */
export const SUBJECT_ID_PATTERN = /^sub_[0-9A-Za-z]{22}$/;

/** A random id: `prefix` and 22 uniform base62 characters (rejection sampling, no modulo bias). */
export function randomId(prefix: string, random: RandomSource = systemRandom): string {
  let out = prefix;
  while (out.length < prefix.length + ID_LENGTH) {
    for (const b of random(32)) {
      // 248 = 4 × 62: bytes at or above it would bias the first characters.
      if (b < 248) out += ALPHABET[b % 62];
      if (out.length === prefix.length + ID_LENGTH) break;
    }
  }
  return out;
}

/** `prefix` and the first 16 bytes of `digest` in 22 base62 characters (deterministic tokens). */
export function digestId(prefix: string, digest: Uint8Array): string {
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(digest[i] ?? 0);
  let body = '';
  for (let i = 0; i < ID_LENGTH; i++) {
    body = ALPHABET[Number(n % 62n)] + body;
    n /= 62n;
  }
  return prefix + body;
}

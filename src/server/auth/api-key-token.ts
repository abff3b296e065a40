/**
 * API key tokens: `shk_<id>_<secret>`.
 *
 * - `<id>`: 16 base62 characters (~95 bits), random; the key's id is `key_<id>`. It is not secret:
 *   lists, logs and audit entries show it.
 * - `<secret>`: 32 random bytes (256 bits) in base64url (43 characters). Only its keyed hash is
 *   stored; the token is shown once, when the key is created.
 *
 * The fixed `shk_` prefix lets secret scanners (and `shiming scan`) recognise leaked keys.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';

/** Prefix of every token. */
export const TOKEN_PREFIX = 'shk_';
/** Prefix of every key id. */
export const KEY_ID_PREFIX = 'key_';

const ID_LENGTH = 16;
const SECRET_BYTES = 32;
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN = /^shk_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

/** A token split into its parts. */
export interface ParsedToken {
  /** `key_<id>`. */
  readonly keyId: string;
  /** The secret as written in the token (base64url). */
  readonly secret: string;
}

/** `length` random base62 characters, without modulo bias (bytes ≥ 248 are drawn again). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A new key id and token. */
export function generateToken(): ParsedToken & { readonly token: string } {
  const id = randomBase62(ID_LENGTH);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { keyId: `${KEY_ID_PREFIX}${id}`, secret, token: `${TOKEN_PREFIX}${id}_${secret}` };
}

/** The parts of a well-formed token, or `undefined`. Never throws: tokens are hostile input. */
export function parseToken(token: string): ParsedToken | undefined {
  if (token.length !== TOKEN_PREFIX.length + ID_LENGTH + 1 + 43) return undefined;
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  return { keyId: `${KEY_ID_PREFIX}${m[1]}`, secret: m[2]! };
}

/** The token from an `Authorization: Bearer …` header, or `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length > 200) return undefined;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  return m?.[1];
}

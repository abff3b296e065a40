/**
 * Byte helpers shared by the audit modules: equality, strict base64, big-endian integers.
 *
 * Node's base64 decoder is lenient (`Buffer.from('Zm9v!!!YmFy', 'base64')` yields "foobar", missing
 * padding and URL-safe characters pass), so every base64 string that comes from outside goes through
 * {@link decodeBase64Strict}, which accepts only the canonical standard encoding.
 *
 * @module
 */

/** Same length and same bytes. Hashes here are public values, so no constant-time compare is needed. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Standard base64 (RFC 4648 §4) with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes canonical standard base64, or returns `undefined` for anything else (wrong alphabet,
 * missing padding, stray characters, non-zero padding bits).
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // The regex fixes the alphabet and shape; the round trip rejects non-zero trailing bits.
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** An unsigned 32-bit key hash as 8 lower-case hex digits. */
export function keyHashHex(keyHash: number): string {
  return keyHash.toString(16).padStart(8, '0');
}

/** `n` as 4 big-endian bytes. */
export function uint32BE(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
}

/** Concatenation of byte arrays. */
export function concatBytes(...parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

const utf8 = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

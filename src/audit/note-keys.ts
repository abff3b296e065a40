/**
 * Ed25519 keys for C2SP signed notes: key IDs, vkey/skey strings, signers and verifiers.
 *
 * - key ID = first 4 bytes (big-endian uint32) of `SHA-256(name ‖ "\n" ‖ type ‖ 32-byte public key)`;
 *   type `0x01` for note signatures, `0x04` for tlog-cosignature/v1 witness cosignatures.
 * - vkey: `<name>+<8 hex key ID>+<base64(type ‖ public key)>`.
 * - skey: `PRIVATE+KEY+<name>+<8 hex key ID>+<base64(type ‖ 32-byte seed)>` (Go's x/mod format).
 *
 * The base64 part may itself contain `+`, so the strings are split on their first separators only.
 * Key strings come from configuration and from peers (a witness is told log keys), so every parse
 * failure is a {@link FormatError} `MALFORMED_KEY`, and the stated key ID must match the computed one.
 *
 * @module
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { decodeBase64Strict, encodeBase64, keyHashHex } from './bytes.ts';
import { FormatError } from './errors.ts';
import type { NoteSigner, NoteVerifier } from './note.types.ts';

/** Signature type byte of Ed25519 note signatures. */
export const ED25519_NOTE = 0x01;
/** Signature type byte of tlog-cosignature/v1 (timestamped Ed25519) cosignatures. */
export const ED25519_COSIGNATURE = 0x04;

/** A key type this module handles. */
export type Ed25519KeyType = typeof ED25519_NOTE | typeof ED25519_COSIGNATURE;

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** C2SP key names: non-empty, no Unicode whitespace, no `+` (nor control characters, which no note may hold). */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.isWellFormed() &&
    !/[\s+\u0000-\u001f\u007f]/u.test(name)
  );
}

/** The 4-byte key ID of a key, as an unsigned 32-bit integer. */
export function noteKeyHash(name: string, type: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

/** A parsed vkey or skey. */
export interface Ed25519Key {
  readonly name: string;
  readonly type: Ed25519KeyType;
  readonly keyHash: number;
  readonly publicKey: Uint8Array;
  /** Present for skeys only. */
  readonly seed?: Uint8Array;
}

/** The Ed25519 public key of a 32-byte seed. */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  const spki = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return Uint8Array.from(spki.subarray(spki.length - 32));
}

/** A node:crypto private key object from a 32-byte seed. */
export function privateKeyObject(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A node:crypto public key object from 32 raw bytes. */
export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

/** Ed25519 verification that never throws (malformed keys or signatures are just invalid). */
export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Ed25519 signature (deterministic, RFC 8032). */
export function ed25519Sign(key: KeyObject, message: Uint8Array): Uint8Array {
  return sign(null, message, key);
}

/** `<name>+<hex id>+<base64(type ‖ key)>`. */
export function encodeVerifierKey(name: string, type: Ed25519KeyType, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new FormatError('MALFORMED_KEY', 'invalid key name');
  if (publicKey.length !== 32) throw new FormatError('MALFORMED_KEY', 'Ed25519 public keys are 32 bytes');
  const hash = noteKeyHash(name, type, publicKey);
  return `${name}+${keyHashHex(hash)}+${encodeBase64(Buffer.concat([Buffer.from([type]), publicKey]))}`;
}

/** `PRIVATE+KEY+<name>+<hex id>+<base64(type ‖ seed)>`. */
export function encodeSignerKey(name: string, type: Ed25519KeyType, seed: Uint8Array): string {
  if (seed.length !== 32) throw new FormatError('MALFORMED_KEY', 'Ed25519 seeds are 32 bytes');
  const vkey = encodeVerifierKey(name, type, ed25519PublicKey(seed));
  const hash = vkey.split('+')[1]!;
  return `PRIVATE+KEY+${name}+${hash}+${encodeBase64(Buffer.concat([Buffer.from([type]), seed]))}`;
}

/** Splits `name+hash+data` on the first two `+` (data is base64 and may contain `+`). */
function splitKey(text: string): { name: string; hash: string; data: string } | undefined {
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (b < 0) return undefined;
  return { name: text.slice(0, a), hash: text.slice(a + 1, b), data: text.slice(b + 1) };
}

function parseKey(text: string, secret: boolean): Ed25519Key {
  const bad = (why: string) => new FormatError('MALFORMED_KEY', `${secret ? 'skey' : 'vkey'}: ${why}`);
  if (typeof text !== 'string' || text.length > 1024) throw bad('not a key string');
  const parts = splitKey(text);
  if (!parts) throw bad('expected name+hash+key');
  if (!isValidKeyName(parts.name)) throw bad('invalid key name');
  if (!/^[0-9a-fA-F]{8}$/.test(parts.hash)) throw bad('key ID must be 8 hex digits');
  const data = decodeBase64Strict(parts.data);
  if (data?.length !== 33) throw bad('key data must be base64 of a type byte and 32 bytes');
  const type = data[0];
  if (type !== ED25519_NOTE && type !== ED25519_COSIGNATURE) throw bad('unsupported key type');
  const keyType: Ed25519KeyType = type;
  const raw = data.subarray(1);
  let publicKey: Uint8Array;
  try {
    publicKey = secret ? ed25519PublicKey(raw) : raw;
    if (!secret) publicKeyObject(raw);
  } catch (cause) {
    throw new FormatError('MALFORMED_KEY', 'not an Ed25519 key', { cause });
  }
  const keyHash = noteKeyHash(parts.name, keyType, publicKey);
  if (keyHash !== Number.parseInt(parts.hash, 16)) throw bad('key ID does not match the key');
  const key = { name: parts.name, type: keyType, keyHash, publicKey: Uint8Array.from(publicKey) };
  return secret ? { ...key, seed: Uint8Array.from(raw) } : key;
}

/** Parses a vkey. @throws {@link FormatError} `MALFORMED_KEY`. */
export function parseVerifierKey(vkey: string): Ed25519Key {
  return parseKey(vkey, false);
}

/** Parses an skey. @throws {@link FormatError} `MALFORMED_KEY`. */
export function parseSignerKey(skey: string): Ed25519Key {
  if (typeof skey !== 'string' || !skey.startsWith('PRIVATE+KEY+')) {
    throw new FormatError('MALFORMED_KEY', 'skey: must start with PRIVATE+KEY+');
  }
  return parseKey(skey.slice('PRIVATE+KEY+'.length), true);
}

/**
 * A new key pair as skey and vkey strings.
 *
 * @param random - source of the 32-byte seed (inject a deterministic one in tests).
 * @example
 * ```ts
 * const { skey, vkey } = generateNoteKey('example.cn/pi-audit/tenant42');
 * ```
 */
export function generateNoteKey(
  name: string,
  type: Ed25519KeyType = ED25519_NOTE,
  random: (n: number) => Uint8Array = randomBytes,
): { skey: string; vkey: string } {
  const seed = random(32);
  return {
    skey: encodeSignerKey(name, type, seed),
    vkey: encodeVerifierKey(name, type, ed25519PublicKey(seed)),
  };
}

/**
 * A verifier of Ed25519 note signatures (type 0x01) from a vkey.
 *
 * @throws {@link FormatError} `MALFORMED_KEY`, also for a cosignature (0x04) key: use
 *   {@link cosignatureVerifier} for those.
 */
export function noteVerifier(vkey: string): NoteVerifier {
  const key = parseVerifierKey(vkey);
  if (key.type !== ED25519_NOTE)
    throw new FormatError('MALFORMED_KEY', 'vkey: not an Ed25519 note key (0x01)');
  const object = publicKeyObject(key.publicKey);
  return { name: key.name, keyHash: key.keyHash, verify: (text, sig) => ed25519Verify(object, text, sig) };
}

/** A signer of Ed25519 note signatures (type 0x01) from an skey. @throws {@link FormatError} `MALFORMED_KEY`. */
export function noteSigner(skey: string): NoteSigner {
  const key = parseSignerKey(skey);
  if (key.type !== ED25519_NOTE)
    throw new FormatError('MALFORMED_KEY', 'skey: not an Ed25519 note key (0x01)');
  const object = privateKeyObject(key.seed!);
  return { name: key.name, keyHash: key.keyHash, sign: (text) => ed25519Sign(object, text) };
}

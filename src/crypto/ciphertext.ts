/**
 * The versioned binary envelope of every vault ciphertext and wrapped key, and the associated data
 * (AAD) that binds it to its place.
 *
 * INVARIANT — envelope format 1. Stored in the database for years; never change a byte's meaning.
 * A new layout gets a new format byte and this parser keeps reading format 1.
 *
 * | offset | bytes | field                                                                      |
 * |--------|-------|----------------------------------------------------------------------------|
 * | 0      | 2     | magic `0x53 0x4D` ("SM")                                                   |
 * | 2      | 1     | format `0x01`                                                              |
 * | 3      | 1     | kind: `0x01` field ciphertext, `0x02` wrapped DEK, `0x03` wrapped KEK      |
 * | 4      | 1     | suite of the AEAD that sealed it: `0x01` intl (AES-256-GCM), `0x02` gm (SM4-GCM) |
 * | 5      | 4     | KEK version, u32 big-endian                                                |
 * | 9      | 4     | DEK version, u32 big-endian                                                |
 * | 13     | 12    | nonce                                                                      |
 * | 25     | n     | ciphertext (n = plaintext length)                                          |
 * | 25+n   | 16    | tag                                                                        |
 *
 * Which versions a kind carries (the other is 0, and the parser rejects anything else):
 * - field: DEK version (the key that sealed it). No KEK version: rewrapping a DEK under a new KEK
 *   must not touch the subject's fields — that is the point of envelope encryption.
 * - wrapped DEK: KEK version (the key that sealed it) and DEK version (the key inside).
 * - wrapped KEK: KEK version (the key inside); it is sealed by the root-derived wrapping key.
 *
 * INVARIANT — AAD format 1: `header (13 bytes) ‖ lp(tenant) ‖ lp(subject) ‖ lp(field)`, where
 * `lp(s)` is the byte length of `s` as u16 big-endian followed by its bytes (ids are ASCII, so
 * UTF-8 and Latin-1 agree), and an id a
 * kind does not use is the empty string. The header is fixed-length and each id is length-prefixed,
 * so the encoding is injective: no two (header, tenant, subject, field) tuples give the same AAD.
 * Since the header holds kind, suite and key versions, a ciphertext moved to another tenant,
 * subject, field, kind or key version — or with any header byte changed — fails its tag check.
 * @module
 */
import { CryptoError } from './errors.ts';
import type { Suite } from './suite.ts';

/** What an envelope holds. */
export type EnvelopeKind = 'field' | 'wrapped-dek' | 'wrapped-kek';

/** The parsed 13-byte header. */
export interface EnvelopeHeader {
  readonly kind: EnvelopeKind;
  /** Suite of the AEAD that sealed the envelope. */
  readonly suite: Suite;
  /** 0 for fields. */
  readonly kekVersion: number;
  /** 0 for wrapped KEKs. */
  readonly dekVersion: number;
}

/** Where a ciphertext lives. `subject` and `field` are required or forbidden by kind (see above). */
export interface AadContext {
  readonly tenant: string;
  readonly subject?: string;
  readonly field?: string;
}

export const ENVELOPE_MAGIC = Uint8Array.of(0x53, 0x4d);
export const ENVELOPE_FORMAT = 1;
export const HEADER_LENGTH = 13;
/** Nonce + tag: the smallest body. */
const MIN_BODY = 12 + 16;
/** Largest envelope the parser accepts: 16 MiB plaintext + header + nonce + tag. */
export const MAX_ENVELOPE_LENGTH = 16 * 1024 * 1024 + HEADER_LENGTH + MIN_BODY;
const MAX_VERSION = 0xffff_ffff;

const KIND_BYTES: Readonly<Record<EnvelopeKind, number>> = { field: 1, 'wrapped-dek': 2, 'wrapped-kek': 3 };
const KINDS: readonly (EnvelopeKind | undefined)[] = [undefined, 'field', 'wrapped-dek', 'wrapped-kek'];
const SUITE_BYTES: Readonly<Record<Suite, number>> = { intl: 1, gm: 2 };
const SUITES_BY_BYTE: readonly (Suite | undefined)[] = [undefined, 'intl', 'gm'];

/** Tenant, subject, field and scope ids: ASCII, so there is one spelling and no Unicode normalisation. */
const CONTEXT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Throws `INVALID_CONTEXT` unless `value` is 1–128 characters of `[A-Za-z0-9_.:-]` (UUIDs, slugs,
 * PI type ids such as `CN_RESIDENT_ID`).
 */
export function assertContextId(what: string, value: string): void {
  if (typeof value !== 'string' || !CONTEXT_ID.test(value)) {
    throw new CryptoError('INVALID_CONTEXT', `${what} id must be 1-128 characters of [A-Za-z0-9_.:-]`);
  }
}

/** Throws `INVALID_KEY_VERSION` unless `version` is an integer in 1..2^32-1. */
export function assertKeyVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
    throw new CryptoError('INVALID_KEY_VERSION', 'key versions are integers in 1..4294967295');
  }
}

/** Which versions a kind must carry: [kek, dek]; true = 1..2^32-1, false = exactly 0. */
const VERSIONS_USED: Readonly<Record<EnvelopeKind, readonly [boolean, boolean]>> = {
  field: [false, true],
  'wrapped-dek': [true, true],
  'wrapped-kek': [true, false],
};

function versionsValid(h: EnvelopeHeader): boolean {
  const [kek, dek] = VERSIONS_USED[h.kind];
  const ok = (used: boolean, v: number) =>
    used ? Number.isInteger(v) && v >= 1 && v <= MAX_VERSION : v === 0;
  return ok(kek, h.kekVersion) && ok(dek, h.dekVersion);
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

/** The 13 header bytes of `header`. */
export function encodeHeader(header: EnvelopeHeader): Uint8Array {
  if (!Object.hasOwn(KIND_BYTES, header.kind) || !Object.hasOwn(SUITE_BYTES, header.suite)) {
    throw new CryptoError('UNSUPPORTED_SUITE', 'unknown envelope kind or suite');
  }
  if (!versionsValid(header)) {
    throw new CryptoError('INVALID_KEY_VERSION', `invalid key versions for a ${header.kind} envelope`);
  }
  const out = new Uint8Array(HEADER_LENGTH);
  out.set(ENVELOPE_MAGIC, 0);
  out[2] = ENVELOPE_FORMAT;
  out[3] = KIND_BYTES[header.kind];
  out[4] = SUITE_BYTES[header.suite];
  writeUint32(out, 5, header.kekVersion);
  writeUint32(out, 9, header.dekVersion);
  return out;
}

const malformed = (why: string): CryptoError =>
  new CryptoError('DECRYPT_FAILED', `malformed envelope: ${why}`);

/**
 * Parse an envelope strictly. The bytes are attacker-controlled (anyone with database access can
 * write them), so every field is checked and any failure is a `DECRYPT_FAILED` CryptoError —
 * never a RangeError or TypeError.
 *
 * @returns the header, its raw bytes (for the AAD) and the sealed body `nonce ‖ ct ‖ tag`
 */
export function parseEnvelope(bytes: Uint8Array): {
  header: EnvelopeHeader;
  headerBytes: Uint8Array;
  sealed: Uint8Array;
} {
  if (!(bytes instanceof Uint8Array)) throw malformed('not bytes');
  if (bytes.length < HEADER_LENGTH + MIN_BODY) throw malformed('too short');
  if (bytes.length > MAX_ENVELOPE_LENGTH) throw malformed('too long');
  if (bytes[0] !== ENVELOPE_MAGIC[0] || bytes[1] !== ENVELOPE_MAGIC[1]) throw malformed('bad magic');
  if (bytes[2] !== ENVELOPE_FORMAT) throw malformed('unknown format version');
  const kind = KINDS[bytes[3]!];
  const suite = SUITES_BY_BYTE[bytes[4]!];
  if (kind === undefined) throw malformed('unknown kind');
  if (suite === undefined) throw malformed('unknown suite');
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_LENGTH);
  const header: EnvelopeHeader = {
    kind,
    suite,
    kekVersion: view.getUint32(5, false),
    dekVersion: view.getUint32(9, false),
  };
  if (!versionsValid(header)) throw malformed('key versions do not fit the kind');
  return { header, headerBytes: bytes.subarray(0, HEADER_LENGTH), sealed: bytes.subarray(HEADER_LENGTH) };
}

/** The header of a stored envelope, e.g. to pick which DEK or KEK version to load before decrypting. */
export function readEnvelopeHeader(bytes: Uint8Array): EnvelopeHeader {
  return parseEnvelope(bytes).header;
}

/** Which ids a kind binds: [subject, field]. Tenant is always bound. */
const IDS_USED: Readonly<Record<EnvelopeKind, readonly [boolean, boolean]>> = {
  field: [true, true],
  'wrapped-dek': [true, false],
  'wrapped-kek': [false, false],
};

/**
 * The AEAD associated data for an envelope (AAD format 1, see the module note): the header bytes,
 * then tenant, subject and field, each length-prefixed.
 *
 * @param headerBytes - the 13 header bytes (from {@link encodeHeader} or {@link parseEnvelope})
 * @param context - tenant always; subject for fields and wrapped DEKs; field for fields only
 * @throws CryptoError `INVALID_CONTEXT` for a malformed id or one the kind does not allow
 */
export function encodeAad(headerBytes: Uint8Array, context: AadContext): Uint8Array {
  const kind = KINDS[headerBytes[3] ?? 0];
  if (headerBytes.length !== HEADER_LENGTH || kind === undefined) throw malformed('bad header');
  const [useSubject, useField] = IDS_USED[kind];
  assertContextId('tenant', context.tenant);
  const ids = [context.tenant];
  for (const [what, used, value] of [
    ['subject', useSubject, context.subject],
    ['field', useField, context.field],
  ] as const) {
    if (used) {
      assertContextId(what, value ?? '');
      ids.push(value ?? '');
    } else if (value !== undefined) {
      throw new CryptoError('INVALID_CONTEXT', `a ${kind} envelope is not bound to a ${what}`);
    } else {
      ids.push('');
    }
  }
  // Ids are ASCII (checked above), so each character is one UTF-8 byte.
  const out = new Uint8Array(HEADER_LENGTH + ids.reduce((n, id) => n + 2 + id.length, 0));
  out.set(headerBytes, 0);
  let at = HEADER_LENGTH;
  for (const id of ids) {
    out[at] = id.length >>> 8;
    out[at + 1] = id.length & 0xff;
    for (let i = 0; i < id.length; i++) out[at + 2 + i] = id.charCodeAt(i);
    at += 2 + id.length;
  }
  return out;
}

/**
 * C2SP signed notes (signed-note v1): parse, open (verify) and sign.
 *
 * ```
 * <text, ending in a newline>
 * <blank line>
 * — <key name> <base64(4-byte key ID ‖ signature)>     (one or more lines)
 * ```
 *
 * HOSTILE INPUT: a note arrives from a log, a witness or a file handed to the regulator, and is
 * parsed before any signature is checked. Every rule is enforced here and every violation is a
 * {@link FormatError}; nothing else (no SyntaxError, RangeError or TypeError) may escape. Sizes
 * and signature counts are capped before any per-line work.
 *
 * Rules (C2SP): valid UTF-8; no control character below U+0020 except newline; the text is
 * everything up to and including the newline before the *last* blank line (sigstore-js splits at
 * the first, which C2SP does not allow); names non-empty without spaces or `+`; canonical base64
 * of at least 5 bytes. Opening: unknown `(name, key ID)` pairs are ignored, a failing signature by a
 * known key rejects the whole note, and at least one known key must have signed.
 *
 * @module
 */
import { decodeBase64Strict, encodeBase64, uint32BE, utf8Bytes } from './bytes.ts';
import { FormatError, VerificationError } from './errors.ts';
import type { NoteSigner, NoteVerifier } from './note.types.ts';
import { isValidKeyName } from './note-keys.ts';

/** Default cap on a note's UTF-8 size: room for 16+ post-quantum signatures (~3.3 kB each). */
export const MAX_NOTE_BYTES = 128 * 1024;
/** Default cap on signature lines (C2SP requires accepting at least 16). */
export const MAX_NOTE_SIGNATURES = 64;

/** Limits for {@link parseNote} / {@link openNote}. */
export interface NoteLimits {
  readonly maxBytes?: number;
  readonly maxSignatures?: number;
}

/** One signature line. */
export interface NoteSignature {
  readonly name: string;
  readonly keyHash: number;
  /** Signature bytes after the 4-byte key ID. */
  readonly signature: Uint8Array;
  /** The whole line without its newline, for re-emitting verbatim. */
  readonly line: string;
}

/** A parsed, not yet verified note. */
export interface ParsedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  /** `text` as UTF-8: the bytes signatures cover. */
  readonly textBytes: Uint8Array;
  readonly signatures: readonly NoteSignature[];
}

/** An opened note: `verified` holds one signature per known key that signed. */
export interface OpenedNote extends ParsedNote {
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys the caller does not know (ignored, kept for re-publishing). */
  readonly unverified: readonly NoteSignature[];
}

const SIG_PREFIX = '\u2014 ';
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(why: string): FormatError {
  return new FormatError('MALFORMED_NOTE', `malformed note: ${why}`);
}

function decode(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: cheap bound before measuring exactly.
    if (input.length > maxBytes || Buffer.byteLength(input, 'utf8') > maxBytes) {
      throw new FormatError('NOTE_TOO_LARGE', `note exceeds ${maxBytes} bytes`);
    }
    if (!input.isWellFormed()) throw malformed('not valid Unicode');
    return input;
  }
  if (!(input instanceof Uint8Array)) throw malformed('not text');
  if (input.length > maxBytes) throw new FormatError('NOTE_TOO_LARGE', `note exceeds ${maxBytes} bytes`);
  try {
    return fatalUtf8.decode(input);
  } catch {
    throw malformed('not valid UTF-8');
  }
}

/** Checks note text for signing: non-empty, ends with a newline, valid Unicode, no control characters. */
export function checkNoteText(text: string): void {
  if (typeof text !== 'string' || !text.endsWith('\n')) throw malformed('text must end with a newline');
  if (!text.isWellFormed()) throw malformed('not valid Unicode');
  if (CONTROL.test(text)) throw malformed('control character');
}

/**
 * Parses a signed note without verifying it.
 *
 * @throws {@link FormatError} `MALFORMED_NOTE`, `NOTE_TOO_LARGE`, `TOO_MANY_SIGNATURES`.
 */
export function parseNote(input: string | Uint8Array, limits: NoteLimits = {}): ParsedNote {
  const maxBytes = limits.maxBytes ?? MAX_NOTE_BYTES;
  const maxSignatures = limits.maxSignatures ?? MAX_NOTE_SIGNATURES;
  const note = decode(input, maxBytes);
  if (CONTROL.test(note)) throw malformed('control character');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('signature block must end with a newline');
  const lines = block.slice(0, -1).split('\n', maxSignatures + 1);
  if (lines.length > maxSignatures) {
    throw new FormatError('TOO_MANY_SIGNATURES', `more than ${maxSignatures} signatures`);
  }
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIG_PREFIX))
      throw malformed('signature line must start with an em dash and a space');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    if (space < 0) throw malformed('signature line needs a name and a signature');
    const name = rest.slice(0, space);
    if (!isValidKeyName(name)) throw malformed('invalid key name');
    const bytes = decodeBase64Strict(rest.slice(space + 1));
    if (!bytes || bytes.length < 5) throw malformed('signature must be canonical base64 of at least 5 bytes');
    return { name, keyHash: bytes.readUInt32BE(0), signature: Uint8Array.from(bytes.subarray(4)), line };
  });
  return { text, textBytes: utf8Bytes(text), signatures };
}

function keyOf(name: string, keyHash: number): string {
  return `${name} ${keyHash}`;
}

/**
 * Parses a note and verifies it against `verifiers`.
 *
 * @throws {@link FormatError} as {@link parseNote}, or `INVALID_ARGUMENT` if two verifiers share a
 *   name and key ID; {@link VerificationError} `BAD_SIGNATURE` if a known key's signature fails,
 *   `NO_TRUSTED_SIGNATURE` if no known key signed.
 * @example
 * ```ts
 * const note = openNote(text, [noteVerifier(logVkey)]);
 * parseCheckpoint(note.text);
 * ```
 */
export function openNote(
  input: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  limits: NoteLimits = {},
): OpenedNote {
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const key = keyOf(v.name, v.keyHash);
    if (known.has(key)) throw new FormatError('INVALID_ARGUMENT', `two verifiers for key ${v.name}`);
    known.set(key, v);
  }
  const parsed = parseNote(input, limits);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of parsed.signatures) {
    const key = keyOf(sig.name, sig.keyHash);
    const verifier = known.get(key);
    if (!verifier) {
      unverified.push(sig);
      continue;
    }
    // Every signature by a known key is checked, repeats included: one bad line rejects the note.
    if (!verifier.verify(parsed.textBytes, sig.signature)) {
      throw new VerificationError('BAD_SIGNATURE', `signature by ${sig.name} does not verify`);
    }
    if (!seen.has(key)) verified.push(sig);
    seen.add(key);
  }
  if (verified.length === 0)
    throw new VerificationError('NO_TRUSTED_SIGNATURE', 'no signature by a trusted key');
  return { ...parsed, verified, unverified };
}

/** One signature line (without newline) by `signer` over `text`. */
export async function signatureLine(text: string, signer: NoteSigner): Promise<string> {
  checkNoteText(text);
  if (!isValidKeyName(signer.name)) throw new FormatError('INVALID_ARGUMENT', 'invalid signer key name');
  const sig = await signer.sign(utf8Bytes(text));
  return `${SIG_PREFIX}${signer.name} ${encodeBase64(Buffer.concat([uint32BE(signer.keyHash), sig]))}`;
}

/**
 * Signs `text` with every signer, in order.
 *
 * @example
 * ```ts
 * const note = await signNote(formatCheckpoint(cp), [noteSigner(skey)]);
 * ```
 */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  if (signers.length === 0) throw new FormatError('INVALID_ARGUMENT', 'a note needs at least one signer');
  const lines: string[] = [];
  for (const signer of signers) lines.push(await signatureLine(text, signer));
  return formatNote(text, lines);
}

/** Assembles a note from its text and signature lines (without newlines). */
export function formatNote(text: string, lines: readonly string[]): string {
  checkNoteText(text);
  return `${text}\n${lines.map((l) => `${l}\n`).join('')}`;
}

/**
 * Adds signature lines (e.g. a witness's cosignatures) to a signed note, skipping exact duplicates.
 *
 * @throws {@link FormatError} if the note or a line is malformed.
 */
export function appendSignatures(note: string, lines: readonly string[], limits: NoteLimits = {}): string {
  const parsed = parseNote(note, limits);
  const existing = parsed.signatures.map((s) => s.line);
  const merged = [...existing, ...lines.filter((l, i) => !existing.includes(l) && lines.indexOf(l) === i)];
  const result = formatNote(parsed.text, merged);
  parseNote(result, limits); // re-check the added lines and the limits
  return result;
}

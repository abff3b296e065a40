/**
 * C2SP tlog-tiles entry bundles: up to 256 entries, each a big-endian uint16 length then the bytes.
 *
 * The uint16 prefix caps an entry at 65,535 bytes; the sequencer must refuse larger entries at
 * append time ({@link MAX_BUNDLE_ENTRY_BYTES}). Bundles read back from storage or HTTP are untrusted:
 * {@link parseEntryBundle} checks every length against what is left.
 *
 * @module
 */
import { FormatError } from './errors.ts';
import { TILE_WIDTH } from './tile-path.ts';

/** Largest entry a bundle can carry. */
export const MAX_BUNDLE_ENTRY_BYTES = 0xffff;

/** Throws `ENTRY_TOO_LARGE` for entries a bundle cannot carry. */
export function checkEntrySize(entry: Uint8Array): void {
  if (entry.length > MAX_BUNDLE_ENTRY_BYTES) {
    throw new FormatError(
      'ENTRY_TOO_LARGE',
      `entry of ${entry.length} bytes exceeds ${MAX_BUNDLE_ENTRY_BYTES}`,
    );
  }
}

/**
 * Encodes a bundle.
 *
 * @throws {@link FormatError} `ENTRY_TOO_LARGE`, or `INVALID_ARGUMENT` for more than 256 entries.
 */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH)
    throw new FormatError('INVALID_ARGUMENT', 'a bundle holds at most 256 entries');
  let total = 0;
  for (const e of entries) {
    checkEntrySize(e);
    total += 2 + e.length;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const e of entries) {
    out.writeUInt16BE(e.length, at);
    out.set(e, at + 2);
    at += 2 + e.length;
  }
  return out;
}

/**
 * Decodes a bundle into views of `bytes`.
 *
 * @param expected - the bundle's width, when known: the count must match.
 * @throws {@link FormatError} `MALFORMED_ENTRY_BUNDLE` on truncation, trailing bytes, more than 256
 *   entries or a count other than `expected`.
 */
export function parseEntryBundle(bytes: Uint8Array, expected?: number): Uint8Array[] {
  const bad = (why: string) => new FormatError('MALFORMED_ENTRY_BUNDLE', `entry bundle: ${why}`);
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (entries.length === TILE_WIDTH) throw bad('more than 256 entries');
    if (at + 2 > bytes.length) throw bad('truncated length');
    const length = bytes[at]! * 256 + bytes[at + 1]!;
    at += 2;
    if (at + length > bytes.length) throw bad('truncated entry');
    entries.push(bytes.subarray(at, at + length));
    at += length;
  }
  if (expected !== undefined && entries.length !== expected) {
    throw bad(`${entries.length} entries, want ${expected}`);
  }
  return entries;
}

/**
 * Byte-level character classes for the UTF-8 scanner.
 *
 * The scanner works on UTF-8 bytes, not decoded strings: decoding costs more than the whole scan,
 * and every identifier Shiming looks for is made of ASCII characters (or their full-width forms,
 * folded here), while CJK characters only matter as context. So the hot loop sees ASCII bytes
 * and the lead bytes of 3-byte sequences, and nothing is decoded unless a candidate needs it.
 *
 * @module
 */

export const DIGIT = 1;
export const UPPER = 2;
export const LOWER = 4;
export const ALNUM = DIGIT | UPPER | LOWER;
/** Joins any two alphanumerics into one token: `.` `-` `_` `@` `:` `+` `%`. */
export const JOIN_ANY = 8;
/** Joins only digit to digit: space, `/`, `(`, `)`. */
export const JOIN_DIGITS = 16;

export const CLS = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) CLS[c] = DIGIT;
for (let c = 0x41; c <= 0x5a; c++) CLS[c] = UPPER;
for (let c = 0x61; c <= 0x7a; c++) CLS[c] = LOWER;
for (const ch of '.-_@:+%') CLS[ch.charCodeAt(0)] = JOIN_ANY;
for (const ch of ' /()') CLS[ch.charCodeAt(0)] = JOIN_DIGITS;

/**
 * The ASCII character a full-width form stands for, given the 2nd and 3rd bytes of its UTF-8
 * encoding (the 1st is 0xEF); 0 when it is not U+FF01–U+FF5E.
 */
export function fullWidthAscii(b1: number, b2: number): number {
  // U+FF01..U+FF3F = EF BC 81..BF ; U+FF40..U+FF5E = EF BD 80..9E
  if (b1 === 0xbc && b2 >= 0x81 && b2 <= 0xbf) return b2 - 0x81 + 0x21;
  if (b1 === 0xbd && b2 >= 0x80 && b2 <= 0x9e) return b2 - 0x80 + 0x60;
  return 0;
}

/** Code point of the 3-byte UTF-8 sequence at `i` (no validation: callers only use it as a key). */
export function cp3(buf: Uint8Array, i: number): number {
  return ((buf[i]! & 0x0f) << 12) | (((buf[i + 1] ?? 0) & 0x3f) << 6) | ((buf[i + 2] ?? 0) & 0x3f);
}

/** Number of code points in `buf[from, to)`: bytes that are not UTF-8 continuation bytes. */
export function countCodePoints(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((buf[i]! & 0xc0) !== 0x80) n++;
  return n;
}

/** Move `i` back to the start of the UTF-8 sequence containing it. */
export function alignBack(buf: Uint8Array, i: number, floor: number): number {
  while (i > floor && (buf[i]! & 0xc0) === 0x80) i--;
  return i;
}

const utf8 = new TextDecoder('utf-8');

/** Decode `buf[from, to)` as UTF-8 (invalid sequences become U+FFFD). */
export function decode(buf: Uint8Array, from: number, to: number): string {
  return utf8.decode(buf.subarray(from, to));
}

/** UTF-8 length of the UTF-16 string slice `s[0, end)`. */
export function utf8Length(s: string, end = s.length): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** ASCII bytes to a string (caller guarantees ASCII). */
export function ascii(buf: Uint8Array, from: number, to: number): string {
  // String.fromCharCode on a small subarray is faster than a decoder for short tokens.
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

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

/** Node's Buffer has a native UTF-8 slicer that its type declarations leave out. */
interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

/** Decode `buf[from, to)` as UTF-8 (invalid sequences become U+FFFD). */
export function decode(buf: Uint8Array, from: number, to: number): string {
  // The slicer replaces invalid sequences as the decoder does, without a view object per call; it
  // keeps a leading byte order mark, which the decoder drops: then the decoder.
  if (
    Buffer.isBuffer(buf) &&
    !(to - from >= 3 && buf[from] === 0xef && buf[from + 1] === 0xbb && buf[from + 2] === 0xbf)
  )
    return (buf as unknown as Utf8Slicer).utf8Slice(from, to);
  return utf8.decode(buf.subarray(from, to));
}

/** UTF-8 length of the UTF-16 string slice `s[start, end)`. */
export function utf8Length(s: string, end = s.length, start = 0): number {
  let n = 0;
  for (let i = start; i < end; i++) {
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

/** Node's Buffer has a native one-byte slicer that its type declarations leave out. */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}

const fcc = String.fromCharCode;

/**
 * One-byte characters `buf[from, to)` as a string (ASCII in, the same string as a decoder's).
 * Short words, the scanner's usual case, are made by `String.fromCharCode` with the bytes as
 * arguments: several times faster than a native slice call.
 */
export function latin1(buf: Uint8Array, from: number, to: number): string {
  const b = buf;
  const s = from;
  switch (to - from) {
    case 0:
      return '';
    case 1:
      return fcc(b[s]!);
    case 2:
      return fcc(b[s]!, b[s + 1]!);
    case 3:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return fcc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
      );
    case 10:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
      );
    case 11:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
      );
    case 12:
      return fcc(
        b[s]!,
        b[s + 1]!,
        b[s + 2]!,
        b[s + 3]!,
        b[s + 4]!,
        b[s + 5]!,
        b[s + 6]!,
        b[s + 7]!,
        b[s + 8]!,
        b[s + 9]!,
        b[s + 10]!,
        b[s + 11]!,
      );
    default:
      return (
        (Buffer.isBuffer(buf)
          ? buf
          : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)) as unknown as Latin1Slicer
      ).latin1Slice(from, to);
  }
}

/** `decode`, without the decoder for the ASCII ranges that most values are. */
export function decodeValue(buf: Uint8Array, from: number, to: number): string {
  for (let i = from; i < to; i++) if (buf[i]! >= 0x80) return decode(buf, from, to);
  return latin1(buf, from, to);
}

/**
 * `\uXXXX` escapes and `%XX` percent-encoding of non-ASCII characters, decoded before detection.
 *
 * Python's `json.dumps` (by default), Jackson with `ESCAPE_NON_ASCII` and many loggers write every
 * Chinese character of a JSON string as `\u5f20`: `{"name": "\u5f20\u4f1f"}`. Read as is, a name or
 * an address is invisible, and a number glued to an escape (`\u673a13812345678`) reads as hex. So
 * a region holding such escapes is scanned in a decoded copy, and the offsets of what is found
 * there are mapped back to the bytes as written (lines and columns then point into the file).
 *
 * Web and gateway logs write the query strings of requests percent-encoded: `?name=%E5%BC%A0%E4%BC%9F`
 * is 张伟, and a name or an address there is as invisible as behind `\u` escapes.
 *
 * Only escapes of code points ≥ 0x80 are decoded (with surrogate pairs joined, and a percent
 * sequence only when its bytes are whole UTF-8 characters); `\u0022`, `%26` and the like stay as
 * written, so the JSON or URL structure the field reader relies on does not change.
 *
 * @module
 */

import { indexIn } from './fields.ts';

/** A region with its escapes decoded, and the way back to the original offsets. */
export interface Unescaped {
  readonly bytes: Buffer;
  /** The offset in the original region of decoded offset `x` (a character boundary). */
  toOriginal(x: number): number;
}

const BACKSLASH = 0x5c;
const U = 0x75;
const PERCENT = 0x25;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

/** The code unit of a `\uXXXX` escape at `i` of `b` (before `end`), or -1. */
function escapeAt(b: Uint8Array, i: number, end: number): number {
  if (i + 6 > end || b[i] !== BACKSLASH || b[i + 1] !== U) return -1;
  let v = 0;
  for (let k = 2; k < 6; k++) {
    const h = hexValue(b[i + k]!);
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

/** Appends the UTF-8 bytes of code point `cp` to `out` at `o`; returns the new end. */
function putUtf8(out: Buffer, o: number, cp: number): number {
  if (cp < 0x800) {
    out[o] = 0xc0 | (cp >> 6);
    out[o + 1] = 0x80 | (cp & 0x3f);
    return o + 2;
  }
  if (cp < 0x10000) {
    out[o] = 0xe0 | (cp >> 12);
    out[o + 1] = 0x80 | ((cp >> 6) & 0x3f);
    out[o + 2] = 0x80 | (cp & 0x3f);
    return o + 3;
  }
  out[o] = 0xf0 | (cp >> 18);
  out[o + 1] = 0x80 | ((cp >> 12) & 0x3f);
  out[o + 2] = 0x80 | ((cp >> 6) & 0x3f);
  out[o + 3] = 0x80 | (cp & 0x3f);
  return o + 4;
}

/**
 * `buf[0, end)` with its non-ASCII `\uXXXX` escapes decoded, or undefined when it has none (the
 * common case, found with one native search).
 */
/**
 * The character percent-encoded at `i` of `b` (before `end`): its code point and the length of
 * its encoding (`%E5%BC%A0` → 张, 9), or undefined unless the bytes are one whole non-ASCII UTF-8
 * character.
 */
function percentAt(b: Uint8Array, i: number, end: number): [cp: number, len: number] | undefined {
  const byte = (k: number): number => {
    const at = i + 3 * k;
    if (at + 3 > end || b[at] !== PERCENT) return -1;
    const hi = hexValue(b[at + 1]!);
    const lo = hexValue(b[at + 2]!);
    return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
  };
  const lead = byte(0);
  const n =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (n === 0) return undefined;
  let cp = lead & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = byte(k);
    if ((c & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (c & 0x3f);
  }
  // No overlong forms, surrogates or values past U+10FFFF.
  const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return [cp, 3 * n];
}

/** The next `\u` or `%` at or after `from`, or -1. */
function nextEscape(buf: Buffer, from: number, end: number): number {
  const u = buf.indexOf('\\u', from, 'latin1');
  const p = buf.indexOf(PERCENT, from);
  const first = u < 0 ? p : p < 0 ? u : Math.min(u, p);
  return first >= end ? -1 : first;
}

export function unescapeUnicode(buf: Buffer, end: number): Unescaped | undefined {
  let i = nextEscape(buf, 0, end);
  if (i < 0) return undefined;
  // Decoded text is never longer than the escapes it replaces (6 bytes → at most 3, 12 → 4;
  // percent-encoding: 3 bytes per byte).
  const out = Buffer.allocUnsafe(end);
  // Breakpoints: decoded offset dAt[k] is original offset oAt[k]; between them offsets move together.
  const dAt: number[] = [0];
  const oAt: number[] = [0];
  let o = 0; // write position in `out`
  let from = 0; // start of the original bytes not yet copied
  // `\\u4e2d` (an escaped backslash, then u4e2d) is decoded too: whoever wrote it meant 中.
  while (i >= 0 && i < end) {
    let cp = -1;
    let len = 6;
    const u = buf[i] === PERCENT ? -1 : escapeAt(buf, i, end);
    if (buf[i] === PERCENT) {
      const pct = percentAt(buf, i, end);
      if (pct !== undefined) [cp, len] = pct;
    } else if (u >= 0xd800 && u <= 0xdbff) {
      const lo = escapeAt(buf, i + 6, end);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        len = 12;
      }
    } else if (u >= 0x80 && !(u >= 0xdc00 && u <= 0xdfff)) {
      cp = u;
    }
    if (cp >= 0) {
      buf.copy(out, o, from, i);
      o += i - from;
      dAt.push(o);
      oAt.push(i);
      o = putUtf8(out, o, cp);
      from = i + len;
      dAt.push(o);
      oAt.push(from);
      i = nextEscape(buf, from, end);
    } else {
      i = nextEscape(buf, i + 1, end);
    }
  }
  if (dAt.length === 1) return undefined;
  buf.copy(out, o, from, end);
  o += end - from;
  const bytes = out.subarray(0, o);
  return {
    bytes,
    toOriginal(x: number): number {
      // The last breakpoint at or before x (a binary search: a region can hold many escapes).
      const lo = indexIn(dAt, x);
      // Breakpoints come in pairs around each decoded character: odd k starts one, and an offset
      // inside it (never a finding's boundary) maps to the escape's start.
      return lo % 2 === 1 ? oAt[lo]! : oAt[lo]! + (x - dAt[lo]!);
    },
  };
}

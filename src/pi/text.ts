/**
 * Small string helpers shared by the PI type modules.
 *
 * Chinese input methods often produce full-width digits and letters (０-９, Ａ-Ｚ) and the
 * ideographic space; every `normalise` folds them first. Folding is one UTF-16 unit to one, so
 * offsets in a folded string equal offsets in the original.
 *
 * @module
 */

/** Fold full-width ASCII variants (U+FF01–U+FF5E) and U+3000 to their ASCII forms; same length. */
export function foldWidth(value: string): string {
  if (!/[\uFF01-\uFF5E\u3000]/.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += value[i];
  }
  return out;
}

/** Remove the characters people put between digit groups: spaces, hyphens, dots, zero-width characters. */
export function stripSeparators(value: string): string {
  return value.replace(/[\s\-.\u200B-\u200D\u2060\uFEFF]/g, '');
}

/** `foldWidth` then `stripSeparators`, and upper-case: the usual first step of `normalise`. */
export function compact(value: string): string {
  // Fast path for what scanners mostly hand in, ASCII letters and digits: nothing to fold or
  // strip, so only the case can change (and no string is made when it cannot).
  let lower = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a)) continue;
    if (c >= 0x61 && c <= 0x7a) {
      lower = true;
      continue;
    }
    return stripSeparators(foldWidth(value)).toUpperCase();
  }
  return lower ? value.toUpperCase() : value;
}

/**
 * Replace code points `[start, end)` with `char`, one mask character per code point, so an astral
 * CJK character counts as one (like Hutool's `StrUtil.hide`). Out-of-range bounds are clamped.
 */
export function hide(value: string, start: number, end: number, char = '*'): string {
  if (Number.isInteger(start) && Number.isInteger(end) && !hasSurrogate(value)) {
    // One code unit per code point: slices, no array of characters.
    const s = Math.max(0, Math.min(start, value.length));
    const e = Math.max(s, Math.min(end, value.length));
    return value.slice(0, s) + char.repeat(e - s) + value.slice(e);
  }
  const cps = Array.from(value);
  const s = Math.max(0, Math.min(start, cps.length));
  const e = Math.max(s, Math.min(end, cps.length));
  for (let i = s; i < e; i++) cps[i] = char;
  return cps.join('');
}

/** Mask keeping `keepStart` code points at the start and `keepEnd` at the end; all masked if they overlap. */
export function keepEnds(value: string, keepStart: number, keepEnd: number, char = '*'): string {
  const n = hasSurrogate(value) ? Array.from(value).length : value.length;
  if (keepStart + keepEnd >= n) return hide(value, 0, n, char);
  return hide(value, keepStart, n - keepEnd, char);
}

/** Whether `value` has a UTF-16 surrogate (a character outside the BMP, or half of one). */
function hasSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** Luhn (ISO/IEC 7812-1) check over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** True if `y-m-d` is a real calendar date (proleptic Gregorian). */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  if (m === 2) return d <= ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28);
  return d <= MONTH_DAYS[m - 1]!;
}
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days since 1970-01-01 of a calendar date, for comparisons without time-zone surprises. */
export function dayNumber(y: number, m: number, d: number): number {
  if (y >= 100 && m >= 1 && m <= 12 && Number.isInteger(y) && Number.isInteger(m) && Number.isInteger(d)) {
    // Days from the civil date (H. Hinnant's algorithm): what Date.UTC gives, without its call.
    const yy = m <= 2 ? y - 1 : y;
    const era = Math.floor(yy / 400);
    const yoe = yy - era * 400;
    const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
    const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  // Date.UTC maps years 0–99 to 1900–1999 and normalises months out of range.
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** Today's day number in Asia/Shanghai (DESIGN §8: policy time zone), for "not in the future" checks. */
export function todayInShanghai(now?: Date): number {
  // `Date.now()` rather than a default `new Date()`: validators call this for every candidate.
  return Math.floor(((now === undefined ? Date.now() : now.getTime()) + 8 * 3_600_000) / 86_400_000);
}

/** True for ASCII or full-width digits, the characters a phone-number mask counts. */
export function isDigitCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19);
}

/** The code point at `i` (a surrogate pair as one, a lone surrogate as itself), as `for…of` reads it. */
function codePointAt(value: string, i: number): number {
  const c = value.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
    const d = value.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** How many code points of `value` satisfy `select`. */
export function countSelected(value: string, select: (codePoint: number) => boolean): number {
  // Indexed rather than `for…of`: no one-character string per step (masks run for every finding).
  let n = 0;
  for (let i = 0; i < value.length; ) {
    const cp = codePointAt(value, i);
    if (select(cp)) n++;
    i += cp > 0xffff ? 2 : 1;
  }
  return n;
}

/**
 * Mask in place: of the code points that `select` picks, those with index in `[from, to)` become
 * `char`; everything else (separators, a `+86` prefix, parentheses) stays as written, so a masked
 * span can replace the original in running text.
 */
export function maskSelected(
  value: string,
  select: (codePoint: number) => boolean,
  from: number,
  to: number,
  char = '*',
): string {
  let out = '';
  let i = 0;
  // Runs of kept characters are copied as slices.
  let kept = 0;
  for (let p = 0; p < value.length; ) {
    const cp = codePointAt(value, p);
    const width = cp > 0xffff ? 2 : 1;
    if (select(cp)) {
      if (i >= from && i < to) {
        out += value.slice(kept, p) + char;
        kept = p + width;
      }
      i++;
    }
    p += width;
  }
  return kept === 0 ? value : out + value.slice(kept);
}

/**
 * Mask digits `[from, to)` (counted over ASCII and full-width digits only); when that range is
 * empty (a short value), mask `[fallbackFrom, fallbackTo)` instead, so something is always hidden.
 */
export function maskDigits(
  value: string,
  from: number,
  to: number,
  fallbackFrom: number,
  fallbackTo: number,
  char: string,
): string {
  if (from >= to) return maskSelected(value, isDigitCode, fallbackFrom, fallbackTo, char);
  return maskSelected(value, isDigitCode, from, to, char);
}

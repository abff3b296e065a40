/**
 * Where chat exports put names: the speaker before `：`, the sender on a header line, `@` mentions.
 *
 * The patterns run on the decoded head of a line. Most lines of a chat log are messages that
 * cannot match, so `headMayMatch` first rules lines out on their bytes; it never rules out a line
 * the patterns would match.
 *
 * @module
 */

/** `[09:12] 张伟：` or `09:12 张伟:` or `2024-07-09 10:00 张伟：` at a line start. */
export const SPEAKER =
  /^(?:\[[0-9:\-/ .]{4,24}\]\s*|\d{1,2}:\d{2}(?::\d{2})?\s+|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+)?([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})\s*[:：]/;
/** `2024-07-09 03:53:08 张伟` alone on a line (WeChat export headers). */
export const SENDER_AFTER =
  /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})\s*\r?$/;
/** `张伟 2024/05/26 07:38:15` (QQ export headers). */
export const SENDER_BEFORE =
  /^([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})\s+\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}/;
/** After `@`: a name ended by a space, punctuation or the line end. */
export const MENTION = /^([\u4e00-\u9fff][\u4e00-\u9fff·]{1,9})(?=[\s,，:：。!！?？)）]|$)/;

const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
const isCont = (c: number | undefined) => c !== undefined && (c & 0xc0) === 0x80;

/**
 * False when none of SPEAKER, SENDER_AFTER, SENDER_BEFORE can match the UTF-8 text `b[ls, end)`
 * (`end` on a character boundary); true when one might.
 */
export function headMayMatch(b: Uint8Array, ls: number, end: number): boolean {
  if (end <= ls) return false;
  const c0 = b[ls]!;
  // `[time]` prefix: only SPEAKER; left to the pattern. A byte order mark: the decoder drops it.
  if (c0 === 0x5b || (c0 === 0xef && b[ls + 1] === 0xbb && b[ls + 2] === 0xbf)) return true;
  if (isDigit(c0)) {
    // `9:12`, `09:12` (SPEAKER) or `2024-`, `2024/`, `2024.` (SPEAKER, SENDER_AFTER).
    const c1 = b[ls + 1];
    if (c1 === 0x3a) return true;
    if (isDigit(c1) && b[ls + 2] === 0x3a) return true;
    const c4 = b[ls + 4];
    return (
      isDigit(c1) && isDigit(b[ls + 2]) && isDigit(b[ls + 3]) && (c4 === 0x2d || c4 === 0x2f || c4 === 0x2e)
    );
  }
  // Otherwise a name must start the line (SPEAKER without prefix, SENDER_BEFORE): a run of 2 to 10
  // characters of U+4E00–U+9FFF (then also `·`), followed by a space or a colon.
  let p = ls;
  let count = 0;
  for (;;) {
    const c = b[p]!;
    if (p + 3 <= end && c >= 0xe4 && c <= 0xe9) {
      if (!isCont(b[p + 1]) || !isCont(b[p + 2])) return true; // invalid UTF-8: let the pattern decide
      const cp = ((c & 0x0f) << 12) | ((b[p + 1]! & 0x3f) << 6) | (b[p + 2]! & 0x3f);
      if (cp < 0x4e00) break;
      p += 3;
      count++;
    } else if (count > 0 && p + 2 <= end && c === 0xc2 && b[p + 1] === 0xb7) {
      p += 2;
      count++;
    } else break;
    if (count > 10) return false;
  }
  if (count < 2 || p >= end) return false;
  const next = b[p]!;
  // `:`, ASCII white space, or the lead byte of `：` (EF BC 9A) or of a Unicode space.
  return (
    next === 0x3a ||
    next === 0x20 ||
    (next >= 0x09 && next <= 0x0d) ||
    next === 0xc2 ||
    next === 0xe1 ||
    next === 0xe2 ||
    next === 0xe3 ||
    next === 0xef
  );
}

/** `chatHead` found no name. */
export const HEAD_NONE = -1;
/** `chatHead` leaves this head to the patterns (a `[time]` prefix, a byte order mark). */
export const HEAD_PATTERNS = -2;

const WS = new Uint8Array(128);
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) WS[c] = 1;

/**
 * SPEAKER, then SENDER_AFTER, then SENDER_BEFORE, run on the bytes of the head `b[ls, end)`: the
 * byte offset where the name group matched (its end in `headName.end`), or HEAD_NONE. `\s` is
 * tested on code points, exactly as the patterns do; other non-ASCII characters only ever fail a
 * test. Heads the decoder would change (a leading byte order mark, which it drops) and `[time]`
 * prefixes are left to the patterns: HEAD_PATTERNS.
 */
export function chatHead(b: Uint8Array, ls: number, end: number): number {
  const h = HEAD.reset(b, end);
  const c0 = h.at(ls);
  if (c0 === 0x5b) return HEAD_PATTERNS; // `[time]`: rare, left to the pattern
  if (c0 === 0xef && h.at(ls + 1) === 0xbb && h.at(ls + 2) === 0xbf) return HEAD_PATTERNS;
  if (cjkAt(b, ls, end)) {
    // SPEAKER without prefix: NAME \s* [:：]
    const e = h.name(ls);
    if (e < 0) return HEAD_NONE;
    const q = h.spaces(e);
    if (h.colon(q)) return found(ls, e);
    // SENDER_BEFORE: NAME \s+ date \s+ \d{1,2}:\d{2}
    if (q === e) return HEAD_NONE;
    const d = h.date(q);
    if (d < 0) return HEAD_NONE;
    const t = h.spaces(d);
    if (t === d) return HEAD_NONE;
    const colon = h.digits(t, 1, 2);
    // The pattern ends here, unanchored: whatever follows the two minute digits is fine.
    return colon >= 0 && h.at(colon) === 0x3a && h.twoDigits(colon + 1) ? found(ls, e) : HEAD_NONE;
  }
  if (!isDigit(c0)) return HEAD_NONE;
  // SPEAKER with a time prefix: \d{1,2}:\d{2}(?::\d{2})?\s+ NAME \s* [:：]. When this prefix
  // matches, no other prefix (nor SENDER_*: they need four digits first) can.
  const p2 = h.time(ls);
  if (p2 >= 0) {
    const e = h.name(p2);
    return e >= 0 && h.colon(h.spaces(e)) ? found(p2, e) : HEAD_NONE;
  }
  // SPEAKER with a date-time prefix, else SENDER_AFTER with the same prefix.
  const d = h.date(ls);
  if (d < 0) return HEAD_NONE;
  const t = h.spaces(d);
  if (t === d) return HEAD_NONE;
  const p3 = h.time(t);
  if (p3 < 0) return HEAD_NONE;
  const e = h.name(p3);
  if (e < 0) return HEAD_NONE;
  const q = h.spaces(e);
  return h.colon(q) || q === end ? found(p3, e) : HEAD_NONE;
}

/** The name `chatHead` found ends here. */
export const headName = { end: 0 };

function found(start: number, end: number): number {
  headName.end = end;
  return start;
}

/** A CJK ideograph (U+4E00–U+9FFF) as valid UTF-8 at `i`, inside `end`. */
function cjkAt(b: Uint8Array, i: number, end: number): boolean {
  const c = b[i]!;
  if (c < 0xe4 || c > 0xe9 || i + 3 > end || !isCont(b[i + 1]) || !isCont(b[i + 2])) return false;
  return c !== 0xe4 || b[i + 1]! >= 0xb8;
}

/** Byte tests on a head `[·, end)`: positions at or past `end` read as -1. */
class Head {
  #b: Uint8Array = new Uint8Array(0);
  #end = 0;

  /** Look at a new head (one instance serves every line: nothing is allocated per line). */
  reset(b: Uint8Array, end: number): this {
    this.#b = b;
    this.#end = end;
    return this;
  }

  at(i: number): number {
    return i < this.#end ? this.#b[i]! : -1;
  }

  /** Length of the run of ASCII digits at `i`, counted up to 3. */
  run(i: number): number {
    let n = 0;
    while (n < 3 && isDigit(this.at(i + n))) n++;
    return n;
  }

  /** `\d{min,max}` at `i` that a greedy regex would keep: its end, or -1 (a longer run fails). */
  digits(i: number, min: number, max: number): number {
    const n = this.run(i);
    return n >= min && n <= max ? i + n : -1;
  }

  /** `\s*` from `i`: the end of the white space (ASCII or Unicode, as `\s` has it). */
  spaces(i: number): number {
    let p = i;
    for (;;) {
      const c = this.at(p);
      if (c < 0) return p;
      if (c < 0x80) {
        if (!WS[c]) return p;
        p++;
      } else {
        const n = this.#unicodeSpace(p);
        if (n === 0) return p;
        p += n;
      }
    }
  }

  /**
   * Bytes of the non-ASCII `\s` character at `i` (U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
   * U+202F, U+205F, U+3000, U+FEFF), or 0.
   */
  #unicodeSpace(i: number): number {
    const c = this.at(i);
    const c1 = this.at(i + 1);
    if (c === 0xc2) return c1 === 0xa0 ? 2 : 0;
    const c2 = this.at(i + 2);
    if (c === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
    if (c === 0xe2) {
      if (c1 === 0x80) return (c2 >= 0x80 && c2 <= 0x8a) || c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? 3 : 0;
      return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
    }
    if (c === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
    if (c === 0xef) return c1 === 0xbb && c2 === 0xbf ? 3 : 0;
    return 0;
  }

  /** `[:：]` at `i`. */
  colon(i: number): boolean {
    const c = this.at(i);
    return c === 0x3a || (c === 0xef && this.at(i + 1) === 0xbc && this.at(i + 2) === 0x9a);
  }

  /** `\d{4}[-/.]\d{1,2}[-/.]\d{1,2}` at `i`, where white space must follow: its end, or -1. */
  date(i: number): number {
    if (!this.twoDigits(i) || !this.twoDigits(i + 2)) return -1;
    let p = i + 4;
    if (!isDateSep(this.at(p))) return -1;
    p = this.digits(p + 1, 1, 2);
    if (p < 0 || !isDateSep(this.at(p))) return -1;
    return this.digits(p + 1, 1, 2);
  }

  /** Two ASCII digits at `i`. */
  twoDigits(i: number): boolean {
    return isDigit(this.at(i)) && isDigit(this.at(i + 1));
  }

  /** `\d{1,2}:\d{2}(?::\d{2})?\s+` at `i`: its end, or -1. */
  time(i: number): number {
    let p = this.digits(i, 1, 2);
    if (p < 0 || this.at(p) !== 0x3a) return -1;
    p = this.digits(p + 1, 2, 2);
    if (p < 0) return -1;
    // The optional seconds are taken when present; without them `\s+` would face the `:`.
    if (this.at(p) === 0x3a) {
      if (!isDigit(this.at(p + 1)) || !isDigit(this.at(p + 2))) return -1;
      p += 3;
    }
    const q = this.spaces(p);
    return q > p ? q : -1;
  }

  /** `[\u4e00-\u9fff][\u4e00-\u9fff·]{1,9}` at `i` as the patterns keep it: its end, or -1. */
  name(i: number): number {
    const b = this.#b;
    let p = i;
    let count = 0;
    for (;;) {
      if (cjkAt(b, p, this.#end)) p += 3;
      else if (count > 0 && this.at(p) === 0xc2 && this.at(p + 1) === 0xb7) p += 2;
      else break;
      count++;
    }
    // Longer runs fail too: any shorter name is followed by another name character.
    return count >= 2 && count <= 10 ? p : -1;
  }
}

const HEAD = new Head();

function isDateSep(c: number): boolean {
  return c === 0x2d || c === 0x2f || c === 0x2e;
}

/** The name `chatHead` found, as the patterns capture it (ideographs and `·`, no decoder needed). */
export function headNameText(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; ) {
    if (b[i] === 0xc2) {
      s += '\u00b7';
      i += 2;
    } else {
      s += String.fromCharCode(((b[i]! & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f));
      i += 3;
    }
  }
  return s;
}

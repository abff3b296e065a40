/**
 * BIRTH_DATE: a date of birth written on its own.
 *
 * Formats: `1990-01-31`, `1990/1/31`, `1990.01.31` (one separator throughout, month and day of one or
 * two digits), `19900131`, and `1990年1月31日` (日 or 号 optional). No checksum: the value must be a
 * real calendar date, year 1900 or later, not after today in Asia/Shanghai. Any date is a plausible
 * birth date, so the intrinsic score is low (0.25; 0.2 for the bare 8-digit form, which is also
 * common inside order and serial numbers) and the scanner reports one only near context words such
 * as 出生, 生日, birthday, dob.
 *
 * Reference: GB/T 7408 (ISO 8601) date representation; GB/T 35273 lists the birth date as personal
 * information (not sensitive personal information).
 *
 * @module
 */

import { check as C, FORMAT_OK, BAD_FORMAT as R_FORMAT } from './results.ts';
import { dayNumber, foldWidth, isRealDate, todayInShanghai } from './text.ts';
import type { MaskOptions, PiType, ValidateOptions, Validation } from './types.ts';

const MIN_YEAR = 1900;
const RE_SEPARATED = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;
const RE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const RE_CJK = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/;
const KIND_BY_SEPARATOR: Readonly<Record<string, string>> = { '-': 'iso', '/': 'slash', '.': 'dot' };

interface Parsed {
  readonly y: number;
  readonly m: number;
  readonly d: number;
  readonly kind: string;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Numeric value of the ASCII digits `s[i, i + n)`. */
function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) v = v * 10 + s.charCodeAt(k) - 48;
  return v;
}

/** Length of the run of ASCII digits at `i` (at most 3: enough to tell 1–2 from more). */
function digitRun(s: string, i: number): number {
  let n = 0;
  while (n < 3 && i + n < s.length && isDigit(s.charCodeAt(i + n))) n++;
  return n;
}

/**
 * `parse` without regexes for a value made only of ASCII digits and `-` `/` `.` (what the scanner
 * hands in): the same answer. `null` when the value has other characters.
 */
function parseAscii(s: string): Parsed | undefined | null {
  const n = s.length;
  let digits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) digits++;
    else if (c !== 45 && c !== 47 && c !== 46) return null;
  }
  // RE_COMPACT
  if (n === 8 && digits === 8)
    return { y: digitsAt(s, 0, 4), m: digitsAt(s, 4, 2), d: digitsAt(s, 6, 2), kind: 'compact' };
  // RE_SEPARATED: 4 digits, a separator, 1–2 digits, the same separator, 1–2 digits.
  if (n < 8 || n > 10) return undefined;
  for (let i = 0; i < 4; i++) if (!isDigit(s.charCodeAt(i))) return undefined;
  if (isDigit(s.charCodeAt(4))) return undefined;
  const sep = s.charCodeAt(4);
  const mLen = digitRun(s, 5);
  if (mLen < 1 || mLen > 2 || s.charCodeAt(5 + mLen) !== sep) return undefined;
  const dAt = 6 + mLen;
  const dLen = digitRun(s, dAt);
  if (dLen < 1 || dLen > 2 || dAt + dLen !== n) return undefined;
  return {
    y: digitsAt(s, 0, 4),
    m: digitsAt(s, 5, mLen),
    d: digitsAt(s, dAt, dLen),
    kind: KIND_BY_SEPARATOR[String.fromCharCode(sep)]!,
  };
}

function parse(value: string): Parsed | undefined {
  const fast = parseAscii(value);
  if (fast !== null) return fast;
  const s = foldWidth(value).trim();
  let r = RE_SEPARATED.exec(s);
  if (r) return { y: Number(r[1]), m: Number(r[3]), d: Number(r[4]), kind: KIND_BY_SEPARATOR[r[2]!]! };
  r = RE_COMPACT.exec(s);
  if (r) return { y: Number(r[1]), m: Number(r[2]), d: Number(r[3]), kind: 'compact' };
  r = RE_CJK.exec(s);
  if (r) return { y: Number(r[1]), m: Number(r[2]), d: Number(r[3]), kind: 'cjk' };
  return undefined;
}

const R_DATE: Validation = Object.freeze({
  valid: false,
  score: 0,
  reason: 'BAD_DATE',
  checks: Object.freeze([FORMAT_OK, C('date', false)]),
});
const VALID: Readonly<Record<string, Validation>> = Object.fromEntries(
  ['iso', 'slash', 'dot', 'compact', 'cjk'].map((kind) => [
    kind,
    Object.freeze({
      valid: true,
      score: kind === 'compact' ? 0.2 : 0.25,
      kind,
      checks: Object.freeze([FORMAT_OK, C('date', true)]),
    }),
  ]),
);

function validate(value: string, options?: ValidateOptions): Validation {
  const p = parse(value);
  if (!p) return R_FORMAT;
  const { y, m, d } = p;
  if (y < MIN_YEAR || !isRealDate(y, m, d) || dayNumber(y, m, d) > todayInShanghai(options?.now))
    return R_DATE;
  return VALID[p.kind]!;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` when the value parses as one of the supported forms (real or not); else folded and trimmed. */
function normalise(value: string): string {
  const p = parse(value);
  return p ? `${p.y}-${pad2(p.m)}-${pad2(p.d)}` : foldWidth(value).trim();
}

/**
 * Display mask: keep the year, mask every other digit and keep separators and length
 * (`1990-01-31` → `1990-**-**`, `1990年1月31日` → `1990年*月**日`). `keepStart`/`keepEnd` count
 * characters of the (width-folded) input; only digits inside the masked range are replaced.
 */
function mask(value: string, options?: MaskOptions): string {
  const s = foldWidth(value);
  const keepStart = options?.keepStart ?? 4;
  const end = s.length - (options?.keepEnd ?? 0);
  const char = options?.char ?? '*';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += i >= keepStart && i < end && c >= 48 && c <= 57 ? char : s[i];
  }
  return out;
}

/** BIRTH_DATE: a stand-alone date of birth in the common Chinese and ISO forms. */
export const birthDate: PiType = {
  id: 'BIRTH_DATE',
  sensitive: false,
  description: {
    zh: '出生日期（如 1990-01-31、1990年1月31日）',
    en: 'Date of birth (e.g. 1990-01-31, 1990年1月31日)',
  },
  context: {
    raise: [
      '出生',
      '生日',
      '出生日期',
      '出生年月',
      '出生年月日',
      '生于',
      'birthday',
      'date of birth',
      'dob',
      'birth',
    ],
    lower: [
      '订单',
      '下单',
      '发货',
      '签收',
      '创建',
      '更新',
      '有效期',
      '截止',
      '到期',
      '生产日期',
      'created',
      'updated',
      'expires',
    ],
  },
  fieldNames: [
    '出生日期',
    '生日',
    '出生年月',
    '出生年月日',
    'birthday',
    'birthdate',
    'dateofbirth',
    'dob',
    'csrq',
    'birth',
  ],
  normalise,
  validate,
  mask,
};

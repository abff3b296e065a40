/**
 * HK_ID: Hong Kong identity card number (香港身份證號碼).
 *
 * Format: 1 or 2 letters, 6 digits and a check character `0`-`9` or `A`, usually printed with the
 * check character in parentheses: `A123456(3)`, `AB987654(2)`.
 * Check: letters count A=10 … Z=35 and a missing first letter counts as a space = 36; weights 9 … 2
 * over the 8 positions (two letter slots and six digits), plus the check value (`A` = 10); the total
 * must be ≡ 0 (mod 11).
 *
 * Reference: Hutool `IdcardUtil.isValidHKCard` (which notes a few special cards do not follow the
 * check); the check digit rule is the one published with the card's number format.
 *
 * @module
 */

import { check as C, FORMAT_OK, BAD_FORMAT as R_FORMAT } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS } from './shared-cues.ts';
import { compact, keepEnds } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const RE = /^[A-Z]{1,2}\d{6}[\dA]$/;
const RE_PREFIX = /^[A-Z]{1,2}\d{6}$/;
const RE_PARENS = /[()]/g;
/** The value a missing first letter counts as. */
const SPACE_VALUE = 36;

/** Letter A..Z → 10..35, digit → 0..9. */
function value(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= 65 ? c - 55 : c - 48;
}

/**
 * The check character (`0`-`9` or `A`) for a prefix of 1–2 letters and 6 digits, upper-case.
 * @throws RangeError if `prefix` has another shape.
 */
export function hkIdCheckChar(prefix: string): string {
  if (!RE_PREFIX.test(prefix)) throw new RangeError('expected 1-2 letters and 6 digits');
  const r = weightedSum(prefix, prefix.length - 6) % 11;
  const check = (11 - r) % 11;
  return check === 10 ? 'A' : String(check);
}

/** Σ value × weight over the two letter slots (9, 8) and six digits (7 … 2). */
function weightedSum(s: string, letters: number): number {
  let sum = letters === 1 ? SPACE_VALUE * 9 + value(s, 0) * 8 : value(s, 0) * 9 + value(s, 1) * 8;
  for (let i = 0; i < 6; i++) sum += value(s, letters + i) * (7 - i);
  return sum;
}

const R_CHECKSUM: Validation = Object.freeze({
  valid: false,
  score: 0,
  reason: 'BAD_CHECKSUM',
  checks: Object.freeze([FORMAT_OK, C('checksum', false)]),
});
const VALID: Validation = Object.freeze({
  valid: true,
  score: 0.9,
  checks: Object.freeze([FORMAT_OK, C('checksum', true)]),
});

function normalise(value: string): string {
  return compact(value).replace(RE_PARENS, '');
}

function validate(input: string): Validation {
  const s = normalise(input);
  if (!RE.test(s)) return R_FORMAT;
  const letters = s.length - 7;
  const check = value(s, s.length - 1);
  return (weightedSum(s, letters) + check) % 11 === 0 ? VALID : R_CHECKSUM;
}

/**
 * Display mask: keep the letters and the check character, mask the six digits; parentheses are
 * kept if the input had them: `A123456(3)` → `A******(3)`, `AB9876542` → `AB******2`.
 */
function mask(input: string, options?: MaskOptions): string {
  const s = normalise(input);
  let letters = 0;
  while (letters < 2 && letters < s.length && s.charCodeAt(letters) >= 65) letters++;
  const keepEnd = options?.keepEnd ?? 1;
  const masked = keepEnds(s, options?.keepStart ?? Math.max(letters, 1), keepEnd, options?.char);
  if (!compact(input).endsWith(')') || masked.length < 2) return masked;
  return `${masked.slice(0, -1)}(${masked.slice(-1)})`;
}

/** HK_ID: Hong Kong identity card numbers with their mod-11 check character. */
export const hkId: PiType = {
  id: 'HK_ID',
  sensitive: true,
  description: {
    zh: '香港身份证号码（如 A123456(3)）',
    en: 'Hong Kong identity card number (e.g. A123456(3))',
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '香港身份证',
      '香港身份證',
      '身份證',
      '身份证',
      '证件号',
      '證件號碼',
      'hkid',
      'hk id',
      'hong kong id',
      'identity card',
    ],
    lower: ['订单', '单号', '运单', '流水', '编号', '批次', '快递'],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '香港身份证',
    '香港身份证号',
    '香港身份證號碼',
    'hkid',
    'hkidno',
    'hkidcard',
    'hkidentitycard',
  ],
  normalise,
  validate,
  mask,
};

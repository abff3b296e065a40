/**
 * TW_ID: Taiwan national identification number (中華民國國民身分證統一編號) and the unified number
 * of resident certificates issued to foreigners and mainland residents since 2021.
 *
 * Format: a letter (place of first registration) + `1`/`2` (male/female; `8`/`9` on resident
 * certificates) + 7 digits + a check digit, e.g. `A123456789`.
 * Check: the letter becomes two digits (A=10 … H=17, J=18 … N=22, P=23 … V=29, X=30, Y=31, W=32,
 * Z=33, I=34, O=35: the last six were added after the original alphabet); with those digits t, u:
 * t + 9u + Σ digit·(8 … 1) over the 8 digits after the letter + check ≡ 0 (mod 10).
 * Older resident certificates (two letters + 8 digits, before 2021) are not covered.
 *
 * Reference: Hutool `IdcardUtil.isValidTWCard`; Taiwan Ministry of the Interior number format.
 *
 * @module
 */

import { check as C, FORMAT_OK, BAD_FORMAT as R_FORMAT } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS } from './shared-cues.ts';
import { compact, keepEnds } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

/** Two-digit value of each letter A..Z. */
const LETTER_VALUES = [
  10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32, 30, 31, 33,
] as const;
const RE = /^[A-Z][1289]\d{8}$/;
const RE_PREFIX = /^[A-Z][1289]\d{7}$/;

/** Weighted sum mod 10 of the letter and the first 8 digits (index 1..8). */
function partialSum(s: string): number {
  const v = LETTER_VALUES[s.charCodeAt(0) - 65]!;
  let sum = Math.floor(v / 10) + (v % 10) * 9;
  for (let i = 1; i <= 8; i++) sum += (s.charCodeAt(i) - 48) * (9 - i);
  return sum % 10;
}

/**
 * The check digit for a letter + 8 digits (upper-case).
 * @throws RangeError if `prefix` has another shape.
 */
export function twIdCheckDigit(prefix: string): string {
  if (!RE_PREFIX.test(prefix)) throw new RangeError('expected a letter and 8 digits');
  return String((10 - partialSum(prefix)) % 10);
}

const R_CHECKSUM: Validation = Object.freeze({
  valid: false,
  score: 0,
  reason: 'BAD_CHECKSUM',
  checks: Object.freeze([FORMAT_OK, C('checksum', false)]),
});
const ok = (kind: string): Validation =>
  Object.freeze({ valid: true, score: 0.85, kind, checks: Object.freeze([FORMAT_OK, C('checksum', true)]) });
const V_NATIONAL = ok('national');
const V_RESIDENT = ok('resident-certificate');

function normalise(value: string): string {
  return compact(value);
}

function validate(value: string): Validation {
  const s = compact(value);
  if (!RE.test(s)) return R_FORMAT;
  if ((partialSum(s) + s.charCodeAt(9) - 48) % 10 !== 0) return R_CHECKSUM;
  return s.charCodeAt(1) <= 50 ? V_NATIONAL : V_RESIDENT;
}

/**
 * Display mask: keep the letter and the last 3 digits; the sex digit is hidden: `A123456789` →
 * `A******789`.
 */
function mask(value: string, options?: MaskOptions): string {
  return keepEnds(compact(value), options?.keepStart ?? 1, options?.keepEnd ?? 3, options?.char);
}

/** TW_ID: Taiwan national ID numbers and new-style resident certificate numbers, with their check digit. */
export const twId: PiType = {
  id: 'TW_ID',
  sensitive: true,
  description: {
    zh: '台湾身份证统一编号（如 A123456789），含 2021 年起的居留证统一证号',
    en: 'Taiwan national identification number (e.g. A123456789), including resident certificate numbers since 2021',
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '身分證',
      '身份證',
      '身分证',
      '身份证',
      '統一編號',
      '统一编号',
      '台湾身份证',
      '居留證',
      'taiwan id',
      'national id',
      'arc',
    ],
    lower: ['订单', '单号', '运单', '流水', '编号', '批次', '快递'],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '台湾身份证',
    '台湾身份证号',
    '身分證字號',
    '身分證號碼',
    '統一編號',
    'twid',
    'twidno',
    'taiwanid',
    'nationalid',
  ],
  normalise,
  validate,
  mask,
};

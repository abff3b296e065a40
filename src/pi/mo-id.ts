/**
 * MO_ID: Macao resident identity card number (澳門居民身份證號碼).
 *
 * Format: 8 digits, the first `1`, `5` or `7`, the last printed in parentheses: `1234567(8)`. The
 * check digit's algorithm is not public, so this is a format-only type with a low score (0.35): the
 * scanner reports it only with context words.
 *
 * Reference: Hutool `IdcardUtil.isValidCard10` (`[1|5|7][0-9]{6}\(?[0-9A-Z]\)?`; we accept a digit
 * only in the last place, as printed on current cards).
 *
 * @module
 */

import { BAD_FORMAT as R_FORMAT } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS } from './shared-cues.ts';
import { compact, keepEnds } from './text.ts';
import type { Check, MaskOptions, PiType, Validation } from './types.ts';

const RE = /^[157]\d{7}$/;
const RE_PARENS = /[()]/g;

const VALID: Validation = Object.freeze({
  valid: true,
  score: 0.35,
  checks: Object.freeze<Check[]>([
    { name: 'format', passed: true },
    { name: 'checksum', passed: undefined },
  ]),
});

function normalise(value: string): string {
  return compact(value).replace(RE_PARENS, '');
}

function validate(value: string): Validation {
  return RE.test(normalise(value)) ? VALID : R_FORMAT;
}

/**
 * Display mask: keep the first and last digit, parentheses kept if the input had them:
 * `1234567(8)` → `1******(8)`.
 */
function mask(value: string, options?: MaskOptions): string {
  const masked = keepEnds(normalise(value), options?.keepStart ?? 1, options?.keepEnd ?? 1, options?.char);
  if (!compact(value).endsWith(')') || masked.length < 2) return masked;
  return `${masked.slice(0, -1)}(${masked.slice(-1)})`;
}

/** MO_ID: Macao resident identity card numbers (format only). */
export const moId: PiType = {
  id: 'MO_ID',
  sensitive: true,
  description: {
    zh: '澳门居民身份证号码（如 1234567(8)）',
    en: 'Macao resident identity card number (e.g. 1234567(8))',
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '澳门身份证',
      '澳門身份證',
      '澳门居民身份证',
      '澳門居民身份證',
      '身份證',
      '身份证',
      '证件号',
      'macao id',
      'macau id',
      'bir',
    ],
    lower: ['订单', '单号', '运单', '流水', '编号', '批次', '快递', '金额'],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '澳门身份证',
    '澳门身份证号',
    '澳門身份證號碼',
    'moid',
    'macaoid',
    'macauid',
    'moidno',
  ],
  normalise,
  validate,
  mask,
};

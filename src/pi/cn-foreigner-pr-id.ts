/**
 * CN_FOREIGNER_PR_ID: number of the foreigner's permanent residence ID card (外国人永久居留身份证).
 *
 * Formats:
 * - 2023 card (issued from 2023-12-01): 18 characters, 17 digits + a MOD 11-2 check character
 *   computed exactly as for the resident ID; the first digit is always `9` (no citizen's number starts
 *   with 9), and the 3-letter nationality code of the old card became a numeric one.
 *   Assumed layout `9 PP NNN YYYYMMDD SSS C`: 2-digit province of the accepting office, 3-digit
 *   nationality, birth date at positions 7–14 like the resident ID, sequence, check character.
 *   UNVERIFIED: the NIA rules ("新版外国人永久居留身份证机读信息规则", 2023) confirm the leading 9,
 *   the 18 characters and MOD 11-2, but we could not read the official position table. So the check
 *   character and the birth date are hard checks and the province code is only a score bonus.
 * - 2017 card: 15 characters, 3 Latin letters (nationality) + 12 digits; format only, low score.
 *
 * Reference: National Immigration Administration, 2023 machine-readable information rules (as
 * reposted by card-reader vendors); GB 11643-1999 for MOD 11-2.
 *
 * @module
 */

import { residentIdChecksumValid } from './cn-resident-id.ts';
import { provinceName } from './regions.ts';
import { check as C, FORMAT_OK, BAD_FORMAT as R_FORMAT } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS } from './shared-cues.ts';
import { compact, dayNumber, isRealDate, keepEnds, todayInShanghai } from './text.ts';
import type { MaskOptions, PiType, ValidateOptions, Validation } from './types.ts';

const RE_2023 = /^9\d{16}[\dX]$/;
const RE_2017 = /^[A-Z]{3}\d{12}$/;
const MIN_BIRTH_YEAR = 1890;

const CHECKSUM_OK = C('checksum', true);
const DATE_OK = C('date', true);
const freeze = (v: Validation): Validation => Object.freeze({ ...v, checks: Object.freeze([...v.checks]) });

const R_CHECKSUM = freeze({
  valid: false,
  score: 0,
  reason: 'BAD_CHECKSUM',
  checks: [FORMAT_OK, C('checksum', false)],
});
const R_DATE = freeze({
  valid: false,
  score: 0,
  reason: 'BAD_DATE',
  checks: [FORMAT_OK, CHECKSUM_OK, C('date', false)],
});
const V_2023 = freeze({
  valid: true,
  score: 0.9,
  kind: '2023',
  checks: [FORMAT_OK, CHECKSUM_OK, DATE_OK, C('region', true)],
});
/** The province code is only a signal (layout unverified): a miss lowers the score, no more. */
const V_2023_NO_REGION = freeze({
  valid: true,
  score: 0.85,
  kind: '2023',
  checks: [FORMAT_OK, CHECKSUM_OK, DATE_OK, C('region', false)],
});
const V_2017 = freeze({
  valid: true,
  score: 0.35,
  kind: '2017',
  checks: [FORMAT_OK, C('checksum', undefined)],
});

function num(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) v = v * 10 + (s.charCodeAt(k) - 48);
  return v;
}

function validate(value: string, options?: ValidateOptions): Validation {
  const s = compact(value);
  if (s.length === 15) return RE_2017.test(s) ? V_2017 : R_FORMAT;
  if (!RE_2023.test(s)) return R_FORMAT;
  if (!residentIdChecksumValid(s)) return R_CHECKSUM;
  const y = num(s, 6, 4);
  const m = num(s, 10, 2);
  const d = num(s, 12, 2);
  if (y < MIN_BIRTH_YEAR || !isRealDate(y, m, d) || dayNumber(y, m, d) > todayInShanghai(options?.now)) {
    return R_DATE;
  }
  return provinceName(s.slice(1, 3)) !== undefined ? V_2023 : V_2023_NO_REGION;
}

function normalise(value: string): string {
  return compact(value);
}

/**
 * Display mask: the 18-character number like the resident ID (first 6 and last 4 kept, so the birth
 * date is hidden); the 15-character number keeps its 3 letters and last 3 digits.
 */
function mask(value: string, options?: MaskOptions): string {
  const s = compact(value);
  const legacy = s.length === 15;
  return keepEnds(
    s,
    options?.keepStart ?? (legacy ? 3 : 6),
    options?.keepEnd ?? (legacy ? 3 : 4),
    options?.char,
  );
}

/** CN_FOREIGNER_PR_ID: 2023 18-digit (leading 9, MOD 11-2) and 2017 15-character permanent residence ID numbers. */
export const cnForeignerPrId: PiType = {
  id: 'CN_FOREIGNER_PR_ID',
  sensitive: true,
  description: {
    zh: '外国人永久居留身份证号码（2023 版 18 位，首位为 9；2017 版 15 位）',
    en: "Foreigner's permanent residence ID card number (2023 card: 18 digits starting with 9; 2017 card: 15 characters)",
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '永久居留',
      '永居证',
      '外国人永久居留身份证',
      '居留证',
      '绿卡',
      '证件号',
      'permanent residence',
      'permanent resident',
      'pr card',
      'green card',
    ],
    lower: ['订单', '单号', '运单', '流水', '交易号', '编号', '批次', '金额', '版本', '快递'],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '永居证',
    '永居证号',
    '永久居留证号',
    '永久居留身份证号',
    '证件号',
    '证件号码',
    'prid',
    'prcard',
    'prcardno',
    'prno',
    'permanentresidenceid',
    'foreignerid',
    'yjzh',
  ],
  normalise,
  validate,
  mask,
};

/**
 * CN_RESIDENT_ID: the citizen identity number of the PRC resident identity card (公民身份号码).
 *
 * Format (GB 11643-1999): 18 characters `AAAAAA YYYYMMDD SSS C`:
 * - `AAAAAA` GB/T 2260 region code of first registration (any code valid at some time in history);
 * - `YYYYMMDD` birth date; `SSS` sequence, odd for men and even for women;
 * - `C` check character, ISO 7064 MOD 11-2: weights 2^(17−i) mod 11 = 7 9 10 5 8 4 2 1 6 3 7 9 10 5
 *   8 4 2, `sum mod 11` mapped to `1 0 X 9 8 7 6 5 4 3 2`.
 * Legacy 15-digit numbers (`AAAAAA YYMMDD SSS`, year 19YY, no check character) are still found in old
 * records. Residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证, from
 * 2018-09) use the same layout with region 810000 / 820000 / 830000.
 *
 * Reference: GB 11643-1999; python-stdnum `stdnum/cn/ric.py`; Hutool `IdcardUtil`.
 *
 * @module
 */

import { provinceName, regionValidEver } from './regions.ts';
import { check as C, FORMAT_OK, failure as fail, BAD_FORMAT as R_FORMAT } from './results.ts';
import { DOCUMENT_CUES, DOCUMENT_FIELDS, THING_ID_CUES } from './shared-cues.ts';
import { compact, dayNumber, isRealDate, keepEnds, todayInShanghai } from './text.ts';
import type { Check, MaskOptions, PiType, ValidateOptions, Validation } from './types.ts';

/** MOD 11-2 weights for positions 1..17. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Check character for each value of `sum mod 11`. */
const CHECK_CHARS = '10X98765432';
/** No one alive was born earlier; an earlier "birth date" is a typo or not an ID. */
const MIN_BIRTH_YEAR = 1890;
const PERMIT_KINDS: Readonly<Record<string, string>> = {
  '810000': 'residence-permit-hk',
  '820000': 'residence-permit-mo',
  '830000': 'residence-permit-tw',
};
const RE_18 = /^\d{17}[\dX]$/;
const RE_15 = /^\d{15}$/;

/** Weighted MOD 11-2 sum of the first 17 characters; -1 if one is not a digit. */
function mod11Sum(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    sum += d * WEIGHTS[i]!;
  }
  return sum % 11;
}

/**
 * The MOD 11-2 check character (`0`-`9` or `X`) for the first 17 digits of an 18-character number
 * (resident ID, residence permit, 2023 foreigner permanent residence ID).
 * @throws RangeError if `first17` is not 17 ASCII digits.
 */
export function residentIdCheckChar(first17: string): string {
  const r = first17.length === 17 ? mod11Sum(first17) : -1;
  if (r < 0) throw new RangeError('expected 17 digits');
  return CHECK_CHARS[r]!;
}

/** True if `id` (already normalised: 17 digits + digit or `X`) carries a correct check character. */
export function residentIdChecksumValid(id: string): boolean {
  if (id.length !== 18) return false;
  const r = mod11Sum(id);
  return r >= 0 && CHECK_CHARS.charCodeAt(r) === id.charCodeAt(17);
}

/** Two-digit or four-digit number at `i` of an all-digit string. */
function num(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) v = v * 10 + (s.charCodeAt(k) - 48);
  return v;
}

/**
 * Convert a legacy 15-digit number to 18 digits (insert `19`, append the check character), or
 * `undefined` if the input is not 15 digits. The result is not otherwise validated.
 */
export function convertLegacy15To18(id15: string): string | undefined {
  const s = compact(id15);
  if (!RE_15.test(s)) return undefined;
  const first17 = `${s.slice(0, 6)}19${s.slice(6)}`;
  return first17 + residentIdCheckChar(first17);
}

/** Calendar date parts. */
export interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The birth date an 18- or 15-digit number encodes, or `undefined` if none or not a real date. */
export function residentIdBirthDate(id: string): DateParts | undefined {
  const s = compact(id);
  let year: number;
  let month: number;
  let day: number;
  if (RE_18.test(s)) {
    year = num(s, 6, 4);
    month = num(s, 10, 2);
    day = num(s, 12, 2);
  } else if (RE_15.test(s)) {
    year = 1900 + num(s, 6, 2);
    month = num(s, 8, 2);
    day = num(s, 10, 2);
  } else return undefined;
  return isRealDate(year, month, day) ? { year, month, day } : undefined;
}

/** Sex from the sequence code (odd male, even female), or `undefined` if not an 18/15-digit number. */
export function residentIdSex(id: string): 'male' | 'female' | undefined {
  const s = compact(id);
  const i = RE_18.test(s) ? 16 : RE_15.test(s) ? 14 : -1;
  if (i < 0) return undefined;
  return (s.charCodeAt(i) - 48) % 2 === 1 ? 'male' : 'female';
}

// Precomputed outcomes: `validate` allocates nothing beyond its normalised string and region slice.
const CHECKSUM_OK = C('checksum', true);
const CHECKSUM_NA = C('checksum', undefined);
const DATE_OK = C('date', true);
const REGION_OK = C('region', true);

const R_CHECKSUM = fail('BAD_CHECKSUM', [FORMAT_OK, C('checksum', false)]);
const R_DATE = fail('BAD_DATE', [FORMAT_OK, CHECKSUM_OK, C('date', false)]);
const R_DATE_15 = fail('BAD_DATE', [FORMAT_OK, CHECKSUM_NA, C('date', false)]);
const R_REGION = fail('BAD_REGION', [FORMAT_OK, CHECKSUM_OK, DATE_OK, C('region', false)]);
const R_REGION_15 = fail('BAD_REGION', [FORMAT_OK, CHECKSUM_NA, DATE_OK, C('region', false)]);
/**
 * Exception to "invalid scores 0": the province exists but the 6-digit code is in no snapshot. The
 * table ends at NBS 2023, so a county created later lands here; keep a middling score so the
 * scanner can still report it when context words agree, while forms reject it.
 */
const R_UNKNOWN = fail('UNKNOWN_REGION', [FORMAT_OK, CHECKSUM_OK, DATE_OK, C('region', false)], 0.5);
const R_UNKNOWN_15 = fail('UNKNOWN_REGION', [FORMAT_OK, CHECKSUM_NA, DATE_OK, C('region', false)], 0.3);

const ok = (kind: string, score: number, checksum: Check): Validation =>
  Object.freeze({
    valid: true,
    score,
    kind,
    checks: Object.freeze([FORMAT_OK, checksum, DATE_OK, REGION_OK]),
  });
const V_STANDARD = ok('standard', 0.95, CHECKSUM_OK);
const V_LEGACY = ok('legacy15', 0.6, CHECKSUM_NA);
const V_PERMIT: Readonly<Record<string, Validation>> = Object.fromEntries(
  Object.entries(PERMIT_KINDS).map(([code, kind]) => [code, ok(kind, 0.95, CHECKSUM_OK)]),
);

/** True if the date is real, not before 1890 and not after today in Asia/Shanghai. */
function dateOk(y: number, m: number, d: number, now: Date | undefined): boolean {
  return y >= MIN_BIRTH_YEAR && isRealDate(y, m, d) && dayNumber(y, m, d) <= todayInShanghai(now);
}

/** Region verdict: a result to return on failure, or `undefined` when the code is known. */
function regionFailure(code: string, legacy: boolean): Validation | undefined {
  if (regionValidEver(code)) return undefined;
  const p = code.charCodeAt(0) - 48;
  // Only mainland provinces (first digit 1-6) can have counties the table doesn't know yet.
  if (p >= 1 && p <= 6 && provinceName(code) !== undefined) return legacy ? R_UNKNOWN_15 : R_UNKNOWN;
  return legacy ? R_REGION_15 : R_REGION;
}

function validate(value: string, options?: ValidateOptions): Validation {
  const s = compact(value);
  if (s.length === 18) {
    if (!RE_18.test(s)) return R_FORMAT;
    if (!residentIdChecksumValid(s)) return R_CHECKSUM;
    if (!dateOk(num(s, 6, 4), num(s, 10, 2), num(s, 12, 2), options?.now)) return R_DATE;
    const code = s.slice(0, 6);
    const permit = V_PERMIT[code];
    if (permit) return permit;
    // First digit 8: only the three exact permit codes exist (810000/820000/830000).
    if (code.charCodeAt(0) === 56) return R_REGION;
    return regionFailure(code, false) ?? V_STANDARD;
  }
  if (s.length === 15) {
    if (!RE_15.test(s)) return R_FORMAT;
    if (!dateOk(1900 + num(s, 6, 2), num(s, 8, 2), num(s, 10, 2), options?.now)) return R_DATE_15;
    const code = s.slice(0, 6);
    // Permits date from 2018, long after 15-digit numbers stopped being issued.
    if (code.charCodeAt(0) === 56) return R_REGION_15;
    return regionFailure(code, true) ?? V_LEGACY;
  }
  return R_FORMAT;
}

function normalise(value: string): string {
  return compact(value);
}

/**
 * Display mask: first 6 and last 4 kept (`110101********123X`); a 15-digit number keeps only the
 * last 3 so no digit of the birth date shows.
 */
function mask(value: string, options?: MaskOptions): string {
  const s = compact(value);
  const keepEnd = options?.keepEnd ?? (s.length === 15 ? 3 : 4);
  return keepEnds(s, options?.keepStart ?? 6, keepEnd, options?.char);
}

/** CN_RESIDENT_ID: 18-digit GB 11643 citizen identity numbers, legacy 15-digit numbers, HK/MO/TW residence permits. */
export const cnResidentId: PiType = {
  id: 'CN_RESIDENT_ID',
  sensitive: true,
  description: {
    zh: '居民身份证号码（公民身份号码，GB 11643），含 15 位旧号码和港澳台居民居住证号码',
    en: 'PRC resident identity card number (GB 11643), including legacy 15-digit numbers and residence permits of Hong Kong, Macao and Taiwan residents',
  },
  context: {
    raise: [
      ...DOCUMENT_CUES,
      '身份证',
      '身份证号',
      '证件号',
      '公民身份号码',
      '身份号码',
      '居民身份',
      '身份证件',
      '居住证',
      'idcard',
      'id card',
      'id_card',
      'id no',
      'identity',
    ],
    lower: [
      ...THING_ID_CUES,
      '订单',
      '单号',
      '运单',
      '流水',
      '交易号',
      '编号',
      '批次',
      '金额',
      '版本',
      '快递',
    ],
  },
  fieldNames: [
    ...DOCUMENT_FIELDS,
    '身份证',
    '身份证号',
    '身份证号码',
    '证件号',
    '证件号码',
    '公民身份号码',
    'idcard',
    'idno',
    'idnumber',
    'idcardno',
    'sfz',
    'sfzh',
    'sfzhm',
    'zjhm',
    'identity',
    'identityno',
    'certno',
    'citizenid',
    'residentid',
  ],
  normalise,
  validate,
  mask,
};

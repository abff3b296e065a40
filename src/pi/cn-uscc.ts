/**
 * CN_USCC: unified social credit code (统一社会信用代码) of companies, sole traders and other bodies.
 *
 * Format (GB 32100-2015): 18 characters from `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V):
 * - 1: registration authority: `1`–`9`, `A` (military staffing office), `N` (agriculture), `Y` (other);
 * - 2: category within that authority (9 + 1 enterprise, 9 + 2 个体工商户, 9 + 3 farmers' cooperative …);
 * - 3–8: GB/T 2260 region code of the registering authority (`100000` for central bodies);
 * - 9–17: GB 11714 organisation code (8 characters + its own check character);
 * - 18: check character: `(31 − Σ value·3^i mod 31) mod 31`, weights 1 3 9 27 19 26 16 17 20 29 25
 *   13 8 24 10 30 28.
 * The embedded GB 11714 check (weights 3 7 9 10 5 8 4 2, `11 − sum mod 11`, 10 → X, 11 → 0) holds
 * for codes assigned from an existing organisation code; it is a score bonus only, since codes
 * issued directly under GB 32100 need not satisfy it.
 *
 * Reference: GB 32100-2015; GB 11714-1997; Hutool `CreditCodeUtil`. Unlike python-stdnum
 * `stdnum/cn/uscc.py`, letters are accepted in positions 1–2 (A…, N…, Y… codes are real).
 *
 * @module
 */

import { provinceName, regionValidEver } from './regions.ts';
import { check as C, FORMAT_OK, failure as fail, BAD_FORMAT as R_FORMAT } from './results.ts';
import { compact, keepEnds } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

/** The 31 symbols, in value order. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
/** 3^i mod 31 for positions 1..17. */
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const GB11714_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
/** Central bodies register under the national code. */
const NATIONAL_REGION = '100000';
const RE_REGION = /^\d{6}$/;

/** Character code → symbol value, or -1 (ASCII only). */
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) VALUE[USCC_ALPHABET.charCodeAt(i)] = i;

/**
 * Registration authorities and the category codes allowed after them, with the `kind` reported.
 * Categories follow GB 32100 and its later additions; where we could not confirm the list we only
 * require a digit 1–9 (`undefined`).
 */
const AUTHORITIES: Readonly<Record<string, { kind: string; categories?: Readonly<Record<string, string>> }>> =
  {
    '1': { kind: 'government' }, // 机构编制: organs, public institutions, mass organisations
    '2': { kind: 'foreign-affairs' },
    '3': { kind: 'justice' }, // 司法行政: law firms, notaries, arbitration …
    '4': { kind: 'culture' },
    '5': { kind: 'civil-affairs' }, // 民政: social organisations, foundations …
    '6': { kind: 'tourism' },
    '7': { kind: 'religion' },
    '8': { kind: 'trade-union' },
    '9': {
      kind: 'business',
      categories: {
        '1': 'enterprise',
        '2': 'individual-business',
        '3': 'farmer-cooperative',
        '9': 'business',
      },
    },
    A: { kind: 'military' },
    N: { kind: 'agriculture' }, // 农业: rural collective economic organisations
    Y: { kind: 'other', categories: { '1': 'other' } },
  };

function symbolValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? VALUE[c]! : -1;
}

/** Weighted sum mod 31 of the first 17 symbols; -1 if one is outside the alphabet. */
function sum31(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = symbolValue(s, i);
    if (v < 0) return -1;
    sum += v * WEIGHTS[i]!;
  }
  return sum % 31;
}

/**
 * The GB 32100 check character for the first 17 symbols (upper-case).
 * @throws RangeError if `first17` is not 17 symbols of the USCC alphabet.
 */
export function usccCheckChar(first17: string): string {
  const r = first17.length === 17 ? sum31(first17) : -1;
  if (r < 0) throw new RangeError('expected 17 USCC symbols');
  return USCC_ALPHABET[(31 - r) % 31]!;
}

/**
 * The GB 11714 organisation-code check character (`0`-`9` or `X`) for 8 characters `0-9A-Z`
 * (letters count A=10 … Z=35), or `undefined` if a character is outside that set.
 */
export function gb11714CheckChar(first8: string): string | undefined {
  if (first8.length !== 8) return undefined;
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : -1;
    if (v < 0) return undefined;
    sum += v * GB11714_WEIGHTS[i]!;
  }
  const r = 11 - (sum % 11);
  return r === 10 ? 'X' : r === 11 ? '0' : String(r);
}

const CHECKSUM_OK = C('checksum', true);
const CATEGORY_OK = C('category', true);
const R_CATEGORY = fail('BAD_CATEGORY', [FORMAT_OK, C('category', false)]);
const R_CHECKSUM = fail('BAD_CHECKSUM', [FORMAT_OK, CATEGORY_OK, C('checksum', false)]);
const R_REGION = fail('BAD_REGION', [FORMAT_OK, CATEGORY_OK, CHECKSUM_OK, C('region', false)]);
/** Exception to "invalid scores 0": a real province but a county code newer than our table (NBS 2023). */
const R_UNKNOWN = fail('UNKNOWN_REGION', [FORMAT_OK, CATEGORY_OK, CHECKSUM_OK, C('region', false)], 0.45);

/** Valid results by `kind` and whether the GB 11714 bonus check held. */
const VALID = new Map<string, Validation>();
function valid(kind: string, org: boolean): Validation {
  const key = org ? `${kind}+` : kind;
  let v = VALID.get(key);
  if (!v) {
    v = Object.freeze({
      valid: true,
      score: org ? 0.95 : 0.9,
      kind,
      checks: Object.freeze([
        FORMAT_OK,
        CATEGORY_OK,
        CHECKSUM_OK,
        C('region', true),
        C('organization-code', org),
      ]),
    });
    VALID.set(key, v);
  }
  return v;
}

function validate(value: string): Validation {
  const s = compact(value);
  if (s.length !== 18) return R_FORMAT;
  const authority = AUTHORITIES[s[0]!];
  if (!authority) return symbolValue(s, 0) < 0 ? R_FORMAT : R_CATEGORY;
  let kind = authority.kind;
  const cat = s[1]!;
  if (authority.categories) {
    const k = authority.categories[cat];
    if (k === undefined) return symbolValue(s, 1) < 0 ? R_FORMAT : R_CATEGORY;
    kind = k;
  } else if (cat < '1' || cat > '9') {
    return symbolValue(s, 1) < 0 ? R_FORMAT : R_CATEGORY;
  }
  const r = sum31(s);
  const check = symbolValue(s, 17);
  if (r < 0 || check < 0) return R_FORMAT;
  if ((31 - r) % 31 !== check) return R_CHECKSUM;
  const region = s.slice(2, 8);
  if (region !== NATIONAL_REGION && !regionValidEver(region)) {
    if (!RE_REGION.test(region)) return R_REGION;
    const p = region.charCodeAt(0) - 48;
    return p >= 1 && p <= 6 && provinceName(region) !== undefined ? R_UNKNOWN : R_REGION;
  }
  return valid(kind, gb11714CheckChar(s.slice(8, 16)) === s[16]);
}

function normalise(value: string): string {
  return compact(value);
}

/**
 * Display mask: keep the first 8 (authority, category and region: they describe the registrar, not
 * the holder) and the last 2, hiding the organisation code: `91350100********43`.
 */
function mask(value: string, options?: MaskOptions): string {
  return keepEnds(compact(value), options?.keepStart ?? 8, options?.keepEnd ?? 2, options?.char);
}

/** CN_USCC: GB 32100 unified social credit codes (enterprises, sole traders, public bodies). */
export const cnUscc: PiType = {
  id: 'CN_USCC',
  // Identifies organisations; only a sole trader's (个体工商户) code points to a person.
  sensitive: false,
  description: {
    zh: '统一社会信用代码（GB 32100，18 位）',
    en: 'Unified social credit code of an organisation or sole trader (GB 32100, 18 characters)',
  },
  context: {
    raise: [
      '统一社会信用代码',
      '信用代码',
      '社会信用',
      '税号',
      '纳税人识别号',
      '营业执照',
      '注册号',
      'uscc',
      'credit code',
      'tax id',
    ],
    lower: ['订单', '单号', '运单', '流水', '交易号', '批次', '快递'],
  },
  fieldNames: [
    '统一社会信用代码',
    '信用代码',
    '社会信用代码',
    '税号',
    '纳税人识别号',
    'uscc',
    'creditcode',
    'socialcreditcode',
    'unifiedsocialcreditcode',
    'taxid',
    'taxno',
    'tyshxydm',
    'shxydm',
    'nsrsbh',
  ],
  normalise,
  validate,
  mask,
};

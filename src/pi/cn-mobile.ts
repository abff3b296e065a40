/**
 * `CN_MOBILE`: mainland China mobile numbers (手机号码).
 *
 * Format: 11 digits, `1` + 3-digit network number (网号) + 4-digit HLR code + 4-digit subscriber
 * number, e.g. `138 1234 5678`. Written forms add a country prefix (`+86`, `0086`, `86`), a
 * long-distance `0`, spaces, hyphens, parentheses or full-width digits; `normalise` removes them.
 * There is no checksum: the evidence is the network number, which must be one MIIT has allocated
 * (`data/mobile-prefixes.ts`, MIIT table to 2023-03). 13-digit IoT numbers (140–144) are accepted
 * as kind `iot` with a low score.
 *
 * Mask: Hutool `DesensitizedUtil.mobilePhone` (GB/T 35273 display masking), first 3 and last 4
 * national digits kept: `138****5678`; a country prefix and separators stay as written.
 *
 * Reference: MIIT "我国公众移动通信网网号及H0分配情况（截至2023年3月底）"; research notes §5.3.
 *
 * @module
 */

import {
  IOT13_PREFIXES,
  MOBILE_SEGMENTS,
  type MobileCarrier,
  type MobileUse,
} from './data/mobile-prefixes.ts';
import { THING_ID_CUES } from './shared-cues.ts';
import { compact, countSelected, isDigitCode, maskDigits } from './text.ts';
import type { Check, MaskOptions, PiType, Validation } from './types.ts';

export type { MobileCarrier } from './data/mobile-prefixes.ts';

const CONTEXT_RAISE = [
  '手机',
  '手机号',
  '手机号码',
  '电话',
  '联系电话',
  '联系方式',
  '移动电话',
  '号码',
  '联系人',
  '机主',
  'tel',
  'phone',
  'mobile',
  'cell',
  'cellphone',
] as const;

const CONTEXT_LOWER = [
  '订单',
  '单号',
  '流水',
  '编号',
  'QQ',
  '金额',
  '时间戳',
  'timestamp',
  '版本',
  'version',
  'order',
] as const;

const FIELD_NAMES = [
  'mobile',
  'mobile_no',
  'mobile_phone',
  'phone',
  'phone_no',
  'phone_number',
  'tel',
  'telephone',
  'cellphone',
  'cell',
  'msisdn',
  'sjh',
  'sjhm',
  'lxdh',
  '手机',
  '手机号',
  '手机号码',
  '联系电话',
  '移动电话',
  '电话',
] as const;

/** Prefix number → segment; keys are the 3-, 4- and 5-digit prefixes as integers (no per-call strings). */
const SEGMENTS = new Map<number, { readonly carrier: MobileCarrier; readonly use: MobileUse }>(
  MOBILE_SEGMENTS.map(([prefix, carrier, use]) => [Number(prefix), { carrier, use }]),
);
const IOT13 = new Set(IOT13_PREFIXES.map(Number));

/** Separators people put in phone numbers that `compact` keeps: parentheses around a prefix. */
const PARENS = /[()]/g;

const FORMAT_FAIL: Validation = {
  valid: false,
  score: 0,
  checks: [{ name: 'format', passed: false }],
  reason: 'BAD_FORMAT',
};
const PREFIX_FAIL: Validation = {
  valid: false,
  score: 0,
  checks: [
    { name: 'format', passed: true },
    { name: 'prefix', passed: false },
  ],
  reason: 'UNALLOCATED_PREFIX',
};
const PASSED: readonly Check[] = [
  { name: 'format', passed: true },
  { name: 'prefix', passed: true },
];

/** Numeric value of digits `[0, n)` of an all-digit string. */
function leading(digits: string, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 10 + (digits.charCodeAt(i) - 48);
  return v;
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/** The allocated segment of an 11-digit national number (longest prefix wins), if any. */
function segmentOf(national: string) {
  return (
    SEGMENTS.get(leading(national, 5)) ??
    SEGMENTS.get(leading(national, 4)) ??
    SEGMENTS.get(leading(national, 3))
  );
}

/**
 * Canonical form: the 11-digit (or 13-digit IoT) national number, with full-width digits folded
 * and separators, parentheses and a `+86` / `0086` / `86` / `0` prefix removed. Input that is not
 * a mobile number comes back compacted but otherwise unchanged.
 */
export function normaliseMobile(value: string): string {
  if (value.length === 11 && allDigits(value)) return value; // the common case, no allocation
  let s = compact(value);
  if (s.includes('(')) s = s.replace(PARENS, '');
  const n = s.length;
  if (s.startsWith('+86') && (n === 14 || n === 16)) return s.slice(3);
  if (s.startsWith('0086') && (n === 15 || n === 17)) return s.slice(4);
  if (s.startsWith('861') && (n === 13 || n === 15)) return s.slice(2);
  if (s.startsWith('01') && n === 12) return s.slice(1);
  return s;
}

/**
 * The carrier a mobile number was originally allocated to (MVNO ranges give the host network),
 * or `undefined` for a number outside the MIIT table. Number portability means the subscriber
 * may have moved since.
 */
export function mobileCarrier(value: string): MobileCarrier | undefined {
  const n = normaliseMobile(value);
  if (n.length !== 11 || !allDigits(n)) return undefined;
  return segmentOf(n)?.carrier;
}

function validateMobile(value: string): Validation {
  const n = normaliseMobile(value);
  if (!allDigits(n) || n.charCodeAt(0) !== 49 /* 1 */) return FORMAT_FAIL;
  if (n.length === 13) {
    // 13-digit IoT numbers belong to machines more often than to people: low evidence.
    return IOT13.has(leading(n, 3)) ? { valid: true, score: 0.3, checks: PASSED, kind: 'iot' } : PREFIX_FAIL;
  }
  // 10x/11x/12x are service and trunk codes, never mobile network numbers.
  if (n.length !== 11 || n.charCodeAt(1) < 51 /* 3 */) return FORMAT_FAIL;
  const seg = segmentOf(n);
  if (seg === undefined) return PREFIX_FAIL;
  return { valid: true, score: 0.6, checks: PASSED, kind: seg.use === 'public' ? seg.carrier : seg.use };
}

function maskMobile(value: string, options?: MaskOptions): string {
  const keepStart = options?.keepStart ?? 3;
  const keepEnd = options?.keepEnd ?? 4;
  const char = options?.char ?? '*';
  const total = countSelected(value, isDigitCode);
  const n = normaliseMobile(value);
  // Digits before the national number (86, 0086, a trunk 0) are a prefix and stay readable.
  const national = allDigits(n) && (n.length === 11 || n.length === 13) ? n.length : total;
  const skip = Math.max(0, total - national);
  return maskDigits(value, skip + keepStart, total - keepEnd, skip, total, char);
}

/** `CN_MOBILE`: mainland mobile numbers, checked against the MIIT network-number allocation. */
export const cnMobile: PiType = {
  id: 'CN_MOBILE',
  sensitive: false,
  description: {
    zh: '中国大陆手机号码（11 位，工信部分配的网号）',
    en: 'Mainland China mobile number (11 digits, MIIT-allocated network number)',
  },
  context: { raise: CONTEXT_RAISE, lower: [...THING_ID_CUES, ...CONTEXT_LOWER] },
  fieldNames: FIELD_NAMES,
  normalise: normaliseMobile,
  validate: validateMobile,
  mask: maskMobile,
};

/**
 * `CN_LANDLINE`: mainland China fixed-line numbers (固定电话).
 *
 * Format: trunk `0` + area code + local number, e.g. `010-62345678`, `(0755)2345-6789`,
 * `+86 20 8765 4321`, optionally followed by an extension (`转123`, `-分机123`, `ext 123`,
 * `x123`, or a trailing `-123` when the digits run past the longest local number). Area codes are
 * `010`, `02x` (not 026) or `0xxx` from `data/area-codes.ts`; local numbers have 7–8 digits and
 * never start with 0 or 1 (those lead to trunk and special-service prefixes). No checksum: the
 * evidence is a real area code. Nationwide service numbers `400` / `800` + 7 digits are accepted
 * as kind `service` with a low score: they belong to companies, not people.
 *
 * Canonical form: `0` + area code + local number, plus `-` + extension when there is one
 * (`01062345678-123`); service numbers as their 10 digits.
 *
 * Mask: area code and the last 2 digits of the local number kept (`010-******78`); Hutool's
 * `fixedPhone` keeps the first 4 and last 2 whatever the area code, which shows one local digit
 * after a 3-digit code. Prefix, separators and extension stay as written.
 *
 * References: research notes §5.4; ITU-T E.164 assignment for +86; Hutool `RegexPool.TEL`.
 *
 * @module
 */

import { AREA_CODES, type AreaCodeInfo } from './data/area-codes.ts';
import { compact, countSelected, foldWidth, isDigitCode, maskDigits, maskSelected } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const CONTEXT_RAISE = [
  '电话',
  '座机',
  '固话',
  '固定电话',
  '联系电话',
  '办公电话',
  '家庭电话',
  '传真',
  '分机',
  '区号',
  'tel',
  'phone',
  'telephone',
  'landline',
  'fax',
] as const;

const CONTEXT_LOWER = [
  '订单',
  '单号',
  '流水',
  '编号',
  '金额',
  '时间戳',
  'timestamp',
  '版本',
  'version',
] as const;

const FIELD_NAMES = [
  'tel',
  'telephone',
  'phone',
  'landline',
  'fixed_phone',
  'office_phone',
  'home_phone',
  'fax',
  'gddh',
  'zj',
  'lxdh',
  '电话',
  '座机',
  '固定电话',
  '办公电话',
  '联系电话',
  '传真',
] as const;

/** An explicit extension at the end: 转123, 分机123, 分机号123, ext.123, x123, #123. */
const EXT_MARKED = /\s*(?:转|分机号?|ext\.?|x|#)\s*[:：]?\s*(\d{1,6})\s*$/i;
/** The last separator-delimited digit group, a candidate extension when the digits run long. */
const LAST_GROUP = /[-\s](\d{1,6})\s*$/;
const PARENS = /[()]/g;

/** A parsed fixed-line number. */
interface Parsed {
  /** Area code with trunk 0 (`010`), or the service prefix (`400`). */
  readonly area: string;
  readonly local: string;
  readonly ext: string | undefined;
  readonly service: boolean;
  /** Digits of a country prefix as written (2 for `+86`/`86`, 4 for `0086`). */
  readonly prefixDigits: number;
  /** Whether the trunk 0 was written (absent after `+86`). */
  readonly trunkWritten: boolean;
}

type Failure = 'BAD_FORMAT' | 'UNKNOWN_AREA_CODE' | 'BAD_LOCAL_NUMBER';

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

function parse(value: string): Parsed | Failure {
  let main = foldWidth(value).trim();
  let ext: string | undefined;
  const marked = EXT_MARKED.exec(main);
  if (marked !== null) {
    ext = marked[1]!;
    main = main.slice(0, marked.index);
  }
  let d = compact(main);
  if (d.includes('(')) d = d.replace(PARENS, '');
  let prefixDigits = 0;
  if (d.startsWith('+86')) prefixDigits = 2;
  else if (d.startsWith('0086')) prefixDigits = 4;
  else if (d.startsWith('86')) prefixDigits = 2;
  if (prefixDigits > 0) d = d.slice(d.charCodeAt(0) === 43 /* + */ ? 3 : prefixDigits);
  if (!allDigits(d)) return 'BAD_FORMAT';

  if (d.startsWith('400') || d.startsWith('800')) {
    const split = splitExtension(d.slice(3), ext, main, 7, 7);
    if (split === undefined) return 'BAD_FORMAT';
    return { area: d.slice(0, 3), ...split, service: true, prefixDigits, trunkWritten: true };
  }

  const trunkWritten = d.charCodeAt(0) === 48;
  if (!trunkWritten) {
    // Without a trunk 0 only an international form (+86 10 …) carries an area code.
    if (prefixDigits === 0) return 'BAD_FORMAT';
    d = '0' + d;
  }
  if (d.length < 10) return 'BAD_FORMAT';
  const second = d.charCodeAt(1);
  const areaLen = second === 49 /* 1 */ || second === 50 /* 2 */ ? 3 : 4;
  const area = d.slice(0, areaLen);
  if (!AREA_CODES.has(area)) return 'UNKNOWN_AREA_CODE';

  const split = splitExtension(d.slice(areaLen), ext, main, 7, 8);
  if (split === undefined) return 'BAD_FORMAT';
  const first = split.local.charCodeAt(0);
  if (first === 48 || first === 49) return 'BAD_LOCAL_NUMBER';
  return { area, ...split, service: false, prefixDigits, trunkWritten };
}

/**
 * Split the digits after the area code into local number and extension. Without an explicit
 * marker, a last separator-delimited group is an extension only when the digits run past `max`.
 */
function splitExtension(
  digits: string,
  ext: string | undefined,
  main: string,
  min: number,
  max: number,
): { local: string; ext: string | undefined } | undefined {
  let local = digits;
  if (local.length > max && ext === undefined) {
    const group = LAST_GROUP.exec(main);
    const len = group?.[1]?.length ?? 0;
    if (len > 0 && local.length - len >= min && local.length - len <= max) {
      ext = group![1]!;
      local = local.slice(0, -len);
    }
  }
  if (local.length < min || local.length > max) return undefined;
  return { local, ext };
}

/**
 * Canonical form `0AREALOCAL` (+ `-EXT`), e.g. `01062345678`, `075523456789-123`; service numbers
 * as their 10 digits. Input that does not parse comes back compacted.
 */
export function normaliseLandline(value: string): string {
  const p = parse(value);
  if (typeof p === 'string') return compact(value);
  const n = p.area + p.local;
  return p.ext === undefined ? n : n + '-' + p.ext;
}

/** The area code of a fixed-line number and where it is, or `undefined` (service numbers included). */
export function areaCodeOf(landline: string): ({ readonly code: string } & AreaCodeInfo) | undefined {
  const p = parse(landline);
  if (typeof p === 'string' || p.service) return undefined;
  return { code: p.area, ...AREA_CODES.get(p.area)! };
}

function validateLandline(value: string): Validation {
  const p = parse(value);
  if (p === 'BAD_FORMAT') {
    return { valid: false, score: 0, checks: [{ name: 'format', passed: false }], reason: p };
  }
  if (p === 'UNKNOWN_AREA_CODE') {
    return {
      valid: false,
      score: 0,
      checks: [
        { name: 'format', passed: true },
        { name: 'region', passed: false },
      ],
      reason: p,
    };
  }
  if (p === 'BAD_LOCAL_NUMBER') {
    return {
      valid: false,
      score: 0,
      checks: [
        { name: 'format', passed: true },
        { name: 'region', passed: true },
        { name: 'prefix', passed: false },
      ],
      reason: p,
    };
  }
  if (p.service) {
    return {
      valid: true,
      score: 0.3,
      checks: [
        { name: 'format', passed: true },
        { name: 'prefix', passed: true },
      ],
      kind: 'service',
    };
  }
  return {
    valid: true,
    score: 0.55,
    checks: [
      { name: 'format', passed: true },
      { name: 'region', passed: true },
      { name: 'prefix', passed: true },
    ],
    kind: 'fixed',
  };
}

function maskLandline(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const total = countSelected(value, isDigitCode);
  const p = parse(value);
  if (typeof p === 'string') {
    // Not a parseable number: Hutool's fixedPhone rule over its digits (first 4, last 2).
    const from = options?.keepStart ?? 4;
    const to = total - (options?.keepEnd ?? 2);
    return maskSelected(value, isDigitCode, from < to ? from : 0, from < to ? to : total, char);
  }
  const writtenArea = p.trunkWritten ? p.area.length : p.area.length - 1;
  const end = total - (p.ext?.length ?? 0); // digits after this index are the extension
  const from = p.prefixDigits + (options?.keepStart ?? writtenArea);
  return maskDigits(value, from, end - (options?.keepEnd ?? 2), p.prefixDigits, end, char);
}

/** `CN_LANDLINE`: mainland fixed-line numbers with a real area code, and 400/800 service numbers. */
export const cnLandline: PiType = {
  id: 'CN_LANDLINE',
  sensitive: false,
  description: {
    zh: '中国大陆固定电话号码（区号 + 7–8 位本地号码，可带分机）',
    en: 'Mainland China landline number (area code + 7–8-digit local number, optional extension)',
  },
  context: { raise: CONTEXT_RAISE, lower: CONTEXT_LOWER },
  fieldNames: FIELD_NAMES,
  normalise: normaliseLandline,
  validate: validateLandline,
  mask: maskLandline,
};

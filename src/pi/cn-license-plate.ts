/**
 * `CN_LICENSE_PLATE`: mainland motor-vehicle plates (机动车号牌, GA 36).
 *
 * Formats (after removing the `·` people write after the authority letter):
 * - ordinary, 7 characters: province abbreviation + issuing-authority letter + 5 characters from
 *   `[A-HJ-NP-Z0-9]` (no I or O), of which at most 2 are letters (`京A12345`, `粤B8K2L9`);
 * - new energy, 8 characters (GA 36-2018): small vehicles province + letter + `[DABCEFGHJK]` +
 *   one of `[A-HJ-NP-Z0-9]` + 4 digits (`沪AD12345`); large vehicles province + letter + 5 digits
 *   + `[DABCEFGHJK]` (`粤B12345D`);
 * - special, 7 characters: province + letter + 4 of `[A-HJ-NP-Z0-9]` + 学 (driving school),
 *   警 (police), 挂 (trailer), 港 / 澳 (cross-border), 使 / 领 (embassy, consulate); and embassy
 *   plates `使` + 6 digits.
 * No checksum; plates are distinctive enough that the format alone scores 0.8. Military and
 * armed-police plates use other schemes and are out of scope.
 *
 * Mask: Hutool `DesensitizedUtil.carLicense`: 7 characters hide `[3, 6)` (`苏D4***0`), 8
 * characters hide `[3, 7)` (`陕A1****D`); separators stay where they were written.
 *
 * References: GA 36-2014 and GA 36-2018 《中华人民共和国机动车号牌》; research notes §5.8.
 *
 * @module
 */

import { compact, countSelected, maskSelected } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

/** Province abbreviations used as the first character (31 provincial-level divisions). */
const PROVINCES = new Set(Array.from('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'));
/** Last character of special plates. */
const SUFFIXES = new Set(Array.from('学警挂港澳使领'));
/** Energy-type letters of new-energy plates (D/A/B/C/E pure electric, F/G/H/J/K others). */
const ENERGY = new Set(Array.from('DABCEFGHJK'));
/** Separators written inside plates that `compact` keeps: middle dots. */
const DOTS = /[\u00B7\u2022\u2027\u30FB\u2219]/g;
const SEPARATOR_CODES = new Set([
  0x20, 0x2d, 0x2e, 0xb7, 0x2022, 0x2027, 0x30fb, 0x2219, 0x3000, 0xff0d, 0xff0e,
]);

const CONTEXT_RAISE = [
  '车牌',
  '车牌号',
  '车牌号码',
  '号牌',
  '号牌号码',
  '车辆',
  '车主',
  '机动车',
  '停车',
  '违章',
  'plate',
  'license plate',
  'vehicle',
] as const;

const CONTEXT_LOWER = ['型号', '编号', '订单', 'model', 'sku'] as const;

const FIELD_NAMES = [
  'plate',
  'plate_no',
  'plate_number',
  'license_plate',
  'car_no',
  'car_number',
  'vehicle_no',
  'cph',
  'cphm',
  'hphm',
  '车牌',
  '车牌号',
  '车牌号码',
  '号牌号码',
] as const;

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** `[A-HJ-NP-Z0-9]`: serial characters exclude I and O (they read as 1 and 0). */
function isSerial(c: number): boolean {
  return isDigit(c) || (isUpper(c) && c !== 73 && c !== 79);
}

/** Canonical form: full-width folded, upper-case, spaces, hyphens and middle dots removed. */
export function normalisePlate(value: string): string {
  return compact(value).replace(DOTS, '');
}

type Kind = 'ordinary' | 'new-energy' | 'special';

function classify(p: string): Kind | undefined {
  const n = p.length;
  if (n === 7 && p[0] === '使') {
    for (let i = 1; i < 7; i++) if (!isDigit(p.charCodeAt(i))) return undefined;
    return 'special';
  }
  if (!isUpper(p.charCodeAt(1))) return undefined;
  if (n === 7) {
    if (SUFFIXES.has(p[6]!)) {
      for (let i = 2; i < 6; i++) if (!isSerial(p.charCodeAt(i))) return undefined;
      return 'special';
    }
    let letters = 0;
    for (let i = 2; i < 7; i++) {
      const c = p.charCodeAt(i);
      if (!isSerial(c)) return undefined;
      if (!isDigit(c)) letters++;
    }
    // GA 36-2014 self-chosen numbers allow at most two letters in the serial.
    return letters <= 2 ? 'ordinary' : undefined;
  }
  if (n === 8) {
    const c3 = p.charCodeAt(3);
    if (ENERGY.has(p[2]!) && isSerial(c3)) {
      let ok = true;
      for (let i = 4; i < 8; i++) if (!isDigit(p.charCodeAt(i))) ok = false;
      if (ok) return 'new-energy';
    }
    if (ENERGY.has(p[7]!)) {
      for (let i = 2; i < 7; i++) if (!isDigit(p.charCodeAt(i))) return undefined;
      return 'new-energy';
    }
  }
  return undefined;
}

function validatePlate(value: string): Validation {
  const p = normalisePlate(value);
  if (p.length !== 7 && p.length !== 8) {
    return { valid: false, score: 0, checks: [{ name: 'format', passed: false }], reason: 'BAD_FORMAT' };
  }
  if (!PROVINCES.has(p[0]!) && p[0] !== '使') {
    return {
      valid: false,
      score: 0,
      checks: [{ name: 'region', passed: false }],
      reason: 'UNKNOWN_PROVINCE',
    };
  }
  const kind = classify(p);
  if (kind === undefined) {
    return {
      valid: false,
      score: 0,
      checks: [
        { name: 'region', passed: true },
        { name: 'format', passed: false },
      ],
      reason: 'BAD_FORMAT',
    };
  }
  return {
    valid: true,
    score: 0.8,
    checks: [
      { name: 'region', passed: true },
      { name: 'format', passed: true },
    ],
    kind,
  };
}

function isPlateChar(c: number): boolean {
  return !SEPARATOR_CODES.has(c);
}

function maskPlate(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const n = countSelected(value, isPlateChar);
  const custom = options?.keepStart !== undefined || options?.keepEnd !== undefined;
  // Hutool leaves lengths other than 7 and 8 unchanged; with explicit keeps we mask any length.
  if (!custom && n !== 7 && n !== 8) return value;
  const from = options?.keepStart ?? 3;
  const to = n - (options?.keepEnd ?? 1);
  return maskSelected(value, isPlateChar, from, Math.max(from, to), char);
}

/** `CN_LICENSE_PLATE`: GA 36 plates: ordinary, new-energy and special (学/警/挂/港/澳/使/领). */
export const cnLicensePlate: PiType = {
  id: 'CN_LICENSE_PLATE',
  sensitive: false,
  description: {
    zh: '机动车号牌号码（GA 36：普通、新能源及学/警/挂/港/澳/使/领号牌）',
    en: 'Motor-vehicle licence plate (GA 36: ordinary, new-energy and special plates)',
  },
  context: { raise: CONTEXT_RAISE, lower: CONTEXT_LOWER },
  fieldNames: FIELD_NAMES,
  normalise: normalisePlate,
  validate: validatePlate,
  mask: maskPlate,
};

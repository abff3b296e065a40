/**
 * `IMEI`: International Mobile Equipment Identity of a phone or modem (设备识别码).
 *
 * Format (3GPP TS 23.003 §6.2): 8-digit Type Allocation Code (TAC: reporting body + model),
 * 6-digit serial number (SNR), then either a Luhn check digit (IMEI, 15 digits) or a 2-digit
 * software version number (IMEISV, 16 digits, no check digit; SVN 99 is reserved). Often written
 * `AA-BBBBBB-CCCCCC-D` or with spaces; `normalise` keeps the digits.
 *
 * | form | kind | valid | score |
 * |---|---|---|---|
 * | 15 digits, Luhn passes | `imei` | yes | 0.5 |
 * | 16 digits, SVN 00–98 | `imeisv` | yes | 0.4 |
 * | 14 digits (TAC + SNR, check digit left off) | `imei14` | yes | 0.3 |
 * | 15 digits, Luhn fails | `imei` | no | 0.1 |
 *
 * Scores stay low: 14–16-digit numbers are common, so context (IMEI, 设备号, 串号) has to carry a
 * detection.
 *
 * Mask: TAC (first 8 digits, which name the device model and not its owner) and the last 2 kept,
 * `35209900****481`-style; the hidden digits are the serial number. Separators stay as written.
 *
 * References: 3GPP TS 23.003 §6.2.1–6.2.2 and Annex B (Luhn check digit); GSMA TS.06.
 *
 * @module
 */

import { THING_ID_CUES } from './shared-cues.ts';
import { compact, countSelected, isDigitCode, luhnValid, maskSelected } from './text.ts';
import type { MaskOptions, PiType, Validation } from './types.ts';

const CONTEXT_RAISE = [
  'imei',
  'imeisv',
  'meid',
  '设备号',
  '设备识别码',
  '串号',
  '手机串号',
  '国际移动设备识别码',
  'device id',
  'deviceid',
] as const;
const CONTEXT_LOWER = ['订单', '单号', '流水', '交易号', '卡号', 'order'] as const;
const FIELD_NAMES = [
  'imei',
  'imei1',
  'imei2',
  'imeisv',
  'device_imei',
  'sbh',
  'sbm',
  '设备号',
  '串号',
  '设备识别码',
] as const;

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/** Canonical form: the digits (full-width folded, spaces, hyphens, dots and `/` removed). */
export function normaliseImei(value: string): string {
  if (allDigits(value)) return value;
  const s = compact(value);
  return s.includes('/') ? s.replaceAll('/', '') : s;
}

const FORMAT_FAIL: Validation = {
  valid: false,
  score: 0,
  checks: [{ name: 'format', passed: false }],
  reason: 'BAD_FORMAT',
};

// The results, frozen and reused: `validate` runs on every 14- to 16-digit scan candidate.
const IMEI_OK: Validation = Object.freeze({
  valid: true,
  score: 0.5,
  checks: Object.freeze([
    { name: 'format', passed: true },
    { name: 'luhn', passed: true },
  ]),
  kind: 'imei',
});
const IMEI_BAD_LUHN: Validation = Object.freeze({
  valid: false,
  score: 0.1,
  checks: Object.freeze([
    { name: 'format', passed: true },
    { name: 'luhn', passed: false },
  ]),
  reason: 'BAD_CHECKSUM',
  kind: 'imei',
});
const RESERVED_SVN: Validation = Object.freeze({ ...FORMAT_FAIL, reason: 'RESERVED_SVN' });
const IMEISV: Validation = Object.freeze({
  valid: true,
  score: 0.4,
  checks: Object.freeze([
    { name: 'format', passed: true },
    { name: 'luhn', passed: undefined },
  ]),
  kind: 'imeisv',
});
const IMEI14: Validation = Object.freeze({
  valid: true,
  score: 0.3,
  checks: Object.freeze([
    { name: 'format', passed: true },
    { name: 'luhn', passed: undefined },
  ]),
  kind: 'imei14',
});

function validateImei(value: string): Validation {
  const d = normaliseImei(value);
  if (!allDigits(d)) return FORMAT_FAIL;
  switch (d.length) {
    case 15:
      return luhnValid(d) ? IMEI_OK : IMEI_BAD_LUHN;
    case 16:
      // SVN 99 is reserved for future use.
      return d.charCodeAt(14) === 57 && d.charCodeAt(15) === 57 ? RESERVED_SVN : IMEISV;
    case 14:
      return IMEI14;
    default:
      return FORMAT_FAIL;
  }
}

function maskImei(value: string, options?: MaskOptions): string {
  const char = options?.char ?? '*';
  const total = countSelected(value, isDigitCode);
  const from = options?.keepStart ?? 8;
  const to = total - (options?.keepEnd ?? 2);
  if (from >= to) return maskSelected(value, isDigitCode, 0, total, char);
  return maskSelected(value, isDigitCode, from, to, char);
}

/** `IMEI`: device identities (IMEI with Luhn, IMEISV, and the 14-digit form without check digit). */
export const imei: PiType = {
  id: 'IMEI',
  sensitive: false,
  description: {
    zh: '国际移动设备识别码（IMEI / IMEISV）',
    en: 'International Mobile Equipment Identity (IMEI / IMEISV)',
  },
  context: { raise: CONTEXT_RAISE, lower: [...THING_ID_CUES, ...CONTEXT_LOWER] },
  fieldNames: FIELD_NAMES,
  normalise: normaliseImei,
  validate: validateImei,
  mask: maskImei,
};

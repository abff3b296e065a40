/**
 * PI values as people actually write them, and the hard negatives that look like PI but are not.
 *
 * Valid values come from the shared synthetic generators in `test/synth/`; this module only
 * changes how they are written (full-width digits, spaces, `+86`, lower-case `x`, IDs split 6-8-4).
 * Every negative made here is checked against the real validators' rules (our own copies of the
 * public algorithms below), so a "negative" is never accidentally a valid value.
 *
 * @module
 */
import { compact, isRealDate, luhnValid } from '../../src/pi/text.ts';
import {
  bankCard,
  email,
  imei,
  ipv4,
  ipv6,
  landline,
  luhnInvalidCardLike,
  mac,
  mobile,
  plate,
  unallocatedMobileLike,
} from '../../test/synth/contacts.ts';
import {
  birthDate,
  corruptCheckChar,
  foreignerPrId,
  hkId,
  hmtPermit,
  impossibleDateId,
  moId,
  passport,
  residentId,
  twId,
  uscc,
} from '../../test/synth/ids.ts';
import { address, name, nonAddressPhrase, nonNameWord, translitName } from '../../test/synth/names.ts';
import { digits, int, pick, type Rng } from '../../test/synth/rng.ts';
import { type NegSeg, neg, type PiSeg, pi } from './writer.ts';

export type { Rng };

/** Probability helper. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** Digits and ASCII letters to their full-width forms (what Chinese IMEs type). */
export function fullWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c >= 0x21 && c <= 0x7e && /[0-9A-Za-z]/.test(ch) ? String.fromCharCode(c + 0xfee0) : ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reference checks (public algorithms) used to keep negatives negative.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 MOD 11-2 check character of the first 17 digits. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** An 18-character run that a resident-ID validator would accept on checksum and date alone. */
export function looksLikeValidId(s: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(s)) return false;
  if (idCheckChar(s.slice(0, 17)) !== s[17]!.toUpperCase()) return false;
  return isRealDate(Number(s.slice(6, 10)), Number(s.slice(10, 12)), Number(s.slice(12, 14)));
}

/** Would any 11..19-digit window of `d` (a digit run) pass as an ID or card? Used for long numbers. */
function digitRunIsClean(d: string): boolean {
  if (d.length === 18 && looksLikeValidId(d)) return false;
  if (d.length >= 15 && d.length <= 19 && luhnValid(d)) return false;
  return true;
}

/** Random digit run of `n` digits (first digit from `first`) that is neither a valid ID nor Luhn-valid. */
export function cleanDigits(rng: Rng, n: number, first = '123456789'): string {
  for (;;) {
    const d = pick(rng, first.split('')) + digits(rng, n - 1);
    if (digitRunIsClean(d)) return d;
  }
}

// ---------------------------------------------------------------------------------------------
// PI values, written in realistic ways. `messy` is the probability of an untidy form.

export function mobileSeg(rng: Rng, messy = 0.2): PiSeg {
  if (!chance(rng, messy)) return pi('CN_MOBILE', mobile(rng, { format: 'plain' }));
  const r = rng();
  if (r < 0.2) return pi('CN_MOBILE', fullWidth(mobile(rng, { format: 'plain' })));
  if (r < 0.4) return pi('CN_MOBILE', mobile(rng, { format: 'spaced' }));
  if (r < 0.6) return pi('CN_MOBILE', mobile(rng, { format: 'dashed' }));
  if (r < 0.8) return pi('CN_MOBILE', mobile(rng, { format: '+86' }));
  return pi('CN_MOBILE', pick(rng, ['+86-', '0086 ', '86-', '(+86)']) + mobile(rng, { format: 'plain' }));
}

export function landlineSeg(rng: Rng, messy = 0.15): PiSeg {
  const v = landline(rng);
  return pi('CN_LANDLINE', chance(rng, messy / 3) ? fullWidth(v) : v);
}

/** A resident ID; `special` allows legacy 15-digit numbers and HK/MO/TW residence permits (3% each). */
export function residentIdSeg(rng: Rng, messy = 0.15, special = true): PiSeg {
  const r0 = special ? rng() : 1;
  let v: string;
  if (r0 < 0.03) v = residentId(rng, { legacy15: true });
  else if (r0 < 0.06) v = residentId(rng, { permit: pick(rng, ['hk', 'mo', 'tw'] as const) });
  else v = residentId(rng, { lowerX: chance(rng, messy) });
  if (v.length !== 18 || !chance(rng, messy)) return pi('CN_RESIDENT_ID', v);
  const r = rng();
  if (r < 0.45) return pi('CN_RESIDENT_ID', `${v.slice(0, 6)} ${v.slice(6, 14)} ${v.slice(14)}`);
  if (r < 0.8) return pi('CN_RESIDENT_ID', fullWidth(v));
  return pi('CN_RESIDENT_ID', `${v.slice(0, 6)}-${v.slice(6, 14)}-${v.slice(14)}`);
}

/** An 18-digit resident ID only (for columns where a 15-digit legacy number would be odd). */
export function residentId18(rng: Rng): string {
  for (;;) {
    const v = residentId(rng);
    if (v.length === 18) return v;
  }
}

export function bankCardSeg(rng: Rng, messy = 0.2): PiSeg {
  const len = pick(rng, [16, 16, 19, 19, 19, 17, 18] as const);
  const plain = bankCard(rng, { length: len, grouped: false });
  if (!chance(rng, messy)) return pi('CN_BANK_CARD', plain);
  const grouped = plain.replace(/(\d{4})(?=\d)/g, '$1 ');
  if (chance(rng, 0.8)) return pi('CN_BANK_CARD', grouped);
  return pi('CN_BANK_CARD', fullWidth(plain));
}

/** Plates: the generator already writes some with `·`; `messy` adds a space instead, rarely. */
export function plateSeg(rng: Rng, messy = 0.1): PiSeg {
  const v = plate(rng);
  if (!chance(rng, messy / 2) || v.includes('·')) return pi('CN_LICENSE_PLATE', v);
  return pi('CN_LICENSE_PLATE', `${v.slice(0, 2)} ${v.slice(2)}`);
}

export function emailSeg(rng: Rng): PiSeg {
  return pi('EMAIL', email(rng));
}

export function ipSeg(rng: Rng, v6 = 0.15): PiSeg {
  return pi('IP_ADDRESS', chance(rng, v6) ? ipv6(rng) : ipv4(rng));
}

export function imeiSeg(rng: Rng): PiSeg {
  return pi('IMEI', imei(rng));
}

export function macSeg(rng: Rng): PiSeg {
  return pi('MAC_ADDRESS', mac(rng));
}

/** A name; 2% are transliterated minority names with a middle dot (艾力·吐尔逊). */
export const nameSeg = (rng: Rng): PiSeg => pi('CN_NAME', chance(rng, 0.02) ? translitName(rng) : name(rng));
export const addressSeg = (rng: Rng, withProvince = 0.6): PiSeg =>
  pi('CN_ADDRESS', address(rng, { withProvince: chance(rng, withProvince) }));

export const passportSeg = (rng: Rng): PiSeg => pi('CN_PASSPORT', passport(rng));
export const hmtPermitSeg = (rng: Rng): PiSeg => pi('CN_HMT_PERMIT', hmtPermit(rng));

/** The document a travel-permit number belongs to, from its shape. */
export function hmtPermitLabel(v: string): string {
  if (/^[HM]/.test(v)) return '港澳居民来往内地通行证';
  if (/^C/.test(v)) return '往来港澳通行证';
  if (/^L/.test(v)) return '大陆居民往来台湾通行证';
  return '台湾居民来往大陆通行证';
}
export const hkIdSeg = (rng: Rng): PiSeg => pi('HK_ID', hkId(rng));
export const moIdSeg = (rng: Rng): PiSeg => pi('MO_ID', moId(rng));
export const twIdSeg = (rng: Rng): PiSeg => pi('TW_ID', twId(rng));
export const foreignerPrIdSeg = (rng: Rng): PiSeg =>
  pi('CN_FOREIGNER_PR_ID', foreignerPrId(rng, { legacy2017: chance(rng, 0.15) }));
export const usccSeg = (rng: Rng): PiSeg => pi('CN_USCC', uscc(rng));

/** Year, month, day of a synthetic birth date. */
export function birthYmd(rng: Rng): [number, number, number] {
  const m = /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})/.exec(birthDate(rng));
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return [int(rng, 1955, 2004), int(rng, 1, 12), int(rng, 1, 28)];
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** A birth date in one of the ways forms and spreadsheets write it. */
export function formatDate(rng: Rng, [y, m, d]: readonly [number, number, number]): string {
  const r = rng();
  if (r < 0.45) return `${y}-${p2(m)}-${p2(d)}`;
  if (r < 0.6) return `${y}/${m}/${d}`;
  if (r < 0.75) return `${y}年${m}月${d}日`;
  if (r < 0.85) return `${y}.${p2(m)}.${p2(d)}`;
  return `${y}${p2(m)}${p2(d)}`;
}

export function birthDateSeg(rng: Rng, ymd?: readonly [number, number, number]): PiSeg {
  return pi('BIRTH_DATE', formatDate(rng, ymd ?? birthYmd(rng)));
}

/** Birth date embedded in an 18-digit ID (positions 7–14). */
export function idBirth(id: string): [number, number, number] | undefined {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{3}[\dX]$/i.exec(compact(id));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export const nonNameSeg = (rng: Rng): NegSeg => neg('name-like-word', nonNameWord(rng));
/**
 * A sentence that names places but holds no address. Phrases carrying digit runs or dotted quads are
 * skipped: they may hold a valid mobile or IP, which a scanner would rightly report.
 */
export function nonAddressSeg(rng: Rng): NegSeg {
  for (;;) {
    const v = nonAddressPhrase(rng);
    if (!/\d{5,}|\d+\.\d+\.\d+\.\d+/.test(v)) return neg('address-like-phrase', v);
  }
}

// ---------------------------------------------------------------------------------------------
// Hard negatives.

/** 18- or 19-digit e-commerce order number: neither a valid ID nor Luhn-valid. */
export function orderNo(rng: Rng): NegSeg {
  const n = chance(rng, 0.7) ? 18 : 19;
  return neg('order-number-18', cleanDigits(rng, n, '1234'));
}

/** Payment / transaction serial (often date-prefixed, 18–24 digits). */
export function txnSerial(rng: Rng): NegSeg {
  const y = int(rng, 2022, 2025);
  const head = `${y}${p2(int(rng, 1, 12))}${p2(int(rng, 1, 28))}`;
  for (;;) {
    const d = head + digits(rng, pick(rng, [10, 10, 12, 16]));
    if (digitRunIsClean(d)) return neg('txn-serial', d);
  }
}

/** Courier waybill numbers. */
export function waybill(rng: Rng): NegSeg {
  const r = rng();
  if (r < 0.3) return neg('waybill', `SF${cleanDigits(rng, 13)}`);
  if (r < 0.5) return neg('waybill', `YT${cleanDigits(rng, 13)}`);
  if (r < 0.65) return neg('waybill', `JT${cleanDigits(rng, 13)}`);
  if (r < 0.85) return neg('waybill', `7${cleanDigits(rng, 13, '35')}`);
  return neg('waybill', cleanDigits(rng, 15, '4'));
}

/** A resident ID whose check character is wrong. */
export function badCheckId(rng: Rng): NegSeg {
  return neg('id-bad-check', corruptCheckChar(residentId18(rng)));
}

/** A resident-ID-shaped number with an impossible birth date (but a correct check character). */
export function badDateId(rng: Rng): NegSeg {
  return neg('id-impossible-date', impossibleDateId(rng));
}

/** Epoch timestamps: 13-digit milliseconds or 10-digit seconds, 2023–2025. */
export function epochMs(rng: Rng): number {
  return int(rng, 1_672_531_200, 1_767_225_599) * 1000 + int(rng, 0, 999);
}

export function timestampNeg(rng: Rng): NegSeg {
  const ms = epochMs(rng);
  return chance(rng, 0.7)
    ? neg('timestamp-ms', String(ms))
    : neg('timestamp-s', String(Math.floor(ms / 1000)));
}

/** Compact date-time `yyyyMMddHHmmss[SSS]`. */
export function compactTimestamp(rng: Rng): NegSeg {
  const s = `${int(rng, 2022, 2025)}${p2(int(rng, 1, 12))}${p2(int(rng, 1, 28))}${p2(int(rng, 0, 23))}${p2(int(rng, 0, 59))}${p2(int(rng, 0, 59))}`;
  return neg('timestamp-compact', chance(rng, 0.5) ? s : s + digits(rng, 3));
}

/** `2024-03-15 10:23:11`-style date-time (not a birth date). */
export function dateTime(rng: Rng, sep = ' '): string {
  return `${int(rng, 2023, 2025)}-${p2(int(rng, 1, 12))}-${p2(int(rng, 1, 28))}${sep}${p2(int(rng, 0, 23))}:${p2(int(rng, 0, 59))}:${p2(int(rng, 0, 59))}`;
}

export function dateTimeNeg(rng: Rng, sep = ' '): NegSeg {
  return neg('datetime', dateTime(rng, sep));
}

/** A recent calendar date (hire date, registration date): not a birth date. */
export function recentDateNeg(rng: Rng): NegSeg {
  return neg('date-not-birth', formatDate(rng, [int(rng, 2008, 2025), int(rng, 1, 12), int(rng, 1, 28)]));
}

/** 11-digit numbers starting 10, 11 or 12 (ticket numbers, customer numbers): not mobiles. */
export function elevenDigitNonMobile(rng: Rng): NegSeg {
  return neg('11-digit-10-12', `1${pick(rng, ['0', '1', '2'])}${digits(rng, 9)}`);
}

export function unallocatedMobile(rng: Rng): NegSeg {
  return neg('unallocated-mobile', unallocatedMobileLike(rng));
}

export function luhnBadCard(rng: Rng): NegSeg {
  return neg('luhn-invalid-card', luhnInvalidCardLike(rng));
}

const HEX = '0123456789abcdef';
function hex(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += HEX[Math.floor(rng() * 16)]!;
  return s;
}

/** A hex digest; sometimes with a long decimal run inside, the hard case. */
export function hashNeg(rng: Rng, len = 64): NegSeg {
  let h = hex(rng, len);
  if (chance(rng, 0.3)) {
    const run = chance(rng, 0.5) ? mobile(rng, { format: 'plain' }) : residentId18(rng).slice(0, 17) + '1';
    const at = int(rng, 1, len - run.length - 1);
    h = h.slice(0, at) + run + h.slice(at + run.length);
    h = h.slice(0, len);
  }
  return neg('hash', h);
}

export function uuidNeg(rng: Rng): NegSeg {
  const h = hex(rng, 32);
  const tail = chance(rng, 0.2) ? digits(rng, 12) : h.slice(20);
  return neg('uuid', `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${tail}`);
}

export function traceIdNeg(rng: Rng): NegSeg {
  return neg('trace-id', hex(rng, 32));
}

/** Numeric user id (9–15 digits), never Luhn-valid at IMEI length. */
export function userIdNeg(rng: Rng): NegSeg {
  return neg('user-id', cleanDigits(rng, int(rng, 9, 15)));
}

/** Snowflake-style 18/19-digit ids (Twitter/Douyin-like), cleaned of ID/Luhn look-alikes. */
export function snowflakeNeg(rng: Rng): NegSeg {
  return neg('snowflake-id', cleanDigits(rng, pick(rng, [18, 19]), '167'));
}

const URL_TEMPLATES: readonly ((rng: Rng) => string)[] = [
  (rng) => `https://item.jd.com/${cleanDigits(rng, int(rng, 11, 14))}.html`,
  (rng) => `https://detail.tmall.com/item.htm?id=${cleanDigits(rng, 12)}&skuId=${cleanDigits(rng, 13)}`,
  (rng) => `https://www.douyin.com/video/${cleanDigits(rng, 19, '7')}`,
  (rng) => `https://weibo.com/${cleanDigits(rng, 10)}/${hex(rng, 9)}`,
  (rng) => `https://mp.weixin.qq.com/s/${hex(rng, 22)}`,
  (rng) => `https://api.example.cn/v2/orders/${cleanDigits(rng, 18, '1234')}?sign=${hex(rng, 32)}`,
  (rng) => `https://cdn.example.com/img/${int(rng, 2021, 2025)}/${hex(rng, 40)}.jpg`,
  (rng) => `https://www.bilibili.com/video/BV1${hex(rng, 9)}?t=${int(rng, 1, 3000)}`,
  (rng) => `https://s.example.cn/r?uid=${cleanDigits(rng, 16)}&ts=${epochMs(rng)}`,
];

export function urlNeg(rng: Rng): NegSeg {
  return neg('url-with-number', pick(rng, URL_TEMPLATES)(rng));
}

/** Money amounts in the usual written forms. */
export function amountNeg(rng: Rng): NegSeg {
  const yuan = int(rng, 1, 99_999);
  const fen = p2(int(rng, 0, 99));
  const r = rng();
  if (r < 0.35) return neg('amount', `${yuan}.${fen}`);
  if (r < 0.55) return neg('amount', `¥${yuan.toLocaleString('en-US')}.${fen}`);
  if (r < 0.75) return neg('amount', `${yuan}元`);
  if (r < 0.9) return neg('amount', `RMB ${yuan.toLocaleString('en-US')}.${fen}`);
  return neg('amount', `${int(rng, 1000, 99_999_999)}.${fen}`);
}

const SERVICE_NUMBERS = [
  '95588',
  '95533',
  '95599',
  '95566',
  '95555',
  '10086',
  '10010',
  '10000',
  '12345',
  '12315',
  '12306',
  '114',
  '110',
  '120',
];

/** Hotline numbers: 95xxx, 100xx, 123xx, 400/800 numbers. Public, not personal. */
export function serviceNumberNeg(rng: Rng): NegSeg {
  const r = rng();
  if (r < 0.45) return neg('service-number', pick(rng, SERVICE_NUMBERS));
  if (r < 0.85) return neg('service-number', `400-${digits(rng, 3)}-${digits(rng, 4)}`);
  return neg(
    'service-number',
    `800${pick(rng, ['-', ''])}${digits(rng, 3)}${pick(rng, ['-', ''])}${digits(rng, 4)}`,
  );
}

export function versionNeg(rng: Rng): NegSeg {
  const r = rng();
  if (r < 0.4) return neg('version', `v${int(rng, 1, 9)}.${int(rng, 0, 30)}.${int(rng, 0, 99)}`);
  if (r < 0.7)
    return neg(
      'version',
      `${int(rng, 1, 20)}.${int(rng, 0, 9)}.${int(rng, 1000, 25999)}.${int(rng, 256, 9999)}`,
    );
  return neg(
    'version',
    `${int(rng, 1, 9)}.${int(rng, 0, 20)}.${int(rng, 0, 20)}-build${int(rng, 100, 9999)}`,
  );
}

/** IMSI (460 + MNC + MSIN), Luhn-invalid so it cannot pass as an IMEI. */
export function imsiNeg(rng: Rng): NegSeg {
  for (;;) {
    const v = `460${pick(rng, ['00', '01', '02', '03', '11'])}${digits(rng, 10)}`;
    if (!luhnValid(v)) return neg('imsi', v);
  }
}

/** 15-digit device serials that are not IMEIs (Luhn-invalid). */
export function serial15Neg(rng: Rng): NegSeg {
  for (;;) {
    const v = `${int(rng, 10, 99)}${digits(rng, 13)}`;
    if (!luhnValid(v)) return neg('serial-15', v);
  }
}

/** A product / SKU code shaped like an old passport number (letter + 8 digits). */
export function skuNeg(rng: Rng): NegSeg {
  return neg('sku-code', `${pick(rng, ['SKU', 'P', 'A', 'B'])}${digits(rng, 8)}`);
}

/** A USCC with its check character changed. */
export function badUscc(rng: Rng): NegSeg {
  const v = uscc(rng);
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const last = v[v.length - 1]!;
  let c = last;
  while (c === last) c = pick(rng, alphabet.split(''));
  return neg('uscc-bad-check', v.slice(0, -1) + c);
}

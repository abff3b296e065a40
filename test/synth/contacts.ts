/**
 * Synthetic contact and device identifiers: mobile and landline numbers, bank cards, plates,
 * e-mail addresses, IP and MAC addresses, IMEIs. Each generator takes an `Rng` and returns a value
 * that the matching `src/pi/` module validates, written the way people write it (a choice of
 * separators where they use them). Values are random, made to pass the format rules; they are not
 * anyone's real number.
 *
 * Hard negatives (`luhnInvalidCardLike`, `unallocatedMobileLike`) look right but must fail.
 *
 * @module
 */

import { AREA_CODES } from '../../src/pi/data/area-codes.ts';
import { BANK_BINS } from '../../src/pi/data/bank-bins.ts';
import { MOBILE_SEGMENTS } from '../../src/pi/data/mobile-prefixes.ts';
import { ipScope } from '../../src/pi/ip-address.ts';
import { digits, int, pick, type Rng } from './rng.ts';

const AREA_LIST = [...AREA_CODES].filter(([, info]) => !info.historical).map(([code]) => code);
const SEGMENT_PREFIXES = MOBILE_SEGMENTS.map(([prefix]) => prefix);
/** Card BINs usable for 16–19-digit cards (Amex co-brands are 15 digits). */
const CARD_BINS = Object.values(BANK_BINS)
  .flat()
  .filter((p) => !p.startsWith('34') && !p.startsWith('37'));
const UNIONPAY_BINS = CARD_BINS.filter((p) => p.startsWith('62'));
const PROVINCES = Array.from('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼');
const SERIAL = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const ENERGY = 'DABCEFGHJK';
const SUFFIXES = Array.from('学警挂港澳领');
const SYLLABLES = [
  'zhang',
  'wang',
  'li',
  'liu',
  'chen',
  'yang',
  'zhao',
  'huang',
  'zhou',
  'wu',
  'xu',
  'sun',
  'hu',
  'zhu',
  'gao',
  'lin',
  'he',
  'guo',
  'ma',
  'luo',
  'wei',
  'fang',
  'ming',
  'hua',
  'jun',
  'xiao',
  'yu',
  'jie',
  'ting',
  'hao',
];
const EMAIL_DOMAINS = [
  'qq.com',
  '163.com',
  '126.com',
  'sina.com',
  'foxmail.com',
  'aliyun.com',
  'example.com',
  'example.cn',
  'mail.example.org',
  'corp.example.net',
];

/** The Luhn check digit that completes `partial`. */
export function luhnCheckDigit(partial: string): string {
  let sum = 0;
  let double = true; // the check digit will take the rightmost position
  for (let i = partial.length - 1; i >= 0; i--) {
    let d = partial.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return String((10 - (sum % 10)) % 10);
}

function group(s: string, sizes: readonly number[], sep: string): string {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) {
    out.push(s.slice(i, i + n));
    i += n;
  }
  if (i < s.length) out.push(s.slice(i));
  return out.join(sep);
}

/** An 11-digit mobile number in an allocated MIIT segment. */
export function mobile(rng: Rng, opts?: { format?: 'plain' | 'spaced' | 'dashed' | '+86' }): string {
  const prefix = pick(rng, SEGMENT_PREFIXES);
  const n = prefix + digits(rng, 11 - prefix.length);
  switch (opts?.format ?? pick(rng, ['plain', 'plain', 'spaced', 'dashed', '+86'] as const)) {
    case 'plain':
      return n;
    case 'spaced':
      return group(n, [3, 4], ' ');
    case 'dashed':
      return group(n, [3, 4], '-');
    case '+86':
      return '+86 ' + group(n, [3, 4], ' ');
  }
}

/** A fixed-line number with a real area code, e.g. `010-62345678`, `(0755)2345678`. */
export function landline(rng: Rng, opts?: { extension?: boolean }): string {
  const area = pick(rng, AREA_LIST);
  const localLength = area.length === 3 ? 8 : pick(rng, [7, 8]);
  const local = String(int(rng, 2, 9)) + digits(rng, localLength - 1);
  const ext = opts?.extension ? pick(rng, ['转', '-', ' ext ']) + digits(rng, int(rng, 2, 4)) : '';
  const style = int(rng, 0, 3);
  if (style === 0) return area + '-' + local + ext;
  if (style === 1) return '(' + area + ')' + local + ext;
  if (style === 2) return area + ' ' + group(local, [local.length - 4], ' ') + ext;
  return area + local + ext;
}

/** A Luhn-valid card number on a real Chinese bank BIN, plain or grouped by 4. */
export function bankCard(rng: Rng, opts?: { length?: 16 | 17 | 18 | 19; grouped?: boolean }): string {
  const length = opts?.length ?? pick(rng, [16, 19] as const);
  // Most cards in circulation are UnionPay.
  const bin = rng() < 0.7 ? pick(rng, UNIONPAY_BINS) : pick(rng, CARD_BINS);
  const body = bin + digits(rng, length - 1 - bin.length);
  const card = body + luhnCheckDigit(body);
  return (opts?.grouped ?? rng() < 0.3) ? group(card, [4, 4, 4, 4], ' ') : card;
}

/** A card-like number whose Luhn check digit is wrong (same BINs and lengths as `bankCard`). */
export function luhnInvalidCardLike(rng: Rng, opts?: { length?: 16 | 17 | 18 | 19 }): string {
  const card = bankCard(rng, { ...opts, grouped: false });
  const check = card.charCodeAt(card.length - 1) - 48;
  return card.slice(0, -1) + String((check + int(rng, 1, 9)) % 10);
}

/** 11 digits that look like a mobile number but start with an unallocated 10x/11x/12x/154 prefix. */
export function unallocatedMobileLike(rng: Rng): string {
  const prefix = pick(rng, ['10', '11', '12', '154']);
  return prefix + digits(rng, 11 - prefix.length);
}

function serial(rng: Rng, n: number, maxLetters: number): string {
  let s = '';
  let letters = 0;
  for (let i = 0; i < n; i++) {
    if (letters < maxLetters && rng() < 0.2) {
      s += pick(rng, Array.from(SERIAL));
      letters++;
    } else s += String(int(rng, 0, 9));
  }
  return s;
}

/** A GA 36 plate: ordinary, new-energy or special, sometimes written with `·`. */
export function plate(rng: Rng, opts?: { kind?: 'ordinary' | 'new-energy' | 'special' }): string {
  const head = pick(rng, PROVINCES) + pick(rng, Array.from('ABCDEFGHJKLMNPQRSTUVWXYZ'));
  const dot = rng() < 0.3 ? '·' : '';
  switch (opts?.kind ?? pick(rng, ['ordinary', 'ordinary', 'new-energy', 'special'] as const)) {
    case 'ordinary':
      return head + dot + serial(rng, 5, 2);
    case 'new-energy':
      return rng() < 0.7
        ? head + dot + pick(rng, Array.from(ENERGY)) + serial(rng, 1, 1) + digits(rng, 4)
        : head + dot + digits(rng, 5) + pick(rng, Array.from(ENERGY));
    case 'special':
      return head + dot + digits(rng, 4) + pick(rng, SUFFIXES);
  }
}

/** An e-mail address: pinyin-style or numeric (QQ-style) local part at a common provider. */
export function email(rng: Rng): string {
  const domain = pick(rng, EMAIL_DOMAINS);
  if (domain === 'qq.com' && rng() < 0.5)
    return String(int(rng, 1, 9)) + digits(rng, int(rng, 5, 9)) + '@' + domain;
  const sep = pick(rng, ['', '.', '_', '-']);
  const local =
    pick(rng, SYLLABLES) + sep + pick(rng, SYLLABLES) + (rng() < 0.6 ? digits(rng, int(rng, 1, 4)) : '');
  return local + '@' + domain;
}

/** An IPv4 address; public by default. */
export function ipv4(rng: Rng, opts?: { scope?: 'public' | 'private' }): string {
  if (opts?.scope === 'private') {
    switch (int(rng, 0, 2)) {
      case 0:
        return `10.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
      case 1:
        return `172.${int(rng, 16, 31)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
      default:
        return `192.168.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
    }
  }
  for (;;) {
    const ip = `${int(rng, 1, 223)}.${int(rng, 0, 255)}.${int(rng, 0, 255)}.${int(rng, 1, 254)}`;
    if (ipScope(ip) === 'public') return ip;
  }
}

/** A public (2000::/3) IPv6 address, full or `::`-compressed. */
export function ipv6(rng: Rng): string {
  for (;;) {
    const groups = [int(rng, 0x2000, 0x2fff), int(rng, 0, 0xffff), int(rng, 0, 0xffff)];
    const zeros = int(rng, 0, 3); // a run of zero groups, as in real allocations
    for (let i = 3; i < 8; i++) groups.push(i < 3 + zeros ? 0 : int(rng, 0, 0xffff));
    const hex = groups.map((g) => g.toString(16));
    const ip = zeros >= 2 ? hex.slice(0, 3).join(':') + '::' + hex.slice(3 + zeros).join(':') : hex.join(':');
    if (ipScope(ip) === 'public') return rng() < 0.2 ? ip.toUpperCase() : ip;
  }
}

/** A 15-digit IMEI with a valid Luhn check digit, plain or as `AA-BBBBBB-CCCCCC-D`. */
export function imei(rng: Rng): string {
  const body = pick(rng, ['35', '86', '01', '99', '49']) + digits(rng, 12);
  const full = body + luhnCheckDigit(body);
  return rng() < 0.3 ? group(full, [2, 6, 6], '-') : full;
}

/** A universally administered unicast MAC address in colon, hyphen or Cisco form. */
export function mac(rng: Rng): string {
  const octets = [int(rng, 0, 63) * 4]; // I/G and U/L bits clear
  for (let i = 1; i < 6; i++) octets.push(int(rng, 0, 255));
  let hex = octets.map((o) => o.toString(16).padStart(2, '0')).join('');
  if (hex === '000000000000') hex = '00000000000a';
  const upper = rng() < 0.6;
  const h = upper ? hex.toUpperCase() : hex;
  switch (int(rng, 0, 2)) {
    case 0:
      return group(h, [2, 2, 2, 2, 2], ':');
    case 1:
      return group(h, [2, 2, 2, 2, 2], '-');
    default:
      return group(hex, [4, 4], '.');
  }
}

/**
 * Synthetic identity-document numbers for tests, the labelled corpus and benchmarks.
 *
 * Every generator takes an `Rng` and returns a value that the matching `src/pi` type validates
 * (checksums computed, real birth dates in the past, region codes drawn from the historical table,
 * some of them no longer current). The numbers are made up: any resemblance to a real person's number
 * is chance. `corruptCheckChar` and `impossibleDateId` make hard negatives.
 *
 * @module
 */

import { residentIdCheckChar } from '../../src/pi/cn-resident-id.ts';
import { gb11714CheckChar, USCC_ALPHABET, usccCheckChar } from '../../src/pi/cn-uscc.ts';
import { hkIdCheckChar } from '../../src/pi/hk-id.ts';
import { listRegions } from '../../src/pi/regions.ts';
import { isRealDate } from '../../src/pi/text.ts';
import { twIdCheckDigit } from '../../src/pi/tw-id.ts';
import { digits, int, pick, type Rng } from './rng.ts';

const UPPER = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
/** Letters allowed after `E` (passports) and `C` (permits): no I, no O. */
const LETTERS_NO_IO = [...'ABCDEFGHJKLMNPQRSTUVWXYZ'];

interface RegionPools {
  readonly current: readonly string[];
  readonly historical: readonly string[];
  readonly provinces: readonly string[];
  readonly prefectures: readonly string[];
}
let pools: RegionPools | undefined;

/** County-level mainland codes split into current and historical-only, built once from the table. */
function regionPools(): RegionPools {
  if (pools) return pools;
  const current: string[] = [];
  const historical: string[] = [];
  const provinces: string[] = [];
  const prefectures: string[] = [];
  for (const r of listRegions()) {
    const p = r.code.charCodeAt(0) - 48;
    if (p < 1 || p > 6) continue;
    if (r.code.endsWith('0000')) {
      if (r.to === null) provinces.push(r.code);
    } else if (r.code.endsWith('00')) {
      if (r.to === null) prefectures.push(r.code);
    } else (r.to === null ? current : historical).push(r.code);
  }
  pools = { current, historical, provinces, prefectures };
  return pools;
}

/** A random real date with the year in [from, to], as 8 digits YYYYMMDD. */
function randomDate(rng: Rng, from: number, to: number): { y: number; m: number; d: number } {
  const y = int(rng, from, to);
  const m = int(rng, 1, 12);
  let d = int(rng, 1, 31);
  while (!isRealDate(y, m, d)) d--;
  return { y, m, d };
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Options of `residentId`. */
export interface ResidentIdOptions {
  /** A 15-digit legacy number (birth year 19YY). */
  readonly legacy15?: boolean;
  /** A residence permit for Hong Kong, Macao or Taiwan residents (810000/820000/830000). */
  readonly permit?: 'hk' | 'mo' | 'tw';
  /** Force a check character `X`, written lower-case. */
  readonly lowerX?: boolean;
  /** Birth years, inclusive; default [1930, 2015] ([1930, 1999] for legacy numbers). */
  readonly birthYearRange?: readonly [number, number];
}

const PERMIT_CODES = { hk: '810000', mo: '820000', tw: '830000' } as const;

/** A valid resident ID number (18 digits by default); about one in five uses a historical region code. */
export function residentId(rng: Rng, opts: ResidentIdOptions = {}): string {
  const { current, historical } = regionPools();
  const region = opts.permit
    ? PERMIT_CODES[opts.permit]
    : rng() < 0.2 && !opts.lowerX
      ? pick(rng, historical)
      : pick(rng, current);
  let [from, to] = opts.birthYearRange ?? (opts.legacy15 ? [1930, 1999] : [1930, 2015]);
  if (opts.legacy15) {
    from = Math.max(from, 1900);
    to = Math.min(to, 1999);
  }
  const { y, m, d } = randomDate(rng, from, to);
  if (opts.legacy15) return `${region}${pad(y % 100, 2)}${pad(m, 2)}${pad(d, 2)}${digits(rng, 3)}`;
  const body = `${region}${y}${pad(m, 2)}${pad(d, 2)}`;
  for (;;) {
    const first17 = body + digits(rng, 3);
    const check = residentIdCheckChar(first17);
    if (!opts.lowerX) return first17 + check;
    if (check === 'X') return `${first17}x`;
  }
}

/** ISO 3166-1 numeric and alpha-3 codes of a few countries, for permanent residence IDs. */
const NATIONALITIES: readonly (readonly [string, string])[] = [
  ['840', 'USA'],
  ['826', 'GBR'],
  ['392', 'JPN'],
  ['410', 'KOR'],
  ['276', 'DEU'],
  ['250', 'FRA'],
  ['124', 'CAN'],
  ['036', 'AUS'],
  ['643', 'RUS'],
  ['702', 'SGP'],
];

/** A valid foreigner's permanent residence ID: the 2023 18-digit form, or the 2017 15-character one. */
export function foreignerPrId(rng: Rng, opts: { readonly legacy2017?: boolean } = {}): string {
  const { provinces } = regionPools();
  const [numeric, alpha] = pick(rng, NATIONALITIES);
  const province = pick(rng, provinces).slice(0, 2);
  if (opts.legacy2017) return `${alpha}${province}${digits(rng, 10)}`;
  const { y, m, d } = randomDate(rng, 1940, 2010);
  const first17 = `9${province}${numeric}${y}${pad(m, 2)}${pad(d, 2)}${digits(rng, 3)}`;
  return first17 + residentIdCheckChar(first17);
}

/** Authority + category pairs with rough weights (enterprises and sole traders dominate). */
const USCC_PREFIXES: readonly string[] = [
  ...Array<string>(12).fill('91'),
  ...Array<string>(5).fill('92'),
  '93',
  '11',
  '12',
  '13',
  '31',
  '51',
  '52',
  '53',
  'A1',
  'N2',
  'Y1',
];
const NON_DIGIT_SYMBOLS = [...USCC_ALPHABET.slice(10)];

/** A valid unified social credit code with a consistent embedded GB 11714 organisation code. */
export function uscc(rng: Rng): string {
  const { current, prefectures } = regionPools();
  const prefix = pick(rng, USCC_PREFIXES);
  const r = rng();
  const region = r < 0.05 ? '100000' : r < 0.4 ? pick(rng, prefectures) : pick(rng, current);
  let org: string;
  if (rng() < 0.5) org = digits(rng, 8);
  else {
    org = 'MA';
    for (let i = 0; i < 6; i++) org += rng() < 0.7 ? digits(rng, 1) : pick(rng, NON_DIGIT_SYMBOLS);
  }
  const first17 = `${prefix}${region}${org}${gb11714CheckChar(org)!}`;
  return first17 + usccCheckChar(first17);
}

/** A valid Hong Kong identity card number, usually with the check character in parentheses. */
export function hkId(rng: Rng): string {
  const letters = rng() < 0.8 ? pick(rng, UPPER) : pick(rng, UPPER) + pick(rng, UPPER);
  const prefix = letters + digits(rng, 6);
  const check = hkIdCheckChar(prefix);
  return rng() < 0.7 ? `${prefix}(${check})` : prefix + check;
}

/** A Macao resident identity card number (format only), usually with the last digit in parentheses. */
export function moId(rng: Rng): string {
  const body = pick(rng, ['1', '5', '7']) + digits(rng, 6);
  const last = digits(rng, 1);
  return rng() < 0.7 ? `${body}(${last})` : body + last;
}

/** A valid Taiwan ID number; one in ten is a new-style resident certificate (8/9). */
export function twId(rng: Rng): string {
  const second = rng() < 0.9 ? pick(rng, ['1', '2']) : pick(rng, ['8', '9']);
  const prefix = pick(rng, UPPER) + second + digits(rng, 7);
  return prefix + twIdCheckDigit(prefix);
}

/** A passport number in one of the formats CN_PASSPORT accepts. */
export function passport(rng: Rng): string {
  switch (int(rng, 0, 8)) {
    case 0:
    case 1:
      return `E${digits(rng, 8)}`;
    case 2:
      return `E${pick(rng, LETTERS_NO_IO)}${digits(rng, 7)}`;
    case 3:
      return `G${digits(rng, 8)}`;
    case 4:
      return `${pick(rng, ['PE', 'SE', 'DE'])}${digits(rng, 7)}`;
    case 5:
      return `MA${digits(rng, 7)}`;
    case 6:
      return `K${digits(rng, 8)}`;
    case 7:
      return `${pick(rng, ['14', '15'])}${digits(rng, 7)}`;
    default:
      return `E${pick(rng, LETTERS_NO_IO)}${digits(rng, 7)}`;
  }
}

/** A travel permit number in one of the formats CN_HMT_PERMIT accepts. */
export function hmtPermit(rng: Rng): string {
  switch (int(rng, 0, 6)) {
    case 0:
      return `H${digits(rng, 8)}${rng() < 0.5 ? digits(rng, 2) : ''}`;
    case 1:
      return `M${digits(rng, 8)}${rng() < 0.5 ? digits(rng, 2) : ''}`;
    case 2:
      return `C${digits(rng, 8)}`;
    case 3:
      return `C${pick(rng, LETTERS_NO_IO)}${digits(rng, 7)}`;
    case 4:
      return `L${digits(rng, 8)}`;
    case 5:
      return digits(rng, 8);
    default:
      return digits(rng, 10);
  }
}

/** A real past date (1930–2015) written in one of the forms BIRTH_DATE accepts. */
export function birthDate(rng: Rng): string {
  const { y, m, d } = randomDate(rng, 1930, 2015);
  switch (int(rng, 0, 4)) {
    case 0:
      return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
    case 1:
      return `${y}/${m}/${d}`;
    case 2:
      return `${y}.${pad(m, 2)}.${pad(d, 2)}`;
    case 3:
      return `${y}${pad(m, 2)}${pad(d, 2)}`;
    default:
      return `${y}年${m}月${d}日`;
  }
}

/** The symbols a check character may take, by the shape of the number. */
function checkPool(core: string): string {
  if (/^\d{17}[\dX]$/i.test(core)) return '0123456789X';
  if (core.length === 18) return USCC_ALPHABET;
  if (/^[A-Z]{1,2}\d{6}[\dA]$/i.test(core)) return '0123456789A';
  return '0123456789';
}

/**
 * The same number with a different, wrong check character (resident ID, foreigner PR ID, USCC, HK or
 * TW ID), keeping its formatting (parentheses, case). Without `rng` the next symbol is taken.
 */
export function corruptCheckChar(id: string, rng?: Rng): string {
  let i = id.length - 1;
  while (i >= 0 && !/[0-9A-Za-z]/.test(id[i]!)) i--;
  if (i < 0) throw new RangeError('no check character');
  const core = id.replace(/[^0-9A-Za-z]/g, '');
  const pool = checkPool(core);
  const current = id[i]!.toUpperCase();
  const others = [...pool].filter((c) => c !== current);
  const replacement = rng ? pick(rng, others) : pool[(pool.indexOf(current) + 1) % pool.length]!;
  return id.slice(0, i) + replacement + id.slice(i + 1);
}

/** A resident ID whose checksum is right but whose birth date cannot exist (month 13, 31 April …). */
export function impossibleDateId(rng: Rng): string {
  const region = pick(rng, regionPools().current);
  const y = int(rng, 1950, 2010);
  const [m, d] = pick(rng, [
    [13, int(rng, 1, 28)],
    [0, int(rng, 1, 28)],
    [int(rng, 1, 12), 0],
    [int(rng, 1, 12), 32],
    [2, 30],
    [4, 31],
    [6, 31],
    [9, 31],
    [11, 31],
    ...(y % 4 !== 0 ? [[2, 29] as const] : []),
  ] as const);
  const first17 = `${region}${y}${pad(m, 2)}${pad(d, 2)}${digits(rng, 3)}`;
  return first17 + residentIdCheckChar(first17);
}

/**
 * Which PI types a run of digit/letter groups could be, by shape alone.
 *
 * A token such as `+86 139 1234 5678` or `6222 0212 3456 7890 128` arrives as groups ("words")
 * with the separator before each. People group numbers in a few conventional ways; only those
 * groupings are joined (so `2023 13812345678` stays two numbers, and a UUID's groups never make a
 * card). Everything else is judged group by group. The validators decide; this only proposes.
 *
 * @module
 */
import type { PiTypeId } from '../pi/types.ts';

/** A conventional grouping: group lengths (`[min,max]`) and the separators allowed between them. */
export interface Grouping {
  readonly lengths: readonly (readonly [number, number])[];
  readonly seps: string;
  readonly types: readonly PiTypeId[];
  /** Extra test on the first group's text (e.g. country code, leading 0 of an area code). */
  readonly first?: FirstGroup;
  /** The last group may end with X (resident ID check character). */
  readonly lastMayEndWithX?: boolean;
  /**
   * Separators after the first may differ from it (any of `seps`): a landline's area code and
   * number are often joined differently from the number's halves (`0755-8888 8888`).
   */
  readonly mixedSeps?: boolean;
}

/**
 * Tests on a grouping's first group: a country code (`86`, `+86`, `0086`), a leading 0 (an area
 * code's trunk prefix), a year 19xx/20xx. Named rather than functions so the scanner can run them
 * on bytes (`firstGroupMatchesBytes`) without making the group's string.
 */
export type FirstGroup = 'countryCode' | 'startsWith0' | 'year';

const isCountryCode: FirstGroup = 'countryCode';
const startsWith0: FirstGroup = 'startsWith0';
const isYear: FirstGroup = 'year';

/** Whether the first group's text `w` passes `test`. */
export function firstGroupMatches(test: FirstGroup, w: string): boolean {
  switch (test) {
    case 'countryCode':
      return w === '86' || w === '+86' || w === '0086';
    case 'startsWith0':
      return w.charCodeAt(0) === 0x30;
    case 'year':
      return /^(?:19|20)\d\d$/.test(w);
  }
}

const isDigitByte = (c: number) => c >= 0x30 && c <= 0x39;

/** `firstGroupMatches` on ASCII bytes `b[from, from + len)`: the same answer, no string. */
export function firstGroupMatchesBytes(test: FirstGroup, b: Uint8Array, from: number, len: number): boolean {
  const c0 = b[from]!;
  switch (test) {
    case 'countryCode':
      if (len === 2) return c0 === 0x38 && b[from + 1] === 0x36;
      if (len === 3) return c0 === 0x2b && b[from + 1] === 0x38 && b[from + 2] === 0x36;
      return len === 4 && c0 === 0x30 && b[from + 1] === 0x30 && b[from + 2] === 0x38 && b[from + 3] === 0x36;
    case 'startsWith0':
      return len > 0 && c0 === 0x30;
    case 'year': {
      const c1 = b[from + 1]!;
      return (
        len === 4 &&
        ((c0 === 0x31 && c1 === 0x39) || (c0 === 0x32 && c1 === 0x30)) &&
        isDigitByte(b[from + 2]!) &&
        isDigitByte(b[from + 3]!)
      );
    }
  }
}
const DASH_SPACE = ' -';

/** Tried longest first at every group. */
export const GROUPINGS: readonly Grouping[] = [
  {
    lengths: [
      [2, 4],
      [3, 3],
      [4, 4],
      [4, 4],
    ],
    seps: DASH_SPACE,
    types: ['CN_MOBILE'],
    first: isCountryCode,
  },
  {
    lengths: [
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
      [1, 3],
    ],
    seps: DASH_SPACE,
    types: ['CN_BANK_CARD'],
  },
  {
    lengths: [
      [4, 4],
      [4, 4],
      [4, 4],
      [4, 4],
    ],
    seps: DASH_SPACE,
    types: ['CN_BANK_CARD'],
  },
  {
    lengths: [
      [2, 2],
      [6, 6],
      [6, 6],
      [1, 2],
    ],
    seps: DASH_SPACE,
    types: ['IMEI'],
  },
  {
    lengths: [
      [6, 6],
      [8, 8],
      [4, 4],
    ],
    seps: DASH_SPACE,
    types: ['CN_RESIDENT_ID', 'CN_FOREIGNER_PR_ID'],
    lastMayEndWithX: true,
  },
  {
    lengths: [
      [2, 4],
      [3, 3],
      [8, 8],
    ],
    seps: DASH_SPACE,
    types: ['CN_MOBILE'],
    first: isCountryCode,
  },
  {
    lengths: [
      [2, 4],
      [2, 3],
      [3, 4],
      [4, 4],
    ],
    seps: DASH_SPACE,
    types: ['CN_LANDLINE'],
    first: isCountryCode,
    mixedSeps: true,
  },
  {
    lengths: [
      [3, 4],
      [3, 4],
      [4, 4],
      [1, 6],
    ],
    seps: ' -)',
    types: ['CN_LANDLINE'],
    first: startsWith0,
    mixedSeps: true,
  },
  {
    lengths: [
      [3, 4],
      [7, 8],
      [1, 6],
    ],
    seps: '-',
    types: ['CN_LANDLINE'],
    first: startsWith0,
  },
  {
    lengths: [
      [2, 4],
      [2, 3],
      [7, 8],
    ],
    seps: DASH_SPACE,
    types: ['CN_LANDLINE'],
    first: isCountryCode,
    mixedSeps: true,
  },
  {
    lengths: [
      [3, 3],
      [4, 4],
      [4, 4],
    ],
    seps: DASH_SPACE,
    types: ['CN_MOBILE'],
  },
  {
    lengths: [
      [3, 4],
      [3, 4],
      [4, 4],
    ],
    seps: ' -)',
    types: ['CN_LANDLINE'],
    first: startsWith0,
    mixedSeps: true,
  },
  {
    lengths: [
      [2, 4],
      [11, 11],
    ],
    seps: ' -)',
    types: ['CN_MOBILE'],
    first: isCountryCode,
  },
  {
    lengths: [
      [3, 4],
      [7, 8],
    ],
    seps: ' -)',
    types: ['CN_LANDLINE'],
    first: startsWith0,
  },
  {
    lengths: [
      [3, 3],
      [8, 8],
    ],
    seps: DASH_SPACE,
    types: ['CN_MOBILE'],
  },
  {
    lengths: [
      [4, 4],
      [1, 2],
      [1, 2],
    ],
    seps: '-/.',
    types: ['BIRTH_DATE'],
    first: isYear,
  },
  {
    lengths: [
      [1, 3],
      [1, 3],
      [1, 3],
      [1, 3],
    ],
    seps: '.',
    types: ['IP_ADDRESS'],
  },
];

const NONE: readonly PiTypeId[] = [];
const T8: readonly PiTypeId[] = ['BIRTH_DATE', 'CN_HMT_PERMIT'];
const T8_1: readonly PiTypeId[] = ['BIRTH_DATE', 'CN_HMT_PERMIT', 'MO_ID'];
const T8_MO: readonly PiTypeId[] = ['MO_ID', 'CN_HMT_PERMIT'];
const T8_HMT: readonly PiTypeId[] = ['CN_HMT_PERMIT'];
const T10_HMT: readonly PiTypeId[] = ['CN_HMT_PERMIT'];
const T9_1: readonly PiTypeId[] = ['CN_PASSPORT'];
const T10_0: readonly PiTypeId[] = ['CN_LANDLINE'];
const T11_1: readonly PiTypeId[] = ['CN_MOBILE'];
const T13: readonly PiTypeId[] = ['CN_MOBILE'];
const T14: readonly PiTypeId[] = ['IMEI'];
const T15: readonly PiTypeId[] = ['CN_RESIDENT_ID', 'IMEI'];
const T16: readonly PiTypeId[] = ['CN_BANK_CARD', 'IMEI'];
const T17: readonly PiTypeId[] = ['CN_BANK_CARD'];
const T18: readonly PiTypeId[] = ['CN_RESIDENT_ID', 'CN_BANK_CARD', 'CN_USCC'];
const T18_9: readonly PiTypeId[] = ['CN_FOREIGNER_PR_ID', 'CN_USCC', 'CN_BANK_CARD', 'CN_RESIDENT_ID'];
const T19: readonly PiTypeId[] = ['CN_BANK_CARD'];

/** Candidate types for one group of `len` ASCII digits whose first digit is `first` ('0'..'9'). */
export function digitTypes(len: number, first: number): readonly PiTypeId[] {
  switch (len) {
    case 8:
      // 19900131, 台胞证 12345678, Macao ID 1234567 + check digit written without brackets.
      return first === 0x31 ? T8_1 : first === 0x32 ? T8 : first === 0x35 || first === 0x37 ? T8_MO : T8_HMT;
    case 9:
      return first === 0x31 ? T9_1 : NONE;
    case 10:
      return first === 0x30 ? T10_0 : T10_HMT;
    case 12:
      return first === 0x30 ? T10_0 : NONE;
    case 11:
      return first === 0x31 ? T11_1 : first === 0x30 ? T10_0 : NONE;
    case 13:
      return first === 0x38 || first === 0x31 ? T13 : NONE;
    case 14:
      return T14;
    case 15:
      return T15;
    case 16:
      return T16;
    case 17:
      return T17;
    case 18:
      return first === 0x39 ? T18_9 : T18;
    case 19:
      return T19;
    default:
      return NONE;
  }
}

const ID_X: readonly PiTypeId[] = ['CN_RESIDENT_ID', 'CN_FOREIGNER_PR_ID', 'CN_USCC'];
const USCC: readonly PiTypeId[] = ['CN_USCC'];
const PR2017: readonly PiTypeId[] = ['CN_FOREIGNER_PR_ID'];
const DOC9: readonly PiTypeId[] = ['CN_PASSPORT', 'CN_HMT_PERMIT', 'HK_ID'];
const HK: readonly PiTypeId[] = ['HK_ID'];
const TW: readonly PiTypeId[] = ['TW_ID', 'CN_PASSPORT'];
const HMT11: readonly PiTypeId[] = ['CN_HMT_PERMIT'];

/**
 * Candidate types for one group mixing letters and digits (upper-cased), e.g. `E12345678`,
 * `91350100M000100Y43`, `A1234563`. Groups of letters only never name a type here.
 */
export function alnumTypes(w: string): readonly PiTypeId[] {
  const len = w.length;
  const c0 = w.charCodeAt(0);
  const startsLetter = c0 >= 0x41 && c0 <= 0x5a;
  switch (len) {
    case 18:
      // 17 digits + X, or a credit code (letters anywhere).
      return w.charCodeAt(17) === 0x58 && /^\d{17}X$/.test(w) ? ID_X : USCC;
    case 15:
      return startsLetter ? PR2017 : NONE;
    case 8:
    case 9:
      return startsLetter ? (len === 9 ? DOC9 : HK) : NONE;
    case 10:
      return startsLetter ? TW : NONE;
    case 11:
      return startsLetter ? HMT11 : NONE;
    default:
      return NONE;
  }
}

/**
 * Whether `alnumTypes` can name any type for a group of `len` characters, from whether it starts
 * with a letter: lets the scanner skip making the string of a group that cannot be anything.
 */
export function alnumMayHaveTypes(len: number, startsLetter: boolean): boolean {
  return len === 18 || (startsLetter && (len === 15 || (len >= 8 && len <= 11)));
}

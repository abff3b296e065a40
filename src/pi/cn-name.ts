/**
 * `CN_NAME`: Chinese personal names.
 *
 * A name has no checksum, so the value alone is weak evidence: `validate` checks the shape (2–4
 * Han characters led by a known surname, or a `·`-separated transliterated name such as
 * `买买提·艾力`) and scores 0.3–0.6. The scanner finds names through cues instead: `findNames`
 * looks for a name right after a cue word (`收件人：张伟`, `"姓名":"李娜"`, `我叫王秀英`), right
 * before a title (`王秀英女士`, `张先生`), or takes a whole field whose column says "name".
 *
 * Masking follows Hutool's `CHINESE_NAME` rule: keep the first character (`欧阳娜娜` → `欧***`).
 * To keep a compound surname whole (`欧阳**`, the form DESIGN.md shows), pass
 * `{ keepStart: surnameLength(value) }`.
 *
 * @module
 */

import { PREFECTURES, PROVINCES } from './data/places.ts';
import {
  COMPOUND_SURNAMES,
  GIVEN_NAME_CHARS,
  NON_GIVEN_CHARS,
  NON_NAME_WORDS,
  SINGLE_SURNAMES,
  type SurnameTier,
} from './data/surnames.ts';
import { foldWidth, keepEnds } from './text.ts';
import type { Check, MaskOptions, PiType, Validation } from './types.ts';

/** A name found in a text window; offsets are UTF-16 code units into the text passed in. */
export interface NameSpan {
  readonly start: number;
  readonly end: number;
  readonly score: number;
  /** The cue word that located the name (`收件人`, `先生` …), absent for whole-field matches. */
  readonly cue?: string;
}

/** Options of `findNames`. */
export interface FindNamesOptions {
  /** The text is the whole value of a field whose name says "name" (`姓名`, `real_name` …). */
  readonly fieldIsName?: boolean;
}

/** Words that announce a name right after them (`收件人：张伟`). ASCII ones are matched case-insensitively as whole words. */
export const NAME_CUES_BEFORE: readonly string[] = [
  '姓名',
  '名字',
  '真实姓名',
  '客户姓名',
  '联系人',
  '紧急联系人',
  '收件人',
  '收货人',
  '寄件人',
  '发件人',
  '客户',
  '户主',
  '机主',
  '持卡人',
  '开户人',
  '开户名',
  '法人',
  '法人代表',
  '法定代表人',
  '患者',
  '病人',
  '住客',
  '入住人',
  '乘客',
  '旅客',
  '学生',
  '员工',
  '申请人',
  '监护人',
  '投保人',
  '被保险人',
  '受益人',
  '借款人',
  '经办人',
  '负责人',
  '联络人',
  '对接人',
  '代理人',
  '委托人',
  '担保人',
  '保证人',
  '当事人',
  '报案人',
  '填表人',
  // Who made, checked or signed off a report or form (a PDF report's footer, a file's author).
  '制表人',
  '编制人',
  '审核人',
  '复核人',
  '审批人',
  '录入人',
  '作者',
  '收款人',
  '付款人',
  '汇款人',
  '户名',
  '账户名',
  '取件人',
  '领取人',
  '配偶',
  '签收人',
  '签名',
  '签字',
  '业主',
  '租客',
  '房东',
  '我叫',
  '名叫',
  '叫做',
  '我是',
  '本人',
  'name',
  'fullname',
  'full_name',
  'realname',
  'real_name',
  'contact',
  'contact_name',
  'customer',
  'customer_name',
  'consignee',
  'receiver',
  'author',
  // Keys of log lines and query strings (`user=张三`, `owner:李明`), and the pinyin initials
  // Chinese schemas use for 姓名 / 联系人 / 收件人 / 收货人.
  'user',
  'username',
  'user_name',
  'owner',
  'holder',
  'applicant',
  'patient',
  'employee',
  'buyer',
  'buyer_name',
  'sender',
  'recipient',
  'xm',
  'xingming',
  'lxr',
  'sjr',
  'shr',
];

/** Titles that follow a name or a bare surname (`王秀英女士`, `张先生`). */
export const NAME_CUES_AFTER: readonly string[] = [
  '先生',
  '女士',
  '小姐',
  '同学',
  '老师',
  '医生',
  '大夫',
  '师傅',
  '经理',
  '总经理',
  '总监',
  '总裁',
  '主任',
  '教授',
  '律师',
  '护士',
  '阿姨',
  '叔叔',
  '老板',
  '总',
];

/**
 * Cheap prefilter for the scanner: a line containing none of these strings cannot yield a
 * `findNames` match except in `fieldIsName` mode. ASCII entries are lower-case, so test them
 * against a lower-cased line. (These are the whole cue words rather than their first characters:
 * just as safe, and far more selective, since single characters like 学 or 我 are everywhere.)
 */
export const NAME_TRIGGERS: readonly string[] = [
  ...new Set([...NAME_CUES_BEFORE.map((c) => c.toLowerCase()), ...NAME_CUES_AFTER]),
];

// --- character classes -------------------------------------------------------------------------

/** True for a CJK ideograph code point (URO, extension A, compatibility, and the astral extensions). */
function isHanCode(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x20000 && cp <= 0x3134f)
  );
}

/** Length in UTF-16 units of the Han character at `i`, or 0 if there is none. */
function hanAt(text: string, i: number): number {
  if (i < 0 || i >= text.length) return 0;
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return CHAR[c]! & HAN ? 1 : 0; // the common case: one code unit
  const cp = text.codePointAt(i)!;
  return isHanCode(cp) ? (cp > 0xffff ? 2 : 1) : 0;
}

/** Middle dots people use inside transliterated names; all normalise to U+00B7. */
const DOT_RE = /[\u00b7\u2022\u2027\u30fb\uff65\u2219\u22c5]/g;
const DOTS = new Set(['\u00b7', '\u2022', '\u2027', '\u30fb', '\uff65', '\u2219', '\u22c5', '.']);

/** Particles and pronouns that never occur in a transliterated name either. */
const PARTICLES = new Set(Array.from('的了么们吗呢吧啊呀着过是在与及或但而就还又没很这那你我他她它您'));

/** Short names of the largest cities, used as "a place starts here" signals. */
const MAJOR_CITIES =
  '北京 上海 天津 重庆 广州 深圳 杭州 南京 成都 武汉 西安 苏州 郑州 沈阳 青岛 厦门 济南 合肥 昆明'.split(' ');

/**
 * Province names (full and short), prefecture full names and the largest cities: a candidate
 * equal to one is a place. Other prefecture short names (许昌, 安庆, 金华 …) double as given
 * names too often to exclude.
 */
const PLACE_WORDS: ReadonlySet<string> = new Set([
  ...PROVINCES.flatMap((p) => [p.name, p.short]),
  ...PREFECTURES.map((p) => p.name),
  ...MAJOR_CITIES,
]);

// Hot paths test single characters. One table indexed by UTF-16 code unit answers "is this a
// given-name character, a separator, the start of a cue …" with a bit test, instead of a
// `Set<string>` lookup that first has to make a one-character string. Sets that could hold astral
// characters are still asked for those (see `hasCharAt`).
const HAN = 1 << 0; // a BMP Han character (isHanCode)
const GIVEN = 1 << 1; // GIVEN_NAME_CHARS
const NON_GIVEN = 1 << 2; // NON_GIVEN_CHARS
const COMPOUND_FIRST = 1 << 3; // first code unit of a compound surname
const DOT = 1 << 4; // DOTS
const SEPARATOR = 1 << 5; // SEPARATORS
const LINK_VERB = 1 << 6; // LINK_VERBS
const ZONG_WORD = 1 << 7; // ZONG_WORDS
const PRE_NAME_CHAR = 1 << 8; // PRE_NAME
const TERMINATOR_START = 1 << 9; // first code unit of a TERMINATOR_WORDS word
const BEFORE_START = 1 << 10; // first code unit of a before-cue, either case
const AFTER_START = 1 << 11; // first code unit of an after-cue (a title)
const WIDE = 1 << 12; // what `foldWidth` changes: U+FF01–FF5E and U+3000
const NORMALISED = 1 << 13; // what `normaliseName` changes: wide forms, white space, dots

const CHAR = new Uint16Array(0x10000);
/** Tier of the single surname that is this code unit, 0 for none. */
const SINGLE_TIER = new Uint8Array(0x10000);

/** Set `bit` for each one-code-unit string of `chars` (longer ones stay with their Set). */
function mark(chars: Iterable<string>, bit: number): void {
  for (const ch of chars) if (ch.length === 1) CHAR[ch.charCodeAt(0)] = CHAR[ch.charCodeAt(0)]! | bit;
}

for (let c = 0x4e00; c <= 0x9fff; c++) CHAR[c] = CHAR[c]! | HAN;
for (let c = 0x3400; c <= 0x4dbf; c++) CHAR[c] = CHAR[c]! | HAN;
for (let c = 0xf900; c <= 0xfaff; c++) CHAR[c] = CHAR[c]! | HAN;
// White space as `\s` matches it, and the dots: with the full-width forms (marked last, below), the
// characters `normaliseName` replaces.
for (const c of [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]) {
  CHAR[c] = CHAR[c]! | NORMALISED;
}
for (let c = 0x2000; c <= 0x200a; c++) CHAR[c] = CHAR[c]! | NORMALISED;
mark(DOTS, DOT | NORMALISED);
mark(GIVEN_NAME_CHARS, GIVEN);
mark(NON_GIVEN_CHARS, NON_GIVEN);
mark(
  [...COMPOUND_SURNAMES.keys()].map((s) => s[0]!),
  COMPOUND_FIRST,
); // a filter: the Map decides
for (const [s, tier] of SINGLE_SURNAMES) if (s.length === 1) SINGLE_TIER[s.charCodeAt(0)] = tier;

/** Is the code point at `i` of `v` in `set` (see `hasChar`)? */
function hasCharAt(v: string, i: number, bit: number, set: ReadonlySet<string>): boolean {
  const c = v.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= v.length) return (CHAR[c]! & bit) !== 0;
  return set.has(String.fromCodePoint(v.codePointAt(i)!));
}

/** Width in code units of the code point at `i` (as `Array.from` splits strings). */
function cpWidth(v: string, i: number): 1 | 2 {
  const c = v.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= v.length) return 1;
  const d = v.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? 2 : 1;
}

/**
 * A filter in front of the stop lists: bit `pairHash(a, b)` is set for the first two code units of
 * every word in NON_NAME_WORDS and PLACE_WORDS, so a clear bit spares hashing the candidate.
 */
const STOP_PAIRS = new Uint32Array(0x10000 / 32);
const pairHash = (a: number, b: number): number => (a * 31 + b) & 0xffff;
for (const w of [...NON_NAME_WORDS, ...PLACE_WORDS]) {
  if (w.length < 2) continue; // a candidate has two characters at least
  const h = pairHash(w.charCodeAt(0), w.charCodeAt(1));
  STOP_PAIRS[h >>> 5] = STOP_PAIRS[h >>> 5]! | (1 << (h & 31));
}

/** May `v` (two characters or more) be, or start with, a word of the stop lists? */
function stopPairAt(v: string): boolean {
  const h = pairHash(v.charCodeAt(0), v.charCodeAt(1));
  return (STOP_PAIRS[h >>> 5]! & (1 << (h & 31))) !== 0;
}

// --- validation --------------------------------------------------------------------------------

interface Parsed {
  readonly valid: boolean;
  readonly score: number;
  readonly reason?: string;
  readonly kind?: string;
  /** Surname length in code points (0 for transliterated names or when unknown). */
  readonly surname: number;
  /** The first two characters form a stop word (`王国庆` starts with 王国). */
  readonly stopPrefix: boolean;
  /** Read as a transliterated name (`买买提·艾力`); see `checksOf`. */
  readonly dotted: boolean;
}

function invalid(reason: string, surname = 0, dotted = false): Parsed {
  return { valid: false, score: 0, reason, surname, stopPrefix: false, dotted };
}

/**
 * The checks `validate` reports, from how far the parse went: each stage of `parseName` adds one
 * (format, surname, given characters, stop list), and a failed one ends it.
 */
function checksOf(p: Parsed): Check[] {
  if (p.dotted) {
    return [
      { name: 'format', passed: p.valid },
      { name: 'surname', passed: undefined },
    ];
  }
  switch (p.reason) {
    case 'EMPTY':
    case 'BAD_FORMAT':
    case 'BAD_LENGTH':
      return [{ name: 'format', passed: false }];
    case 'NO_SURNAME':
      return [
        { name: 'format', passed: true },
        { name: 'surname', passed: false },
      ];
    case 'SURNAME_ONLY':
      return [
        { name: 'format', passed: true },
        { name: 'surname', passed: true },
      ];
    case 'NOT_A_NAME':
      return [
        { name: 'format', passed: true },
        { name: 'surname', passed: true },
        { name: 'given', passed: false },
      ];
    default:
      return [
        { name: 'format', passed: true },
        { name: 'surname', passed: true },
        { name: 'given', passed: true },
        { name: 'stoplist', passed: p.reason !== 'COMMON_WORD' },
      ];
  }
}

interface Surname {
  readonly len: 1 | 2;
  readonly tier: SurnameTier;
}

/**
 * The surname at the start of `v[from, to)` (compound first) and its tier, or undefined: what
 * `Array.from` of that stretch would give as characters, looked up without building the array.
 */
function surnameAt(v: string, from: number, to: number): Surname | undefined {
  if (from >= to) return undefined;
  const o1 = from + cpWidth(v, from);
  if (o1 < to && CHAR[v.charCodeAt(from)]! & COMPOUND_FIRST) {
    const o2 = o1 + cpWidth(v, o1);
    if (o2 < to) {
      const t = COMPOUND_SURNAMES.get(v.slice(from, o2));
      if (t !== undefined) return { len: 2, tier: t };
    }
  }
  const t =
    o1 - from === 1 ? SINGLE_TIER[v.charCodeAt(from)]! : (SINGLE_SURNAMES.get(v.slice(from, o1)) ?? 0);
  return t === 0 ? undefined : { len: 1, tier: t as SurnameTier };
}

function clampScore(s: number): number {
  return Math.round(Math.min(0.6, Math.max(0.3, s)) * 100) / 100;
}

/** Validate a transliterated name such as `买买提·艾力` (already normalised). */
function parseDotted(v: string): Parsed {
  const parts = v.split('·');
  const chars = Array.from(v);
  const ok =
    parts.length >= 2 &&
    chars.length <= 16 &&
    parts.every(
      (p) => p.length > 0 && Array.from(p).every((c) => isHanCode(c.codePointAt(0)!) && !PARTICLES.has(c)),
    );
  if (!ok) return invalid('BAD_FORMAT', 0, true);
  return { valid: true, score: 0.45, kind: 'transliterated', surname: 0, stopPrefix: false, dotted: true };
}

/** The core of `validate`, on an already normalised value. */
function parseName(v: string): Parsed {
  if (v.length === 0) return invalid('EMPTY');
  // The characters (code points) must all be Han; note where the second and third start.
  let count = 0;
  let o1 = 0;
  let o2 = 0;
  for (let i = 0; i < v.length; count++) {
    const w = hanAt(v, i);
    // Not all Han: a transliterated name (with ·) or nothing.
    if (w === 0) return v.includes('·') ? parseDotted(v) : invalid('BAD_FORMAT');
    i += w;
    if (count === 0) o1 = i;
    else if (count === 1) o2 = i;
  }
  if (count < 2 || count > 4) return invalid('BAD_LENGTH');
  const sur = surnameAt(v, 0, v.length);
  if (sur === undefined) return invalid('NO_SURNAME');
  if (
    count === sur.len ||
    (count === 2 && CHAR[v.charCodeAt(0)]! & COMPOUND_FIRST && COMPOUND_SURNAMES.has(v))
  ) {
    return invalid('SURNAME_ONLY', sur.len);
  }
  // The given characters: none may be one that names avoid; name-like ones add evidence.
  let common = 0;
  for (let i = sur.len === 2 ? o2 : o1; i < v.length; i += cpWidth(v, i)) {
    if (hasCharAt(v, i, NON_GIVEN, NON_GIVEN_CHARS)) return invalid('NOT_A_NAME', sur.len);
    if (hasCharAt(v, i, GIVEN, GIVEN_NAME_CHARS)) common++;
  }
  // An organisation, not a person: 浦发银行, 平安保险 (a bank_name column, a 4-character run before 总).
  if (count >= 3 && ORG_SUFFIXES.has(v.slice(v.length - 2))) return invalid('COMMON_WORD', sur.len);
  // The stop lists, when a word of them starts with the first two characters (rarely).
  const listed = stopPairAt(v);
  if (listed && (NON_NAME_WORDS.has(v) || PLACE_WORDS.has(v))) return invalid('COMMON_WORD', sur.len);
  const head = listed && count > 2 ? v.slice(0, o2) : '';
  const stopPrefix = head !== '' && (NON_NAME_WORDS.has(head) || PLACE_WORDS.has(head));
  // Evidence: how common the surname is, how name-like the given characters are.
  let score =
    sur.len === 2 ? (sur.tier === 1 ? 0.5 : 0.4) : sur.tier === 1 ? 0.45 : sur.tier === 2 ? 0.4 : 0.33;
  score += Math.min(0.1, common * 0.05);
  if (count - sur.len === 3) score -= 0.1; // four characters with a single surname: rare
  if (stopPrefix) score -= 0.15;
  return {
    valid: true,
    score: clampScore(score),
    kind: sur.len === 2 ? 'compound' : 'single',
    surname: sur.len,
    stopPrefix,
    dotted: false,
  };
}

function normaliseName(value: string): string {
  // Most values need none of the replacements below: one table scan instead of three regexes.
  let clean = true;
  for (let i = 0; i < value.length && clean; i++) clean = (CHAR[value.charCodeAt(i)]! & NORMALISED) === 0;
  if (clean) return value;
  let v = foldWidth(value).replace(/\s+/g, '').replace(DOT_RE, '·');
  // A full stop between two Han characters is a sloppy middle dot (买买提.艾力).
  if (v.includes('.')) v = v.replace(/(?<=\p{Script=Han})\.(?=\p{Script=Han})/gu, '·');
  return v;
}

/** Length in characters of the surname leading `name` (2 for 欧阳娜娜, 1 for 张伟, 0 if none is known). */
export function surnameLength(name: string): number {
  const v = normaliseName(name);
  if (v.includes('·')) return 0;
  return surnameAt(v, 0, v.length)?.len ?? 0;
}

/** The `CN_NAME` type: Chinese personal names. */
export const cnName: PiType = {
  id: 'CN_NAME',
  sensitive: false,
  description: {
    zh: '中文姓名（含复姓与少数民族、音译姓名）',
    en: 'Chinese personal name (including compound surnames and transliterated minority names)',
  },
  context: {
    raise: [
      '姓名',
      '名字',
      '联系人',
      '收件人',
      '收货人',
      '寄件人',
      '客户',
      '户主',
      '机主',
      '持卡人',
      '开户人',
      '法人',
      '患者',
      '住客',
      '入住人',
      '乘客',
      '学生',
      '员工',
      '申请人',
      '监护人',
      '紧急联系人',
      '我叫',
      '我是',
      '本人',
      'name',
      'contact',
      'customer',
    ],
    lower: ['公司', '集团', '有限', '银行', '医院', '学校', '大学', '酒店', '品牌', '产品', '型号', '软件'],
  },
  fieldNames: [
    'name',
    'realname',
    'real_name',
    'fullname',
    'full_name',
    'xm',
    'zsxm',
    'khxm',
    'lxr',
    'sjr',
    'shr',
    '姓名',
    '名字',
    '联系人',
    '收件人',
    '收货人',
    '寄件人',
    '客户姓名',
    '持卡人',
    '户主',
    '机主',
    '真实姓名',
    '紧急联系人',
    'contact_name',
    'contactname',
    'customer_name',
    'customername',
    'consignee',
    'receiver',
    'receiver_name',
    'cardholder',
    'holder_name',
  ],
  /** Trim, fold full-width forms, drop internal spaces, unify middle dots to `·`. */
  normalise: normaliseName,
  validate(value: string): Validation {
    const p = parseName(normaliseName(value));
    return {
      valid: p.valid,
      score: p.score,
      checks: checksOf(p),
      ...(p.reason === undefined ? {} : { reason: p.reason }),
      ...(p.kind === undefined ? {} : { kind: p.kind }),
    };
  },
  /** Keep the first character (Hutool `CHINESE_NAME`); `keepStart: surnameLength(v)` keeps a compound surname. */
  mask(value: string, options?: MaskOptions): string {
    return keepEnds(value, options?.keepStart ?? 1, options?.keepEnd ?? 0, options?.char ?? '*');
  },
};

// --- window matchers ---------------------------------------------------------------------------

const byLength = (a: string, b: string) => b.length - a.length;
const isAsciiWord = (c: string) => /^[a-z_]+$/.test(c);

/**
 * Cue words by first code unit (both cases for ASCII ones), longest first, ASCII cues before Han
 * ones: at a position the first that matches wins, as in a regex alternation in that order.
 */
function cueTable(cues: readonly string[]): ReadonlyMap<number, readonly string[]> {
  const sorted = [
    ...cues.filter(isAsciiWord).sort(byLength),
    ...cues.filter((c) => !isAsciiWord(c)).sort(byLength),
  ];
  const m = new Map<number, string[]>();
  for (const cue of sorted) {
    for (const first of new Set([cue.charCodeAt(0), cue.toUpperCase().charCodeAt(0)])) {
      const list = m.get(first);
      if (list) list.push(cue);
      else m.set(first, [cue]);
    }
  }
  return m;
}

/** Before-cues: Han ones anywhere, ASCII ones as whole words (not `username`, not `names`). */
const BEFORE_CUES = cueTable(NAME_CUES_BEFORE);
const AFTER_CUES = cueTable(NAME_CUES_AFTER);
for (const c of BEFORE_CUES.keys()) CHAR[c] = CHAR[c]! | BEFORE_START;
for (const c of AFTER_CUES.keys()) CHAR[c] = CHAR[c]! | AFTER_START;

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Does the lower-case ASCII word `w` occur at `i`, in any case, full-width forms folded? */
function asciiAt(t: string, i: number, w: string): boolean {
  if (i + w.length > t.length) return false;
  for (let k = 0; k < w.length; k++) {
    const c = foldCode(t.charCodeAt(i + k));
    const x = w.charCodeAt(k);
    if (c !== x && !(x >= 97 && x <= 122 && c === x - 32)) return false;
  }
  return true;
}

/** The before-cue at `i` (as written, full-width forms folded), or undefined. ASCII cues only as whole words. */
function beforeCueAt(t: string, i: number): string | undefined {
  const cues = BEFORE_CUES.get(foldCode(t.charCodeAt(i)));
  for (let k = 0; cues !== undefined && k < cues.length; k++) {
    const cue = cues[k]!;
    if (isAsciiLetter(cue.charCodeAt(0))) {
      const b = i > 0 ? foldCode(t.charCodeAt(i - 1)) : -1;
      if (isAsciiLetter(b) || (b >= 48 && b <= 57) || b === 95) continue; // [A-Za-z0-9_] before
      const a = i + cue.length < t.length ? foldCode(t.charCodeAt(i + cue.length)) : -1;
      if (isAsciiLetter(a) || !asciiAt(t, i, cue)) continue;
      return foldWidth(t.slice(i, i + cue.length));
    }
    if (t.startsWith(cue, i)) return cue;
  }
  return undefined;
}

/** The title at `i`, or undefined. */
function afterCueAt(t: string, i: number): string | undefined {
  const cues = AFTER_CUES.get(t.charCodeAt(i));
  for (let k = 0; cues !== undefined && k < cues.length; k++) if (t.startsWith(cues[k]!, i)) return cues[k];
  return undefined;
}

/** Characters allowed between a cue and the name (`：`, quotes, brackets, spaces …), after folding. */
const SEPARATORS = new Set(Array.from(' \t:=\'"“”‘’「」『』【】[]()<>|-—>'));
/** Verbs allowed once between a cue and the name (`姓名是张伟`, `联系人为李娜`). */
const LINK_VERBS = new Set(['为', '是', '叫']);

/** After 总, these make a word (总是, 总共 …), not the title 张总. */
const ZONG_WORDS = new Set(Array.from('是共部结体统额数计和量之算归而价值要会得管理则局站线'));

/**
 * Words that end a name when they follow it: verbs and particles (张伟住在…), contact words
 * (李娜电话…), titles, time words, and place names (张伟北京市…).
 */
const TERMINATOR_WORDS: readonly string[] = [
  ...Array.from('住在的说是和与跟及也都就还又已被把对给让从到去要会等了呢吧啊吗呀您你我他她收寄请'),
  ...'电话 手机 电邮 邮箱 邮编 地址 住址 身份 证件 性别 年龄 生日 出生 籍贯 民族 职业 单位 工作 学校 班级 账号 卡号 号码 联系 备注 签收 签字 签名 明天 今天 昨天 后天 今年 去年 明年 已经 正在 现在 马上 刚刚 刚才 需要 希望 表示 反映 投诉 咨询 来电 致电 同意 确认 本人 家属 下单 购买 预订 入住 退房 办理 提交 申请 男性 女性 男士 同志 电'.split(
    ' ',
  ),
  ...NAME_CUES_AFTER,
  ...NAME_CUES_BEFORE.filter((c) => !/^[a-z_]+$/.test(c)),
  ...PLACE_WORDS,
].filter((w) => w.length > 0);

/** Terminator words indexed by first character, longest first. */
const TERMINATORS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const w of new Set(TERMINATOR_WORDS)) {
    const list = m.get(w[0]!) ?? [];
    list.push(w);
    m.set(w[0]!, list);
  }
  for (const list of m.values()) list.sort(byLength);
  return m;
})();

/** Length of the terminator word at `i` (1 for a non-Han character or the end), or 0 if none. */
function terminatorAt(text: string, i: number): number {
  if (i >= text.length || hanAt(text, i) === 0) return 1; // digits, punctuation, Latin: the name ended
  if ((CHAR[text.charCodeAt(i)]! & TERMINATOR_START) === 0) return 0;
  const list = TERMINATORS.get(text[i]!);
  return list?.find((w) => text.startsWith(w, i))?.length ?? 0;
}

/** Characters that may stand right before a name in running text (请张伟…, 给李娜…, 尊敬的王先生). */
const PRE_NAME = new Set(Array.from('请给和与跟及同向对找问叫是为被让由把位的了个名好姓见称'));
/** Two-character words that may stand right before a name (感谢王老师, 联系张经理). */
const PRE_NAME_WORDS = new Set(
  '感谢 谢谢 多谢 致谢 联系 通知 告诉 询问 拜访 恭喜 祝贺 邀请 转告 麻烦 辛苦 欢迎 尊敬 亲爱 看望 拜托'.split(
    ' ',
  ),
);

/** Words ending in a surname character that often precede a title (历史老师, 房东阿姨): not names. */
const TITLE_FALSE_FRIENDS = new Set(
  '历史 语文 音乐 实习 宿管 风水 账房 房东 股东 保安 公司 售后 物业 门卫 厨师 大堂 班主任 各 诸 副 该 这 那 某 此 每 本 贵'.split(
    ' ',
  ),
);

mark(SEPARATORS, SEPARATOR);
mark(LINK_VERBS, LINK_VERB);
mark(ZONG_WORDS, ZONG_WORD);
mark(PRE_NAME, PRE_NAME_CHAR);
mark(TERMINATORS.keys(), TERMINATOR_START);
// Last, once the ASCII characters have all their classes: a full-width form has the classes of the
// character it folds to (ｎ starts a cue, ： separates), so `findNames` can read the text as
// `foldWidth` would make it without building that copy, which costs more than the whole search.
for (let c = 0xff01; c <= 0xff5e; c++) CHAR[c] = CHAR[foldCode(c)]! | WIDE | NORMALISED;
CHAR[0x3000] = CHAR[foldCode(0x3000)]! | WIDE | NORMALISED;

/** The code unit a full-width form folds to (`foldWidth`): ＡＢＣ１２３ → ABC123, U+3000 → space. */
function foldCode(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c === 0x3000 ? 0x20 : c;
}

/** One Han run from `p`: code-point start offsets, plus whether it ended before a non-Han character. */
function hanRun(text: string, p: number, max: number): { offs: number[]; end: number; natural: boolean } {
  const offs: number[] = [];
  let i = p;
  while (offs.length < max) {
    const w = hanAt(text, i);
    if (w === 0) return { offs, end: i, natural: true };
    offs.push(i);
    i += w;
  }
  return { offs, end: i, natural: hanAt(text, i) === 0 };
}

/** Score of a cue-located name from its intrinsic score (0.3–0.6 → 0.75–0.9). */
function cueScore(intrinsic: number): number {
  return Math.round((0.75 + (intrinsic - 0.3) * 0.5) * 100) / 100;
}

/** Try a transliterated name (`买买提·艾力`) at `p`; returns its end or -1. */
function dottedAt(text: string, p: number): number {
  let i = p;
  let parts = 0;
  let n = 0;
  for (;;) {
    const start = i;
    for (let w = hanAt(text, i); w > 0 && n < 16; w = hanAt(text, i)) {
      i += w;
      n++;
    }
    if (i === start) return -1;
    parts++;
    if (n < 16 && i < text.length && CHAR[text.charCodeAt(i)]! & DOT && hanAt(text, i + 1) > 0) {
      i++;
      n++;
      continue;
    }
    return parts >= 2 ? i : -1;
  }
}

/** Find the name that starts at `p` right after a before-cue. */
function nameAfterCue(text: string, p: number): { end: number; score: number } | undefined {
  const dotEnd = dottedAt(text, p);
  if (dotEnd > 0) {
    const v = parseName(normaliseName(text.slice(p, dotEnd)));
    return v.valid ? { end: dotEnd, score: cueScore(v.score) } : undefined;
  }
  const run = hanRun(text, p, 8);
  const count = run.offs.length;
  const sur = surnameAt(text, p, run.end);
  if (sur === undefined || count <= sur.len) return undefined;
  const offAt = (k: number) => run.offs[k] ?? run.end;
  if (startsAfterTitle(text, offAt(sur.len))) return undefined; // 王经理: a title, left to the after-cue pass
  const tryLen = (g: number, penalty: number): { end: number; score: number } | undefined => {
    if (sur.len + g > count) return undefined;
    const end = offAt(sur.len + g);
    const v = parseName(text.slice(p, end));
    if (!v.valid) return undefined;
    if (penalty > 0 && v.stopPrefix) return undefined;
    return { end, score: Math.round(Math.max(0.7, cueScore(v.score) - penalty) * 100) / 100 };
  };
  // A clean boundary right after 1 or 2 given characters decides the length (张伟住在… → 张伟).
  for (let g = 1; g <= 2; g++) {
    const k = sur.len + g;
    if (k > count) break;
    if (k === count && run.natural) return tryLen(g, 0);
    if (k < count) {
      const w = terminatorAt(text, offAt(k));
      // A one-character terminator that is itself the last character of the run is more likely
      // the end of the name (覃兰和，…) than a word after it (李娜和张伟).
      if (w > 1 || (w === 1 && !(k + 1 === count && run.natural))) return tryLen(g, 0);
    }
  }
  // Four characters with a single surname, standing alone (姓名：张王秀英): rare, so only with
  // name-like given characters.
  if (sur.len === 1 && count === 4 && run.natural) {
    let common = 0;
    for (let k = 1; k < 4; k++) if (hasCharAt(text, offAt(k), GIVEN, GIVEN_NAME_CHARS)) common++;
    const four = common >= 2 ? tryLen(3, 0) : undefined;
    if (four && !parseName(text.slice(p, run.end)).stopPrefix) return four;
  }
  // No boundary: guess from how name-like the second given character is.
  if (sur.len + 1 < count && hasCharAt(text, offAt(sur.len + 1), GIVEN, GIVEN_NAME_CHARS)) {
    return tryLen(2, 0.05) ?? tryLen(1, 0.05);
  }
  return tryLen(1, 0.05);
}

function startsAfterTitle(text: string, i: number): boolean {
  if (i >= text.length || (CHAR[text.charCodeAt(i)]! & AFTER_START) === 0) return false;
  for (const t of NAME_CUES_AFTER) {
    if (text.startsWith(t, i) && (t !== '总' || !zongWordAt(text, i + 1))) return true;
  }
  return false;
}

/** Is the character at `i` one that makes 总 a word (总是, 总共 …) rather than a title? */
function zongWordAt(text: string, i: number): boolean {
  return i < text.length && (CHAR[text.charCodeAt(i)]! & ZONG_WORD) !== 0;
}

/** May a name start at `s` (the start of the text, after a non-Han character, a particle, a cue …)? */
function boundaryAt(text: string, s: number, cueEnds: readonly number[]): boolean {
  return (
    s === 0 ||
    hanAt(text, s - 1) === 0 ||
    (CHAR[text.charCodeAt(s - 1)]! & PRE_NAME_CHAR) !== 0 ||
    (s >= 2 && PRE_NAME_WORDS.has(text.slice(s - 2, s))) ||
    cueEnds.includes(s)
  );
}

/** Find a name or bare surname ending right before an after-cue at `i`. */
/** Are all characters of `text[from, to)` common in given names? */
function givenNameLike(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i += cpWidth(text, i)) {
    if (!hasCharAt(text, i, GIVEN, GIVEN_NAME_CHARS)) return false;
  }
  return from < to;
}

/** A tier-1 or tier-2 single surname. */
function commonSurname(code: number): boolean {
  const tier = SINGLE_TIER[code]!;
  return tier !== 0 && tier < 3;
}

function nameBeforeTitle(
  text: string,
  i: number,
  cue: string,
  cueEnds: readonly number[],
): NameSpan | undefined {
  // Up to four Han characters before the title, nearest first.
  const offs: number[] = [];
  let j = i;
  while (offs.length < 4 && j > 0) {
    const lo = text.charCodeAt(j - 1);
    const w = lo >= 0xdc00 && lo <= 0xdfff && j >= 2 ? 2 : 1;
    if (hanAt(text, j - w) === 0) break;
    j -= w;
    offs.push(j);
  }
  if (offs.length === 0) return undefined;
  let best: NameSpan | undefined;
  let bestUnbounded: { span: NameSpan; intrinsic: number } | undefined;
  for (let L = offs.length; L >= 2; L--) {
    const s = offs[L - 1]!;
    const v = parseName(text.slice(s, i));
    if (!v.valid) continue;
    const bounded = boundaryAt(text, s, cueEnds);
    // 王国维先生: a name that starts like a word (王国) stands when nothing runs into it, unless the
    // word is followed by a common surname (麻烦李老师, 谢谢王总: the word, then a bare surname) and
    // the given name does not read as one (王国强先生: 国强 is made of given-name characters).
    // Nor does one of four characters after a single surname (全国粮食总产量: 粮食 is no given name).
    if (
      v.stopPrefix &&
      (!bounded ||
        L - v.surname >= 3 ||
        (commonSurname(text.charCodeAt(i - 1)) && !givenNameLike(text, s + v.surname, i)))
    )
      continue;
    const span = { start: s, end: i, score: cueScore(v.score), cue };
    if (bounded) {
      best ??= span;
    } else if (v.score >= 0.5 && (bestUnbounded === undefined || v.score >= bestUnbounded.intrinsic)) {
      // Ties go to the shorter candidate (感谢张伟先生 → 张伟, not 谢张伟).
      bestUnbounded = { span: { ...span, score: 0.7 }, intrinsic: v.score };
    }
  }
  if (best) return best;
  // A bare surname (张先生, 欧阳女士): common surnames only, and not the tail of a word (历史老师,
  // 谢谢老板). Scored BARE_SURNAME_SCORE, under the scanner's default threshold: GB/T 35273 masks a
  // name down to its surname because the surname alone does not identify a person.
  for (const L of [2, 1]) {
    const s = offs[L - 1];
    if (s === undefined) continue;
    const sn = text.slice(s, i);
    const tier = L === 2 ? COMPOUND_SURNAMES.get(sn) : SINGLE_SURNAMES.get(sn);
    if (tier === undefined || (L === 1 && tier === 3) || TITLE_FALSE_FRIENDS.has(sn + cue)) continue;
    if (boundaryAt(text, s, cueEnds)) return { start: s, end: i, score: BARE_SURNAME_SCORE, cue };
    if (bestUnbounded) return bestUnbounded.span;
    const prev = text[s - 1]!;
    if (prev === sn || TITLE_FALSE_FRIENDS.has(prev) || TITLE_FALSE_FRIENDS.has(prev + sn)) continue;
    return { start: s, end: i, score: BARE_SURNAME_SCORE, cue };
  }
  return bestUnbounded?.span;
}

/** Endings of organisation names that no given name has. */
const ORG_SUFFIXES: ReadonlySet<string> = new Set(
  '银行 保险 证券 基金 信托 公司 集团 中心 医院 学校 大学 学院 酒店 宾馆 超市 商店 商场 药房 诊所 工厂 协会 委员 政府 法院'.split(
    ' ',
  ),
);

/** A surname with a title and no given name: kept for callers who ask for it, below 0.5. */
export const BARE_SURNAME_SCORE = 0.4;

/** Drop overlapping spans, keeping the higher score (then the longer one). */
function resolveOverlaps(spans: NameSpan[]): NameSpan[] {
  spans.sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: NameSpan[] = [];
  for (const s of spans) {
    if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Skip the separators between a cue and its value; returns the value's offset or -1. */
function skipSeparators(text: string, i: number): number {
  let verb = false;
  for (let n = 0; n < 8 && i < text.length; n++) {
    const f = CHAR[text.charCodeAt(i)]!;
    if (f & SEPARATOR) i++;
    else if (!verb && f & LINK_VERB) {
      verb = true;
      i++;
    } else break;
  }
  return i;
}

/**
 * `foldWidth(text)`, without its regex scan when there is nothing to fold: the table lookup is
 * several times faster than the regex on Han text.
 */
function fold(text: string): string {
  for (let i = 0; i < text.length; i++) if (CHAR[text.charCodeAt(i)]! & WIDE) return foldWidth(text);
  return text;
}

/**
 * Find Chinese names in a small text window.
 *
 * - After a cue word (`收件人：张伟`, `"姓名":"李娜"`, `我叫王秀英`, `入住人：买买提·艾力`): score
 *   0.75–0.9 from the name's own evidence.
 * - Before a title: `王秀英女士` gives the full name (0.75–0.9), `张先生` the surname alone (0.55).
 * - With `fieldIsName`, the whole trimmed text is a candidate (0.8 when it validates).
 *
 * The end of a name is taken at the first non-Han character, at a word that ends names (住, 在,
 * 的, 电话, 先生, a province …), or else guessed from the given-name characters. Offsets are
 * UTF-16 code units into `text`.
 */
export function findNames(text: string, options?: FindNamesOptions): NameSpan[] {
  if (options?.fieldIsName) {
    const f = fold(text);
    const m = /^[\s"'“”‘’「」]*(.*?)[\s"'“”‘’「」]*$/su.exec(f);
    const inner = m?.[1] ?? '';
    if (inner.length > 0 && parseName(normaliseName(inner)).valid) {
      const start = f.indexOf(inner);
      return [{ start, end: start + inner.length, score: 0.8 }];
    }
  }
  // The text is read as folded (full-width forms have the classes of what they fold to, and ASCII
  // cues are compared folded), without making the folded copy.
  const t = text;
  // A first pass, with no calls in it (so V8 keeps the table in a register): where may cue words
  // start? Most windows have none, or one or two.
  const n = t.length;
  if (scratch.starts.length < n) scratch.starts = new Int32Array(2 * n);
  const starts = scratch.starts;
  let count = 0;
  for (let i = 0; i < n; i++) if (CHAR[t.charCodeAt(i)]! & (BEFORE_START | AFTER_START)) starts[count++] = i;
  if (count === 0) return [];
  // Names after a before-cue are read at once; titles wait until all before-cues are known, since
  // a name before a title may start where any before-cue ended.
  let spans: NameSpan[] | undefined;
  let cueEnds: number[] | undefined;
  let titles: (number | string)[] | undefined; // position and title of each after-cue
  let beforeFrom = 0; // cues of one kind do not overlap (紧急联系人 is one cue, not also 联系人)
  let afterFrom = 0;
  for (let c = 0; c < count; c++) {
    const i = starts[c]!;
    const f = CHAR[t.charCodeAt(i)]!;
    if (f & BEFORE_START && i >= beforeFrom) {
      const cue = beforeCueAt(t, i);
      if (cue !== undefined) {
        beforeFrom = i + cue.length;
        const p = skipSeparators(t, beforeFrom);
        cueEnds ??= [];
        cueEnds.push(p);
        const found = nameAfterCue(t, p);
        if (found) {
          spans ??= [];
          spans.push({ start: p, end: found.end, score: found.score, cue });
        }
      }
    }
    if (f & AFTER_START && i >= afterFrom) {
      const cue = afterCueAt(t, i);
      if (cue !== undefined) {
        afterFrom = i + cue.length;
        titles ??= [];
        titles.push(i, cue);
      }
    }
  }
  if (titles) {
    for (let k = 0; k < titles.length; k += 2) {
      const i = titles[k] as number;
      const cue = titles[k + 1] as string;
      if (cue === '总' && zongWordAt(t, i + 1)) continue;
      const found = nameBeforeTitle(t, i, cue, cueEnds ?? NO_CUE_ENDS);
      if (found) {
        spans ??= [];
        spans.push(found);
      }
    }
  }
  if (spans === undefined) return [];
  return spans.length > 1 ? resolveOverlaps(spans) : spans;
}

/** Scratch for `findNames`, reused from call to call. */
const scratch = { starts: new Int32Array(256) };

const NO_CUE_ENDS: readonly number[] = [];

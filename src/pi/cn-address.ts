/**
 * `CN_ADDRESS`: Chinese postal addresses.
 *
 * An address has no checksum; what marks it is structure. The parser here reads a string as a
 * chain of components, each a name ending in a structural suffix or a number with a unit:
 *
 * | component | examples |
 * |---|---|
 * | province | 广东省, 广西壮族自治区, 北京市 (known names, also short: 广东) |
 * | city | 杭州市, 延边朝鲜族自治州, 阿里地区 (known names, or any `XX市`) |
 * | district | 海淀区, 浦东新区, 赵县, 土默特左旗, 昆山市 |
 * | town | 花桥镇, 建国门街道, XX乡 |
 * | road / village | 建国路, 解放大道, 长安街, 南锣鼓巷, XX胡同, XX村 |
 * | number | 88号, 88号院, 100弄 |
 * | community | 阳光小区, 锦绣花园, 中关村大厦, 万科城 |
 * | building, unit, floor, room | 3号楼, A座, 5栋, 2单元, 12层, 501室, a bare 501 after a unit |
 *
 * Digits may be ASCII, full-width or Chinese numerals. `validate` scores by the number of distinct
 * component kinds (a bare city such as 北京市 is not an address: it says nothing about a person).
 * `findAddresses` locates addresses in free text from cue words (地址, 住在 …), known place names
 * and structural suffixes, and refuses prose that only mentions a place (我去北京出差) or uses the
 * suffix characters in ordinary words (路由器, 道路, 型号, 账号, 信号, 号码).
 *
 * @module
 */

import { DISTRICTS, PREFECTURES, PROVINCES } from './data/places.ts';
import { foldWidth, hide, keepEnds } from './text.ts';
import type { Check, MaskOptions, PiType, Validation } from './types.ts';

/** An address found in a text window; offsets are UTF-16 code units into the text passed in. */
export interface AddressSpan {
  readonly start: number;
  readonly end: number;
  readonly score: number;
  /** The cue word before the address (`地址`, `住在` …), when there was one. */
  readonly cue?: string;
  /** `cnAddress.mask` of the span's text, from the parse that found it (no second parse). */
  readonly masked?: string;
}

/** Options of `findAddresses`. */
export interface FindAddressesOptions {
  /** The text is the whole value of a field whose name says "address" (`地址`, `home_address` …). */
  readonly fieldIsAddress?: boolean;
}

/** The kinds of address component, coarse to fine. */
export type AddressComponentKind =
  | 'province'
  | 'city'
  | 'district'
  | 'town'
  | 'road'
  | 'village'
  | 'number'
  | 'community'
  | 'building'
  | 'unit'
  | 'floor'
  | 'room';

/** One parsed component; offsets into the string given to `addressComponents`. */
export interface AddressComponent {
  readonly kind: AddressComponentKind;
  readonly start: number;
  readonly end: number;
}

/** Cue words that introduce an address. ASCII ones match case-insensitively as whole words. */
export const ADDRESS_CUES: readonly string[] = [
  '地址',
  '住址',
  '家庭住址',
  '家庭地址',
  '收货地址',
  '收件地址',
  '寄件地址',
  '邮寄地址',
  '送货地址',
  '配送地址',
  '联系地址',
  '通讯地址',
  '通信地址',
  '户籍地址',
  '户籍所在地',
  '户籍地',
  '户籍',
  '现住址',
  '现居住地',
  '居住地址',
  '居住地',
  '详细地址',
  '单位地址',
  '工作地址',
  '住在',
  '家住',
  '现住',
  '现居',
  '居住在',
  '寄往',
  '寄至',
  '寄到',
  '送至',
  '送货至',
  '配送至',
  '寄送至',
  '送往',
  '送到',
  '发往',
  'address',
  'addr',
  'home_address',
  'shipping_address',
];

// --- vocabulary --------------------------------------------------------------------------------

type AdminKind = 'province' | 'city' | 'district' | 'town';
const FINE: ReadonlySet<AddressComponentKind> = new Set(['number', 'building', 'unit', 'floor', 'room']);

/**
 * The level of an administrative kind (province 1, city 2, district 3, town 4), 0 for the others.
 * A switch rather than a table: lookups keyed by a variable string go megamorphic in V8.
 */
function levelOf(k: AddressComponentKind): number {
  switch (k) {
    case 'province':
      return 1;
    case 'city':
      return 2;
    case 'district':
      return 3;
    case 'town':
      return 4;
    default:
      return 0;
  }
}

function isAdmin(k: AddressComponentKind): k is AdminKind {
  return levelOf(k) > 0;
}

interface Known {
  readonly name: string;
  readonly kind: AdminKind;
  readonly level: number;
  /** A short form without suffix (广东, 杭州): only counts when another admin component follows. */
  readonly short: boolean;
}

/**
 * Known place names by their first two characters, in an open-addressing hash table: slot `s`
 * holds the two code units (`PAIR_A`, `PAIR_B`) and 1 + the index of their names in
 * `KNOWN_LISTS` (0: an empty slot). Few names share two characters, so a lookup is a probe or two
 * and a short list; the table is small enough to stay in cache, unlike a Map keyed by numbers.
 */
const PAIR_SLOTS = 1 << 12;
const PAIR_A = new Uint16Array(PAIR_SLOTS);
const PAIR_B = new Uint16Array(PAIR_SLOTS);
const PAIR_LIST = new Uint16Array(PAIR_SLOTS);
const pairSlot = (a: number, b: number): number => (a * 31 + b) & (PAIR_SLOTS - 1);

/** The names under each pair of first characters, longest first. */
const KNOWN_LISTS: readonly (readonly Known[])[] = (() => {
  const all: Known[] = [];
  for (const p of PROVINCES) {
    all.push(
      { name: p.name, kind: 'province', level: 1, short: false },
      { name: p.short, kind: 'province', level: 1, short: true },
    );
  }
  const provinceNames = new Set(PROVINCES.map((p) => p.name));
  for (const p of PREFECTURES) {
    if (provinceNames.has(p.name)) continue; // the municipalities are already provinces
    all.push({ name: p.name, kind: 'city', level: 2, short: false });
    if (p.short.length >= 2) all.push({ name: p.short, kind: 'city', level: 2, short: true });
  }
  for (const list of Object.values(DISTRICTS)) {
    for (const name of list.split(' ')) all.push({ name, kind: 'district', level: 3, short: false });
  }
  const byFirst = new Map<string, Known[]>();
  for (const k of all) {
    if (k.name.length < 2) continue;
    const list = byFirst.get(k.name[0]!) ?? [];
    if (!list.some((x) => x.name === k.name && x.kind === k.kind)) list.push(k);
    byFirst.set(k.name[0]!, list);
  }
  // Sorted longest first by first character, then split by second character (order kept).
  const lists: Known[][] = [];
  for (const list of byFirst.values()) {
    list.sort((x, y) => y.name.length - x.name.length);
    for (const k of list) {
      const a = k.name.charCodeAt(0);
      const b = k.name.charCodeAt(1);
      let s = pairSlot(a, b);
      while (PAIR_LIST[s] !== 0 && !(PAIR_A[s] === a && PAIR_B[s] === b)) s = (s + 1) & (PAIR_SLOTS - 1);
      if (PAIR_LIST[s] === 0) {
        lists.push([]);
        PAIR_A[s] = a;
        PAIR_B[s] = b;
        PAIR_LIST[s] = lists.length;
      }
      lists[PAIR_LIST[s]! - 1]!.push(k);
    }
  }
  return lists;
})();

/** The known place names that may start at `i` (they share its first two characters). */
function knownCandidates(t: string, i: number): readonly Known[] | undefined {
  if (i + 1 >= t.length) return undefined;
  const a = codeAt(i);
  const b = codeAt(i + 1);
  for (let s = pairSlot(a, b); PAIR_LIST[s] !== 0; s = (s + 1) & (PAIR_SLOTS - 1)) {
    if (PAIR_A[s] === a && PAIR_B[s] === b) return KNOWN_LISTS[PAIR_LIST[s]! - 1];
  }
  return undefined;
}

/** A generic administrative suffix: the name before it is 1..max characters. */
interface AdminSuffix {
  readonly suffix: string;
  readonly kind: AdminKind | 'city-or-district';
  readonly min: number;
  readonly max: number;
}

/** Generic suffixes by level; province-level and 州/盟/地区 come only from the known-name table. */
const ADMIN_SUFFIXES: readonly AdminSuffix[] = [
  { suffix: '自治州', kind: 'city', min: 2, max: 12 },
  { suffix: '市', kind: 'city-or-district', min: 2, max: 4 },
  { suffix: '自治县', kind: 'district', min: 2, max: 14 },
  { suffix: '自治旗', kind: 'district', min: 2, max: 8 },
  { suffix: '新区', kind: 'district', min: 2, max: 4 },
  { suffix: '林区', kind: 'district', min: 2, max: 3 },
  { suffix: '区', kind: 'district', min: 2, max: 4 },
  { suffix: '县', kind: 'district', min: 1, max: 4 },
  { suffix: '旗', kind: 'district', min: 2, max: 6 },
  { suffix: '街道', kind: 'town', min: 2, max: 5 },
  { suffix: '民族乡', kind: 'town', min: 2, max: 6 },
  { suffix: '苏木', kind: 'town', min: 2, max: 4 },
  { suffix: '镇', kind: 'town', min: 2, max: 4 },
  { suffix: '乡', kind: 'town', min: 2, max: 4 },
];

/** Words ending in an admin suffix that are not places (城市, 小区, 家乡 …). */
const NOT_ADMIN = new Set(
  (
    '城市 超市 都市 夜市 门市 菜市 股市 楼市 集市 黑市 上市 开市 闹市 本市 全市 我市 该市 此市 各市 早市 花市 ' +
    '车市 牛市 熊市 街市 互市 景区 郊区 市区 山区 灾区 禁区 误区 雷区 辖区 分区 专区 病区 军区 牧区 ' +
    '矿区 功能区 服务区 风景区 保护区 示范区 试验区 实验区 全区 本区 该区 我区 各区 此区 老区 区区 地区 老城区 ' +
    '停车区 等候区 吸烟区 全县 本县 该县 我县 各县 郡县 州县 城镇 乡镇 小镇 重镇 集镇 市镇 全镇 本镇 ' +
    '该镇 各镇 坐镇 冰镇 家乡 老乡 故乡 城乡 下乡 思乡 他乡 异乡 梦乡 水乡 同乡 返乡 回乡 还乡 全乡 本乡 ' +
    '该乡 各乡 红旗 国旗 党旗 彩旗 锦旗'
  ).split(' '),
);

/**
 * Endings that make an admin-looking word a community or sub-area instead (阳光小区, 科技园南区):
 * 小区 社区 园区 校区 厂区 片区 街区 学区 商区 [东西南北中]区 (see AREA_BEFORE_QU) and these.
 */
const AREA_WORDS = new Set('住宅区 生活区 办公区 居住区 工业区'.split(' '));

interface Suffix {
  readonly suffix: string;
  readonly min: number;
  readonly max: number;
  /** Accepted only when a number-like component follows (道, 里, single-character community words). */
  readonly needsNumber?: boolean;
}

const ROAD_SUFFIXES: readonly Suffix[] = [
  { suffix: '大道', min: 1, max: 8 },
  { suffix: '大街', min: 1, max: 8 },
  { suffix: '胡同', min: 1, max: 8 },
  { suffix: '公路', min: 2, max: 8 },
  { suffix: '路', min: 1, max: 8 },
  { suffix: '街', min: 2, max: 8 },
  { suffix: '巷', min: 2, max: 8 },
  { suffix: '道', min: 2, max: 6, needsNumber: true },
  { suffix: '里', min: 2, max: 6, needsNumber: true },
];

/** Endings that make a road-looking word an ordinary one (道路, 线路, 知道 …), whatever precedes them. */
const NOT_ROAD_END = new Set(
  (
    '道路 线路 电路 网路 思路 高速公路 套路 销路 弯路 歧路 迷路 走路 让路 带路 问路 绕路 赶路 拦路 逛街 ' +
    '上街 满街 沿街 临街 当街 过街 街巷 深巷 知道 味道 渠道 通道 频道 轨道 跑道 车道 赛道 隧道 报道 难道 ' +
    '一道 人行道 管道 航道 说道 称道 地道 霸道 正道 这里 那里 家里 心里 城里 村里 夜里 屋里 手里 公里 ' +
    '千里 万里 哪里 店里 县里 市里 省里 区里 乡里'
  ).split(' '),
);

/** Whole words that look like roads but are not (real road names may end with them: 大同路, 中心路). */
const NOT_ROAD_WORD = new Set(
  (
    '马路 铁路 出路 一路 上路 半路 后路 退路 门路 回路 同路 来路 去路 水路 山路 小路 大路 老路 新路 路路 ' +
    '短路 开路 领路 心路 活路 死路 末路 陆路 航路 岔路 夜路 修路 铺路 探路 引路 顺路 公路 小巷 大街 大道'
  ).split(' '),
);

/** A road suffix followed by one of these is an ordinary word (路由, 路线, 街头 …). */
const ROAD_NEXT_BAD = new Set(Array.from('由线径况面上边过费灯人途程标子透演数牌障基霸痴友口段头坊舞景'));

const VILLAGE_SUFFIXES: readonly Suffix[] = [
  { suffix: '嘎查', min: 1, max: 6 },
  { suffix: '村', min: 1, max: 6 },
  { suffix: '屯', min: 1, max: 6 },
];
const NOT_VILLAGE_END = new Set(['新农村']);
const NOT_VILLAGE_WORD = new Set(
  '农村 乡村 山村 渔村 全村 本村 该村 各村 邻村 同村 进村 下村 回村 村村 屯屯'.split(' '),
);
const VILLAGE_NEXT_BAD = new Set(Array.from('民长里落庄子'));

const COMMUNITY_SUFFIXES: readonly Suffix[] = [
  ...'写字楼 商务楼 综合楼 办公楼 宿舍楼 教学楼 实验楼 住宅楼 产业园 工业园 科技园 创业园 软件园 物流园 工业区 度假村'
    .split(' ')
    .map((suffix) => ({ suffix, min: 1, max: 10 })),
  ...'小区 花园 公寓 大厦 大楼 广场 家园 新村 新城 山庄 别墅 中心 公馆 府邸 宿舍 商城 商厦 大院 社区 园区 名苑 雅苑 华府 华庭 东区 西区 南区 北区 中区'
    .split(' ')
    .map((suffix) => ({ suffix, min: 1, max: 10 })),
  { suffix: '苑', min: 1, max: 8 },
  ...Array.from('城园庄府邸居轩阁湾坊院寓厦里楼').map((suffix) => ({
    suffix,
    min: 1,
    max: 8,
    needsNumber: true,
  })),
];
const NOT_COMMUNITY_END = new Set(
  '动物园 植物园 游乐园 客服中心 数据中心 服务中心 市中心 城中心 这里 那里 哪里 家里 心里 城里 楼里 公园里'.split(
    ' ',
  ),
);
const NOT_COMMUNITY_WORD = new Set('花园 公园 家园 中心 广场 大楼 宿舍 社区 园区'.split(' '));

/** Number units: what a number followed by this suffix is. */
const NUM_SUFFIXES: readonly (readonly [string, AddressComponentKind])[] = [
  ['号院', 'number'],
  ['号楼', 'building'],
  ['号馆', 'building'],
  ['号房', 'room'],
  ['号铺', 'room'],
  ['号门', 'unit'],
  ['#楼', 'building'],
  ['单元', 'unit'],
  ['号', 'number'],
  ['#', 'number'],
  ['弄', 'number'],
  ['巷', 'number'],
  ['栋', 'building'],
  ['幢', 'building'],
  ['座', 'building'],
  ['排', 'building'],
  ['层', 'floor'],
  ['楼', 'floor'],
  ['F', 'floor'],
  ['室', 'room'],
  ['户', 'room'],
  ['组', 'number'],
  ['区', 'community'],
  ['期', 'community'],
  ['段', 'road'],
];
/** After 号, these make it a line, a code or a seat (3号线, 2号机), not a house number. */
const HAO_NEXT_BAD = new Set(Array.from('线码机位台字文令球种窗柜车床'));

const CN_NUMERALS = new Set(Array.from('零〇一二三四五六七八九十百千两'));

/** Characters that cannot be part of a place name: particles, pronouns, common verbs. */
const BAD = new Set(
  Array.from(
    '的了是在我你他她它们这那哪去到从往与及或也都就还又不没很吗呢吧啊呀把被给让说要想请住址个些着过得您咱谁啥么嘛',
  ),
);

/** Words that end an address (a new field starts): 电话, 手机, 联系人 … */
const STOP_WORDS =
  '电话 手机 联系 收件 收货人 姓名 邮编 电邮 邮箱 备注 身份证 座机 固话 传真 tel phone'.split(' ');

/** Two-character words after which an address starts (位于北京…, 住在朝阳区…). */
const STOP_BIGRAMS = new Set(
  '住在 位于 来自 地址 住址 前往 搬到 搬去 寄到 寄往 送到 送至 发往 发到 到达 地处 坐落 落户 户籍 籍贯 居住 现住 家住 老家 出生 所在 回到 就在 地是'.split(
    ' ',
  ),
);

/** Administrative suffix characters: never inside a road, village or community name (科技园南区深南大道). */
const ADMIN_CHARS = '省市区县';

// --- character classes -------------------------------------------------------------------------

// The parser tests single characters at every position it tries. One table indexed by UTF-16 code
// unit answers "is this a numeral, a particle, the start of a stop word …" with a bit test, instead
// of a `Set<string>` lookup that first has to make a one-character string.
const HAN = 1 << 0;
/** Can be part of a name (`isNameChar`): in the table for plain Han characters, set by `prepare` for the others. */
const NAME = 1 << 1;
const BAD_CHAR = 1 << 2; // BAD
const STOP_START = 1 << 3; // first character of a STOP_WORDS word
const NUMERAL = 1 << 4; // CN_NUMERALS
const DIGIT = 1 << 5; // 0-9
const LETTER = 1 << 6; // A-Z, a-z
const SPACE_CHAR = 1 << 7; // white space, as `\s` matches it
const WIDE = 1 << 8; // what `foldWidth` changes: full-width forms U+FF01–FF5E and U+3000
const ADMIN_CHAR = 1 << 9; // ADMIN_CHARS
const KNOWN_START = 1 << 10; // first character of a known place name
const NUM_UNIT_START = 1 << 11; // first character of a NUM_SUFFIXES unit
const FINE_UNIT_START = 1 << 12; // … of a unit of a fine component (号, 栋, 室 …)
const ADMIN_SUFFIX_START = 1 << 13; // … of an ADMIN_SUFFIXES suffix
const ROAD_SUFFIX_START = 1 << 14; // … of a ROAD_SUFFIXES suffix
const VILLAGE_SUFFIX_START = 1 << 15; // … of a VILLAGE_SUFFIXES suffix
const COMMUNITY_SUFFIX_START = 1 << 16; // … of a COMMUNITY_SUFFIXES suffix
const CUE_START = 1 << 17; // … of an address cue, either case
const TRIGGER_START = 1 << 18; // … of a trigger (区, 路, 号, 小区 …)
const CUE_SKIP = 1 << 19; // CUE_SEPARATORS
const BIGRAM_FIRST = 1 << 20; // first character of a STOP_BIGRAMS word
const BIGRAM_SECOND = 1 << 21; // second character of a STOP_BIGRAMS word
const HAO_NEXT = 1 << 22; // HAO_NEXT_BAD
const ROAD_NEXT = 1 << 23; // ROAD_NEXT_BAD
const VILLAGE_NEXT = 1 << 24; // VILLAGE_NEXT_BAD
const AREA_BEFORE_QU = 1 << 25; // 小社园校厂片街学商东西南北中 before a final 区: a community area
// Second-to-last characters of the words in the stop lists: a word can end at `e` only if the
// character at `e - 2` has the bit, which spares most slices and Set lookups.
const NOT_ADMIN_PENULT = 1 << 26; // NOT_ADMIN
const NOT_ROAD_PENULT = 1 << 27; // NOT_ROAD_END
const NOT_VILLAGE_PENULT = 1 << 28; // NOT_VILLAGE_END
const NOT_COMMUNITY_PENULT = 1 << 29; // NOT_COMMUNITY_END
/** The characters `prepare` notes something about; the others it only copies. */
const PREPARE_FLAGS = BAD_CHAR | STOP_START | DIGIT | FINE_UNIT_START | CUE_START | TRIGGER_START;

const CLASS = new Uint32Array(0x10000);

function mark(chars: Iterable<string>, bit: number): void {
  for (const ch of chars) CLASS[ch.charCodeAt(0)] = CLASS[ch.charCodeAt(0)]! | bit;
}

/** Mark the second-to-last character of each word (all stop-list words have two to four characters). */
function markPenultimate(words: Iterable<string>, bit: number): void {
  for (const w of words) mark(w[w.length - 2]!, bit);
}

const firstChars = (words: readonly string[]) => words.map((w) => w[0]!);

for (let c = 0x4e00; c <= 0x9fff; c++) CLASS[c] = CLASS[c]! | HAN;
for (let c = 0x3400; c <= 0x4dbf; c++) CLASS[c] = CLASS[c]! | HAN;
mark('0123456789', DIGIT);
for (const c of [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]) {
  CLASS[c] = CLASS[c]! | SPACE_CHAR;
}
for (let c = 0x2000; c <= 0x200a; c++) CLASS[c] = CLASS[c]! | SPACE_CHAR;
mark('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', LETTER);
mark(BAD, BAD_CHAR);
mark(firstChars(STOP_WORDS), STOP_START);
// NAME for Han characters that are neither particles nor the start of a stop word; `prepare` decides
// for those (住 is a name character in 住宅, a stop word needs the characters after it).
for (let c = 0; c < 0x10000; c++) {
  if ((CLASS[c]! & (HAN | BAD_CHAR | STOP_START)) === HAN) CLASS[c] = CLASS[c]! | NAME;
}
mark(CN_NUMERALS, NUMERAL);
mark(ADMIN_CHARS, ADMIN_CHAR);
mark(
  KNOWN_LISTS.map((list) => list[0]!.name[0]!),
  KNOWN_START,
);
mark(firstChars(NUM_SUFFIXES.filter(([, kind]) => FINE.has(kind)).map(([unit]) => unit)), FINE_UNIT_START);
mark(firstChars(NUM_SUFFIXES.map(([unit]) => unit)), NUM_UNIT_START);
mark(firstChars([...STOP_BIGRAMS]), BIGRAM_FIRST);
mark(
  [...STOP_BIGRAMS].map((w) => w[1]!),
  BIGRAM_SECOND,
);
mark(HAO_NEXT_BAD, HAO_NEXT);
mark(ROAD_NEXT_BAD, ROAD_NEXT);
mark(VILLAGE_NEXT_BAD, VILLAGE_NEXT);
mark('小社园校厂片街学商东西南北中', AREA_BEFORE_QU);
mark(firstChars(ADMIN_SUFFIXES.map((x) => x.suffix)), ADMIN_SUFFIX_START);
mark(firstChars(ROAD_SUFFIXES.map((x) => x.suffix)), ROAD_SUFFIX_START);
mark(firstChars(VILLAGE_SUFFIXES.map((x) => x.suffix)), VILLAGE_SUFFIX_START);
mark(firstChars(COMMUNITY_SUFFIXES.map((x) => x.suffix)), COMMUNITY_SUFFIX_START);
markPenultimate(NOT_ADMIN, NOT_ADMIN_PENULT);
markPenultimate(NOT_ROAD_END, NOT_ROAD_PENULT);
markPenultimate(NOT_VILLAGE_END, NOT_VILLAGE_PENULT);
markPenultimate(NOT_COMMUNITY_END, NOT_COMMUNITY_PENULT);

const code = (ch: string): number => ch.charCodeAt(0);
const ZHU = code('住');
const ZHAI = code('宅');
const QU = code('区');
const DI = code('第');
const LETTER_F = code('F');
const HYPHEN = code('-');
const SPACE = code(' ');
const ZHONG = code('中');
const COUNTRY = ['中华人民共和国', '中国'];

/**
 * Slots of the characters that key the small tables of the parser (first characters of suffixes,
 * units, triggers, cues), numbered from 1: a table is then an array by slot, read without hashing.
 */
const KEY_SLOT = new Uint8Array(0x10000);
let keySlots = 0;

/** Entries by their first character, in table order. */
class CharTable<T> {
  readonly #lists: (T[] | undefined)[] = new Array<T[] | undefined>(256).fill(undefined);
  /** The characters (code units) that have entries. */
  readonly keys: number[] = [];

  add(c: number, entry: T): void {
    if (KEY_SLOT[c] === 0) {
      if (keySlots === 255) throw new Error('cn-address: too many table key characters');
      KEY_SLOT[c] = ++keySlots;
    }
    const slot = KEY_SLOT[c]!;
    let list = this.#lists[slot];
    if (list === undefined) {
      list = this.#lists[slot] = [];
      this.keys.push(c);
    }
    list.push(entry);
  }

  /** The entries under code unit `c` (0 ≤ c < 0x10000), undefined if it keys nothing. */
  get(c: number): readonly T[] | undefined {
    return this.#lists[KEY_SLOT[c]!];
  }
}

/**
 * `foldWidth(text)`, without its regex scan when there is nothing to fold: the table lookup is
 * several times faster than the regex on Han text.
 */
function fold(text: string): string {
  for (let i = 0; i < text.length; i++) if (CLASS[text.charCodeAt(i)]! & WIDE) return foldWidth(text);
  return text;
}

// --- the text being parsed ---------------------------------------------------------------------

// The parser looks at each character many times (from every start, for every candidate length):
// `prepare` works out, once per text, each position's class bits (with NAME where `isNameChar`
// holds) and folded code unit into typed arrays, reused while the text stays the same. Reading
// those is much cheaper than `charCodeAt`, the class table and the stop-word checks each time.
//
// The parser reads text as `foldWidth` would make it (a full-width form has the classes of the
// character it folds to, `codeAt` folds, and words with ASCII in them are compared by `foldedAt`),
// but without building the folded copy: on Han text with full-width punctuation that copy costs
// more than the whole search.

/**
 * The prepared text. One constant object rather than module variables: V8 reads a field of it
 * more cheaply than a reassignable module binding, and these arrays are read very often.
 */
const buf = {
  /** The text `prepare` last worked on. */
  text: undefined as string | undefined,
  /** Class bits by position (`CLASS`, plus NAME). */
  classes: new Uint32Array(256),
  /** Code units by position, folded. */
  codes: new Uint16Array(256),
  /** Scratch: the positions whose NAME bit needs a closer look. */
  special: new Int32Array(256),
  /** Where cue words or triggers may start (the first `candidateCount`). */
  candidates: new Int32Array(256),
  candidateCount: 0,
  /** Does the text hold a number (see `prepare`)? */
  hasNumber: false,
};

/**
 * Positions read past the end of the text: the parser looks at most a few characters ahead, and
 * these read as nothing (class 0, code 0), so it needs no bounds checks.
 */
const PAD = 8;

/** Fill `buf` for `t`; every parser entry point calls it before reading it. */
function prepare(t: string): void {
  if (t === buf.text) return;
  const n = t.length;
  if (buf.classes.length < n + PAD) {
    buf.classes = new Uint32Array(2 * n + PAD);
    buf.codes = new Uint16Array(2 * n + PAD);
    buf.special = new Int32Array(2 * n);
    buf.candidates = new Int32Array(2 * n);
  }
  const pos = buf.classes;
  const cs = buf.codes;
  const sp = buf.special;
  const cd = buf.candidates;
  // No calls in this loop, so that V8 keeps the arrays in registers. Besides the classes, it notes
  // what `findAddresses` asks first: where cue words and triggers may start, and whether there is
  // a number at all.
  let specials = 0;
  let cands = 0;
  let numbered = false;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    const f = CLASS[c]!;
    cs[i] = f & WIDE ? foldCode(c) : c;
    pos[i] = f;
    if ((f & PREPARE_FLAGS) === 0) continue;
    if (f & (BAD_CHAR | STOP_START)) sp[specials++] = i;
    if (f & (CUE_START | TRIGGER_START)) cd[cands++] = i;
    // A fine-grained component (house number, building, unit, floor, room) is a number: ASCII
    // digits, or a letter or Chinese numeral right before a unit (A座, 十八号楼).
    if (f & DIGIT || (f & FINE_UNIT_START && i > 0 && pos[i - 1]! & (LETTER | NUMERAL))) numbered = true;
  }
  buf.candidateCount = cands;
  buf.hasNumber = numbered;
  for (let i = n; i < n + PAD; i++) {
    pos[i] = 0;
    cs[i] = 0;
  }
  // The table gives NAME to plain Han characters; particles and stop words need a closer look.
  for (let k = 0; k < specials; k++) {
    const i = sp[k]!;
    if (nameCharAt(t, i, pos[i]!)) pos[i] = pos[i]! | NAME;
  }
  buf.text = t;
}

/** The class bits of position `i` of the prepared text; 0 before it and in the padding after it. */
function classAt(i: number): number {
  return i >= 0 ? buf.classes[i]! : 0;
}

/** The code unit a full-width form folds to (`foldWidth`): ＡＢＣ１２３ → ABC123, U+3000 → space. */
function foldCode(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c === 0x3000 ? 0x20 : c;
}

/** The code unit at `i` of the prepared text after `foldWidth`; -1 before it, 0 in the padding after it. */
function codeAt(i: number): number {
  return i >= 0 ? buf.codes[i]! : -1;
}

/** Does `word` occur at `i` of the prepared text, comparing folded code units (＃楼 is #楼)? */
function foldedAt(i: number, word: string, from = 0): boolean {
  for (let k = from; k < word.length; k++) if (codeAt(i + k) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Does `word`, whose first `from` characters are known to match, occur at `i` of `t` (the prepared
 * text)? For the words of the tables keyed by their first characters. (Folded code units equal the
 * text's for Han words.)
 */
function restAt(t: string, i: number, word: string, from: number): boolean {
  return i + word.length <= t.length && foldedAt(i, word, from);
}

/** The class bits of the characters at `from..to` (inclusive) of the prepared text, or-ed together. */
function classesIn(from: number, to: number): number {
  let bits = 0;
  for (let k = from; k <= to; k++) bits |= classAt(k);
  return bits;
}

/** Does the word `t[s, e)` end with one of `words` (all two to four characters long)? */
function endsWithAny(t: string, s: number, e: number, words: ReadonlySet<string>): boolean {
  for (let n = 2; n <= 4 && n <= e - s; n++) if (words.has(t.slice(e - n, e))) return true;
  return false;
}

/** Is the word `t[s, e)` a community or sub-area (阳光小区, 科技园南区, 住宅区) rather than a district? */
function isCommunityArea(t: string, s: number, e: number): boolean {
  if (codeAt(e - 1) !== QU) return false;
  if (e - 2 >= s && classAt(e - 2) & AREA_BEFORE_QU) return true;
  return e - 3 >= s && AREA_WORDS.has(t.slice(e - 3, e));
}

function startsStopWord(t: string, i: number): boolean {
  for (const w of STOP_WORDS) if (t.startsWith(w, i)) return true;
  return false;
}

/**
 * Can the character at `i`, of classes `f`, be part of a place, road or community name? (Worked out
 * once per position by `prepare`.)
 */
function nameCharAt(t: string, i: number, f: number): boolean {
  if ((f & HAN) === 0) return false;
  if (f & BAD_CHAR && !(t.charCodeAt(i) === ZHU && i + 1 < t.length && t.charCodeAt(i + 1) === ZHAI)) {
    return false;
  }
  return (f & STOP_START) === 0 || !startsStopWord(t, i);
}

function isNameChar(i: number): boolean {
  return (classAt(i) & NAME) !== 0;
}

/**
 * Length of the name run at `i`, capped at `max`. For roads, villages and communities (`inner`),
 * administrative suffix characters end the run and ASCII letters may be part of it (SOHO现代城).
 */
function nameRun(t: string, i: number, max: number, inner = false): number {
  let n = 0;
  while (n < max && i + n < t.length) {
    const f = buf.classes[i + n]!;
    if (inner && f & ADMIN_CHAR) break;
    // 幸福家园十八号楼: a Chinese-numeral house or building number ends the name.
    if (inner && n > 0 && f & NUMERAL && numberAt(i + n, undefined)) break;
    if (f & NAME || (inner && f & LETTER)) n++;
    else break;
  }
  return n;
}

// --- numbers -----------------------------------------------------------------------------------

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
/** The separators of a dashed number (3-2-501, 12—3, 1~2). */
function isDash(c: number): boolean {
  return c === 0x2d || c === 0x2014 || c === 0x7e;
}

/** Are `t[s, e)` all ASCII digits (and at least one)? */
function allDigits(s: number, e: number): boolean {
  if (e <= s) return false;
  for (let k = s; k < e; k++) if ((classAt(k) & DIGIT) === 0) return false;
  return true;
}

/** Is `t[s, e)` two to four groups of one to four digits joined by `-` (3-2-501)? */
function isDashedNumber(s: number, e: number): boolean {
  let dashes = 0;
  let digits = 0;
  for (let k = s; k < e; k++) {
    const c = codeAt(k);
    if (isDigit(c)) {
      if (++digits > 4) return false;
    } else if (c === 0x2d && digits > 0) {
      dashes++;
      digits = 0;
    } else return false;
  }
  return digits > 0 && dashes >= 1 && dashes <= 3;
}

/** End of a number at `i` (digits with dashes, Chinese numerals, or a letter with digits), or `i`. */
function numberEnd(i: number): number {
  let j = i;
  if (codeAt(j) === DI) j++;
  const f = classAt(j);
  if (f & DIGIT) {
    while (classAt(j) & DIGIT) j++;
    // 3-2-501, 12—3
    for (let parts = 0; parts < 3; parts++) {
      if (isDash(codeAt(j)) && classAt(j + 1) & DIGIT) {
        j++;
        while (classAt(j) & DIGIT) j++;
      } else break;
    }
    // 3A栋
    if (classAt(j) & LETTER && !(classAt(j + 1) & LETTER) && codeAt(j) !== LETTER_F) j++;
    return j;
  }
  if (f & LETTER) {
    if (classAt(j - 1) & LETTER || classAt(j + 1) & LETTER) return i;
    j++;
    while (classAt(j) & DIGIT) j++;
    if (codeAt(j) === HYPHEN && classAt(j + 1) & DIGIT) {
      j++;
      while (classAt(j) & DIGIT) j++;
    }
    return j;
  }
  let n = 0;
  while (n < 6 && classAt(j) & NUMERAL) {
    j++;
    n++;
  }
  return n > 0 ? j : i;
}

interface NumUnit {
  readonly unit: string;
  readonly kind: AddressComponentKind;
  /** The second code unit, -1 for one-character units. */
  readonly second: number;
  readonly hao: boolean;
}

/** NUM_SUFFIXES by first character, in table order (号院 before 号). */
const NUM_UNITS: CharTable<NumUnit> = byFirstChar(
  NUM_SUFFIXES.map(([unit, kind]) => ({
    unit,
    kind,
    second: unit.length > 1 ? unit.charCodeAt(1) : -1,
    /** 号 and # are not house numbers before 线, 码, 机 … (HAO_NEXT_BAD). */
    hao: unit === '号' || unit === '#',
  })),
  (x) => x.unit,
);

/**
 * The last answer of `numberAt`. A suffix that needs a number after it (阳光花园 → 3栋) asks for
 * that number, and the next component read is that same number, asked for with the same kind.
 */
const lastNumber = {
  text: undefined as string | undefined,
  at: -1,
  prev: undefined as AddressComponentKind | undefined,
  found: undefined as AddressComponent | undefined,
};

/** A numbered component at `i` (88号, 3号楼, 2单元, 501室), or undefined. */
function numberAt(i: number, prev: AddressComponentKind | undefined): AddressComponent | undefined {
  if (i === lastNumber.at && prev === lastNumber.prev && buf.text === lastNumber.text)
    return lastNumber.found;
  const found = readNumber(i, prev);
  lastNumber.text = buf.text;
  lastNumber.at = i;
  lastNumber.prev = prev;
  lastNumber.found = found;
  return found;
}

function readNumber(i: number, prev: AddressComponentKind | undefined): AddressComponent | undefined {
  const e = numberEnd(i);
  if (e === i) return undefined;
  // One space may stand between digits and their unit (文三路 90 号 3 号楼): typed so, or put there
  // by editors that space ASCII apart from Chinese.
  const at = codeAt(e) === SPACE && classAt(e - 1) & DIGIT && classAt(e + 1) & NUM_UNIT_START ? e + 1 : e;
  if (classAt(at) & NUM_UNIT_START) {
    const next = codeAt(at + 1);
    const units = NUM_UNITS.get(codeAt(at))!;
    for (let k = 0; k < units.length; k++) {
      const u = units[k]!;
      // The first character matched; the second rejects most of the others quickly.
      if (u.second >= 0 && (next !== u.second || !foldedAt(at, u.unit))) continue;
      if (u.kind === 'floor' && u.unit === 'F' && (at !== e || !allDigits(i, e))) continue;
      if (u.hao && classAt(at + 1) & HAO_NEXT) return undefined;
      return { kind: u.kind, start: i, end: at + u.unit.length };
    }
  }
  // A bare number after a road (建国路88) or after a building/unit/floor (2单元501, 3-2-501).
  if (prev === undefined) return undefined;
  // The number must end there: punctuation, the end, or a word that is not a name (501了吗, 501电话).
  if (classAt(e) & (LETTER | DIGIT | NAME)) return undefined;
  if (prev === 'road' && e - i <= 4 && allDigits(i, e)) return { kind: 'number', start: i, end: e };
  const roomAfter =
    prev === 'building' || prev === 'unit' || prev === 'floor' || prev === 'community' || prev === 'number';
  if (roomAfter && ((e - i >= 2 && e - i <= 5 && allDigits(i, e)) || isDashedNumber(i, e))) {
    return { kind: 'room', start: i, end: e };
  }
  return undefined;
}

// --- the parser --------------------------------------------------------------------------------

interface State {
  adminLevel: number;
  fine: boolean;
  prev: AddressComponentKind | undefined;
}

/** Index a table by the first character of each entry's key, keeping the table's order. */
function byFirstChar<T>(list: readonly T[], key: (x: T) => string): CharTable<T> {
  const table = new CharTable<T>();
  for (const x of list) table.add(key(x).charCodeAt(0), x);
  return table;
}

/** Does a known place name start at `i`? */
function anyKnownAt(t: string, i: number): boolean {
  const list = knownCandidates(t, i);
  for (let k = 0; list !== undefined && k < list.length; k++) if (restAt(t, i, list[k]!.name, 2)) return true;
  return false;
}

/** Does a known place name finer than `level` start at `i`? */
function finerKnownAt(t: string, i: number, level: number): boolean {
  const list = knownCandidates(t, i);
  for (let k = 0; list !== undefined && k < list.length; k++) {
    if (list[k]!.level > level && restAt(t, i, list[k]!.name, 2)) return true;
  }
  return false;
}

/** Is a number-like component at `i` (after an optional space)? */
function numberFollows(i: number, prev: AddressComponentKind): boolean {
  const j = codeAt(i) === SPACE ? i + 1 : i;
  return numberAt(j, prev) !== undefined;
}

const ADMIN_SUFFIXES_BY_FIRST = byFirstChar(ADMIN_SUFFIXES, (s) => s.suffix);

/** A generic admin component at `i` (XX市, XX区, XX县, XX镇, XX街道 …): the coarsest level wins, then the longest name. */
function genericAdminAt(t: string, i: number, st: State): AddressComponent | undefined {
  const run = nameRun(t, i, 14);
  if ((classesIn(i + 1, i + run) & ADMIN_SUFFIX_START) === 0) return undefined;
  let best: { level: number; comp: AddressComponent } | undefined;
  for (let L = run; L >= 1; L--) {
    if ((classAt(i + L) & ADMIN_SUFFIX_START) === 0) continue;
    const suffixes = ADMIN_SUFFIXES_BY_FIRST.get(codeAt(i + L))!;
    for (let k = 0; k < suffixes.length; k++) {
      const s = suffixes[k]!;
      if (L < s.min || L > s.max || !restAt(t, i + L, s.suffix, 1)) continue;
      const kind: AdminKind =
        s.kind === 'city-or-district' ? (st.adminLevel < 2 ? 'city' : 'district') : s.kind;
      const level = levelOf(kind);
      if (level <= st.adminLevel || (best && best.level <= level)) continue;
      const end = i + L + s.suffix.length;
      if (isCommunityArea(t, i, end)) continue;
      if (classAt(end - 2) & NOT_ADMIN_PENULT && endsWithAny(t, i, end, NOT_ADMIN)) continue;
      best = { level, comp: { kind, start: i, end } };
      break;
    }
  }
  return best?.comp;
}

/** Suffixes and stop lists of one kind of named component (roads, villages, communities). */
interface SuffixRule {
  readonly kind: AddressComponentKind;
  /** Class bit of the suffixes' first characters. */
  readonly start: number;
  /** The suffixes by first character, in table order. */
  readonly suffixes: CharTable<Suffix>;
  readonly notEnds: ReadonlySet<string>;
  readonly notWords: ReadonlySet<string>;
  /** Class bit of the second-to-last characters of `notEnds`. */
  readonly notEndsPenult: number;
  /** Bit n set when `notWords` has a word of n characters. */
  readonly notWordLengths: number;
  /** Class bit of the characters that may not follow the suffix (0: any may). */
  readonly nextBad: number;
}

const bySuffix = (list: readonly Suffix[]) => byFirstChar(list, (s) => s.suffix);
const lengths = (words: ReadonlySet<string>) => [...words].reduce((bits, w) => bits | (1 << w.length), 0);
const ROAD: SuffixRule = {
  kind: 'road',
  start: ROAD_SUFFIX_START,
  suffixes: bySuffix(ROAD_SUFFIXES),
  notEnds: NOT_ROAD_END,
  notWords: NOT_ROAD_WORD,
  notEndsPenult: NOT_ROAD_PENULT,
  notWordLengths: lengths(NOT_ROAD_WORD),
  nextBad: ROAD_NEXT,
};
const VILLAGE: SuffixRule = {
  kind: 'village',
  start: VILLAGE_SUFFIX_START,
  suffixes: bySuffix(VILLAGE_SUFFIXES),
  notEnds: NOT_VILLAGE_END,
  notWords: NOT_VILLAGE_WORD,
  notEndsPenult: NOT_VILLAGE_PENULT,
  notWordLengths: lengths(NOT_VILLAGE_WORD),
  nextBad: VILLAGE_NEXT,
};
const COMMUNITY: SuffixRule = {
  kind: 'community',
  start: COMMUNITY_SUFFIX_START,
  suffixes: bySuffix(COMMUNITY_SUFFIXES),
  notEnds: NOT_COMMUNITY_END,
  notWords: NOT_COMMUNITY_WORD,
  notEndsPenult: NOT_COMMUNITY_PENULT,
  notWordLengths: lengths(NOT_COMMUNITY_WORD),
  nextBad: 0,
};

/**
 * A component named by a run of characters and a suffix (roads, villages, communities); `run` is
 * `nameRun(t, i, 12, true)`, shared by the three kinds.
 */
function suffixedAt(
  t: string,
  i: number,
  run: number,
  rule: SuffixRule,
  st: State,
): AddressComponent | undefined {
  const kind = rule.kind;
  for (let L = run; L >= 0; L--) {
    if ((classAt(i + L) & rule.start) === 0) continue;
    const suffixes = rule.suffixes.get(codeAt(i + L))!;
    for (let k = 0; k < suffixes.length; k++) {
      const s = suffixes[k]!;
      const min =
        L === 0 && kind === 'community' && (st.prev === 'road' || st.prev === 'village') ? 0 : s.min;
      if (L < min || L > s.max || !restAt(t, i + L, s.suffix, 1)) continue;
      const end = i + L + s.suffix.length;
      if ((rule.notWordLengths >> (end - i)) & 1 && rule.notWords.has(t.slice(i, end))) continue;
      if (classAt(end - 2) & rule.notEndsPenult && endsWithAny(t, i, end, rule.notEnds)) continue;
      if (classAt(end) & rule.nextBad) continue;
      if (s.needsNumber && !numberFollows(end, kind)) continue;
      if (kind === 'community' && s.suffix.length === 1 && L === 0) continue;
      return { kind, start: i, end };
    }
  }
  return undefined;
}

function componentAt(t: string, i: number, st: State): AddressComponent | undefined {
  // Administrative components must be finer than the last one: none is finer than a town, no known
  // name (province, city, district) finer than a district.
  if (!st.fine && st.adminLevel < 4) {
    const known = st.adminLevel < 3 ? knownCandidates(t, i) : undefined;
    for (let n = 0; known !== undefined && n < known.length; n++) {
      const k = known[n]!;
      if (!restAt(t, i, k.name, 2)) continue;
      const level = k.level;
      if (level <= st.adminLevel) continue;
      const end = i + k.name.length;
      if (k.short) {
        // 广东深圳市…: a short name counts only when a finer admin component follows.
        const next = { adminLevel: level, fine: false, prev: k.kind };
        const after = finerKnownAt(t, end, level) || genericAdminAt(t, end, next);
        if (!after) continue;
      }
      return { kind: k.kind, start: i, end };
    }
    const g = genericAdminAt(t, i, st);
    if (g) return g;
  }
  const num = numberAt(i, st.prev);
  if (num) return num;
  const run = nameRun(t, i, 12, true);
  // Which suffixes occur in reach: most positions need none of the three suffix tables.
  const bits = classesIn(i, i + run);
  return (
    (bits & ROAD.start ? suffixedAt(t, i, run, ROAD, st) : undefined) ??
    (bits & VILLAGE.start ? suffixedAt(t, i, run, VILLAGE, st) : undefined) ??
    (bits & COMMUNITY.start ? suffixedAt(t, i, run, COMMUNITY, st) : undefined) ??
    unsuffixedCommunityAt(i, Math.min(run, 8), st)
  );
}

const BUILDING_KINDS: ReadonlySet<AddressComponentKind> = new Set(['building', 'unit', 'floor']);

/**
 * A building name without a suffix, after a road or house number and before a building number
 * (88号太古汇1座); `run` is `nameRun(t, i, 8, true)`.
 */
function unsuffixedCommunityAt(i: number, run: number, st: State): AddressComponent | undefined {
  if (st.prev !== 'number' && st.prev !== 'road' && st.prev !== 'village') return undefined;
  if (run < 2) return undefined;
  const next = numberAt(i + run, 'community');
  return next && BUILDING_KINDS.has(next.kind) ? { kind: 'community', start: i, end: i + run } : undefined;
}

interface Parse {
  readonly comps: readonly AddressComponent[];
  readonly end: number;
  /** The kinds of the components, one bit each (`kindBit`). */
  readonly kinds: number;
}

/** Parse components from `start`; stops at the first thing that is not a component. */
function parseAt(t: string, start: number): Parse {
  prepare(t);
  const comps: AddressComponent[] = [];
  const st: State = { adminLevel: 0, fine: false, prev: undefined };
  let i = start;
  // A leading country name is part of the address but not a component.
  if (codeAt(i) === ZHONG) {
    for (const c of COUNTRY) {
      if (t.startsWith(c, i)) {
        i += c.length;
        break;
      }
    }
  }
  let end = start;
  let kinds = 0;
  while (i < t.length) {
    const j = codeAt(i) === SPACE && comps.length > 0 ? i + 1 : i;
    const c = componentAt(t, j, st);
    if (!c) break;
    comps.push(c);
    kinds |= kindBit(c.kind);
    const level = levelOf(c.kind);
    if (level > 0) st.adminLevel = level;
    else st.fine = true;
    st.prev = c.kind;
    i = end = c.end;
  }
  return { comps, end: comps.length > 0 ? end : start, kinds };
}

interface Assessment {
  readonly kinds: number;
  readonly fine: boolean;
  readonly roadNumber: boolean;
  readonly score: number;
}

/** One bit per component kind: `assess` counts kinds without building a Set. */
function kindBit(k: AddressComponentKind): number {
  switch (k) {
    case 'province':
      return 1 << 0;
    case 'city':
      return 1 << 1;
    case 'district':
      return 1 << 2;
    case 'town':
      return 1 << 3;
    case 'road':
      return 1 << 4;
    case 'village':
      return 1 << 5;
    case 'number':
      return 1 << 6;
    case 'community':
      return 1 << 7;
    case 'building':
      return 1 << 8;
    case 'unit':
      return 1 << 9;
    case 'floor':
      return 1 << 10;
    case 'room':
      return 1 << 11;
  }
}
const FINE_BITS = [...FINE].reduce((bits, k) => bits | kindBit(k), 0);
const ROAD_NUMBER_BITS = kindBit('road') | kindBit('number');

/** How good an address the components of kinds `bits` (`kindBit`) make. */
function assess(bits: number): Assessment {
  let kinds = 0;
  for (let b = bits; b !== 0; b &= b - 1) kinds++;
  const fine = (bits & FINE_BITS) !== 0;
  const roadNumber = (bits & ROAD_NUMBER_BITS) === ROAD_NUMBER_BITS;
  let score = 0;
  if (kinds === 2) score = fine ? 0.55 : 0.5;
  else if (kinds >= 3) score = fine ? Math.min(0.95, 0.8 + 0.03 * (kinds - 3)) : 0.6;
  return { kinds, fine, roadNumber, score: Math.round(score * 100) / 100 };
}

function normaliseAddress(value: string): string {
  const v = fold(value).trim();
  // Runs of white space become one space; most values have none, or single spaces only.
  for (let i = 0; i < v.length; i++) {
    if ((CLASS[v.charCodeAt(i)]! & SPACE_CHAR) === 0) continue;
    const alone =
      v.charCodeAt(i) === SPACE && (i + 1 === v.length || (CLASS[v.charCodeAt(i + 1)]! & SPACE_CHAR) === 0);
    if (!alone) return v.replace(/\s+/g, ' ');
  }
  return v;
}

/** The number of code points in `s[0, end)`, as `Array.from` would count them. */
function codePoints(s: string, end = s.length): number {
  let n = end;
  for (let i = 0; i + 1 < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

interface Verdict {
  readonly valid: boolean;
  readonly score: number;
  readonly checks: readonly Check[];
  readonly reason?: string;
  readonly kind?: string;
}

function judge(v: string): Verdict {
  if (v.length === 0)
    return { valid: false, score: 0, checks: [{ name: 'format', passed: false }], reason: 'EMPTY' };
  const p = parseAt(v, 0);
  const a = assess(p.kinds);
  const coverage = p.end / v.length;
  const checks: Check[] = [
    { name: 'format', passed: p.comps.length > 0 },
    { name: 'components', passed: a.kinds >= 2 },
    { name: 'coverage', passed: coverage >= 0.6 },
    { name: 'detail', passed: a.fine },
  ];
  if (p.comps.length === 0) return { valid: false, score: 0, checks, reason: 'NOT_ADDRESS' };
  if (a.kinds < 2) return { valid: false, score: 0.1, checks, reason: 'TOO_COARSE' };
  if (coverage < 0.6) return { valid: false, score: 0.2, checks, reason: 'UNPARSED_TEXT' };
  return { valid: true, score: a.score, checks, kind: a.fine ? 'detailed' : 'area' };
}

/**
 * The components of an address (normalise it first for stable offsets): useful to generalise an
 * address to its district, or to explain a finding.
 */
export function addressComponents(value: string): readonly AddressComponent[] {
  return parseAt(fold(value), 0).comps;
}

/** The `CN_ADDRESS` type: Chinese postal addresses. */
export const cnAddress: PiType = {
  id: 'CN_ADDRESS',
  sensitive: false,
  description: {
    zh: '中国大陆通信地址（省市区、道路门牌、小区楼栋单元室）',
    en: 'Chinese postal address (province/city/district, road and number, community, building, unit, room)',
  },
  context: {
    raise: [
      '地址',
      '住址',
      '家庭住址',
      '收货地址',
      '联系地址',
      '通讯地址',
      '户籍地址',
      '户籍',
      '现住址',
      '居住地',
      '住在',
      '寄往',
      '送至',
      'address',
      'addr',
    ],
    lower: ['IP地址', 'MAC地址', '邮箱地址', '网址', '服务器', '链接', 'url', 'ip', 'mac', 'email'],
  },
  fieldNames: [
    'address',
    'addr',
    'home_address',
    'homeaddress',
    'shipping_address',
    'shippingaddress',
    'delivery_address',
    'street',
    'street_address',
    'dz',
    'zz',
    'jtzz',
    'xzz',
    'hjdz',
    'txdz',
    'lxdz',
    'shdz',
    '地址',
    '住址',
    '家庭住址',
    '家庭地址',
    '收货地址',
    '联系地址',
    '户籍地址',
    '通讯地址',
    '现住址',
    '详细地址',
  ],
  /** Fold full-width forms, trim, collapse runs of spaces to one. */
  normalise: normaliseAddress,
  validate(value: string): Validation {
    const r = judge(normaliseAddress(value));
    return {
      valid: r.valid,
      score: r.score,
      checks: r.checks,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      ...(r.kind === undefined ? {} : { kind: r.kind }),
    };
  },
  /**
   * Keep the administrative part up to and including the district or county and mask the rest,
   * one `*` per character (`北京市朝阳区建国路88号` → `北京市朝阳区******`). Without a recognisable
   * district, Hutool's `ADDRESS` rule: mask the last 8 characters. `keepStart`/`keepEnd` override.
   */
  mask(value: string, options?: MaskOptions): string {
    const ch = options?.char ?? '*';
    if (options?.keepStart !== undefined || options?.keepEnd !== undefined) {
      return keepEnds(value, options.keepStart ?? 0, options.keepEnd ?? 0, ch);
    }
    // The parser reads the value as folded (see `prepare`): no folded copy needed.
    const lead = value.length - value.trimStart().length;
    return maskParsed(value, parseAt(value, lead).comps, 0, ch);
  },
};

/**
 * The default mask of `value` given its parse: keep the administrative components up to the
 * district, hide the rest; without a district, hide the last 8 characters (Hutool's rule).
 * `comps` offsets are `base` more than `value`'s.
 */
function maskParsed(value: string, comps: readonly AddressComponent[], base: number, ch = '*'): string {
  let keep = -1;
  for (const c of comps) {
    if (!isAdmin(c.kind)) break;
    if (c.kind === 'district') keep = c.end - base;
  }
  const n = codePoints(value);
  if (keep > 0) {
    const k = codePoints(value, keep);
    if (k < n) return hide(value, k, n, ch);
  }
  return hide(value, n - 8, n, ch);
}

// --- free-text search --------------------------------------------------------------------------

const byLength = (a: string, b: string) => b.length - a.length;
const isAscii = (s: string) => /^[a-z_]+$/.test(s);

/**
 * The cues by first character (both cases for ASCII ones), ASCII cues then Han cues, each longest
 * first: at a position the first that matches wins, as in a regex alternation in that order.
 */
const CUES_BY_FIRST: CharTable<string> = (() => {
  const sorted = [
    ...ADDRESS_CUES.filter(isAscii).sort(byLength),
    ...ADDRESS_CUES.filter((c) => !isAscii(c)).sort(byLength),
  ];
  const table = new CharTable<string>();
  for (const cue of sorted) {
    for (const first of new Set([cue.charCodeAt(0), cue.toUpperCase().charCodeAt(0)])) table.add(first, cue);
  }
  return table;
})();

/** Does the lower-case ASCII word `w` occur at `i`, in any case? */
function asciiAt(i: number, w: string): boolean {
  for (let k = 0; k < w.length; k++) {
    const c = codeAt(i + k);
    const x = w.charCodeAt(k);
    if (c !== x && !(x >= 97 && x <= 122 && c === x - 32)) return false;
  }
  return true;
}

/** Length of the cue word at `i`, or 0. ASCII cues match in any case, as whole words (not `ipaddress2`). */
function cueLengthAt(t: string, i: number): number {
  const cues = CUES_BY_FIRST.get(codeAt(i))!;
  for (let k = 0; k < cues.length; k++) {
    const cue = cues[k]!;
    if (i + cue.length > t.length) continue;
    if (isLetter(cue.charCodeAt(0))) {
      const before = codeAt(i - 1);
      if (isLetter(before) || isDigit(before) || isLetter(codeAt(i + cue.length))) continue;
      if (!asciiAt(i, cue)) continue;
    } else if (!t.startsWith(cue, i)) continue;
    return cue.length;
  }
  return 0;
}

/** 地址 preceded by these is a network or mail address, not a postal one (IP地址, 邮箱地址 …). */
const NOT_POSTAL_BEFORE =
  /(?:ip|mac|email|e-mail|mail|url|web|wallet|server|host|remote|local|ipv[46]|网关|邮箱|邮件|网址|网站|网页|服务器|链接|内存|物理|存储|主机|回调|接口|域名|下载|访问|钱包|合约|节点|服务|广播|网络|网)[\s_\-:]*$/i;

/** The last characters of the words in NOT_POSTAL_BEFORE (lower case). */
const NOT_POSTAL_LAST = new Set(
  Array.from('pclbtre46关箱件址站页器接存理储机调口名载问包约点务播络网', code),
);

/** Characters `[\s_\-:]` of NOT_POSTAL_BEFORE: white space, `_`, `-`, `:`. */
function isPostalSeparator(c: number): boolean {
  return (
    c === 0x5f ||
    c === 0x2d ||
    c === 0x3a ||
    c === 0x20 ||
    (c >= 0x09 && c <= 0x0d) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Is the cue at `j` preceded (within ten characters) by a word that makes it a network or mail
 * address (IP地址, 邮箱地址)? The regex runs only when the last character before the cue, past
 * separators, can end one of its words: rarely.
 */
function notPostalBefore(t: string, j: number): boolean {
  const from = Math.max(0, j - 10);
  let q = j;
  while (q > from && isPostalSeparator(codeAt(q - 1))) q--;
  if (q === from) return false;
  const last = codeAt(q - 1);
  if (!NOT_POSTAL_LAST.has(last >= 65 && last <= 90 ? last + 32 : last)) return false;
  return NOT_POSTAL_BEFORE.test(foldWidth(t.slice(from, j)));
}

const CUE_SEPARATORS = ' \t:="\'“”‘’「」【】[]()<>|';
const CUE_VERBS = new Set([code('是'), code('为'), code('在')]);

/** Where the address after a cue ending at `p` starts: past separators and one verb (地址是：…). */
function afterCue(t: string, p: number): number {
  let verb = false;
  for (let n = 0; n < 6 && p < t.length; n++) {
    if (classAt(p) & CUE_SKIP) p++;
    else if (!verb && CUE_VERBS.has(codeAt(p))) {
      verb = true;
      p++;
    } else break;
  }
  return p;
}

/** Suffixes whose occurrence starts a backward look for an address start, with how far to look. */
const TRIGGER_WORDS =
  '自治州 自治县 街道 新区 大道 大街 胡同 小区 花园 公寓 大厦 家园 新村 广场 单元 号楼'.split(' ');
const TRIGGER_CHARS = '省市州盟区县旗镇乡路街巷村屯苑号栋幢座室弄层楼#';

/** How many name characters to look back for each trigger (numbers look back over digits). */
function lookBack(trigger: string): number | 'number' {
  if ('号栋幢座室弄层楼#'.includes(trigger) || trigger === '单元' || trigger === '号楼') return 'number';
  if ('市区县旗'.includes(trigger) || trigger === '新区') return 2;
  if ('省州盟镇乡村屯'.includes(trigger) || trigger === '街道' || trigger.startsWith('自治')) return 3;
  return 4; // roads and communities
}

interface Trigger {
  readonly word: string;
  readonly back: number | 'number';
}

/** The farthest a name trigger looks back: its start is at most this many characters before it. */
const MAX_LOOK_BACK = Math.max(
  ...[...TRIGGER_WORDS, ...TRIGGER_CHARS].map(lookBack).filter((b): b is number => b !== 'number'),
);

/** Triggers by first character: words before single characters (街道 before 街), as a regex alternation would try them. */
const TRIGGERS: CharTable<Trigger> = byFirstChar(
  [...TRIGGER_WORDS, ...TRIGGER_CHARS].map((word) => ({ word, back: lookBack(word) })),
  (x) => x.word,
);

for (const c of CUES_BY_FIRST.keys) CLASS[c] = CLASS[c]! | CUE_START;
for (const c of TRIGGERS.keys) CLASS[c] = CLASS[c]! | TRIGGER_START;
mark(CUE_SEPARATORS, CUE_SKIP);
// Last, once the ASCII characters have all their classes: a full-width form has the classes of the
// character it folds to (１ is a digit, ＃ a unit, ： a separator).
for (let c = 0xff01; c <= 0xff5e; c++) CLASS[c] = CLASS[foldCode(c)]! | WIDE;
CLASS[0x3000] = CLASS[foldCode(0x3000)]! | WIDE;

function triggerAt(i: number): Trigger | undefined {
  const triggers = TRIGGERS.get(codeAt(i))!;
  for (let k = 0; k < triggers.length; k++) if (foldedAt(i, triggers[k]!.word)) return triggers[k];
  return undefined;
}

/** Does a STOP_BIGRAMS word (住在, 位于 …) end at `k`? */
function stopBigramEndsAt(t: string, k: number): boolean {
  return (
    k >= 2 &&
    (classAt(k - 2) & BIGRAM_FIRST) !== 0 &&
    (classAt(k - 1) & BIGRAM_SECOND) !== 0 &&
    STOP_BIGRAMS.has(t.slice(k - 2, k))
  );
}

/** Where the number before the unit at `j` starts (3号, 12-3栋, 第五栋), or `j`. */
function startOfNumber(j: number): number {
  let k = j;
  for (;;) {
    if (classAt(k - 1) & (DIGIT | LETTER | NUMERAL) || codeAt(k - 1) === HYPHEN) k--;
    else break;
  }
  if (codeAt(k - 1) === DI) k--;
  return k;
}

/**
 * Where an address ending in the trigger at `j` may start: back over up to `back` name characters,
 * or at the first known place name in that stretch (讨论北京市 → 北京市).
 */
function startBeforeName(t: string, j: number, back: number): number {
  let k = j;
  while (k > 0 && j - k < back && isNameChar(k - 1) && !stopBigramEndsAt(t, k)) k--;
  for (let a = k; a < j; a++) if (classAt(a) & KNOWN_START && anyKnownAt(t, a)) return a;
  return k;
}

/**
 * Characters or words whose presence in a line means "run `findAddresses` here": every accepted
 * address contains at least one. ASCII entries are lower-case.
 */
export const ADDRESS_TRIGGERS: readonly string[] = [
  ...new Set([
    ...Array.from(
      '省市区县旗州盟镇乡街路道巷弄村屯里号栋幢座单元层楼室户苑城园庄府邸居轩阁湾坊院寓厦组期段#',
    ),
    '胡同',
    '嘎查',
    '苏木',
    '小区',
    '花园',
    '公寓',
    '大厦',
    '广场',
    '中心',
    '别墅',
    '宿舍',
    '新村',
    '社区',
    ...ADDRESS_CUES.map((c) => c.toLowerCase()),
  ]),
];

/**
 * Scratch marks "a start at this position" for `findAddresses`: position p is marked in a call when
 * `stamps.marks[p]` holds that call's stamp. Reused across calls, so nothing is allocated or cleared.
 */
const stamps = { marks: new Uint32Array(256), last: 0 };

function nextStamp(): number {
  if (++stamps.last === 0xffffffff) {
    stamps.marks.fill(0);
    stamps.last = 1;
  }
  return stamps.last;
}

/**
 * Find Chinese postal addresses in a small text window.
 *
 * Starts are tried at cue words (`地址：`, `住在` …), known province and city names, and a few
 * characters before structural suffixes (区, 路, 号 …); from each start the component parser reads
 * as far as the address goes, across digits and building markers, and stops at punctuation, at
 * field words such as 电话 or 联系人, or at anything that is not a component.
 *
 * Reported: with a cue, two or more component kinds; without one, three or more kinds including a
 * fine-grained one (number, building, unit, floor, room), or a road with its number. Scores are the
 * `validate` score, plus 0.1 with a cue or `fieldIsAddress` (capped at 0.95).
 */
export function findAddresses(text: string, options?: FindAddressesOptions): AddressSpan[] {
  if (options?.fieldIsAddress) {
    const f = fold(text);
    const lead = f.length - f.trimStart().length;
    const inner = f.trim().replace(/^["'“”]+|["'“”]+$/g, '');
    const start = f.indexOf(inner, lead);
    const r = judge(normaliseAddress(inner));
    if (inner.length > 0 && r.valid) {
      return [
        { start, end: start + inner.length, score: Math.min(0.95, Math.round((r.score + 0.1) * 100) / 100) },
      ];
    }
  }
  // The text is read as folded (see `prepare`), without making the folded copy.
  const t = text;
  prepare(t);
  const n = t.length;
  const cls = buf.classes;
  const cand = buf.candidates;
  // The cue words (the address starts after the cue and its separators) and the triggers.
  if (stamps.marks.length <= n) stamps.marks = new Uint32Array(2 * n + 2);
  const isStart = stamps.marks;
  const stamp = nextStamp();
  let cueEnds: Map<number, string> | undefined; // cue by the start it gives
  const nameTriggers: number[] = []; // position and look-back of each trigger after a name (区, 路 …)
  let cueFrom = 0; // cues do not overlap: 家庭住址 is one cue, not also 住址
  let triggerFrom = 0; // nor do triggers: 街道 is one, not 街 and 道
  for (let c = 0; c < buf.candidateCount; c++) {
    const j = cand[c]!;
    const f = cls[j]!;
    if (f & CUE_START && j >= cueFrom) {
      const len = cueLengthAt(t, j);
      if (len > 0) {
        cueFrom = j + len;
        if (!notPostalBefore(t, j)) {
          const p = afterCue(t, cueFrom);
          cueEnds ??= new Map();
          cueEnds.set(p, fold(t.slice(j, cueFrom)));
          isStart[p] = stamp;
        }
      }
    }
    if (f & TRIGGER_START && j >= triggerFrom) {
      const trigger = triggerAt(j);
      if (trigger === undefined) continue;
      triggerFrom = j + trigger.word.length;
      if (trigger.back === 'number') {
        const k = startOfNumber(j);
        if (k < j) isStart[k] = stamp;
      } else nameTriggers.push(j, trigger.back);
    }
  }
  // Without a cue, only addresses with a fine-grained component are reported, and each of those is
  // a number (see `prepare`).
  if (cueEnds === undefined && !buf.hasNumber) return [];

  // Then the starts in order: after cues, at known place names, and a few characters before the
  // triggers. A start inside the last address found is skipped, so place names and look-backs are
  // only worked out outside addresses: a trigger is resolved when the scan reaches its earliest
  // possible start, and dropped when it lies inside the last address found.
  const out: AddressSpan[] = [];
  let lastEnd = 0;
  let next = 0; // the next unresolved trigger in nameTriggers
  for (let pos = 0; pos <= n; pos++) {
    while (next < nameTriggers.length && nameTriggers[next]! - MAX_LOOK_BACK <= pos) {
      const j = nameTriggers[next]!;
      const back = nameTriggers[next + 1]!;
      next += 2;
      if (j <= lastEnd) continue; // its start would lie inside the last address found
      const k = startBeforeName(t, j, back);
      if (k < j) isStart[k] = stamp;
    }
    if (isStart[pos] !== stamp && !(cls[pos]! & KNOWN_START && anyKnownAt(t, pos))) continue;
    const p = parseAt(t, pos);
    if (p.comps.length === 0) continue;
    let cue: string | undefined;
    for (let d = 0; d <= 3 && cue === undefined && cueEnds; d++) cue = cueEnds.get(pos - d);
    const a = assess(p.kinds);
    const accepted =
      cue !== undefined ? a.kinds >= 2 : (a.kinds >= 3 && a.fine) || (a.kinds >= 2 && a.roadNumber);
    if (!accepted) continue;
    const score = Math.min(0.95, Math.round((a.score + (cue !== undefined ? 0.1 : 0)) * 100) / 100);
    const masked = maskParsed(t.slice(pos, p.end), p.comps, pos);
    out.push(
      cue !== undefined
        ? { start: pos, end: p.end, score, cue, masked }
        : { start: pos, end: p.end, score, masked },
    );
    lastEnd = p.end;
    pos = lastEnd - 1; // a start inside the address just found is never tried
  }
  return out;
}

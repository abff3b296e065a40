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
const ADMIN_LEVEL: Readonly<Record<AdminKind, number>> = { province: 1, city: 2, district: 3, town: 4 };
const FINE: ReadonlySet<AddressComponentKind> = new Set(['number', 'building', 'unit', 'floor', 'room']);

function isAdmin(k: AddressComponentKind): k is AdminKind {
  return k === 'province' || k === 'city' || k === 'district' || k === 'town';
}

interface Known {
  readonly name: string;
  readonly kind: AdminKind;
  /** A short form without suffix (广东, 杭州): only counts when another admin component follows. */
  readonly short: boolean;
}

/** Known place names by first character, longest first. */
const KNOWN: ReadonlyMap<string, readonly Known[]> = (() => {
  const all: Known[] = [];
  for (const p of PROVINCES) {
    all.push(
      { name: p.name, kind: 'province', short: false },
      { name: p.short, kind: 'province', short: true },
    );
  }
  const provinceNames = new Set(PROVINCES.map((p) => p.name));
  for (const p of PREFECTURES) {
    if (provinceNames.has(p.name)) continue; // the municipalities are already provinces
    all.push({ name: p.name, kind: 'city', short: false });
    if (p.short.length >= 2) all.push({ name: p.short, kind: 'city', short: true });
  }
  for (const list of Object.values(DISTRICTS)) {
    for (const name of list.split(' ')) all.push({ name, kind: 'district', short: false });
  }
  const m = new Map<string, Known[]>();
  for (const k of all) {
    if (k.name.length < 2) continue;
    const list = m.get(k.name[0]!) ?? [];
    if (!list.some((x) => x.name === k.name && x.kind === k.kind)) list.push(k);
    m.set(k.name[0]!, list);
  }
  for (const list of m.values()) list.sort((a, b) => b.name.length - a.name.length);
  return m;
})();

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

/** Endings that make an admin-looking word a community or sub-area instead (阳光小区, 科技园南区). */
const COMMUNITY_AREA =
  /(?:小区|社区|园区|校区|厂区|片区|街区|学区|商区|住宅区|生活区|办公区|居住区|工业区|[东西南北中]区)$/;

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

/** Does `word` end with one of `words` (all two to four characters long)? */
function endsWithAny(word: string, words: ReadonlySet<string>): boolean {
  for (let n = 2; n <= 4 && n <= word.length; n++) if (words.has(word.slice(-n))) return true;
  return false;
}

function isHan(c: number): boolean {
  return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
}

const STOP_FIRST = new Set(STOP_WORDS.map((w) => w[0]!));

function startsStopWord(t: string, i: number): boolean {
  if (!STOP_FIRST.has(t[i] ?? '')) return false;
  for (const w of STOP_WORDS) if (t.startsWith(w, i)) return true;
  return false;
}

/** A character that can be part of a place, road or community name. */
function isNameChar(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  if (!isHan(c)) return false;
  const ch = t[i]!;
  if (BAD.has(ch) && !(ch === '住' && t[i + 1] === '宅')) return false;
  return !startsStopWord(t, i);
}

/** Administrative suffix characters: never inside a road, village or community name (科技园南区深南大道). */
const ADMIN_CHARS = new Set(Array.from('省市区县'));

/**
 * Length of the name run at `i`, capped at `max`. For roads, villages and communities (`inner`),
 * administrative suffix characters end the run and ASCII letters may be part of it (SOHO现代城).
 */
function nameRun(t: string, i: number, max: number, inner = false): number {
  let n = 0;
  while (n < max && i + n < t.length) {
    const c = t.charCodeAt(i + n);
    if (inner && ADMIN_CHARS.has(t[i + n]!)) break;
    // 幸福家园十八号楼: a Chinese-numeral house or building number ends the name.
    if (inner && n > 0 && CN_NUMERALS.has(t[i + n]!) && numberAt(t, i + n, undefined)) break;
    if (isNameChar(t, i + n) || (inner && isLetter(c))) n++;
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

/** End of a number at `i` (digits with dashes, Chinese numerals, or a letter with digits), or `i`. */
function numberEnd(t: string, i: number): number {
  let j = i;
  if (t[j] === '第') j++;
  const c = t.charCodeAt(j);
  if (isDigit(c)) {
    while (isDigit(t.charCodeAt(j))) j++;
    // 3-2-501, 12—3
    for (let parts = 0; parts < 3; parts++) {
      if (/[-—~]/.test(t[j] ?? '') && isDigit(t.charCodeAt(j + 1))) {
        j++;
        while (isDigit(t.charCodeAt(j))) j++;
      } else break;
    }
    // 3A栋
    if (isLetter(t.charCodeAt(j)) && !isLetter(t.charCodeAt(j + 1)) && t[j] !== 'F') j++;
    return j;
  }
  if (isLetter(c)) {
    if (isLetter(t.charCodeAt(j - 1)) || isLetter(t.charCodeAt(j + 1))) return i;
    j++;
    while (isDigit(t.charCodeAt(j))) j++;
    if (t[j] === '-' && isDigit(t.charCodeAt(j + 1))) {
      j++;
      while (isDigit(t.charCodeAt(j))) j++;
    }
    return j;
  }
  let n = 0;
  while (n < 6 && CN_NUMERALS.has(t[j] ?? '')) {
    j++;
    n++;
  }
  return n > 0 ? j : i;
}

/** A numbered component at `i` (88号, 3号楼, 2单元, 501室), or undefined. */
function numberAt(
  t: string,
  i: number,
  prev: AddressComponentKind | undefined,
): AddressComponent | undefined {
  const e = numberEnd(t, i);
  if (e === i) return undefined;
  const digitsOnly = /^\d+$/.test(t.slice(i, e));
  for (const [suf, kind] of NUM_SUFFIXES) {
    if (!t.startsWith(suf, e)) continue;
    if (suf === 'F' && !digitsOnly) continue;
    if ((suf === '号' || suf === '#') && HAO_NEXT_BAD.has(t[e + 1] ?? '')) return undefined;
    return { kind, start: i, end: e + suf.length };
  }
  // A bare number after a road (建国路88) or after a building/unit/floor (2单元501, 3-2-501).
  if (prev === undefined) return undefined;
  // The number must end there: punctuation, the end, or a word that is not a name (501了吗, 501电话).
  const next = t.charCodeAt(e);
  if (isLetter(next) || isDigit(next) || isNameChar(t, e)) return undefined;
  const s = t.slice(i, e);
  if (prev === 'road' && /^\d{1,4}$/.test(s)) return { kind: 'number', start: i, end: e };
  if (
    (prev === 'building' ||
      prev === 'unit' ||
      prev === 'floor' ||
      prev === 'community' ||
      prev === 'number') &&
    (/^\d{2,5}$/.test(s) || /^\d{1,4}(?:-\d{1,4}){1,3}$/.test(s))
  ) {
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

function knownAt(t: string, i: number): readonly Known[] {
  const list = KNOWN.get(t[i] ?? '');
  if (!list) return [];
  return list.filter((k) => t.startsWith(k.name, i));
}

/** Is a number-like component at `i` (after an optional space)? */
function numberFollows(t: string, i: number, prev: AddressComponentKind): boolean {
  const j = t[i] === ' ' ? i + 1 : i;
  return numberAt(t, j, prev) !== undefined;
}

const ADMIN_SUFFIX_FIRST = new Set(ADMIN_SUFFIXES.map((s) => s.suffix[0]!));

/** A generic admin component at `i` (XX市, XX区, XX县, XX镇, XX街道 …): the coarsest level wins, then the longest name. */
function genericAdminAt(t: string, i: number, st: State): AddressComponent | undefined {
  const run = nameRun(t, i, 14);
  let best: { level: number; comp: AddressComponent } | undefined;
  for (let L = run; L >= 1; L--) {
    if (!ADMIN_SUFFIX_FIRST.has(t[i + L] ?? '')) continue;
    for (const s of ADMIN_SUFFIXES) {
      if (L < s.min || L > s.max || !t.startsWith(s.suffix, i + L)) continue;
      const kind: AdminKind =
        s.kind === 'city-or-district' ? (st.adminLevel < 2 ? 'city' : 'district') : s.kind;
      const level = ADMIN_LEVEL[kind];
      if (level <= st.adminLevel || (best && best.level <= level)) continue;
      const end = i + L + s.suffix.length;
      const word = t.slice(i, end);
      if (COMMUNITY_AREA.test(word) || endsWithAny(word, NOT_ADMIN)) continue;
      best = { level, comp: { kind, start: i, end } };
      break;
    }
  }
  return best?.comp;
}

/** A component named by a run of characters and a suffix (roads, villages, communities). */
function suffixedAt(
  t: string,
  i: number,
  kind: AddressComponentKind,
  suffixes: readonly Suffix[],
  notEnds: ReadonlySet<string>,
  notWords: ReadonlySet<string>,
  nextBad: ReadonlySet<string> | undefined,
  st: State,
): AddressComponent | undefined {
  const run = nameRun(t, i, 12, true);
  for (let L = run; L >= 0; L--) {
    const first = t[i + L];
    for (const s of suffixes) {
      if (s.suffix[0] !== first) continue;
      const min =
        L === 0 && kind === 'community' && (st.prev === 'road' || st.prev === 'village') ? 0 : s.min;
      if (L < min || L > s.max || !t.startsWith(s.suffix, i + L)) continue;
      const end = i + L + s.suffix.length;
      const word = t.slice(i, end);
      if (notWords.has(word) || endsWithAny(word, notEnds)) continue;
      if (nextBad?.has(t[end] ?? '')) continue;
      if (s.needsNumber && !numberFollows(t, end, kind)) continue;
      if (kind === 'community' && s.suffix.length === 1 && L === 0) continue;
      return { kind, start: i, end };
    }
  }
  return undefined;
}

function componentAt(t: string, i: number, st: State): AddressComponent | undefined {
  if (!st.fine) {
    for (const k of knownAt(t, i)) {
      const level = ADMIN_LEVEL[k.kind];
      if (level <= st.adminLevel) continue;
      const end = i + k.name.length;
      if (k.short) {
        // 广东深圳市…: a short name counts only when a finer admin component follows.
        const next = { adminLevel: level, fine: false, prev: k.kind };
        const after =
          knownAt(t, end).some((n) => ADMIN_LEVEL[n.kind] > level) || genericAdminAt(t, end, next);
        if (!after) continue;
      }
      return { kind: k.kind, start: i, end };
    }
    const g = genericAdminAt(t, i, st);
    if (g) return g;
  }
  return (
    numberAt(t, i, st.prev) ??
    suffixedAt(t, i, 'road', ROAD_SUFFIXES, NOT_ROAD_END, NOT_ROAD_WORD, ROAD_NEXT_BAD, st) ??
    suffixedAt(t, i, 'village', VILLAGE_SUFFIXES, NOT_VILLAGE_END, NOT_VILLAGE_WORD, VILLAGE_NEXT_BAD, st) ??
    suffixedAt(t, i, 'community', COMMUNITY_SUFFIXES, NOT_COMMUNITY_END, NOT_COMMUNITY_WORD, undefined, st) ??
    unsuffixedCommunityAt(t, i, st)
  );
}

const BUILDING_KINDS: ReadonlySet<AddressComponentKind> = new Set(['building', 'unit', 'floor']);

/** A building name without a suffix, after a road or house number and before a building number (88号太古汇1座). */
function unsuffixedCommunityAt(t: string, i: number, st: State): AddressComponent | undefined {
  if (st.prev !== 'number' && st.prev !== 'road' && st.prev !== 'village') return undefined;
  const run = nameRun(t, i, 8, true);
  if (run < 2) return undefined;
  const next = numberAt(t, i + run, 'community');
  return next && BUILDING_KINDS.has(next.kind) ? { kind: 'community', start: i, end: i + run } : undefined;
}

interface Parse {
  readonly comps: readonly AddressComponent[];
  readonly end: number;
}

/** Parse components from `start`; stops at the first thing that is not a component. */
function parseAt(t: string, start: number): Parse {
  const comps: AddressComponent[] = [];
  const st: State = { adminLevel: 0, fine: false, prev: undefined };
  let i = start;
  // A leading country name is part of the address but not a component.
  for (const c of ['中华人民共和国', '中国']) {
    if (t.startsWith(c, i)) {
      i += c.length;
      break;
    }
  }
  let end = start;
  while (i < t.length) {
    const j = t[i] === ' ' && comps.length > 0 ? i + 1 : i;
    const c = componentAt(t, j, st);
    if (!c) break;
    comps.push(c);
    if (isAdmin(c.kind)) st.adminLevel = ADMIN_LEVEL[c.kind];
    else st.fine = true;
    st.prev = c.kind;
    i = end = c.end;
  }
  return { comps, end: comps.length > 0 ? end : start };
}

interface Assessment {
  readonly kinds: number;
  readonly fine: boolean;
  readonly roadNumber: boolean;
  readonly score: number;
}

function assess(comps: readonly AddressComponent[]): Assessment {
  const kinds = new Set(comps.map((c) => c.kind));
  const fine = [...kinds].some((k) => FINE.has(k));
  const roadNumber = kinds.has('road') && kinds.has('number');
  let score = 0;
  if (kinds.size === 2) score = fine ? 0.55 : 0.5;
  else if (kinds.size >= 3) score = fine ? Math.min(0.95, 0.8 + 0.03 * (kinds.size - 3)) : 0.6;
  return { kinds: kinds.size, fine, roadNumber, score: Math.round(score * 100) / 100 };
}

function normaliseAddress(value: string): string {
  return foldWidth(value).trim().replace(/\s+/g, ' ');
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
  const a = assess(p.comps);
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
  return parseAt(foldWidth(value), 0).comps;
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
    const t = foldWidth(value);
    const lead = t.length - t.trimStart().length;
    let keep = -1;
    for (const c of parseAt(t, lead).comps) {
      if (!isAdmin(c.kind)) break;
      if (c.kind === 'district') keep = c.end;
    }
    const n = Array.from(value).length;
    if (keep > 0) {
      const k = Array.from(value.slice(0, keep)).length;
      if (k < n) return hide(value, k, n, ch);
    }
    return hide(value, n - 8, n, ch);
  },
};

// --- free-text search --------------------------------------------------------------------------

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A case-insensitive pattern for an ASCII word without the `i` flag (which slows down Han matching). */
function anyCase(word: string): string {
  return Array.from(word, (c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : escapeRe(c))).join('');
}
const byLength = (a: string, b: string) => b.length - a.length;
const isAscii = (s: string) => /^[a-z_]+$/.test(s);

const CUE_RE = new RegExp(
  [
    ...ADDRESS_CUES.filter(isAscii)
      .sort(byLength)
      .map((c) => `(?<![A-Za-z0-9])${anyCase(c)}(?![A-Za-z])`),
    ...ADDRESS_CUES.filter((c) => !isAscii(c))
      .sort(byLength)
      .map(escapeRe),
  ].join('|'),
  'g',
);

/** 地址 preceded by these is a network or mail address, not a postal one (IP地址, 邮箱地址 …). */
const NOT_POSTAL_BEFORE =
  /(?:ip|mac|email|e-mail|mail|url|web|wallet|server|host|remote|local|ipv[46]|网关|邮箱|邮件|网址|网站|网页|服务器|链接|内存|物理|存储|主机|回调|接口|域名|下载|访问|钱包|合约|节点|服务|广播|网络|网)[\s_\-:]*$/i;

const CUE_SEPARATORS = new Set(Array.from(' \t:="\'“”‘’「」【】[]()<>|'));
const CUE_VERBS = new Set(['是', '为', '在']);

/** Suffixes whose occurrence starts a backward look for an address start, with how far to look. */
const TRIGGER_RE =
  /自治州|自治县|街道|新区|大道|大街|胡同|小区|花园|公寓|大厦|家园|新村|广场|单元|号楼|[省市州盟区县旗镇乡路街巷村屯苑号栋幢座室弄层楼#]/g;

/** How many name characters to look back for each trigger (numbers look back over digits). */
function lookBack(trigger: string): number | 'number' {
  if ('号栋幢座室弄层楼#'.includes(trigger) || trigger === '单元' || trigger === '号楼') return 'number';
  if ('市区县旗'.includes(trigger) || trigger === '新区') return 2;
  if ('省州盟镇乡村屯'.includes(trigger) || trigger === '街道' || trigger.startsWith('自治')) return 3;
  return 4; // roads and communities
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

/** The first element of the sorted array `xs` that is ≥ `k` (Infinity if none): binary search. */
function firstAtOrAfter(xs: readonly number[], k: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < k) lo = mid + 1;
    else hi = mid;
  }
  return xs[lo] ?? Number.POSITIVE_INFINITY;
}

interface Start {
  readonly pos: number;
  readonly cue?: string;
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
  const t = foldWidth(text);
  if (options?.fieldIsAddress) {
    const lead = t.length - t.trimStart().length;
    const inner = t.trim().replace(/^["'“”]+|["'“”]+$/g, '');
    const start = t.indexOf(inner, lead);
    const r = judge(normaliseAddress(inner));
    if (inner.length > 0 && r.valid) {
      return [
        { start, end: start + inner.length, score: Math.min(0.95, Math.round((r.score + 0.1) * 100) / 100) },
      ];
    }
  }
  const starts: Start[] = [];
  const cueEnds = new Map<number, string>();
  for (const m of t.matchAll(CUE_RE)) {
    if (NOT_POSTAL_BEFORE.test(t.slice(Math.max(0, m.index - 10), m.index))) continue;
    let p = m.index + m[0].length;
    let verb = false;
    for (let n = 0; n < 6 && p < t.length; n++) {
      if (CUE_SEPARATORS.has(t[p]!)) p++;
      else if (!verb && CUE_VERBS.has(t[p]!)) {
        verb = true;
        p++;
      } else break;
    }
    cueEnds.set(p, m[0]);
    starts.push({ pos: p, cue: m[0] });
  }
  const anchors: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (KNOWN.has(t[i]!) && knownAt(t, i).length > 0) {
      anchors.push(i);
      starts.push({ pos: i });
    }
  }
  for (const m of t.matchAll(TRIGGER_RE)) {
    const j = m.index;
    const back = lookBack(m[0]);
    let k = j;
    if (back === 'number') {
      while (
        k > 0 &&
        (isDigit(t.charCodeAt(k - 1)) ||
          isLetter(t.charCodeAt(k - 1)) ||
          CN_NUMERALS.has(t[k - 1]!) ||
          t[k - 1] === '-')
      )
        k--;
      if (k > 0 && t[k - 1] === '第') k--;
    } else {
      while (k > 0 && j - k < back && isNameChar(t, k - 1) && !STOP_BIGRAMS.has(t.slice(k - 2, k))) k--;
      // A known place name inside the look-back window is the better start (讨论北京市 → 北京市).
      const a = firstAtOrAfter(anchors, k);
      if (a < j) k = a;
    }
    if (k < j) starts.push({ pos: k });
  }
  starts.sort((a, b) => a.pos - b.pos || (a.cue ? -1 : 1));
  const out: AddressSpan[] = [];
  let lastEnd = 0;
  for (const s of starts) {
    if (s.pos < lastEnd) continue;
    const p = parseAt(t, s.pos);
    if (p.comps.length === 0) continue;
    let cue = s.cue;
    if (cue === undefined) {
      for (let d = 0; d <= 3 && cue === undefined; d++) cue = cueEnds.get(s.pos - d);
    }
    const a = assess(p.comps);
    const accepted =
      cue !== undefined ? a.kinds >= 2 : (a.kinds >= 3 && a.fine) || (a.kinds >= 2 && a.roadNumber);
    if (!accepted) continue;
    const score = Math.min(0.95, Math.round((a.score + (cue !== undefined ? 0.1 : 0)) * 100) / 100);
    out.push(
      cue !== undefined ? { start: s.pos, end: p.end, score, cue } : { start: s.pos, end: p.end, score },
    );
    lastEnd = p.end;
  }
  return out;
}

/**
 * Synthetic Chinese names, addresses and their hard negatives, for tests, the labelled corpus and
 * benchmarks. Names are random combinations of a surname (weighted by frequency tier) and common
 * given-name characters; addresses combine real province, city and district names with made-up
 * roads, communities and numbers. None is taken from a real person.
 *
 * @module
 */

import { DISTRICTS, PREFECTURES, PROVINCES } from '../../src/pi/data/places.ts';
import {
  COMPOUND_SURNAMES,
  GIVEN_NAME_CHARS,
  NON_GIVEN_CHARS,
  NON_NAME_WORDS,
  TIER1_SURNAMES,
  TIER2_SURNAMES,
  TIER3_SURNAMES,
} from '../../src/pi/data/surnames.ts';
import { digits, int, pick, type Rng } from './rng.ts';

const COMMON_COMPOUNDS = [...COMPOUND_SURNAMES].filter(([, t]) => t === 1).map(([s]) => s);
const GIVEN = [...GIVEN_NAME_CHARS].filter((c) => !NON_GIVEN_CHARS.has(c));
const PLACE_WORDS = new Set([
  ...PROVINCES.flatMap((p) => [p.name, p.short]),
  ...PREFECTURES.map((p) => p.name),
]);

/** Options of `name`. */
export interface NameOptions {
  /** Force (true) or forbid (false) a compound surname; by default about 5 % are compound. */
  readonly compound?: boolean;
  /** Number of given-name characters; by default 2 (70 %) or 1. */
  readonly given?: 1 | 2;
}

/** A synthetic name: surname by frequency tier (75 % tier 1, 20 % tier 2, 5 % tier 3) + common given-name characters. */
export function name(rng: Rng, opts?: NameOptions): string {
  for (;;) {
    const compound = opts?.compound ?? rng() < 0.05;
    const r = rng();
    const surname = compound
      ? pick(rng, COMMON_COMPOUNDS)
      : pick(rng, r < 0.75 ? TIER1_SURNAMES : r < 0.95 ? TIER2_SURNAMES : TIER3_SURNAMES);
    const n = opts?.given ?? (rng() < 0.7 ? 2 : 1);
    let given = '';
    for (let i = 0; i < n; i++) given += pick(rng, GIVEN);
    const full = surname + given;
    const head = Array.from(full).slice(0, 2).join('');
    // Synthetic names avoid common words and places (高明, 江南): they would be ambiguous fixtures.
    if (
      NON_NAME_WORDS.has(full) ||
      PLACE_WORDS.has(full) ||
      NON_NAME_WORDS.has(head) ||
      PLACE_WORDS.has(head)
    ) {
      continue;
    }
    return full;
  }
}

const TRANSLIT_PARTS = [
  '买买提',
  '艾力',
  '阿依',
  '古丽',
  '努尔',
  '阿不都',
  '热合曼',
  '吐尔逊',
  '帕提',
  '迪丽',
  '阿迪力',
  '依明',
  '扎西',
  '次仁',
  '卓玛',
  '巴特尔',
  '其木格',
  '乌兰',
];

/** A synthetic transliterated (minority-style) name with a middle dot, e.g. `艾力·吐尔逊`. */
export function translitName(rng: Rng): string {
  const a = pick(rng, TRANSLIT_PARTS);
  let b = pick(rng, TRANSLIT_PARTS);
  while (b === a) b = pick(rng, TRANSLIT_PARTS);
  return `${a}·${b}`;
}

const ROAD_WORDS = [
  '建国',
  '人民',
  '中山',
  '解放',
  '学院',
  '和平',
  '长江',
  '黄河',
  '新华',
  '胜利',
  '光明',
  '文化',
  '建设',
  '幸福',
  '青年',
  '东风',
  '红旗',
  '团结',
  '延安',
  '迎宾',
  '工业',
  '科技',
  '体育',
  '健康',
  '振兴',
  '友谊',
  '复兴',
  '民主',
  '育才',
  '文昌',
  '华山',
  '泰山',
  '珠江',
  '湘江',
  '金沙',
  '银河',
  '长安',
  '兴华',
  '裕华',
  '滨河',
  '花园',
  '南京',
  '北京',
];
const ROAD_SUFFIX = ['路', '路', '路', '路', '街', '大道', '大街'];
const COMMUNITY_WORDS = [
  '阳光',
  '幸福',
  '锦绣',
  '翠湖',
  '金色',
  '绿城',
  '世纪',
  '丽景',
  '桃源',
  '紫荆',
  '芙蓉',
  '滨江',
  '东方',
  '和谐',
  '康乐',
  '明珠',
  '天鹅',
  '枫林',
  '海棠',
  '怡景',
  '盛世',
  '温馨',
  '碧水',
  '香樟',
  '玉兰',
];
const COMMUNITY_SUFFIX = ['小区', '花园', '家园', '公寓', '苑', '新村', '大厦', '名苑', '华庭', '城'];
const CN_DIGITS = '零一二三四五六七八九';

function cnNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  if (n < 20) return '十' + (n % 10 === 0 ? '' : CN_DIGITS[n % 10]!);
  return CN_DIGITS[Math.floor(n / 10)]! + '十' + (n % 10 === 0 ? '' : CN_DIGITS[n % 10]!);
}

function fullWidth(s: string): string {
  return s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** Options of `address`. */
export interface AddressOptions {
  /** Start with the province (for municipalities, 北京市 … is both); by default 70 %. */
  readonly withProvince?: boolean;
}

/**
 * A realistic synthetic address: [province] city district [town] road + number [community +
 * building + unit + room]. Real administrative names (from `src/pi/data/places.ts`), made-up
 * roads and communities; digits ASCII, sometimes full-width or Chinese numerals.
 */
export function address(rng: Rng, opts?: AddressOptions): string {
  const cityCode = pick(rng, Object.keys(DISTRICTS));
  const district = pick(rng, DISTRICTS[cityCode]!.split(' '));
  const province = PROVINCES.find((p) => p.code.slice(0, 2) === cityCode.slice(0, 2))!;
  const municipality = ['11', '12', '31', '50'].includes(cityCode.slice(0, 2));
  const city = PREFECTURES.find((p) => p.code === cityCode)!;
  const withProvince = opts?.withProvince ?? rng() < 0.7;
  const parts: string[] = [];
  if (municipality) {
    parts.push(province.name);
  } else {
    if (withProvince) parts.push(province.name);
    parts.push(city.name);
  }
  parts.push(district);
  if (rng() < 0.15) parts.push(pick(rng, ROAD_WORDS) + (rng() < 0.5 ? '街道' : '镇'));
  const dir = rng() < 0.25 ? pick(rng, ['东', '西', '南', '北', '中']) : '';
  parts.push(pick(rng, ROAD_WORDS) + dir + pick(rng, ROAD_SUFFIX));
  const style = rng();
  const num = (n: number) => (style < 0.1 ? fullWidth(String(n)) : String(n));
  parts.push(num(int(rng, 1, 999)) + (rng() < 0.2 ? '号院' : '号'));
  if (rng() < 0.75) {
    parts.push(pick(rng, COMMUNITY_WORDS) + pick(rng, COMMUNITY_SUFFIX));
    const b = int(rng, 1, 30);
    const r1 = rng();
    if (r1 < 0.15) parts.push(cnNumber(b) + '号楼');
    else if (r1 < 0.25) parts.push(pick(rng, ['A', 'B', 'C', 'D']) + '座');
    else parts.push(num(b) + pick(rng, ['栋', '号楼', '幢']));
    if (rng() < 0.7) parts.push((r1 < 0.15 ? cnNumber(int(rng, 1, 6)) : num(int(rng, 1, 6))) + '单元');
    const room = num(int(rng, 1, 32) * 100 + int(rng, 1, 8));
    parts.push(rng() < 0.6 ? room + '室' : room);
  }
  return parts.join(rng() < 0.1 ? ' ' : '');
}

/** A common word that starts with a surname character but is not a name (王国, 高速 …). */
export function nonNameWord(rng: Rng): string {
  return pick(rng, STOP_WORDS_2);
}
const STOP_WORDS_2 = [...NON_NAME_WORDS].filter((w) => w.length === 2);

const CITIES = ['北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '西安', '南京', '重庆'];

/** Prose that mentions a place or uses address characters in ordinary words; it holds no address. */
export function nonAddressPhrase(rng: Rng): string {
  const c = pick(rng, CITIES);
  const p = pick(rng, PROVINCES).short;
  const templates = [
    `我去${c}出差`,
    `${c}的天气不错`,
    `下周去${p}旅游`,
    `${c}市场需求增长`,
    `${p}今年经济增长较快`,
    `从${c}到${pick(rng, CITIES)}的航班延误了`,
    '路由器坏了，需要重启',
    `这款路由器的型号是X${digits(rng, 3)}`,
    '请输入账号和密码',
    '手机信号不好',
    '高速公路上堵车了',
    '祝你一路顺风',
    '这个小区环境很好',
    '会议室在三楼',
    `编号为${digits(rng, 6)}的订单已发货`,
    `号码是1${digits(rng, 10)}`,
    `地铁${int(rng, 1, 16)}号线`,
    `${int(rng, 1, 12)}月${int(rng, 1, 28)}号开会`,
    '道路施工请绕行',
    `我们在${c}有分公司`,
    `第${int(rng, 1, 9)}号文件已下发`,
    `IP地址：192.168.${int(rng, 0, 255)}.${int(rng, 1, 254)}`,
    '这条路线很堵',
    '街道两旁种满了树',
    `${c}是一座美丽的城市`,
  ];
  return pick(rng, templates);
}

/** A line of text plus the spans (UTF-16 offsets) a perfect detector would report. */
export interface Labelled {
  readonly text: string;
  readonly spans: readonly { readonly start: number; readonly end: number }[];
}

function mobile(rng: Rng): string {
  return '1' + pick(rng, ['3', '5', '7', '8', '9']) + digits(rng, 9);
}

/** Build a labelled line from a template with one `{}` slot. */
function fill(template: string, value: string): Labelled {
  const start = template.indexOf('{}');
  return { text: template.replace('{}', value), spans: [{ start, end: start + value.length }] };
}

/** A chat, form or log line that contains one name, located the way people write names. */
export function nameLine(rng: Rng): Labelled {
  const n = name(rng);
  const ph = mobile(rng);
  const templates = [
    `收件人：{}，电话${ph}`,
    `联系人{}电话${ph}`,
    `我叫{}，今年${int(rng, 18, 70)}岁`,
    '你好，我是{}',
    '{}先生您好，您的快递到了',
    '请{}女士到3号窗口办理',
    '"收件人":"{}"',
    '{"name":"{}","phone":"' + ph + '"}',
    '入住人：{}，房号' + int(rng, 100, 999),
    `紧急联系人 {} ${ph}`,
    '客户{}住在北京市朝阳区',
    `患者{}，男，${int(rng, 18, 90)}岁`,
    '持卡人：{}',
    '姓名 | {} | 性别 | 女',
    '申请人{}提交了材料',
    '学生{}的成绩已公布',
    '<name>{}</name>',
    '乘客{}已登机',
    '{}女士，您好！',
    '户主：{} 身份证号：略',
    '机主姓名：{}',
    '收货人: {} 手机: ' + ph,
    '感谢{}老师的帮助',
    '本人{}承诺以上信息属实',
  ];
  const tpl = pick(rng, templates);
  // The JSON template has two slots of braces; replace only the value slot.
  if (tpl.startsWith('{"name"')) {
    const text = tpl.replace('"{}"', `"${n}"`);
    const start = text.indexOf(n);
    return { text, spans: [{ start, end: start + n.length }] };
  }
  return fill(tpl, n);
}

/** A line that contains no name but does contain cue words, titles or surname-led common words. */
export function nonNameLine(rng: Rng): string {
  const w = nonNameWord(rng);
  const templates = [
    `客户说${w}不对`,
    `今天${w}很重要`,
    `关于${w}的通知`,
    `我是${w}的负责人`,
    `学生${w}问题`,
    `联系人：暂无`,
    `姓名：未填写`,
    `请联系客户经理`,
    `历史老师布置了作业`,
    `各位先生女士`,
    `他总是迟到`,
    `总共${int(rng, 2, 99)}人`,
    `员工${w}培训`,
    `${w}${w}`,
    `本人${w}`,
    `${nonAddressPhrase(rng)}`,
    `name: ${w}设计`,
    `username=user${digits(rng, 4)}`,
  ];
  return pick(rng, templates);
}

/** A line that contains one address, with or without a cue. */
export function addressLine(rng: Rng): Labelled {
  const a = address(rng);
  const templates = [
    '收货地址：{}，电话' + mobile(rng),
    '地址: {}',
    '家庭住址 {}',
    '"address":"{}"',
    '客户张伟住在{}',
    '请寄往{}，谢谢',
    '{}',
    '户籍地址：{}|身份证号：略',
    '快递送到{}了吗',
  ];
  return fill(pick(rng, templates), a);
}

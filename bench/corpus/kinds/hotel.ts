/**
 * Hotel guest registrations (旅馆业治安管理登记): guest, document type and number (resident ID,
 * passport, travel permits, HK/Macao/Taiwan IDs, foreigner PR card, residence permits), phone,
 * car plate. The main home of the rarer document types.
 *
 * @module
 */

import { residentId } from '../../../test/synth/ids.ts';
import { int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  birthDateSeg,
  chance,
  dateTime,
  foreignerPrIdSeg,
  hkIdSeg,
  hmtPermitLabel,
  hmtPermitSeg,
  idBirth,
  mobileSeg,
  moIdSeg,
  nameSeg,
  orderNo,
  passportSeg,
  plateSeg,
  residentIdSeg,
  twIdSeg,
} from '../values.ts';
import { ETHNIC } from '../words.ts';
import { csvRow, type Doc, neg, type PiSeg, pi, type Seg } from '../writer.ts';

interface DocKind {
  readonly weight: number;
  readonly label: string;
  readonly region: string;
  make(rng: Rng): PiSeg;
}

const DOC_KINDS: readonly DocKind[] = [
  { weight: 46, label: '居民身份证', region: '中国', make: (r) => residentIdSeg(r, 0.04, false) },
  { weight: 10, label: '护照', region: '中国', make: passportSeg },
  { weight: 14, label: '', region: '', make: hmtPermitSeg },
  { weight: 7, label: '香港居民身份证', region: '中国香港', make: hkIdSeg },
  { weight: 7, label: '澳门居民身份证', region: '中国澳门', make: moIdSeg },
  { weight: 7, label: '台湾居民身份证', region: '中国台湾', make: twIdSeg },
  { weight: 6, label: '外国人永久居留身份证', region: '外国', make: foreignerPrIdSeg },
  {
    weight: 4,
    label: '港澳台居民居住证',
    region: '',
    make: (r) => pi('CN_RESIDENT_ID', residentId(r, { permit: pick(r, ['hk', 'mo', 'tw'] as const) })),
  },
];
const TOTAL = DOC_KINDS.reduce((s, k) => s + k.weight, 0);

function pickDoc(rng: Rng): DocKind {
  let x = rng() * TOTAL;
  for (const k of DOC_KINDS) {
    x -= k.weight;
    if (x < 0) return k;
  }
  return DOC_KINDS[0]!;
}

function regionOf(rng: Rng, label: string, docNo: string): string {
  if (label === '港澳台居民居住证')
    return docNo.startsWith('81') ? '中国香港' : docNo.startsWith('82') ? '中国澳门' : '中国台湾';
  if (label.startsWith('台湾居民')) return '中国台湾';
  if (label.startsWith('港澳居民')) return pick(rng, ['中国香港', '中国澳门']);
  return '中国';
}

/** Check-out: 1–5 nights after check-in, around noon. */
function stay(checkIn: string, rng: Rng): string {
  const t = new Date(`${checkIn.replace(' ', 'T')}Z`);
  t.setUTCDate(t.getUTCDate() + int(rng, 1, 5));
  t.setUTCHours(int(rng, 8, 13), int(rng, 0, 59), int(rng, 0, 59));
  return t.toISOString().slice(0, 19).replace('T', ' ');
}

function row(rng: Rng): (Seg | Seg[])[] {
  const kind = pickDoc(rng);
  const checkIn = dateTime(rng);
  const docNo = kind.make(rng);
  const label = kind.label || hmtPermitLabel(docNo.v);
  const region = kind.region || regionOf(rng, label, docNo.v);
  const birth =
    /居民身份证$|居住证$/.test(label) && !/香港|澳门|台湾/.test(label) ? idBirth(docNo.v) : undefined;
  return [
    orderNo(rng),
    nameSeg(rng),
    chance(rng, 0.5) ? '男' : '女',
    pick(rng, ETHNIC),
    label,
    docNo,
    birth ? birthDateSeg(rng, birth) : chance(rng, 0.6) ? birthDateSeg(rng) : '',
    region,
    chance(rng, 0.9) ? mobileSeg(rng, 0.05) : '',
    chance(rng, 0.35) ? plateSeg(rng, 0.05) : '',
    String(int(rng, 201, 1888)),
    neg('datetime', checkIn),
    chance(rng, 0.8) ? neg('datetime', stay(checkIn, rng)) : '',
  ];
}

export const hotel: KindSpec = {
  id: 'hotel',
  description: 'hotel registrations (证件类型 身份证/护照/通行证/港澳台证件/永居证, 车牌)',
  variants: { gbk: true, gzip: true, crlf: true, bom: true, xlsx: true },
  // A quarter are a desk clerk's free-text log (.txt), the rest CSV exports.
  fileName: (rng, i) =>
    `hotel/${pick(rng, ['住宿登记', '旅客登记表', 'guest_register'])}_${i}.${chance(rng, 0.25) ? 'txt' : 'csv'}`,
  write(rng: Rng, doc: Doc, target: number): void {
    const text = /\.txt(\.gz)?$/.test(doc.path);
    const header = [
      '登记单号',
      '入住人',
      '性别',
      '民族',
      '证件类型',
      '证件号码',
      '出生日期',
      '国籍/地区',
      '手机号',
      '车牌号',
      '房号',
      '入住时间',
      '离店时间',
    ];
    if (!text) {
      doc.cellSep = ',';
      doc.line(csvRow(header, ','));
      while (doc.bytes < target) doc.line(csvRow(row(rng), ','));
      return;
    }
    // Free-text register (a desk clerk's log): "入住人：张三  证件类型：护照  证件号码：E…".
    while (doc.bytes < target) {
      const cells = row(rng);
      const line: Seg[] = [];
      header.forEach((h, i) => {
        const c = cells[i]!;
        if (c === '') return;
        if (line.length > 0) line.push('  ');
        line.push(`${h}：`, ...(Array.isArray(c) ? c : [c]));
      });
      doc.line(line);
    }
  },
};

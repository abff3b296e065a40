/**
 * Prose with no personal information: news-like paragraphs, announcements and release notes full of
 * numbers (statistics, amounts, years, dates, version strings, hotline and 400 numbers, document
 * numbers, long serials). Everything a scanner reports here is a false positive.
 *
 * @module
 */
import { digits, int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  amountNeg,
  chance,
  elevenDigitNonMobile,
  nonAddressSeg,
  nonNameSeg,
  recentDateNeg,
  serviceNumberNeg,
  txnSerial,
  versionNeg,
} from '../values.ts';
import { CITIES, NEWS_OPENERS, NEWS_SUBJECTS, NEWS_VERBS, TECH_PRODUCTS } from '../words.ts';
import { type Doc, neg, type Seg } from '../writer.ts';
import { companyName } from './registry.ts';

type Sentence = (rng: Rng) => Seg[];

const pct = (rng: Rng): string => `${int(rng, 0, 40)}.${int(rng, 0, 9)}%`;

const SENTENCES: readonly Sentence[] = [
  (r) => [
    pick(r, NEWS_OPENERS),
    `${int(r, 2015, 2025)}年${int(r, 1, 12)}月份，`,
    pick(r, NEWS_SUBJECTS),
    pick(r, NEWS_VERBS),
    pct(r),
    '。',
  ],
  (r) => [
    pick(r, NEWS_SUBJECTS),
    '达到',
    `${int(r, 100, 99999)}.${int(r, 0, 9)}亿`,
    '，',
    pick(r, NEWS_VERBS),
    pct(r),
    '。',
  ],
  (r) => [
    '项目总投资约',
    `${int(r, 1, 500)}.${int(r, 0, 9)}亿元`,
    '，预计',
    `${int(r, 2025, 2030)}年`,
    '建成投产。',
  ],
  (r) => ['如有疑问，请拨打客服热线', serviceNumberNeg(r), '或', serviceNumberNeg(r), '咨询。'],
  (r) => [
    '本次更新的',
    pick(r, TECH_PRODUCTS),
    '版本号为',
    versionNeg(r),
    `，修复了${int(r, 3, 90)}个已知问题。`,
  ],
  (r) => ['受理编号', elevenDigitNonMobile(r), '的申请已办结，办理结果将通过短信通知。'],
  (r) => ['交易流水号', txnSerial(r), '对应的款项已原路退回。'],
  (r) => ['活动奖金池共计', amountNeg(r), '，按名次分配。'],
  (r) => [`文件编号：国办发〔${int(r, 2018, 2025)}〕${int(r, 1, 60)}号。`],
  (r) => [
    `股票代码${pick(r, ['600', '601', '000', '002', '300', '688'])}${digits(r, 3)}，当日收盘价`,
    amountNeg(r),
    '，成交额',
    `${int(r, 1, 900)}.${int(r, 10, 99)}亿元。`,
  ],
  (r) => [
    '截至',
    recentDateNeg(r),
    '，累计访问量达',
    `${int(r, 1, 99)},${digits(r, 3)},${digits(r, 3)}`,
    '人次。',
  ],
  (r) => [neg('company-name', companyName(r)), '发布公告称，公司营业收入', pick(r, NEWS_VERBS), pct(r), '。'],
  (r) => ['关于', nonNameSeg(r), '的讨论持续升温，多位专家发表了看法。'],
  (r) => [nonAddressSeg(r), '。'],
  (r) => [`${pick(r, CITIES)}地铁${int(r, 1, 20)}号线日均客流约${int(r, 10, 150)}万人次。`],
  (r) => [`全国人口${int(r, 1_400_000_000, 1_420_000_000)}人，其中城镇人口占比${pct(r)}。`],
  (r) => [`ISBN 978-7-${int(r, 100, 999)}-${digits(r, 5)}-${int(r, 0, 9)}，定价${int(r, 20, 200)}.00元。`],
  () => ['公民身份号码由18位数字组成，手机号码为11位，银行卡号一般为16至19位。'],
  (r) => [`订购热线：`, serviceNumberNeg(r), `，服务时间${int(r, 8, 9)}:00-${int(r, 17, 22)}:00。`],
  (r) => [`第${int(r, 1, 40)}届运动会共设${int(r, 20, 400)}个小项，产生金牌${int(r, 20, 400)}枚。`],
];

export const prose: KindSpec = {
  id: 'prose',
  description: 'news-like prose with numbers and no PI',
  variants: { gbk: true, gzip: false, crlf: true, bom: false },
  fileName: (rng, i) => `prose/${pick(rng, ['新闻稿', '公告', 'release_notes', '行业简报'])}_${i}.txt`,
  write(rng: Rng, doc: Doc, target: number): void {
    while (doc.bytes < target) {
      if (chance(rng, 0.12))
        doc.line([`${pick(rng, ['一、', '二、', '三、', '（一）', '## '])}${pick(rng, NEWS_SUBJECTS)}`]);
      const para: Seg[] = [chance(rng, 0.7) ? '　　' : ''];
      const k = int(rng, 2, 6);
      for (let i = 0; i < k; i++) para.push(...pick(rng, SENTENCES)(rng));
      doc.line(para);
      if (chance(rng, 0.5)) doc.line(['']);
    }
  },
};

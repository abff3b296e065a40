/**
 * Company registry rows (企业信息 exports from 企查查/天眼查-style tools): company name (a hard
 * negative for names and addresses: it contains a city), USCC, legal representative, registered
 * address, phone, email.
 *
 * @module
 */
import { int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  addressSeg,
  chance,
  emailSeg,
  landlineSeg,
  mobileSeg,
  nameSeg,
  recentDateNeg,
  usccSeg,
} from '../values.ts';
import { BUSINESS_SCOPE, CITIES, FIRM_FORMS, FIRM_STATUS, FIRM_WORDS, INDUSTRIES } from '../words.ts';
import { csvRow, type Doc, neg } from '../writer.ts';

export function companyName(rng: Rng): string {
  const city = chance(rng, 0.7) ? pick(rng, CITIES) : '';
  return `${city}${pick(rng, FIRM_WORDS)}${pick(rng, INDUSTRIES)}${pick(rng, FIRM_FORMS)}`;
}

export const registry: KindSpec = {
  id: 'registry',
  description: 'company registry rows (企业名称, 统一社会信用代码, 法定代表人, 注册地址)',
  variants: { gbk: true, gzip: true, crlf: true, bom: true, xlsx: true },
  fileName: (rng, i) => `registry/${pick(rng, ['企业名录', '企业信息导出', 'company_list'])}_${i}.csv`,
  write(rng: Rng, doc: Doc, target: number): void {
    doc.cellSep = ',';
    doc.line(
      csvRow([
        '企业名称',
        '统一社会信用代码',
        '法定代表人',
        '成立日期',
        '注册资本',
        '经营状态',
        '注册地址',
        '联系电话',
        '邮箱',
        '经营范围',
      ]),
    );
    while (doc.bytes < target) {
      doc.line(
        csvRow([
          neg('company-name', companyName(rng)),
          usccSeg(rng),
          nameSeg(rng),
          recentDateNeg(rng),
          neg('amount', `${int(rng, 10, 50_000)}万人民币`),
          pick(rng, FIRM_STATUS),
          addressSeg(rng, 0.9),
          chance(rng, 0.65) ? landlineSeg(rng, 0.1) : mobileSeg(rng, 0.05),
          chance(rng, 0.5) ? emailSeg(rng) : '-',
          pick(rng, BUSINESS_SCOPE),
        ]),
      );
    }
  },
};

/**
 * HR rosters (员工花名册): one row per employee with name, ID number, bank card and bank branch,
 * mobile, household-registration address, birth date (consistent with the ID), hire date.
 * Typically exported from Excel on Windows: GBK and CRLF are common.
 *
 * @module
 */
import { int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  addressSeg,
  bankCardSeg,
  birthDateSeg,
  chance,
  idBirth,
  landlineSeg,
  mobileSeg,
  nameSeg,
  recentDateNeg,
  residentId18,
} from '../values.ts';
import { BANKS, BRANCH_SUFFIX, CITIES, DEPARTMENTS, TITLES } from '../words.ts';
import { csvRow, type Doc, neg, pi, type Seg } from '../writer.ts';

export const hr: KindSpec = {
  id: 'hr',
  description: 'HR rosters 员工花名册 (ID, bank card + branch, household address, birth date)',
  variants: { gbk: true, gzip: true, crlf: true, bom: true, xlsx: true },
  fileName: (rng, i) =>
    `hr/${pick(rng, ['员工花名册', '员工信息表', 'staff_roster', '工资发放明细'])}_${i}.csv`,
  write(rng: Rng, doc: Doc, target: number): void {
    const sep = chance(rng, 0.85) ? ',' : '\t';
    doc.cellSep = sep;
    const guard = chance(rng, 0.1);
    // Excel rosters often open with a title row (merged cells) and a blank line above the header.
    if (chance(rng, 0.3)) {
      doc.line([
        `${pick(rng, CITIES)}分公司员工花名册（${int(rng, 2019, 2025)}年${int(rng, 1, 12)}月）${sep}${sep}`,
      ]);
      if (chance(rng, 0.5)) doc.line([]);
    }
    doc.line(
      csvRow(
        [
          '序号',
          '工号',
          '姓名',
          '性别',
          '部门',
          '职位',
          '身份证号',
          '出生日期',
          '手机',
          '银行卡号',
          '开户行',
          '户籍地址',
          '入职日期',
          '紧急联系人',
          '紧急联系电话',
        ],
        sep,
      ),
    );
    let i = 1;
    while (doc.bytes < target) {
      const id = residentId18(rng);
      const lower = chance(rng, 0.05) && id.endsWith('X');
      const written = lower ? id.toLowerCase() : id;
      const male = Number(id[16]) % 2 === 1;
      const birth = idBirth(id);
      const idCell: Seg | { raw: Seg[] } = guard
        ? { raw: ['="', pi('CN_RESIDENT_ID', written), '"'] }
        : pi('CN_RESIDENT_ID', written);
      const emergency: Seg = chance(rng, 0.85) ? mobileSeg(rng, 0.05) : landlineSeg(rng, 0.05);
      doc.line(
        csvRow(
          [
            String(i++),
            `E${String(int(rng, 1, 99999)).padStart(5, '0')}`,
            nameSeg(rng),
            male ? '男' : '女',
            pick(rng, DEPARTMENTS),
            pick(rng, TITLES),
            idCell,
            birth ? birthDateSeg(rng, birth) : '',
            mobileSeg(rng, 0.05),
            bankCardSeg(rng, 0.15),
            neg('bank-branch', `${pick(rng, BANKS)}${pick(rng, CITIES)}${pick(rng, BRANCH_SUFFIX)}`),
            addressSeg(rng, 0.95),
            recentDateNeg(rng),
            chance(rng, 0.7) ? nameSeg(rng) : '',
            emergency,
          ],
          sep,
        ),
      );
    }
  },
};

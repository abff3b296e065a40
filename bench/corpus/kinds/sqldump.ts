/**
 * SQL dumps in mysqldump style: CREATE TABLE, then extended INSERTs with many tuples per line
 * (so one line carries dozens of values), password hashes and numeric ids around the PI.
 *
 * @module
 */
import { int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  addressSeg,
  amountNeg,
  bankCardSeg,
  chance,
  dateTimeNeg,
  emailSeg,
  hashNeg,
  idBirth,
  ipSeg,
  landlineSeg,
  mobileSeg,
  nameSeg,
  orderNo,
  residentId18,
  usccSeg,
} from '../values.ts';
import { BANKS, FIRM_FORMS, FIRM_WORDS, INDUSTRIES } from '../words.ts';
import { type Doc, neg, pi, type Seg, sqlString } from '../writer.ts';

interface Table {
  readonly name: string;
  readonly ddl: readonly string[];
  row(rng: Rng, id: number): Seg[][];
}

const s = (seg: Seg): Seg[] => sqlString([seg]);
const n = (v: number | string): Seg[] => [String(v)];
const NULL: Seg[] = ['NULL'];

const TABLES: readonly Table[] = [
  {
    name: 't_user',
    ddl: [
      '  `id` bigint NOT NULL AUTO_INCREMENT,',
      "  `username` varchar(64) NOT NULL COMMENT '登录名',",
      "  `real_name` varchar(32) DEFAULT NULL COMMENT '真实姓名',",
      "  `id_card` varchar(18) DEFAULT NULL COMMENT '身份证号',",
      "  `birthday` date DEFAULT NULL COMMENT '出生日期',",
      "  `mobile` varchar(20) DEFAULT NULL COMMENT '手机号',",
      '  `email` varchar(128) DEFAULT NULL,',
      '  `password` char(64) NOT NULL,',
      '  `reg_ip` varchar(45) DEFAULT NULL,',
      '  `created_at` datetime NOT NULL,',
    ],
    row(rng, id) {
      const idNo = residentId18(rng);
      const b = idBirth(idNo);
      const p2 = (x: number): string => String(x).padStart(2, '0');
      return [
        n(id),
        s(`user_${int(rng, 1000, 99_999_999)}`),
        s(nameSeg(rng)),
        chance(rng, 0.9) ? s(pi('CN_RESIDENT_ID', chance(rng, 0.05) ? idNo.toLowerCase() : idNo)) : NULL,
        b && chance(rng, 0.8) ? s(pi('BIRTH_DATE', `${b[0]}-${p2(b[1])}-${p2(b[2])}`)) : NULL,
        s(mobileSeg(rng, 0.03)),
        chance(rng, 0.5) ? s(emailSeg(rng)) : NULL,
        s(hashNeg(rng)),
        s(ipSeg(rng, 0.1)),
        s(dateTimeNeg(rng)),
      ];
    },
  },
  {
    name: 't_order',
    ddl: [
      '  `id` bigint NOT NULL AUTO_INCREMENT,',
      '  `order_no` varchar(32) NOT NULL,',
      '  `receiver_name` varchar(32) NOT NULL,',
      '  `receiver_phone` varchar(20) NOT NULL,',
      '  `receiver_address` varchar(255) NOT NULL,',
      '  `pay_amount` decimal(12,2) NOT NULL,',
      '  `created_at` datetime NOT NULL,',
    ],
    row(rng, id) {
      return [
        n(id),
        s(orderNo(rng)),
        s(nameSeg(rng)),
        s(chance(rng, 0.95) ? mobileSeg(rng, 0.05) : landlineSeg(rng, 0.05)),
        s(addressSeg(rng, 0.9)),
        [neg('amount', `${int(rng, 1, 99999)}.${String(int(rng, 0, 99)).padStart(2, '0')}`)],
        s(dateTimeNeg(rng)),
      ];
    },
  },
  {
    name: 't_bank_card',
    ddl: [
      '  `id` bigint NOT NULL AUTO_INCREMENT,',
      '  `user_id` bigint NOT NULL,',
      "  `card_no` varchar(32) NOT NULL COMMENT '银行卡号',",
      '  `bank_name` varchar(64) NOT NULL,',
      "  `holder_name` varchar(32) NOT NULL COMMENT '持卡人',",
      "  `reserved_mobile` varchar(20) NOT NULL COMMENT '预留手机号',",
      '  `bind_time` datetime NOT NULL,',
    ],
    row(rng, id) {
      return [
        n(id),
        n(int(rng, 10_000, 99_999_999)),
        s(bankCardSeg(rng, 0.03)),
        s(pick(rng, BANKS)),
        s(nameSeg(rng)),
        s(mobileSeg(rng, 0.03)),
        s(dateTimeNeg(rng)),
      ];
    },
  },
  {
    name: 't_merchant',
    ddl: [
      '  `id` bigint NOT NULL AUTO_INCREMENT,',
      '  `merchant_name` varchar(128) NOT NULL,',
      "  `credit_code` char(18) NOT NULL COMMENT '统一社会信用代码',",
      "  `legal_person` varchar(32) NOT NULL COMMENT '法人',",
      '  `contact_phone` varchar(20) DEFAULT NULL,',
      '  `settle_amount` decimal(14,2) DEFAULT NULL,',
    ],
    row(rng, id) {
      const firm = `${pick(rng, FIRM_WORDS)}${pick(rng, INDUSTRIES)}${pick(rng, FIRM_FORMS)}`;
      return [
        n(id),
        s(neg('company-name', firm)),
        s(usccSeg(rng)),
        s(nameSeg(rng)),
        chance(rng, 0.7) ? s(landlineSeg(rng, 0.05)) : s(mobileSeg(rng, 0.05)),
        s(amountNeg(rng)),
      ];
    },
  },
];

export const sqldump: KindSpec = {
  id: 'sqldump',
  description: 'mysqldump-style SQL (CREATE TABLE + extended INSERT, many tuples per line)',
  variants: { gbk: false, gzip: true, crlf: false, bom: false },
  fileName: (rng, i) => `db/${pick(rng, ['shop', 'member', 'crm', 'pay'])}_dump_${i}.sql`,
  write(rng: Rng, doc: Doc, target: number): void {
    doc.line(['-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)']);
    doc.line(['--']);
    doc.line([`-- Host: localhost    Database: ${pick(rng, ['shop', 'member', 'crm'])}`]);
    doc.line(['-- ------------------------------------------------------']);
    doc.line(['/*!40101 SET NAMES utf8mb4 */;']);
    let ti = int(rng, 0, TABLES.length - 1);
    while (doc.bytes < target) {
      const t = TABLES[ti++ % TABLES.length]!;
      doc.line(['']);
      doc.line([`DROP TABLE IF EXISTS \`${t.name}\`;`]);
      doc.line([`CREATE TABLE \`${t.name}\` (`]);
      for (const col of t.ddl) doc.line([col]);
      doc.line(['  PRIMARY KEY (`id`)']);
      doc.line([') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;']);
      doc.line([`LOCK TABLES \`${t.name}\` WRITE;`]);
      let id = int(rng, 1, 50_000);
      const statements = int(rng, 3, 30);
      for (let k = 0; k < statements && doc.bytes < target; k++) {
        const line: Seg[] = [`INSERT INTO \`${t.name}\` VALUES `];
        const tuples = int(rng, 20, 120);
        for (let j = 0; j < tuples; j++) {
          if (j > 0) line.push(',');
          line.push('(');
          t.row(rng, id++).forEach((cell, c) => {
            if (c > 0) line.push(',');
            line.push(...cell);
          });
          line.push(')');
        }
        line.push(';');
        doc.line(line);
      }
      doc.line(['UNLOCK TABLES;']);
    }
  },
};

/**
 * E-commerce order exports: CSV with Chinese headers (淘宝/京东 back-office style) or English
 * headers (cross-border platforms, with the buyer's ID number for customs). Written as UTF-8,
 * UTF-8 with BOM, GBK, CRLF, gzipped; some with Excel's `="…"` text guard, some `|` or tab separated.
 *
 * @module
 */
import { int, pick, type Rng } from '../../../test/synth/rng.ts';
import type { KindSpec } from '../kind.ts';
import {
  addressSeg,
  amountNeg,
  chance,
  dateTimeNeg,
  emailSeg,
  ipSeg,
  landlineSeg,
  mobileSeg,
  nameSeg,
  orderNo,
  residentIdSeg,
  skuNeg,
  usccSeg,
  waybill,
} from '../values.ts';
import { BUYER_NOTES, COURIERS, ORDER_STATUS, PRODUCTS } from '../words.ts';
import { type CsvCell, csvRow, type Doc, type Seg } from '../writer.ts';

type Cell = CsvCell;

function excelGuard(seg: Seg, on: boolean): Cell {
  return on ? { raw: ['="', seg, '"'] } : seg;
}

function noteCell(rng: Rng): Cell {
  const r = rng();
  if (r < 0.06) return ['请联系', mobileSeg(rng, 0.2), '收货'];
  if (r < 0.09) return ['备用电话 ', mobileSeg(rng, 0.2)];
  if (r < 0.12) return ['发票税号', usccSeg(rng)];
  return pick(rng, BUYER_NOTES);
}

function writeChinese(rng: Rng, doc: Doc, target: number, sep: string, guard: boolean): void {
  const withId = chance(rng, 0.35);
  const header = [
    '订单号',
    '下单时间',
    '订单状态',
    '收件人',
    '手机号',
    '收货地址',
    '商品名称',
    '商品编码',
    '数量',
    '实付金额',
  ];
  if (withId) header.push('订购人身份证号');
  header.push('快递公司', '快递单号', '买家留言');
  doc.line(csvRow(header, sep));
  while (doc.bytes < target) {
    const phone: Seg = chance(rng, 0.93) ? mobileSeg(rng, 0.08) : landlineSeg(rng, 0.1);
    const row: Cell[] = [
      excelGuard(orderNo(rng), guard),
      dateTimeNeg(rng),
      pick(rng, ORDER_STATUS),
      nameSeg(rng),
      phone,
      addressSeg(rng, 0.85),
      pick(rng, PRODUCTS),
      chance(rng, 0.3) ? skuNeg(rng) : '',
      String(int(rng, 1, 5)),
      amountNeg(rng),
    ];
    if (withId) row.push(excelGuard(residentIdSeg(rng, 0.05), guard));
    row.push(pick(rng, COURIERS), waybill(rng), noteCell(rng));
    doc.line(csvRow(row, sep));
  }
}

function writeEnglish(rng: Rng, doc: Doc, target: number, sep: string): void {
  const header = [
    'id',
    'order_no',
    'created_at',
    'name',
    'mobile',
    'id_card',
    'email',
    'address',
    'amount',
    'tracking_no',
    'client_ip',
  ];
  doc.line(csvRow(header, sep));
  let id = int(rng, 1000, 900_000);
  while (doc.bytes < target) {
    doc.line(
      csvRow(
        [
          String(id++),
          orderNo(rng),
          dateTimeNeg(rng, chance(rng, 0.5) ? 'T' : ' '),
          nameSeg(rng),
          mobileSeg(rng, 0.1),
          residentIdSeg(rng, 0.08),
          chance(rng, 0.6) ? emailSeg(rng) : '',
          addressSeg(rng, 0.9),
          amountNeg(rng),
          waybill(rng),
          ipSeg(rng, 0.1),
        ],
        sep,
      ),
    );
  }
}

export const orders: KindSpec = {
  id: 'orders',
  description: 'order exports (CSV; zh or en headers; GBK/BOM/CRLF/gzip; Excel ="…" guards; , | tab)',
  variants: { gbk: true, gzip: true, crlf: true, bom: true, xlsx: true },
  fileName: (rng, i) =>
    `orders/${pick(rng, ['订单导出', 'orders_export', 'ExportOrderList', '跨境订单'])}_${i}.csv`,
  write(rng: Rng, doc: Doc, target: number): void {
    const sep = pick(rng, [',', ',', ',', ',', ',', '\t', '|']);
    doc.cellSep = sep;
    if (doc.format.encoding === 'gbk' || chance(rng, 0.6))
      writeChinese(rng, doc, target, sep, chance(rng, 0.15));
    else writeEnglish(rng, doc, target, sep);
  },
};

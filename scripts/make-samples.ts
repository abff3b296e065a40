/**
 * Writes the bundled `samples/` folder: small files of the kinds a Chinese provider leaks (a GBK
 * CSV from Excel, chat logs, gzipped app logs, an SQL dump, a hotel register, a company list,
 * prose with look-alike numbers), filled with synthetic identities that pass their checksums.
 *
 * Deterministic: `npx node scripts/make-samples.ts` always writes the same bytes.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  bankCard,
  email,
  imei,
  ipv4,
  landline,
  luhnInvalidCardLike,
  mac,
  mobile,
  plate,
} from '../test/synth/contacts.ts';
import { doc } from '../test/synth/doc.ts';
import { encodeGbk } from '../test/synth/gbk.ts';
import { hkId, hmtPermit, passport, residentId, twId, uscc } from '../test/synth/ids.ts';
import { mail } from '../test/synth/mail.ts';
import { address, name } from '../test/synth/names.ts';
import { type XlsxCell, xlsx } from '../test/synth/office.ts';
import { type PdfText, pdf } from '../test/synth/pdf.ts';
import { int, mulberry32, pick } from '../test/synth/rng.ts';
import { type XlsCell, xls } from '../test/synth/xls.ts';

const out = join(import.meta.dirname, '..', 'samples');
mkdirSync(out, { recursive: true });
const rng = mulberry32(20261128);
const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

// 1. An Excel export on Chinese Windows: GBK, CRLF.
{
  const rows = ['序号,姓名,身份证号,手机号,银行卡号,开户行,家庭住址,下单金额'];
  for (let i = 1; i <= 12; i++) {
    rows.push(
      [
        i,
        name(rng),
        residentId(rng),
        mobile(rng),
        bankCard(rng),
        '中国工商银行',
        address(rng),
        `${int(rng, 10, 999)}.00`,
      ].join(','),
    );
  }
  writeFileSync(join(out, 'customers-gbk.csv'), encodeGbk(`${rows.join('\r\n')}\r\n`));
}

// 2. A customer-service chat log, PI written the way people type it.
{
  const lines = [
    `[09:12] 客户：你好，我的手机号是${mobile(rng, { format: 'spaced' })}，帮我查一下订单`,
    `[09:13] 客服：请提供身份证号码核实身份`,
    `[09:13] 客户：${residentId(rng, { lowerX: true })}`,
    `[09:14] 客户：银行卡${bankCard(rng, { length: 19 })}，开户行建设银行`,
    `[09:15] 客户：收件人${name(rng)}，电话${fullWidth(mobile(rng))}`,
    `[09:15] 客户：地址：${address(rng, { withProvince: true })}`,
    `[09:16] 客服：好的，订单号202311110000123456已登记，金额 1288.00 元`,
    `[09:17] 客户：也可以打我座机 ${landline(rng)} 或者 ${mobile(rng, { format: '+86' })}`,
    `[09:18] 客户：邮箱${email(rng)}，谢谢`,
  ];
  writeFileSync(join(out, 'chat.txt'), `${lines.join('\n')}\n`);
}

// 3. Application logs, gzipped JSONL, with trace ids, hashes and timestamps as decoys.
{
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const base = {
      ts: 1_764_300_000_000 + i * 1_000,
      trace: `${int(rng, 0x10000000, 0xffffffff).toString(16)}-4e29-41d4-a716-4466554400${String(i).padStart(2, '0')}`,
      level: 'INFO',
    };
    const event =
      i % 4 === 0
        ? { ...base, msg: '用户登录', mobile: mobile(rng), ip: ipv4(rng, { scope: 'public' }) }
        : i % 4 === 1
          ? { ...base, msg: '实名认证', real_name: name(rng), id_card: residentId(rng) }
          : i % 4 === 2
            ? { ...base, msg: 'device bound', imei: imei(rng), mac: mac(rng) }
            : { ...base, msg: 'order paid', order_no: luhnInvalidCardLike(rng), amount: 99.5 };
    lines.push(JSON.stringify(event));
  }
  writeFileSync(
    join(out, 'app.jsonl.gz'),
    gzipSync(Buffer.from(`${lines.join('\n')}\n`), { mtime: 0 } as never),
  );
}

// 4. A mysqldump with columns known only from CREATE TABLE.
{
  const tuples: string[] = [];
  for (let i = 1; i <= 8; i++) {
    tuples.push(
      `(${i},'${name(rng)}','${residentId(rng)}','${mobile(rng)}','${email(rng)}','2024-0${1 + (i % 9)}-1${i % 9} 10:00:00')`,
    );
  }
  const sql = [
    '-- MySQL dump (synthetic data)',
    'CREATE TABLE `t_user` (',
    '  `id` bigint NOT NULL AUTO_INCREMENT,',
    '  `user_name` varchar(32) NOT NULL,',
    '  `id_no` char(18) DEFAULT NULL,',
    '  `phone` varchar(20) DEFAULT NULL,',
    '  `email` varchar(64) DEFAULT NULL,',
    '  `created_at` datetime NOT NULL,',
    '  PRIMARY KEY (`id`)',
    ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
    `INSERT INTO \`t_user\` VALUES ${tuples.join(',')};`,
    '',
  ].join('\n');
  writeFileSync(join(out, 'users.sql'), sql);
}

// 5. A hotel register: documents of every kind, and plates.
{
  const rows = ['入住人\t证件类型\t证件号码\t手机\t车牌\t入住日期'];
  const docs: [string, () => string][] = [
    ['身份证', () => residentId(rng)],
    ['护照', () => passport(rng)],
    ['港澳居民来往内地通行证', () => hmtPermit(rng)],
    ['香港身份证', () => hkId(rng)],
    ['台湾身份证', () => twId(rng)],
  ];
  for (let i = 0; i < 10; i++) {
    const [kind, gen] = pick(rng, docs);
    rows.push([name(rng), kind, gen(), mobile(rng), plate(rng), `2026-11-${String(i + 10)}`].join('\t'));
  }
  writeFileSync(join(out, 'hotel-register.tsv'), `${rows.join('\n')}\n`);
}

// 6. A company list: credit codes are organisations' ids (PI of sole traders).
{
  const rows = ['企业名称,统一社会信用代码,法定代表人,联系电话'];
  for (let i = 0; i < 6; i++)
    rows.push([`示例科技有限公司${i + 1}`, uscc(rng), name(rng), landline(rng)].join(','));
  writeFileSync(join(out, 'companies.csv'), `${rows.join('\n')}\n`);
}

// 7. Prose with numbers that look like PI but are not.
{
  const text = [
    '# 季度运营简报',
    '',
    '本季度共处理订单 128,456 笔，运单号 773012345678901234 等已全部签收，客服热线 95588 与 400-820-8820 全天服务。',
    `系统版本升级到 10.2.3.4，日志时间戳 1764300000123，交易流水号 ${luhnInvalidCardLike(rng)}。`,
    '我们去北京出差，路由器型号 AX3000 的信号很好，高速公路上常规巡检一切正常。',
    '',
  ].join('\n');
  writeFileSync(join(out, 'report.md'), text);
}

// 8. An HR roster workbook: a hidden sheet, dates stored as serials, a mobile typed as a number.
{
  const header = ['工号', '姓名', '身份证号', '手机号', '出生日期', '户籍地址'];
  const rows: XlsxCell[][] = [header];
  for (let i = 1; i <= 8; i++) {
    rows.push([
      `E${String(i).padStart(3, '0')}`,
      name(rng),
      residentId(rng),
      Number(mobile(rng, { format: 'plain' })),
      { date: int(rng, 25000, 38000) },
      address(rng),
    ]);
  }
  const leavers: XlsxCell[][] = [
    ['姓名', '紧急联系人电话', '备注'],
    [name(rng), mobile(rng), '已离职'],
  ];
  writeFileSync(
    join(out, '员工花名册.xlsx'),
    xlsx([
      { name: '在职', rows },
      { name: '离职', rows: leavers, hidden: true },
    ]),
  );
}

// 9. An Excel 97-2003 workbook, as many government and enterprise systems still export.
{
  const rows: XlsCell[][] = [['客户资料导出'], ['客户姓名', '证件号码', '联系电话', '开户行', '银行卡号']];
  for (let i = 0; i < 6; i++) {
    rows.push([
      name(rng),
      residentId(rng),
      Number(mobile(rng, { format: 'plain' })),
      '中国建设银行',
      bankCard(rng),
    ]);
  }
  writeFileSync(join(out, '客户资料.xls'), xls([{ name: 'Sheet1', rows }]));
}

// 10. A résumé saved by Word 97-2003.
{
  const who = name(rng);
  writeFileSync(
    join(out, '个人简历.doc'),
    doc([
      '个人简历',
      `姓名：${who}    性别：男`,
      `身份证号：${residentId(rng)}`,
      `联系电话：${mobile(rng)}    邮箱：${email(rng)}`,
      `现住址：${address(rng)}`,
      {
        table: [
          ['紧急联系人', '关系', '电话'],
          [name(rng), '父亲', mobile(rng, { format: 'plain' })],
        ],
      },
    ]),
  );
}

// 11. An e-mail forwarding a customer list: GBK headers and body, the list attached as a workbook.
{
  const [from, to, who] = [name(rng), name(rng), name(rng)];
  const id = residentId(rng);
  writeFileSync(
    join(out, '转发-客户资料.eml'),
    mail({
      from: [from, 'sales@example.cn'],
      to: [to, 'partner@example.net'],
      subject: '客户资料，请查收',
      body: `您好：\n附件是本月新增客户，其中${who}（身份证 ${id}）需要回访，电话 ${mobile(rng, { format: 'plain' })}。\n`,
      attachments: [
        {
          name: '新增客户.xlsx',
          type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          data: xlsx([
            {
              name: 'Sheet1',
              rows: [
                ['客户姓名', '证件号码', '联系电话'],
                [who, id, mobile(rng, { format: 'plain' })],
              ],
            },
          ]),
        },
      ],
    }),
  );
}

// 12. A payroll sheet printed to PDF: a letter-spaced title, a table whose header names the
// columns, and the sign-off line of the people who made and checked it.
{
  const columns = [40, 80, 135, 235, 345];
  const header = ['序号', '姓名', '身份证号', '银行卡号', '实发金额'];
  const texts: PdfText[] = [
    { x: 200, y: 790, text: '工资发放明细', size: 14, charSpacing: 6 },
    { x: 40, y: 770, text: '2024年10月', size: 9 },
    ...header.map((text, c) => ({ x: columns[c]!, y: 750, text, size: 9 })),
  ];
  for (let r = 0; r < 6; r++) {
    const cells = [String(r + 1), name(rng), residentId(rng), bankCard(rng), `${int(rng, 4000, 15000)}.00`];
    for (const [c, text] of cells.entries()) texts.push({ x: columns[c]!, y: 734 - r * 16, text, size: 9 });
  }
  texts.push({ x: 40, y: 620, text: `制表人：${name(rng)}    审核人：${name(rng)}`, size: 9 });
  writeFileSync(
    join(out, '工资发放明细.pdf'),
    pdf([{ texts }], { info: { Title: '工资发放明细', Author: '财务部' } }),
  );
}

writeFileSync(
  join(out, 'README.md'),
  [
    '# Sample data (synthetic)',
    '',
    'Every identity in this folder was generated by `scripts/make-samples.ts` from a fixed seed:',
    'the ID numbers, cards and credit codes pass their checksums, the phone numbers use real',
    'number segments, but none belongs to a real person. `report.md` holds only look-alikes',
    '(order and waybill numbers, service numbers, versions, timestamps) and should yield nothing.',
    '',
    '- `customers-gbk.csv`: GBK-encoded, CRLF, as Excel writes it on Chinese Windows.',
    '- `chat.txt`: a chat log; spaced, `+86`, full-width and lower-case-x forms.',
    '- `app.jsonl.gz`: gzipped JSON logs with trace ids and timestamps as decoys.',
    '- `users.sql`: a mysqldump whose columns are known only from `CREATE TABLE`.',
    '- `hotel-register.tsv`: passports, permits, HK and TW IDs, licence plates.',
    '- `companies.csv`: unified social credit codes.',
    '- `员工花名册.xlsx`: an Excel roster with a hidden sheet and dates stored as serial numbers.',
    '- `客户资料.xls`: an Excel 97-2003 workbook with a title row above its header.',
    '- `个人简历.doc`: a résumé in the Word 97-2003 format.',
    '- `转发-客户资料.eml`: an e-mail in GBK with the customer list attached as a workbook.',
    '- `工资发放明细.pdf`: a payroll table printed to PDF (Chinese font with a `ToUnicode` map).',
    '',
  ].join('\n'),
);
console.log(`samples written to ${out}`);

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mobile } from '../../test/synth/contacts.ts';
import { residentId } from '../../test/synth/ids.ts';
import { name } from '../../test/synth/names.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { looksLikeHeader, safeFieldName } from './fields.ts';
import { scanStream, scanText } from './stream.ts';

const rng = mulberry32(1129);
const people = Array.from({ length: 20 }, () => ({
  name: name(rng),
  id: residentId(rng),
  mobile: mobile(rng, { format: 'plain' }),
}));

describe('CSV headers', () => {
  it('tells label rows from data and title rows', () => {
    expect(looksLikeHeader(['姓名', '身份证号', '手机'])).toBe(true);
    expect(looksLikeHeader(['name', 'id_card', 'mobile', ''])).toBe(true);
    expect(looksLikeHeader(['序号', '2024', '2025'])).toBe(true);
    expect(looksLikeHeader(['2024年客户信息登记表', '', ''])).toBe(false);
    expect(looksLikeHeader([people[0]!.name, people[0]!.id])).toBe(false);
    expect(looksLikeHeader(['1', people[1]!.name, '男'])).toBe(false);
    expect(looksLikeHeader(['联系人', 'a@example.com'])).toBe(false);
  });

  it('finds the header below title rows and blank lines, and gives those lines no field', () => {
    const p = people[0]!;
    const csv = `2024年客户信息登记表,,,\r\n\r\n联系人：${p.name},,,\r\n姓名,身份证号码,联系电话,备注\r\n${p.name},${p.id},${p.mobile},\r\n`;
    const found = scanText(csv, { format: 'csv' }).map((f) => [f.line, f.type, f.field ?? null]);
    expect(found).toEqual([
      [3, 'CN_NAME', null],
      [5, 'CN_NAME', '姓名'],
      [5, 'CN_RESIDENT_ID', '身份证号码'],
      [5, 'CN_MOBILE', '联系电话'],
    ]);
  });

  it('takes a lone label over a one-column list for its header, not a title over a table', () => {
    const [a, b] = [people[2]!, people[3]!];
    expect(scanText(`手机\n${a.mobile}\n${b.mobile}\n`, { format: 'csv' }).map((f) => f.field)).toEqual([
      '手机',
      '手机',
    ]);
    expect(
      scanText(`员工名单\n姓名\t手机\n${a.name}\t${a.mobile}\n`, { format: 'tsv' }).map((f) => f.field),
    ).toEqual(['姓名', '手机']);
    expect(scanText(`${a.mobile}\n${b.mobile}\n`, { format: 'csv' }).map((f) => f.field)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('never turns a first line of data into field names', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(people.length - 1), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', '\t', '|'),
        (rows, sep) => {
          const lines = rows.map((i) => [people[i]!.name, people[i]!.id, people[i]!.mobile].join(sep));
          const text = `${lines.join('\n')}\n`;
          const findings = scanText(text, { format: sep === '\t' ? 'tsv' : 'csv' });
          expect(findings.length).toBeGreaterThan(0);
          for (const f of findings) expect(f.field).toBeUndefined();
        },
      ),
    );
  });
});

describe('header-less lists of names', () => {
  it('never make a name a field name', () => {
    const names = mulberry32(77);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.constantFrom(',', '\t'), (n, sep) => {
        const rows = Array.from({ length: n }, (_, i) =>
          [name(names), i % 2 ? '男' : '女', '汉族'].join(sep),
        );
        const text = `${rows.join('\n')}\n`;
        for (const f of scanText(text, { format: sep === '\t' ? 'tsv' : 'csv' })) {
          expect(f.field === undefined || !rows[0]!.split(sep)[0]!.includes(f.field)).toBe(true);
          expect(f.field).not.toBe(rows[0]!.split(sep)[0]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('quoted CSV cells', () => {
  it('give the lines they run over their own field, and the cells after them theirs', () => {
    const [a, b] = [people[6]!, people[7]!];
    const csv = `姓名,备注,手机\r\n${a.name},"第一行\r\n第二行 ${b.mobile}\r\n第三行","${a.mobile}"\r\n${b.name},"",${b.mobile}\r\n`;
    const found = scanText(csv, { format: 'csv' }).map((f) => [f.line, f.type, f.field]);
    expect(found).toEqual([
      [2, 'CN_NAME', '姓名'],
      [3, 'CN_MOBILE', '备注'],
      [4, 'CN_MOBILE', '手机'],
      [5, 'CN_NAME', '姓名'],
      [5, 'CN_MOBILE', '手机'],
    ]);
  });

  it("carry a quoted cell across the engine's regions", async () => {
    const [a] = [people[8]!];
    const filler = '说明文字'.repeat(300);
    const rows = Array.from({ length: 400 }, (_, i) => `${i},"${filler}\n${filler}",x`);
    const text = `序号,备注,手机\n${rows.join('\n')}\n1,"长备注\n${a.mobile}",${a.mobile}\n`;
    const findings: { line: number; field?: string }[] = [];
    for await (const f of scanStream([Buffer.from(text)], { format: 'csv', regionSize: 1 << 16 }))
      findings.push(f);
    expect(findings.slice(-2).map((f) => f.field)).toEqual(['备注', '手机']);
  });

  it('take a quote inside an unquoted cell for a character', () => {
    const p = people[9]!;
    const found = scanText(`尺寸,手机\n24"显示器,${p.mobile}\n27",${p.mobile}\n`, { format: 'csv' });
    expect(found.map((f) => [f.line, f.field])).toEqual([
      [2, '手机'],
      [3, '手机'],
    ]);
  });
});

describe('JSON arrays', () => {
  it('name their elements after the array, nested arrays and objects skipped over', () => {
    const [a, b] = [people[4]!, people[5]!];
    const found = scanText(
      `{"phones":["${a.mobile}", "${b.mobile}"],"list":[{"x":[1,2]},["${a.id}"]],"o":{"k":"v"}}\n["${b.mobile}"]\n`,
      { format: 'jsonl' },
    ).map((f) => [f.type, f.field ?? null]);
    expect(found).toEqual([
      ['CN_MOBILE', 'phones'],
      ['CN_MOBILE', 'phones'],
      ['CN_RESIDENT_ID', 'list'],
      ['CN_MOBILE', null],
    ]);
  });
});

describe('field names that are personal data', () => {
  it('drops JSON keys that are phone or ID numbers or e-mail addresses', () => {
    const p = people[1]!;
    const found = scanText(`{"${p.mobile}":{"name":"${p.name}","id":"${p.id}"},"a@b.cn":"${p.mobile}"}\n`, {
      format: 'jsonl',
    }).map((f) => [f.type, f.field ?? null]);
    expect(found).toEqual([
      ['CN_MOBILE', null],
      ['CN_NAME', 'name'],
      ['CN_RESIDENT_ID', 'id'],
      ['EMAIL', null],
      ['CN_MOBILE', null],
    ]);
  });

  it('keeps ordinary names', () => {
    expect(safeFieldName('收件人手机')).toBe(true);
    expect(safeFieldName('id_card_2')).toBe(true);
    expect(safeFieldName('13912345678')).toBe(false);
    expect(safeFieldName('１３９１２３４５６７８')).toBe(false);
    expect(safeFieldName('user@example.com')).toBe(false);
  });
});

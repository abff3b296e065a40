import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { assertSurvivesCorruption, scratchScanner } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { name } from '../../../test/synth/names.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { type XlsCell, xls } from '../../../test/synth/xls.ts';
import { readCompoundFile } from './cfb.ts';
import { ScanIoError } from './errors.ts';
import { doubleText, rkValue } from './xls.ts';

const scan = scratchScanner('xls', 'xls');

const rng = mulberry32(97);
const people = Array.from({ length: 40 }, () => ({
  name: name(rng),
  id: residentId(rng),
  mobile: mobile(rng, { format: 'plain' }),
}));

describe('BIFF8 numbers', () => {
  it('decodes RK values: integers, hundredths, truncated doubles', () => {
    expect(rkValue((1234 << 2) | 2)).toBe(1234);
    expect(rkValue(((-5 << 2) | 2) >>> 0)).toBe(-5);
    expect(rkValue((1250 << 2) | 3)).toBe(12.5);
    // 1.0 as a double is 0x3FF00000_00000000: the RK keeps the high word.
    expect(rkValue(0x3ff00000)).toBe(1);
    expect(rkValue(0x3ff00000 | 1)).toBe(0.01);
  });

  it('writes numbers as Excel shows them, never inventing lost digits', () => {
    expect(doubleText(13912345678)).toBe('13912345678');
    expect(doubleText(12.5)).toBe('12.5');
    expect(doubleText(110105194912310020)).toBe('1.1010519491231002e+17');
  });
});

describe('xls workbooks', () => {
  const roster = (count: number): XlsCell[][] => [
    ['2024年员工花名册'],
    ['姓名', '身份证号', '手机', '出生日期', '积分', '在职'],
    ...people
      .slice(0, count)
      .map(
        (p, i) => [p.name, p.id, Number(p.mobile), { date: 32874 + i }, 100 + i, { bool: true }] as XlsCell[],
      ),
  ];

  it('finds PI in every worksheet with its sheet, row, column and header, shared strings split anywhere', async () => {
    const book = xls(
      [
        { name: '在职', rows: roster(40), mulrk: true },
        {
          name: '离职',
          rows: [
            ['联系人', '电话'],
            [people[0]!.name, { formula: people[0]!.mobile }],
          ],
          hidden: true,
        },
      ],
      { sstRecordBytes: 23, widenAfterContinue: true },
    );
    const { findings, summary } = await scan(book);
    expect(summary).toMatchObject({ format: 'xls', findings: findings.length });
    const ids = findings.filter((f) => f.type === 'CN_RESIDENT_ID');
    expect(ids.map((f) => f.value)).toEqual(people.map((p) => p.id));
    for (const [i, f] of ids.entries())
      expect(f).toMatchObject({ part: '在职', line: i + 3, column: 2, field: '身份证号' });
    const mobiles = findings.filter((f) => f.type === 'CN_MOBILE' && f.part === '在职');
    expect(mobiles.map((f) => f.value)).toEqual(people.map((p) => p.mobile));
    expect(findings.find((f) => f.type === 'BIRTH_DATE')).toMatchObject({
      value: '1990-01-01',
      line: 3,
      column: 4,
    });
    expect(findings.filter((f) => f.type === 'CN_NAME' && f.part === '在职').length).toBeGreaterThanOrEqual(
      38,
    );
    expect(findings.filter((f) => f.part === '离职').map((f) => [f.type, f.line, f.column, f.field])).toEqual(
      [
        ['CN_NAME', 2, 1, '联系人'],
        ['CN_MOBILE', 2, 2, '电话'],
      ],
    );
  });

  it('reads a small workbook kept in the mini stream, and 1904 dates', async () => {
    const p = people[1]!;
    const book = xls(
      [
        {
          name: 'S',
          rows: [
            ['手机', '出生日期'],
            [p.mobile, { date: 31412 }],
          ],
        },
      ],
      {
        date1904: true,
      },
    );
    expect(readCompoundFile(Buffer.from(book)).stream('Workbook')!.length).toBeLessThan(4096);
    const { findings } = await scan(book);
    expect(findings.map((f) => [f.type, f.value, f.field])).toEqual([
      ['CN_MOBILE', p.mobile, '手机'],
      ['BIRTH_DATE', '1990-01-01', '出生日期'],
    ]);
  });

  it('counts an encrypted workbook as not readable', async () => {
    const { findings, summary } = await scan(xls([{ name: 'S', rows: roster(3) }], { encrypted: true }));
    expect(findings).toEqual([]);
    expect(summary).toMatchObject({ format: 'xls', unreadableEntries: 1 });
  });

  it('reads workbooks inside zip archives', async () => {
    const zip = zipSync({ '人事/花名册.xls': xls([{ name: '在职', rows: roster(2) }]) });
    const { findings } = await scan(zip, 'zip');
    expect(
      findings.filter((f) => f.type === 'CN_RESIDENT_ID').map((f) => [f.part, f.line, f.column]),
    ).toEqual([
      ['人事/花名册.xls!在职', 3, 2],
      ['人事/花名册.xls!在职', 4, 2],
    ]);
  });

  it('reports a damaged compound file with a stable code', async () => {
    const book = xls([{ name: 'S', rows: roster(5) }]);
    const error = await scan(book.slice(0, 700)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanIoError);
    expect((error as ScanIoError).code).toBe('DECOMPRESS_ERROR');
  });

  it('neither crashes nor hangs on corrupted bytes', async () => {
    const book = xls([{ name: 'S', rows: roster(6) }], { sstRecordBytes: 40 });
    await assertSurvivesCorruption(book, scan);
  });
});

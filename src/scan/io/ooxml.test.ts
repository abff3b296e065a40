import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFileFindings } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { address, name } from '../../../test/synth/names.ts';
import { docx, type XlsxCell, xlsx } from '../../../test/synth/office.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import type { FileSummary } from '../scan-file.ts';
import type { Finding, ScanOptions } from '../types.ts';
import { ScanIoError } from './errors.ts';
import { columnOf, openOffice } from './ooxml.ts';
import { isDateFormat, numberText, serialToDate } from './sheet-text.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-ooxml-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function file(ext: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, `f${n++}.${ext}`);
  await writeFile(path, bytes);
  return path;
}

async function scan(
  path: string,
  options: ScanOptions = {},
): Promise<{ findings: Finding[]; summary: FileSummary }> {
  return scanFileFindings(path, { showValues: true, ...options });
}

describe('cell helpers', () => {
  it('reads column letters', () => {
    expect(columnOf('A1')).toBe(1);
    expect(columnOf('C5')).toBe(3);
    expect(columnOf('AB12')).toBe(28);
    expect(columnOf('xfd1048576')).toBe(16384);
    expect(columnOf('')).toBe(0);
    expect(columnOf('12')).toBe(0);
  });

  it('turns date serials into dates, 1900 and 1904 systems', () => {
    expect(serialToDate(1, false)).toBe('1900-01-01');
    expect(serialToDate(59, false)).toBe('1900-02-28');
    expect(serialToDate(61, false)).toBe('1900-03-01');
    expect(serialToDate(32874, false)).toBe('1990-01-01');
    expect(serialToDate(45292.5, false)).toBe('2024-01-01 12:00:00');
    expect(serialToDate(0, true)).toBe('1904-01-01');
    expect(serialToDate(31412, true)).toBe('1990-01-01');
    expect(serialToDate(-1, false)).toBeUndefined();
    expect(serialToDate(Number.NaN, false)).toBeUndefined();
    expect(serialToDate(3e6, false)).toBeUndefined();
  });

  it('tells date formats from number and time formats', () => {
    expect(isDateFormat('yyyy-mm-dd')).toBe(true);
    expect(isDateFormat('yyyy"年"m"月"d"日"')).toBe(true);
    expect(isDateFormat('[$-804]yyyy年m月d日')).toBe(true);
    expect(isDateFormat('m/d/yy h:mm')).toBe(true);
    expect(isDateFormat('0.00E+00')).toBe(false);
    expect(isDateFormat('h:mm:ss')).toBe(false);
    expect(isDateFormat('#,##0.00"元"')).toBe(false);
    expect(isDateFormat('[Red]0.00')).toBe(false);
    expect(isDateFormat('General')).toBe(false);
  });

  it('expands exponent notation only when the digits are exact', () => {
    expect(numberText('13912345678')).toBe('13912345678');
    expect(numberText('1.3912345678E+10')).toBe('13912345678');
    expect(numberText('6.2220212345678899E+18')).toBe('6.2220212345678899E+18');
    expect(numberText('3.5')).toBe('3.5');
  });
});

describe('xlsx', () => {
  const rng = mulberry32(20261129);
  const people = Array.from({ length: 30 }, () => ({
    name: name(rng),
    id: residentId(rng),
    mobile: mobile(rng, { format: 'plain' }),
    address: address(rng),
  }));

  it('finds PI in every sheet, hidden ones included, with sheet, row, column and header', async () => {
    const header = ['序号', '姓名', '身份证号', '手机号', '出生日期', '家庭住址'];
    const rows: XlsxCell[][] = [
      header,
      ...people.map((p, i) => [i + 1, p.name, p.id, Number(p.mobile), { date: 32874 + i }, p.address]),
    ];
    const path = await file(
      'xlsx',
      xlsx(
        [
          { name: '员工信息', rows },
          {
            name: '备份',
            rows: [
              ['联系人', '电话'],
              [people[0]!.name, people[0]!.mobile],
            ],
            hidden: true,
          },
        ],
        { phonetic: true },
      ),
    );
    const { findings, summary } = await scan(path);
    expect(summary).toMatchObject({ format: 'xlsx', findings: findings.length });
    expect(summary.skipped).toBeUndefined();

    const ids = findings.filter((f) => f.type === 'CN_RESIDENT_ID');
    expect(ids.map((f) => f.value)).toEqual(people.map((p) => p.id));
    for (const [i, f] of ids.entries()) {
      expect(f).toMatchObject({ part: '员工信息', line: i + 2, column: 3, field: '身份证号', path });
    }
    const mobiles = findings.filter((f) => f.type === 'CN_MOBILE' && f.part === '员工信息');
    expect(mobiles.map((f) => f.value)).toEqual(people.map((p) => p.mobile));
    expect(mobiles.every((f) => f.column === 4 && f.field === '手机号')).toBe(true);
    const births = findings.filter((f) => f.type === 'BIRTH_DATE');
    expect(births[0]).toMatchObject({ value: '1990-01-01', line: 2, column: 5, field: '出生日期' });
    const names = findings.filter((f) => f.type === 'CN_NAME' && f.part === '员工信息');
    expect(names.length).toBeGreaterThanOrEqual(people.length - 1);
    expect(findings.filter((f) => f.type === 'CN_ADDRESS').length).toBeGreaterThanOrEqual(people.length - 2);

    const hidden = findings.filter((f) => f.part === '备份');
    expect(hidden.map((f) => [f.type, f.line, f.column])).toEqual(
      expect.arrayContaining([
        ['CN_NAME', 2, 1],
        ['CN_MOBILE', 2, 2],
      ]),
    );
    // Phonetic guide runs are not text of the cell.
    expect(findings.some((f) => f.value?.includes('ﾌﾘｶﾞﾅ'))).toBe(false);
  });

  it('keeps sparse rows and columns under their headers', async () => {
    const p = people[1]!;
    const path = await file(
      'xlsx',
      xlsx([
        {
          name: 'Sheet1',
          rows: [
            [1, ['客户', null, null, 'mobile', '证件号码']],
            [7, [null, null, null, { raw: '1.3912345678E+10' }]],
            [12, [{ inline: p.name }, null, null, null, { formula: 'A1&""', result: p.id }]],
          ],
        },
      ]),
    );
    const { findings } = await scan(path);
    expect(findings.map((f) => [f.type, f.line, f.column, f.field, f.value])).toEqual(
      expect.arrayContaining([
        ['CN_MOBILE', 7, 4, 'mobile', '13912345678'],
        ['CN_RESIDENT_ID', 12, 5, '证件号码', p.id],
      ]),
    );
  });

  it('reads the shared strings wherever the zip puts them, and 1904 dates', async () => {
    const p = people[2]!;
    const path = await file(
      'xlsm',
      xlsx(
        [
          {
            name: '名单',
            rows: [
              ['姓名', '身份证', '出生日期'],
              [p.name, p.id, { date: 31412 }],
            ],
          },
        ],
        { stringsLast: true, date1904: true },
      ),
    );
    const { findings } = await scan(path);
    expect(findings.find((f) => f.type === 'CN_RESIDENT_ID')?.value).toBe(p.id);
    expect(findings.find((f) => f.type === 'BIRTH_DATE')?.value).toBe('1990-01-01');
  });

  it('maps every value back to its cell, whatever the other cells hold', async () => {
    const noise = fc.string({
      unit: fc.constantFrom('a', '中', '\t', '"', '\n', '<', '&', ' ', '1', ',', '号'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.oneof(noise, fc.constant(null)), { minLength: 1, maxLength: 6 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(7),
        fc.nat(5),
        async (grid, r, c) => {
          const rows = grid.map((row) => [...row]) as XlsxCell[][];
          const row = r % rows.length;
          const col = c % (rows[row]!.length + 1);
          const value = people[(r + c) % people.length]!.id;
          rows[row]![col] = value;
          const { findings } = await scan(await file('xlsx', xlsx([{ name: 'S', rows }])), {
            types: ['CN_RESIDENT_ID'],
            minScore: 0,
          });
          const hit = findings.find((f) => f.value === value);
          expect(hit).toMatchObject({ line: row + 1, column: col + 1, part: 'S' });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('docx', () => {
  it('reads paragraphs split into runs, tables and headers', async () => {
    const rng = mulberry32(7);
    const id = residentId(rng);
    const phone = mobile(rng, { format: 'plain' });
    const who = name(rng);
    const path = await file(
      'docx',
      docx(
        [
          '关于报名情况的说明',
          `申请人身份证号：${id.slice(0, 6)}|${id.slice(6)}，请核实。`,
          {
            table: [
              ['姓名', '联系电话'],
              [who, phone],
            ],
          },
        ],
        `联系人：${who} 电话 ${phone}`,
      ),
    );
    const { findings, summary } = await scan(path);
    expect(summary.format).toBe('docx');
    expect(findings.find((f) => f.type === 'CN_RESIDENT_ID')).toMatchObject({
      value: id,
      part: 'document',
      line: 2,
    });
    expect(
      findings.filter((f) => f.part === 'document' && f.type === 'CN_MOBILE').map((f) => f.value),
    ).toEqual([phone]);
    expect(findings.filter((f) => f.part === 'header1').map((f) => f.type)).toEqual(
      expect.arrayContaining(['CN_NAME', 'CN_MOBILE']),
    );
  });
});

describe('docx markup', () => {
  it('reads a text box once, not again from its fallback, and takes tab stops for no tabs', async () => {
    const rng = mulberry32(5);
    const phone = mobile(rng, { format: 'plain' });
    const enc = new TextEncoder();
    const box = `<w:txbxContent><w:p><w:r><w:t>紧急联系电话 ${phone}</w:t></w:r></w:p></w:txbxContent>`;
    const body =
      `<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>手机</w:t></w:r><w:r><w:t>${phone}</w:t></w:r></w:p>` +
      `<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">${box}</mc:Choice><mc:Fallback><w:pict>${box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`;
    const path = await file(
      'docx',
      zipSync({
        'word/document.xml': enc.encode(
          `<w:document xmlns:w="w" xmlns:mc="mc"><w:body>${body}</w:body></w:document>`,
        ),
      }),
    );
    const { findings } = await scan(path);
    expect(findings.map((f) => [f.line, f.column, f.value])).toEqual([
      [1, 3, phone],
      [2, 8, phone],
    ]);
  });
});

describe('pptx', () => {
  it('reads slides in number order, then their notes', async () => {
    const rng = mulberry32(11);
    const [a, b] = [mobile(rng, { format: 'plain' }), mobile(rng, { format: 'plain' })];
    const enc = new TextEncoder();
    const A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"';
    const slide = (text: string) =>
      enc.encode(
        `<p:sld ${A} xmlns:p="p"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>${text}</a:t></a:r></a:p><a:p><a:r><a:t>第二段</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`,
      );
    const path = await file(
      'pptx',
      zipSync({
        'ppt/presentation.xml': enc.encode('<p:presentation xmlns:p="p"/>'),
        'ppt/slides/slide10.xml': slide(`客服电话 ${b}`),
        'ppt/slides/slide2.xml': slide(`联系人手机：${a}`),
        'ppt/notesSlides/notesSlide2.xml': slide(`备用 ${b}`),
      }),
    );
    const { findings, summary } = await scan(path);
    expect(summary.format).toBe('pptx');
    expect(findings.map((f) => [f.part, f.line, f.value])).toEqual([
      ['slide2', 1, a],
      ['slide10', 1, b],
      ['notes2', 1, b],
    ]);
  });
});

describe('files that are not Office documents', () => {
  it('leaves other zips to the archive reader', async () => {
    const path = await file('zip', zipSync({ 'a.txt': new TextEncoder().encode('手机 13912345678') }));
    const { summary, findings } = await scan(path);
    expect(summary.format).toBe('zip');
    expect(findings.map((f) => f.part)).toEqual(['a.txt']);
    expect(await openOffice(path)).toBeUndefined();
  });

  it('reports a damaged workbook with a stable code, naming no content', async () => {
    const good = xlsx([{ name: 'S', rows: [['13912345678']] }]);
    const path = await file('xlsx', good.slice(0, good.length - 30));
    const error = await scan(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScanIoError);
    expect((error as ScanIoError).code).toBe('DECOMPRESS_ERROR');
  });

  it('reports malformed XML as damage', async () => {
    const enc = new TextEncoder();
    const path = await file(
      'xlsx',
      zipSync({
        'xl/workbook.xml': enc.encode('<workbook><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>'),
        'xl/worksheets/sheet1.xml': enc.encode('<worksheet><sheetData><row><c t="inlineStr"><is><t>1391234'),
      }),
    );
    const error = await scan(path).catch((e: unknown) => e);
    expect((error as ScanIoError).code).toBe('DECOMPRESS_ERROR');
    expect((error as Error).message).not.toContain('1391234');
  });

  it('stops a part that inflates past the limit', async () => {
    const big = `<worksheet><sheetData>${'<row><c><v>1</v></c></row>'.repeat(50_000)}</sheetData></worksheet>`;
    const enc = new TextEncoder();
    const path = await file(
      'xlsx',
      zipSync({
        'xl/workbook.xml': enc.encode('<workbook><sheets><sheet name="S"/></sheets></workbook>'),
        'xl/worksheets/sheet1.xml': enc.encode(big),
      }),
    );
    const office = await openOffice(path, { maxDecompressedBytes: 100_000 });
    const read = async () => {
      for await (const part of office!.parts()) for await (const _ of part.chunks);
    };
    await expect(read()).rejects.toMatchObject({ code: 'TOO_LARGE' });
    office!.close();
  });
});

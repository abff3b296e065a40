import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scratchScanner } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { encodeGbk } from '../../../test/synth/gbk.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { name } from '../../../test/synth/names.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { htmlToText, looksLikeHtml } from './html.ts';

const scan = scratchScanner('html', 'xls');

/** Where a finding points in the source: the text from its line and column on. */
function at(source: string, line: number, column: number): string {
  return [...source.split('\n')[line - 1]!].slice(column - 1).join('');
}

const rng = mulberry32(404);
const people = Array.from({ length: 10 }, () => ({
  name: name(rng),
  id: residentId(rng),
  mobile: mobile(rng, { format: 'plain' }),
}));
const entities = (s: string) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('');

describe('telling HTML', () => {
  it('by its doctype or root, or a table saved under an Excel name', () => {
    expect(looksLikeHtml('<!DOCTYPE html><html>', 'a.txt')).toBe(true);
    expect(looksLikeHtml('\uFEFF  <html lang="zh">', 'page')).toBe(true);
    expect(looksLikeHtml('<table border=1><tr>', '导出.xls')).toBe(true);
    expect(looksLikeHtml('<table border=1><tr>', 'notes.txt')).toBe(false);
    expect(
      looksLikeHtml(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
        'x.xml',
      ),
    ).toBe(true);
    expect(looksLikeHtml('<?xml version="1.0"?><config/>', 'x.xml')).toBe(false);
    expect(looksLikeHtml('姓名,手机', 'a.xls')).toBe(false);
  });

  it('turns rows into tab-separated lines and keeps data attributes', () => {
    const { text, tableFirst } = htmlToText(
      '<table><tr><td>a<br>b</td><td>&lt;c&gt;&nbsp;d</td></tr></table><p>x<input value="v1"><a href="mailto:m@x.cn">m</a></p><script>var s="13912345678"</script>',
    );
    expect(tableFirst).toBe(true);
    expect(text).toBe('\na b\t<c> d\t\n\n\nx v1  mailto:m@x.cn m\n');
  });
});

describe('HTML files', () => {
  it('reads a web export saved as .xls like a table, placing findings in the source', async () => {
    const [a, b, c] = people;
    const source = [
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>',
      '<body><table border="1">',
      '<tr><td>序号</td><td>姓名</td><td>身份证号</td><td>手机号码</td></tr>',
      `<tr><td>1</td><td>${a!.name}</td><td style="mso-number-format:'\\@'">${a!.id}</td><td>${a!.mobile}</td></tr>`,
      `<tr><td>2</td><td>${entities(b!.name)}</td><td>${b!.id}</td><td>${b!.mobile.slice(0, 3)}&nbsp;${b!.mobile.slice(3, 7)}&nbsp;${b!.mobile.slice(7)}</td></tr>`,
      `<tr>\n<td>3</td>\n<td>${c!.name}</td>\n<td>${c!.id}</td>\n<td>${c!.mobile}</td>\n</tr>`,
      '</table><script>var trace = "13800138000";</script></body></html>',
    ].join('\n');
    const { findings, summary } = await scan(source);
    expect(summary.format).toBe('html');
    expect(findings.map((f) => [f.type, f.field, f.line])).toEqual([
      ['CN_NAME', '姓名', 4],
      ['CN_RESIDENT_ID', '身份证号', 4],
      ['CN_MOBILE', '手机号码', 4],
      ['CN_NAME', '姓名', 5],
      ['CN_RESIDENT_ID', '身份证号', 5],
      ['CN_MOBILE', '手机号码', 5],
      ['CN_NAME', '姓名', 8],
      ['CN_RESIDENT_ID', '身份证号', 9],
      ['CN_MOBILE', '手机号码', 10],
    ]);
    expect(findings[3]!.value).toBe(b!.name);
    for (const f of findings.filter((x) => x.type === 'CN_RESIDENT_ID')) {
      expect(at(source, f.line, f.column).startsWith(f.value!)).toBe(true);
    }
  });

  it('reads GBK pages and Excel 2003 XML spreadsheets', async () => {
    const p = people[3]!;
    const gbk = encodeGbk(
      `<!DOCTYPE html><html><head><meta charset="gb2312"></head><body><p>联系人：${p.name}，电话 ${p.mobile}</p></body></html>`,
    );
    expect((await scan(gbk, 'html')).findings.map((f) => f.value)).toEqual([p.name, p.mobile]);
    const xml = `<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n<Worksheet ss:Name="S"><Table>\n<Row><Cell><Data ss:Type="String">姓名</Data></Cell><Cell><Data ss:Type="String">备注</Data></Cell><Cell><Data ss:Type="String">手机</Data></Cell></Row>\n<Row><Cell><Data ss:Type="String">${p.name}</Data></Cell><Cell ss:Index="3"><Data ss:Type="Number">${p.mobile}</Data></Cell></Row>\n</Table></Worksheet></Workbook>\n`;
    const { findings } = await scan(xml, 'xml');
    expect(findings.map((f) => [f.type, f.field, f.line])).toEqual([
      ['CN_NAME', '姓名', 5],
      ['CN_MOBILE', '手机', 5],
    ]);
  });

  it('points each value at its place in the source, whatever surrounds it', async () => {
    const noise = fc.string({ unit: fc.constantFrom('a', '中', ' ', '\n', '-', '号', '<b>x</b>', '<br/>') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(noise, noise), { minLength: 1, maxLength: 5 }),
        fc.nat(9),
        async (rows, k) => {
          const value = people[k]!.id;
          const source = `<html><body><table><tr><th>证件号码</th><th>备注</th></tr>\n${rows
            .map(([x, y], i) => `<tr><td>${i === 0 ? value : x}</td><td>${y}</td></tr>`)
            .join('\n')}</table></body></html>`;
          const { findings } = await scan(source, 'html');
          const hit = findings.find((f) => f.value === value);
          expect(hit).toBeDefined();
          expect(at(source, hit!.line, hit!.column).startsWith(value)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

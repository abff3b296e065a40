import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { scratchScanner } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { mail } from '../../../test/synth/mail.ts';
import { name } from '../../../test/synth/names.ts';
import { type PdfPage, pdf } from '../../../test/synth/pdf.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { type FileSummary, scanFileEvents } from '../scan-file.ts';
import { ScanIoError } from './errors.ts';
import { isPdfHead, layoutLines, pageText, pdfFromBytes, type Run, unspaceLetters } from './pdf.ts';

const scan = scratchScanner('pdf', 'pdf');

/** What a PDF's parts hold, as text. */
async function partsOf(bytes: Uint8Array): Promise<Record<string, string>> {
  const doc = await pdfFromBytes(bytes, 'test.pdf');
  const out: Record<string, string> = {};
  try {
    for await (const part of doc.parts()) {
      let text = '';
      for await (const chunk of part.chunks) text += Buffer.from(chunk).toString('utf8');
      out[part.name] = text;
    }
  } finally {
    doc.close();
  }
  return out;
}

const rng = mulberry32(47);
const who = name(rng);
const id = residentId(rng);
const phone = mobile(rng, { format: 'plain' });
const other = mobile(rng, { format: 'plain' });

const run = (str: string, x: number, y: number, extra: Partial<{ width: number; hasEOL: boolean }> = {}) => ({
  str,
  x,
  y,
  size: 10,
  // Full-width characters 10 wide, ASCII half that (as in SimSun at 10 points).
  width: extra.width ?? [...str].reduce((w, c) => w + (c.charCodeAt(0) < 0x80 ? 5 : 10), 0),
  hasEOL: extra.hasEOL ?? false,
});

/** The runs laid out as text: lines of cells apart by tabs. */
const layoutRuns = (runs: readonly Run[]): string =>
  layoutLines(runs)
    .map((cells) => cells.map((c) => c.text).join('\t'))
    .join('\n');

describe('laying text runs out as lines', () => {
  it('joins glyphs set one by one, and breaks lines on a new baseline', () => {
    const glyphs = [...'13812345678'].map((c, i) => run(c, 100 + i * 5, 700));
    expect(layoutRuns([run('手机', 80, 700, { width: 20 }), ...glyphs, run('地址', 80, 680)])).toBe(
      '手机13812345678\n地址',
    );
  });

  it('turns a cell-wide gap into a tab and a word gap into a space', () => {
    expect(layoutRuns([run('姓名', 0, 500), run('张伟', 200, 500), run('先生', 221, 500)])).toBe(
      '姓名\t张伟先生',
    );
    expect(layoutRuns([run('Tel', 0, 500), run('139', 22, 500)])).toBe('Tel 139');
  });

  it("keeps PDF.js's own break and space runs without doubling them", () => {
    expect(
      layoutRuns([
        run('甲', 0, 500),
        run('', 10, 500, { hasEOL: true }),
        run(' ', 10, 500),
        run('乙', 0, 480),
        run(' ', 10, 480),
        run('丙', 12, 480),
      ]),
    ).toBe('甲\n乙 丙');
  });

  it('never loses or reorders the characters of the runs (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            str: fc.string({ maxLength: 6 }),
            x: fc.integer({ min: 0, max: 600 }),
            y: fc.integer({ min: 0, max: 800 }),
            size: fc.integer({ min: 1, max: 30 }),
            width: fc.integer({ min: 0, max: 200 }),
            hasEOL: fc.boolean(),
          }),
          { maxLength: 30 },
        ),
        (runs) => {
          const kept = runs.filter((r) => r.str.trim() !== '').map((r) => r.str.replace(/\s/g, ''));
          expect(layoutRuns(runs).replace(/\s/g, '')).toBe(kept.join(''));
        },
      ),
    );
  });
});

describe('letter-spaced text', () => {
  it('is joined up again, whole runs or stretches between wider gaps', () => {
    expect(unspaceLetters('1 3 8 1 2 3 4 5 6 7 8')).toBe('13812345678');
    expect(unspaceLetters('姓 名 ： 张 伟')).toBe('姓名：张伟');
    expect(unspaceLetters('张 伟')).toBe('张伟');
    expect(unspaceLetters('手 机  1 3 8 1 2 3 4 5 6 7 8')).toBe('手 机  13812345678');
    expect(unspaceLetters('身 份 证 号  1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 X')).toBe(
      '身份证号  11010519491231002X',
    );
  });

  it('is left alone when its spaces are real', () => {
    for (const text of ['138 1234 5678', '联系电话 13812345678', 'Tel: 139 1234 5678', 'a b', '张 ab']) {
      expect(unspaceLetters(text)).toBe(text);
    }
  });

  it('only ever takes spaces out (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('1', '张', 'a', ' ', '  ', 'X', '：'), { maxLength: 30 }),
        (parts) => {
          const text = parts.join('');
          const out = unspaceLetters(text);
          expect(out.replace(/ /g, '')).toBe(text.replace(/ /g, ''));
          expect(out.length).toBeLessThanOrEqual(text.length);
        },
      ),
    );
  });

  it('lets a letter-spaced ID and mobile be found', async () => {
    const { findings } = await scan(
      pdf([
        {
          texts: [
            { x: 72, y: 700, text: `联系人${who}手机${phone}`, charSpacing: 3 },
            { x: 72, y: 680, text: `身份证号${id}`, charSpacing: 2.5 },
          ],
        },
      ]),
    );
    expect(findings.map((f) => [f.type, f.value])).toEqual(
      expect.arrayContaining([
        ['CN_NAME', who],
        ['CN_MOBILE', phone],
        ['CN_RESIDENT_ID', id],
      ]),
    );
  });
});

describe('pages that are tables', () => {
  const row = (y: number, ...cells: [string, number][]) => cells.map(([str, x]) => run(str, x, y));
  const header = row(700, ['姓名', 0], ['身份证号', 100], ['手机', 300], ['备注', 400]);

  it('are read as TSV under their header, each cell in the column it overlaps most', () => {
    const lines = layoutLines([
      run('员工名单', 0, 760),
      ...header,
      // The ID starts left of its label's start, the mobile is right-aligned, the note is empty.
      ...row(680, [who, 0], [id, 90], [phone, 310]),
      ...row(660, [who, 0], [phone, 305], ['离职', 400]),
    ]);
    const page = pageText(lines, undefined);
    expect(page).toMatchObject({ format: 'tsv', linesBefore: 0 });
    expect(page.text).toBe(
      `员工名单\t\t\t\n姓名\t身份证号\t手机\t备注\n${who}\t${id}\t${phone}\t\n${who}\t\t${phone}\t离职`,
    );
  });

  it('carry their header to the next page, which gets it as an added first line', () => {
    const first = pageText(layoutLines([...header, ...row(680, [who, 0], [id, 100])]), undefined);
    const next = pageText(layoutLines(row(780, [who, 0], [id, 100], [phone, 300])), first.columns);
    expect(next).toMatchObject({ format: 'tsv', linesBefore: 1 });
    expect(next.text).toBe(`姓名\t身份证号\t手机\t备注\n${who}\t${id}\t${phone}\t`);
    // A page of prose after the table is not read under its header.
    const prose = pageText(
      layoutLines([run('第二部分 说明', 0, 780), run('以上名单请勿外传。', 0, 760)]),
      first.columns,
    );
    expect(prose).toMatchObject({
      format: 'text',
      linesBefore: 0,
      text: '第二部分 说明\n以上名单请勿外传。',
    });
  });

  it('end at their last row: a sign-off line and prose below are plain text, on their own lines', () => {
    const page = pageText(
      layoutLines([
        ...header,
        ...row(680, [who, 0], [id, 100], [phone, 300]),
        ...row(660, ['制表人：王芳', 0], ['审核人：陈静', 300]),
        run(`如有疑问请联系${who}`, 0, 640),
      ]),
      undefined,
    );
    expect(page).toMatchObject({
      format: 'tsv',
      text: `姓名\t身份证号\t手机\t备注\n${who}\t${id}\t${phone}\t`,
      rest: { text: `制表人：王芳\t审核人：陈静\n如有疑问请联系${who}`, firstLine: 3 },
    });
  });

  it('stay plain text when their rows do not fit the header', () => {
    const clash = layoutLines([
      ...header,
      ...row(680, ['甲', 0], ['乙', 20], ['丙', 40]),
      ...row(660, ['丁', 0], ['戊', 25]),
    ]);
    expect(pageText(clash, undefined).format).toBe('text');
    // Two labels make no header (a form's "label value" pairs are not a table).
    expect(pageText(layoutLines(row(700, ['姓名', 0], ['性别', 100])), undefined).format).toBe('text');
  });
});

describe('PDF files', () => {
  const pages: PdfPage[] = [
    {
      texts: [
        { x: 72, y: 760, text: '员工信息登记表', size: 16 },
        { x: 72, y: 720, text: '姓名' },
        { x: 200, y: 720, text: who },
        { x: 72, y: 700, text: '身份证号', font: 'gb' },
        { x: 200, y: 700, text: id, font: 'latin' },
        { x: 72, y: 680, text: `联系电话${phone}`, show: 'glyphs' },
      ],
    },
    { texts: [{ x: 72, y: 760, text: `紧急联系人电话：${other}，请勿外传。`, show: 'kerned' }] },
  ];

  it('reads the text of each page, whatever encoding its fonts use', async () => {
    const parts = await partsOf(pdf(pages));
    expect(parts.page1).toBe(`员工信息登记表\n姓名\t${who}\n身份证号\t${id}\n联系电话${phone}\n`);
    expect(parts.page2).toBe(`紧急联系人电话：${other}，请勿外传。\n`);
  });

  it('finds PI page by page, the part naming the page', async () => {
    for (const compress of [true, false]) {
      const { findings, summary } = await scan(pdf(pages, { compress }));
      expect(summary).toMatchObject({ format: 'pdf', findings: findings.length });
      expect(summary.unreadableEntries).toBeUndefined();
      const got = findings.map((f) => [f.part, f.type, f.value, f.line]);
      expect(got).toEqual(
        expect.arrayContaining([
          ['page1', 'CN_NAME', who, 2],
          ['page1', 'CN_RESIDENT_ID', id, 3],
          ['page1', 'CN_MOBILE', phone, 4],
          ['page2', 'CN_MOBILE', other, 1],
        ]),
      );
    }
  });

  it('reads filled form fields and the document information', async () => {
    const form = pdf(
      [
        {
          texts: [{ x: 72, y: 760, text: '居住证申领登记表' }],
          fields: [
            { name: 'xm', label: '申请人姓名', value: who },
            { name: 'sfzh', label: '公民身份号码', value: id },
            { name: 'lxdh', value: phone },
          ],
        },
      ],
      { info: { Title: '申请表', Author: who } },
    );
    const parts = await partsOf(form);
    expect(parts.metadata).toBe(`标题：申请表\n作者：${who}\n`);
    expect(parts.page1).toBe(`居住证申领登记表\n申请人姓名：${who}\n公民身份号码：${id}\nlxdh：${phone}\n`);
    const { findings } = await scan(form);
    expect(findings.map((f) => [f.part, f.type, f.value])).toEqual(
      expect.arrayContaining([
        ['page1', 'CN_NAME', who],
        ['page1', 'CN_RESIDENT_ID', id],
        ['page1', 'CN_MOBILE', phone],
      ]),
    );
  });

  it('reads a printed table across pages, fields from its header and lines of each page', async () => {
    const people = Array.from({ length: 6 }, () => [
      name(rng),
      residentId(rng),
      mobile(rng, { format: 'plain' }),
    ]);
    const printed = pdf(
      [people.slice(0, 3), people.slice(3)].map((rows, p) => ({
        texts: [
          // Title lines above the header on the first page, as printed sheets have.
          ...(p === 0
            ? [
                { x: 150, y: 820, text: '员工信息表', size: 14 },
                { x: 40, y: 800, text: '2024年10月', size: 9 },
              ]
            : []),
          ...(p === 0
            ? ['序号', '姓名', '身份证号', '联系电话'].map((text, c) => ({ x: 40 + c * 90, y: 780, text }))
            : []),
          ...rows.flatMap((cells, r) =>
            [String(p * 3 + r + 1), ...cells].map((text, c) => ({
              x: 40 + c * 90,
              y: 760 - r * 20,
              text,
              size: 9,
            })),
          ),
        ],
      })),
    );
    const { findings } = await scan(printed);
    const ids = findings
      .filter((f) => f.type === 'CN_RESIDENT_ID')
      .map((f) => [f.part, f.line, f.field, f.value]);
    expect(ids).toEqual([
      ['page1', 4, '身份证号', people[0]![1]],
      ['page1', 5, '身份证号', people[1]![1]],
      ['page1', 6, '身份证号', people[2]![1]],
      ['page2', 1, '身份证号', people[3]![1]],
      ['page2', 2, '身份证号', people[4]![1]],
      ['page2', 3, '身份证号', people[5]![1]],
    ]);
    expect(findings.filter((f) => f.type === 'CN_NAME').map((f) => f.field)).toEqual(
      new Array(6).fill('姓名'),
    );
  });

  it('reads what follows a table on its page as text, on the page lines it sits on', async () => {
    const boss = name(rng);
    const { findings } = await scan(
      pdf([
        {
          texts: [
            ...['序号', '姓名', '身份证号', '联系电话'].map((text, c) => ({ x: 40 + c * 90, y: 780, text })),
            ...['1', who, id, phone].map((text, c) => ({ x: 40 + c * 90, y: 760, text, size: 9 })),
            { x: 40, y: 730, text: `制表人：${boss}` },
            { x: 40, y: 710, text: `紧急联系人电话 ${other}` },
          ],
          fields: [{ name: 'lxr', label: '联系人', value: boss }],
        },
      ]),
    );
    expect(findings.map((f) => [f.line, f.field ?? null, f.type, f.value])).toEqual([
      [2, '姓名', 'CN_NAME', who],
      [2, '身份证号', 'CN_RESIDENT_ID', id],
      [2, '联系电话', 'CN_MOBILE', phone],
      [3, null, 'CN_NAME', boss],
      [4, null, 'CN_MOBILE', other],
      [5, null, 'CN_NAME', boss],
    ]);
  });

  it('counts a PDF without any text (a scan) as unreadable', async () => {
    const { findings, summary } = await scan(
      pdf([
        { texts: [], imageOnly: true },
        { texts: [], imageOnly: true },
      ]),
    );
    expect(findings).toEqual([]);
    expect(summary).toMatchObject({ format: 'pdf', unreadableEntries: 1 });
    // A scanned page beside pages of text is not: the text was read.
    expect(
      (await scan(pdf([...pages, { texts: [], imageOnly: true }]))).summary.unreadableEntries,
    ).toBeUndefined();
  });

  it('reads a PDF "secured" with an owner password only, and counts one that needs a password', async () => {
    const secured = await scan(pdf(pages, { encrypt: { owner: 'owner-secret' }, info: { Author: who } }));
    expect(secured.summary.unreadableEntries).toBeUndefined();
    expect(secured.findings.map((f) => [f.part, f.type, f.value])).toEqual(
      expect.arrayContaining([
        ['metadata', 'CN_NAME', who],
        ['page1', 'CN_RESIDENT_ID', id],
        ['page2', 'CN_MOBILE', other],
      ]),
    );
    const locked = await scan(pdf(pages, { encrypt: { owner: 'owner-secret', user: 'open-sesame' } }));
    expect(locked.findings).toEqual([]);
    expect(locked.summary).toMatchObject({ format: 'pdf', unreadableEntries: 1 });
  });

  it('reads PDFs inside archives and attached to e-mail', async () => {
    const zipped = zipSync({ '人事/员工信息.pdf': pdf(pages), '说明.txt': new TextEncoder().encode('无') });
    const inZip = await scan(zipped, 'zip');
    expect(inZip.findings.map((f) => [f.part, f.type])).toEqual(
      expect.arrayContaining([
        ['人事/员工信息.pdf!page1', 'CN_RESIDENT_ID'],
        ['人事/员工信息.pdf!page2', 'CN_MOBILE'],
      ]),
    );
    const message = mail({
      subject: '资料',
      from: ['人事部', 'hr@example.cn'],
      to: ['财务部', 'cw@example.cn'],
      body: '见附件。',
      attachments: [{ name: '员工信息.pdf', type: 'application/pdf', data: pdf(pages) }],
    });
    const attached = await scan(new TextEncoder().encode(message), 'eml');
    expect(attached.findings.map((f) => [f.part, f.type])).toContainEqual([
      '员工信息.pdf!page1',
      'CN_RESIDENT_ID',
    ]);
  });

  it('reports a damaged PDF as a damaged file, without taking the scan down', async () => {
    const bad = new TextEncoder().encode('%PDF-1.7\nthis is not a PDF body at all\n%%EOF\n');
    await expect(scan(bad)).rejects.toSatisfy(
      (e) => e instanceof ScanIoError && e.code === 'DECOMPRESS_ERROR',
    );
    const truncated = pdf(pages).subarray(0, 200);
    await expect(scan(truncated)).rejects.toBeInstanceOf(ScanIoError);
  });

  it('reports progress page by page through a large PDF', async () => {
    const lines = Array.from({ length: 50 }, (_, r) => ({
      x: 20,
      y: 800 - r * 15,
      text: `第${r}行 联系电话 ${mobile(rng, { format: 'plain' })} ${'备注说明'.repeat(12)}`,
      size: 6,
    }));
    const bytes = pdf(
      Array.from({ length: 200 }, () => ({ texts: lines })),
      { compress: false },
    );
    expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
    const path = join(await mkdtemp(join(tmpdir(), 'shiming-pdf-progress-')), 'big.pdf');
    await writeFile(path, bytes);
    const seen: number[] = [];
    const events = scanFileEvents(path, {});
    let summary: FileSummary | undefined;
    for (;;) {
      const r = await events.next();
      if (r.done) {
        summary = r.value;
        break;
      }
      if (r.value.kind === 'progress') seen.push(r.value.bytes);
    }
    await rm(dirname(path), { recursive: true, force: true });
    // Several steps before the end, rising, ending at the file's size.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(summary).toMatchObject({ format: 'pdf', bytes: bytes.length, findings: 10_000 });
  });

  it('knows a PDF by its first bytes only', () => {
    expect(isPdfHead(new TextEncoder().encode('%PDF-1.4\n'))).toBe(true);
    expect(isPdfHead(new TextEncoder().encode('see %PDF-1.4 spec'))).toBe(false);
    expect(isPdfHead(new Uint8Array(0))).toBe(false);
  });
});

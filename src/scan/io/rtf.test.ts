import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFileFindings } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { encodeGbk } from '../../../test/synth/gbk.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { name } from '../../../test/synth/names.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { looksLikeRtf, rtfToText } from './rtf.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-rtf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `s` as RTF escapes: GBK bytes as \'hh (what Word and WPS write for code page 936). */
const hexGbk = (s: string) => [...encodeGbk(s)].map((b) => `\\'${b.toString(16).padStart(2, '0')}`).join('');
/** `s` as \uN? escapes (Unicode, with a one-character fallback). */
const uni = (s: string) =>
  [...s].map((c) => `\\u${c.charCodeAt(0) > 32767 ? c.charCodeAt(0) - 65536 : c.charCodeAt(0)}?`).join('');

describe('rtfToText', () => {
  it('decodes code-page bytes and Unicode escapes, skipping fallbacks and non-text destinations', () => {
    const rtf = `{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fcharset134 ${hexGbk('宋体')};}}{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator WPS;}\\uc1\\pard ${hexGbk('姓名：张伟')}\\par ${uni('身份证')}: 1101\\par {\\pict\\pngblip 89504e47}\\uc2\\u20013\\'d6\\'d0 \\{x\\}\\par}`;
    expect(rtfToText(rtf)).toBe('姓名：张伟\n身份证: 1101\n中 {x}\n');
  });

  it('puts table cells on one line and reads Big5 fonts when no code page is given', () => {
    const rtf = String.raw`{\rtf1{\fonttbl{\f0\fcharset136 x;}}\trowd\cellx1000\cellx2000 a\cell b\cell\row\'a4\'a4\par}`;
    expect(rtfToText(rtf)).toBe('a\tb\t\n中\n');
  });

  it('never throws on malformed input', () => {
    const piece = fc.constantFrom(
      '{',
      '}',
      '\\',
      "\\'",
      "\\'zz",
      '\\u',
      '\\u-3',
      '\\uc9',
      '\\par',
      '\\*',
      'a',
      '中',
      ' ',
      '?',
      '\\pict',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        expect(typeof rtfToText(`{\\rtf1${parts.join('')}`)).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });

  it('is told by its opening', () => {
    expect(looksLikeRtf('{\\rtf1\\ansi')).toBe(true);
    expect(looksLikeRtf('\uFEFF {\\rtf1')).toBe(true);
    expect(looksLikeRtf('{"rtf": 1}')).toBe(false);
  });
});

describe('RTF and HTML saved as Word documents', () => {
  const rng = mulberry32(88);
  const [who, id, phone] = [name(rng), residentId(rng), mobile(rng, { format: 'plain' })];

  it('finds PI in an .rtf and in RTF or HTML named .doc', async () => {
    const rtf = `{\\rtf1\\ansi\\ansicpg936\\pard ${hexGbk(`姓名：${who}`)}\\par ${hexGbk('身份证号')}: ${id}\\par ${uni('手机')} ${phone}\\par}`;
    for (const file of ['resume.rtf', '简历.doc']) {
      const path = join(dir, file);
      await writeFile(path, rtf);
      const { findings, summary } = await scanFileFindings(path);
      expect(summary.format).toBe('rtf');
      expect(findings.map((f) => [f.part, f.line, f.type, f.value])).toEqual([
        ['document', 1, 'CN_NAME', who],
        ['document', 2, 'CN_RESIDENT_ID', id],
        ['document', 3, 'CN_MOBILE', phone],
      ]);
    }
    const path = join(dir, '导出.doc');
    await writeFile(
      path,
      `<table><tr><td>姓名</td><td>手机</td></tr><tr><td>${who}</td><td>${phone}</td></tr></table>`,
    );
    const { findings, summary } = await scanFileFindings(path);
    expect(summary.format).toBe('html');
    expect(findings.map((f) => [f.type, f.field])).toEqual([
      ['CN_NAME', '姓名'],
      ['CN_MOBILE', '手机'],
    ]);
  });
});

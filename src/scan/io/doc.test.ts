import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { assertSurvivesCorruption, scratchScanner } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { doc } from '../../../test/synth/doc.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { name } from '../../../test/synth/names.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { cleanWordText } from './doc.ts';

const scan = scratchScanner('doc', 'doc');

const rng = mulberry32(31);
const who = name(rng);
const id = residentId(rng);
const phone = mobile(rng, { format: 'plain' });
const other = mobile(rng, { format: 'plain' });

describe('Word control characters', () => {
  it('become line breaks, tabs and spaces', () => {
    expect(
      cleanWordText('a\rb\x0bc\x07d\x07\x07\x13 HYPERLINK "mailto:x@y.cn" \x14x\x15\x01\x08e\u00a0f'),
    ).toBe('a\nb\nc\td\t\t  HYPERLINK "mailto:x@y.cn"  x e f');
  });
});

describe('doc files', () => {
  const body = [
    '个人简历',
    `姓名：${who}`,
    `身份证号：${id}，联系电话 ${phone}`,
    {
      table: [
        ['紧急联系人', '电话'],
        [who, other],
      ],
    },
  ];

  it('finds PI in pieces of either width, paragraph by paragraph', async () => {
    for (const options of [{}, { compress: false }, { table: 0 as const }]) {
      const { findings, summary } = await scan(doc(body, options));
      expect(summary.format).toBe('doc');
      expect(findings.map((f) => [f.part, f.line, f.type, f.value])).toEqual([
        ['document', 2, 'CN_NAME', who],
        ['document', 3, 'CN_RESIDENT_ID', id],
        ['document', 3, 'CN_MOBILE', phone],
        // A table's rows share a line: Word marks cell and row ends alike (0x07).
        ['document', 4, 'CN_NAME', who],
        ['document', 4, 'CN_MOBILE', other],
      ]);
    }
  });

  it('counts an encrypted document as not readable', async () => {
    const { findings, summary } = await scan(doc(body, { encrypted: true }));
    expect(findings).toEqual([]);
    expect(summary).toMatchObject({ format: 'doc', unreadableEntries: 1 });
  });

  it('reads documents inside zip archives', async () => {
    const { findings } = await scan(zipSync({ '应聘/简历.doc': doc(body) }), 'zip');
    expect(findings.find((f) => f.type === 'CN_RESIDENT_ID')).toMatchObject({
      part: '应聘/简历.doc!document',
      value: id,
    });
  });

  it('neither crashes nor hangs on corrupted bytes', async () => {
    const good = doc(body);
    await assertSurvivesCorruption(good, scan);
  });
});

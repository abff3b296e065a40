import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFileFindings } from '../../../test/support/scan-file.ts';
import { mobile } from '../../../test/synth/contacts.ts';
import { residentId } from '../../../test/synth/ids.ts';
import { name } from '../../../test/synth/names.ts';
import { ppt } from '../../../test/synth/ppt.ts';
import { mulberry32 } from '../../../test/synth/rng.ts';
import { pptText } from './ppt.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-ppt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ppt files', () => {
  it('read the text records of every slide and comment', async () => {
    const rng = mulberry32(61);
    const [who, id, phone] = [name(rng), residentId(rng), mobile(rng, { format: 'plain' })];
    const path = join(dir, '培训.ppt');
    await writeFile(
      path,
      ppt(
        [
          ['新员工培训', `负责人：${who}`],
          [`Tel ${phone}`, `身份证号\r${id}`],
        ],
        `联系人 ${who}`,
      ),
    );
    const { findings, summary } = await scanFileFindings(path);
    expect(summary.format).toBe('ppt');
    expect(findings.map((f) => [f.part, f.type, f.value])).toEqual([
      ['slides', 'CN_NAME', who],
      ['slides', 'CN_MOBILE', phone],
      ['slides', 'CN_RESIDENT_ID', id],
      ['slides', 'CN_NAME', who],
    ]);
  });

  it('stop at a record that runs past the end', () => {
    const bad = Buffer.from([0x00, 0x00, 0xa0, 0x0f, 0xff, 0xff, 0xff, 0x7f, 0x41, 0x00]);
    expect(pptText(bad)).toBe('A\n');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanFileFindings } from '../../test/support/scan-file.ts';
import { mobile } from '../../test/synth/contacts.ts';
import { encodeGbk } from '../../test/synth/gbk.ts';
import { residentId } from '../../test/synth/ids.ts';
import { xlsx } from '../../test/synth/office.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { entryName } from './io/zip.ts';
import type { FileSummary } from './scan-file.ts';
import type { Finding } from './types.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-zip-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rng = mulberry32(42);
const ids = [residentId(rng), residentId(rng), residentId(rng)];
const phones = [mobile(rng, { format: 'plain' }), mobile(rng, { format: 'plain' })];
const enc = new TextEncoder();

async function scan(
  bytes: Uint8Array,
  name = 'a.zip',
): Promise<{ findings: Finding[]; summary: FileSummary }> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return scanFileFindings(path, { showValues: true });
}

/** Rewrites central-directory entries of `zip` named `name`: flags, and optionally the name's bytes. */
function patchEntry(
  zip: Uint8Array,
  name: string,
  patch: { flags?: number; rawName?: Uint8Array },
): Uint8Array {
  const out = Uint8Array.from(zip);
  const view = new DataView(out.buffer);
  const target = enc.encode(name);
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = view.getUint32(i, true);
    // Central directory header: name at 46, its length at 28, flags at 8. Local header: 30, 26, 6.
    const [nameAt, lenAt, flagsAt] = sig === 0x02014b50 ? [46, 28, 8] : sig === 0x04034b50 ? [30, 26, 6] : [];
    if (nameAt === undefined) continue;
    const len = view.getUint16(i + lenAt!, true);
    const here = out.subarray(i + nameAt, i + nameAt + len);
    if (len !== target.length || !here.every((b, k) => b === target[k])) continue;
    if (patch.flags !== undefined) view.setUint16(i + flagsAt!, patch.flags, true);
    if (patch.rawName !== undefined) here.set(patch.rawName);
  }
  return out;
}

describe('zip archives', () => {
  it('scans every entry like a file of its own, naming it in part', async () => {
    const book = xlsx([
      {
        name: '在职',
        rows: [
          ['姓名', '身份证号'],
          ['示例', ids[2]!],
        ],
      },
    ]);
    const inner = zipSync({ 'deep/a.txt': enc.encode(`手机：${phones[1]}\n`) });
    const zip = zipSync({
      'exports/客户.csv': encodeGbk(`序号,身份证号\r\n1,${ids[0]}\r\n`),
      'logs/app.jsonl.gz': gzipSync(`{"mobile":"${phones[0]}"}\n`),
      'hr/员工.xlsx': book,
      'img/logo.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      'inner.zip': inner,
      'notes/readme.txt': enc.encode(`身份证 ${ids[1]}\n`),
    });
    const { findings, summary } = await scan(zip);
    expect(summary).toMatchObject({ format: 'zip', findings: findings.length });
    expect(summary.unreadableEntries).toBeUndefined();
    expect(findings.map((f) => [f.part, f.line, f.column, f.field ?? null, f.type, f.value])).toEqual([
      ['exports/客户.csv', 2, 3, '身份证号', 'CN_RESIDENT_ID', ids[0]],
      ['logs/app.jsonl.gz', 1, 12, 'mobile', 'CN_MOBILE', phones[0]],
      ['hr/员工.xlsx!在职', 2, 2, '身份证号', 'CN_RESIDENT_ID', ids[2]],
      ['inner.zip!deep/a.txt', 1, 4, null, 'CN_MOBILE', phones[1]],
      ['notes/readme.txt', 1, 5, null, 'CN_RESIDENT_ID', ids[1]],
    ]);
    expect(findings.every((f) => f.path === join(dir, 'a.zip'))).toBe(true);
  });

  it('reads entry names written in GBK without the UTF-8 flag', async () => {
    const gbkName = encodeGbk('客户.csv');
    const zip = patchEntry(zipSync({ 'abcd.csv': enc.encode(`mobile\n${phones[0]}\n`) }), 'abcd.csv', {
      flags: 0,
      rawName: gbkName,
    });
    const { findings } = await scan(zip);
    expect(findings.map((f) => f.part)).toEqual(['客户.csv']);
    expect(entryName(gbkName, 0)).toBe('客户.csv');
    expect(entryName(enc.encode('客户.csv'), 0x800)).toBe('客户.csv');
  });

  it('counts what it cannot read (encrypted, nested more than two levels down) and reads the rest', async () => {
    const level4 = zipSync({ 'd.txt': enc.encode(`手机 ${phones[0]}\n`) });
    const level3 = zipSync({ 'l4.zip': level4, 'c.txt': enc.encode(`手机 ${phones[0]}\n`) });
    const level2 = zipSync({ 'l3.zip': level3, 'b.txt': enc.encode(`手机 ${phones[1]}\n`) });
    const zip = patchEntry(
      zipSync({
        'secret.csv': enc.encode(`身份证号\n${ids[0]}\n`),
        'l2.zip': level2,
        'open.txt': enc.encode(`身份证 ${ids[1]}\n`),
      }),
      'secret.csv',
      { flags: 1 },
    );
    const { findings, summary } = await scan(zip);
    expect(findings.map((f) => [f.part, f.value])).toEqual([
      ['l2.zip!l3.zip!c.txt', phones[0]],
      ['l2.zip!b.txt', phones[1]],
      ['open.txt', ids[1]],
    ]);
    expect(summary.unreadableEntries).toBe(2);
  });

  it('leaves a file that only looks like a zip skipped as binary', async () => {
    const { summary } = await scan(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'x.bin');
    expect(summary.skipped).toBe('binary');
  });

  it('reports a damaged .zip with a stable code', async () => {
    const zip = zipSync({ 'a.txt': enc.encode(`${phones[0]}\n`) });
    const error = await scan(zip.slice(0, zip.length - 10), 'broken.zip').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DECOMPRESS_ERROR', path: join(dir, 'broken.zip') });
  });
});

describe('files inside archives that are not what their name says', () => {
  it('reads an "xls" that is an HTML table as HTML, and goes on with the other entries', async () => {
    const zip = zipSync({
      '导出.xls': enc.encode(
        `<table><tr><td>身份证号</td><td>手机</td></tr><tr><td>${ids[0]}</td><td>${phones[0]}</td></tr></table>`,
      ),
      'notes.txt': enc.encode(`手机 ${phones[1]}\n`),
    });
    const { findings } = await scan(zip, 'exports.zip');
    expect(findings.map((f) => [f.part, f.type, f.value])).toEqual([
      ['导出.xls', 'CN_RESIDENT_ID', ids[0]],
      ['导出.xls', 'CN_MOBILE', phones[0]],
      ['notes.txt', 'CN_MOBILE', phones[1]],
    ]);
  });
});

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeGbk } from '../../../test/synth/gbk.ts';
import { formatFromName, innerName, SNIFF_BYTES, scanUtf8, sniff } from './sniff.ts';

const gbk = encodeGbk;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const utf16 = (s: string, littleEndian: boolean): Uint8Array => {
  const le = Buffer.from(s, 'utf16le');
  return littleEndian ? le : Buffer.from(le).swap16();
};

/** Deterministic pseudo-random bytes (xorshift32). */
function randomBytes(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const CHINESE_CSV = [
  '姓名,身份证号,手机号,地址',
  '张伟,110101199003074258,13812345678,北京市东城区王府井大街一号',
  '王芳,310104198512120023,13987654321,上海市徐汇区漕溪北路二十八号',
  '李娜,440305199207150041,15012348765,广东省深圳市南山区科技园中区',
  '刘洋,510107198811110012,18611112222,四川省成都市武侯区人民南路四段',
].join('\n');

describe('encoding detection', () => {
  it('sees ASCII and UTF-8 as UTF-8', () => {
    expect(sniff(utf8(''), 'x')).toMatchObject({ kind: 'text', encoding: 'utf-8', bom: 0, asciiOnly: true });
    const r = sniff(utf8(CHINESE_CSV), 'people');
    expect(r).toMatchObject({ kind: 'text', encoding: 'utf-8', bom: 0, format: 'csv', delimiter: ',' });
    expect(r.invalidUtf8).toBeUndefined();
    expect(r.asciiOnly).toBeUndefined();
  });

  it('ignores a UTF-8 sequence cut off by the end of the head', () => {
    const bytes = utf8(`${CHINESE_CSV}中`);
    const cut = bytes.subarray(0, bytes.length - 1);
    expect(scanUtf8(cut).invalid).toBe(0);
    expect(sniff(cut, 'x.txt')).toMatchObject({ encoding: 'utf-8' });
    expect(sniff(cut, 'x.txt').invalidUtf8).toBeUndefined();
  });

  it('rejects overlongs, surrogates and values above U+10FFFF', () => {
    expect(scanUtf8(Uint8Array.of(0xc0, 0xaf, 0x41)).invalid).toBeGreaterThan(0);
    expect(scanUtf8(Uint8Array.of(0xed, 0xa0, 0x80, 0x41)).invalid).toBeGreaterThan(0);
    expect(scanUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80, 0x41)).invalid).toBeGreaterThan(0);
    expect(scanUtf8(utf8('𠀋伟'))).toEqual({ invalid: 0, multibyte: 2 });
  });

  it('honours byte-order marks', () => {
    expect(sniff(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61), 'x.txt')).toMatchObject({
      encoding: 'utf-8',
      bom: 3,
    });
    const le = Buffer.concat([Buffer.of(0xff, 0xfe), utf16(CHINESE_CSV, true)]);
    expect(sniff(le, 'x.csv')).toMatchObject({ kind: 'text', encoding: 'utf-16le', bom: 2, format: 'csv' });
    const be = Buffer.concat([Buffer.of(0xfe, 0xff), utf16(CHINESE_CSV, false)]);
    expect(sniff(be, 'x')).toMatchObject({ kind: 'text', encoding: 'utf-16be', bom: 2, format: 'csv' });
    const gb = Buffer.concat([Buffer.of(0x84, 0x31, 0x95, 0x33), gbk(CHINESE_CSV)]);
    expect(sniff(gb, 'x.txt')).toMatchObject({ encoding: 'gb18030', bom: 4 });
    // UTF-32 is not supported: not text we can read.
    expect(sniff(Uint8Array.of(0xff, 0xfe, 0, 0, 0x61, 0, 0, 0), 'x.txt').kind).toBe('binary');
  });

  it('finds UTF-16 without a BOM from the zero-byte pattern', () => {
    expect(sniff(utf16(CHINESE_CSV, true), 'x')).toMatchObject({
      kind: 'text',
      encoding: 'utf-16le',
      bom: 0,
    });
    expect(sniff(utf16(CHINESE_CSV, false), 'x')).toMatchObject({
      kind: 'text',
      encoding: 'utf-16be',
      bom: 0,
    });
    expect(sniff(utf16('plain ASCII log line\r\n'.repeat(20), true), 'x.log')).toMatchObject({
      encoding: 'utf-16le',
    });
  });

  it('finds UTF-16 of pure Chinese text (no zero bytes at all)', () => {
    const text = '中华人民共和国居民身份证姓名张伟住址北京市东城区';
    expect(sniff(utf16(text, true), 'x')).toMatchObject({ kind: 'text', encoding: 'utf-16le' });
    expect(sniff(utf16(text, false), 'x')).toMatchObject({ kind: 'text', encoding: 'utf-16be' });
  });

  it('finds GBK / GB18030 by plausibility, not by assumption', () => {
    const bytes = gbk(CHINESE_CSV);
    expect(Array.from(gbk('中文张伟'))).toEqual([0xd6, 0xd0, 0xce, 0xc4, 0xd5, 0xc5, 0xce, 0xb0]);
    expect(sniff(bytes, 'people.csv')).toMatchObject({ kind: 'text', encoding: 'gb18030', format: 'csv' });
    // A head cut in the middle of a two-byte character still counts.
    expect(sniff(bytes.subarray(0, 40), 'x')).toMatchObject({ encoding: 'gb18030' });
    // A single Chinese word in ASCII text is enough.
    expect(sniff(gbk('name: 张伟\n'), 'x.txt')).toMatchObject({ encoding: 'gb18030' });
  });

  it('keeps corrupted UTF-8 Chinese as UTF-8, flagged, rather than calling it GBK', () => {
    const bytes = Buffer.from(utf8(CHINESE_CSV));
    bytes[40] = 0xff;
    expect(sniff(bytes, 'x.txt')).toMatchObject({ kind: 'text', encoding: 'utf-8', invalidUtf8: true });
  });

  it('flags Latin-1 text as invalid UTF-8 but still text', () => {
    const latin1 = Buffer.from('Café au lait, résumé, naïve — 13812345678\n', 'latin1');
    expect(sniff(latin1, 'x.txt')).toMatchObject({ kind: 'text', encoding: 'utf-8', invalidUtf8: true });
  });

  it('keeps Hive exports (\\x01-separated) as text', () => {
    const hive = utf8('张伟\x01110101199003074258\x0113812345678\n'.repeat(20));
    expect(sniff(hive, 'part-00000')).toMatchObject({ kind: 'text', encoding: 'utf-8' });
  });
});

describe('binary detection', () => {
  it('knows binary magic numbers', () => {
    const cases: [string, number[]][] = [
      ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x41]],
      ['jpeg', [0xff, 0xd8, 0xff, 0xe0, 0x41]],
      ['gif', [...Buffer.from('GIF89a,,,')]],
      ['pdf', [...Buffer.from('%PDF-1.7\n%text-like but a PDF')]],
      ['xlsx', [0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]],
      ['elf', [0x7f, 0x45, 0x4c, 0x46, 0x02]],
      ['sqlite', [...Buffer.from('SQLite format 3\0rest')]],
      ['bzip2', [...Buffer.from('BZh91AY&SY')]],
    ];
    for (const [name, bytes] of cases)
      expect(sniff(Uint8Array.from(bytes), `f.${name}`).kind, name).toBe('binary');
    // "BZh" alone starts an ordinary word.
    expect(sniff(utf8('BZh is not bzip2'), 'x').kind).toBe('text');
  });

  it('calls random bytes binary, with or without NULs', () => {
    expect(sniff(randomBytes(SNIFF_BYTES), 'data.txt').kind).toBe('binary');
    const noNul = randomBytes(SNIFF_BYTES).map((b) => (b === 0 ? 0x41 : b));
    expect(sniff(noNul, 'data.txt').kind).toBe('binary');
  });

  it('calls text with NULs binary unless it is UTF-16', () => {
    expect(sniff(utf8('abc\0def\0ghi\0\0\0\0\x01\x02'), 'x.txt').kind).toBe('binary');
  });

  it('recognises gzip and names the inner format', () => {
    const gz = gzipSync(utf8(CHINESE_CSV));
    expect(sniff(gz, 'dump/people.csv.gz')).toEqual({ kind: 'gzip', bom: 0, format: 'csv' });
    expect(sniff(gz, 'x.gz')).toEqual({ kind: 'gzip', bom: 0, format: 'text' });
  });
});

describe('format', () => {
  it('comes from the name, gzip wrappers unwrapped', () => {
    expect(innerName('a/b.csv.gz')).toBe('a/b.csv');
    expect(innerName('a/b.tgz')).toBe('a/b.tar');
    expect(formatFromName('x.CSV')).toBe('csv');
    expect(formatFromName('x.tsv.gz')).toBe('tsv');
    expect(formatFromName('x.ndjson')).toBe('jsonl');
    expect(formatFromName('x.jsonl')).toBe('jsonl');
    expect(formatFromName('x.json')).toBe('json');
    expect(formatFromName('x.sql.gz')).toBe('sql');
    expect(formatFromName('x.log')).toBe('text');
    expect(formatFromName('dir.csv/x')).toBeUndefined();
    expect(formatFromName('.env')).toBeUndefined();
    expect(formatFromName('x.dat')).toBeUndefined();
  });

  it('comes from the content when the name says nothing', () => {
    const f = (s: string): string => sniff(utf8(s), 'noext').format;
    expect(f('{"name":"张伟","id":"110101199003074258"}\n{"name":"王芳"}\n{"name":"李娜"}\n')).toBe('jsonl');
    expect(f('{\n  "users": [{"name": "张伟"}]\n}\n')).toBe('json');
    expect(f('[{"name":"张伟"},\n{"name":"王芳"}]')).toBe('json');
    expect(f('-- MySQL dump 10.13\nDROP TABLE IF EXISTS `u`;\nCREATE TABLE `u` (id int);\n')).toBe('sql');
    expect(f("insert into users values (1, '张伟');\n")).toBe('sql');
    expect(f('a,b,c\n1,2,3\n4,"5,5",6\n')).toBe('csv');
    expect(f('a\tb\tc\n1\t2\t3\n')).toBe('tsv');
    expect(f('[2024-05-01 12:00:00] INFO login 13812345678\n[2024-05-01 12:00:01] INFO ok\n')).toBe('text');
    expect(f('Dear user, thanks for your order.\nIt ships, we hope, soon; really.\nBye\n')).toBe('text');
  });

  it('finds the delimiter of a .csv file from its content', () => {
    const r = sniff(utf8('姓名;手机\n张伟;13812345678\n王芳;13987654321\n'), 'export.csv');
    expect(r).toMatchObject({ format: 'csv', delimiter: ';' });
    expect(sniff(utf8('x'), 'one.csv')).toMatchObject({ format: 'csv', delimiter: ',' });
  });

  it("reads a .txt that is a tab-separated table (Excel's Unicode text) as TSV, and prose as text", () => {
    const table = '姓名\t手机\t备注\n张伟\t13812345678\t无\n王芳\t13987654321\t\n';
    expect(sniff(utf8(table), 'Book1.txt')).toMatchObject({ format: 'tsv', delimiter: '\t' });
    expect(sniff(utf8('第一段，有逗号，还有逗号。\n第二段，也有，逗号。\n'), 'notes.txt').format).toBe(
      'text',
    );
    expect(sniff(utf8('a\tb\nc\td\n'), 'two-columns.txt').format).toBe('text');
    expect(sniff(utf8(table), 'server.log').format).toBe('text');
  });
});

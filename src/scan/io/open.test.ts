import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeGbk } from '../../../test/synth/gbk.ts';
import { ScanIoError, toScanIoError } from './errors.ts';
import { type OpenedFile, openUtf8, openUtf8FromBytes, openUtf8FromStream } from './open.ts';

const gbk = encodeGbk;

const CHINESE_CSV = [
  '姓名,身份证号,手机号,地址',
  '张伟,110101199003074258,13812345678,北京市东城区王府井大街一号',
  '王芳,310104198512120023,13987654321,上海市徐汇区漕溪北路二十八号',
  '李娜,440305199207150041,15012348765,广东省深圳市南山区科技园中区',
].join('\n');

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'shiming-open-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function file(name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(base, name);
  await writeFile(path, bytes);
  return path;
}

async function drain(opened: OpenedFile): Promise<{ text: string; sizes: number[] }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of opened.chunks) parts.push(chunk);
  return { text: Buffer.concat(parts).toString('utf8'), sizes: parts.map((p) => p.length) };
}

async function failure(promise: Promise<unknown>): Promise<ScanIoError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ScanIoError);
    return error as ScanIoError;
  }
  throw new Error('expected a ScanIoError');
}

describe('openUtf8', () => {
  it('passes UTF-8 through, skipping a BOM', async () => {
    const path = await file('a.csv', `\uFEFF${CHINESE_CSV}`);
    const opened = await openUtf8(path);
    expect(opened).toMatchObject({ kind: 'text', encoding: 'utf-8', format: 'csv', compressed: false });
    expect(opened.invalidUtf8).toBe(false);
    expect((await drain(opened)).text).toBe(CHINESE_CSV);
  });

  it('transcodes GBK (GB18030) to UTF-8', async () => {
    const path = await file('people.csv', gbk(CHINESE_CSV));
    const opened = await openUtf8(path, { highWaterMark: 7 });
    expect(opened).toMatchObject({ kind: 'text', encoding: 'gb18030', format: 'csv', delimiter: ',' });
    const { text, sizes } = await drain(opened);
    expect(text).toBe(CHINESE_CSV);
    // Characters split across 7-byte reads are carried over; output chunks stay within the mark.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
  });

  it('transcodes UTF-16 with and without a BOM', async () => {
    const le = Buffer.from(CHINESE_CSV, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [name, bytes, encoding] of [
      ['le-bom.txt', Buffer.concat([Buffer.of(0xff, 0xfe), le]), 'utf-16le'],
      ['be-bom.txt', Buffer.concat([Buffer.of(0xfe, 0xff), be]), 'utf-16be'],
      ['le.txt', le, 'utf-16le'],
      ['be.txt', be, 'utf-16be'],
    ] as const) {
      const opened = await openUtf8(await file(name, bytes), { highWaterMark: 5 });
      expect(opened.encoding, name).toBe(encoding);
      const { text, sizes } = await drain(opened);
      expect(text, name).toBe(CHINESE_CSV);
      expect(Math.max(...sizes), name).toBeLessThanOrEqual(5);
    }
  });

  it('unwraps gzip of a GBK CSV, sniffing the inner name and content', async () => {
    const path = await file('export.csv.gz', gzipSync(gbk(CHINESE_CSV)));
    const opened = await openUtf8(path);
    expect(opened).toMatchObject({ kind: 'text', encoding: 'gb18030', format: 'csv', compressed: true });
    expect((await drain(opened)).text).toBe(CHINESE_CSV);
    expect(opened.bytesRead).toBeGreaterThan(0);
  });

  it('unwraps gzip by its magic number whatever the name', async () => {
    const lines = '{"name":"张伟","mobile":"13812345678"}\n'.repeat(3);
    const opened = await openUtf8(await file('rotated.1', gzipSync(lines)));
    expect(opened).toMatchObject({ kind: 'text', format: 'jsonl', compressed: true });
    expect((await drain(opened)).text).toBe(lines);
  });

  it('streams a 5 MB single-line file in bounded chunks', async () => {
    const line = '张伟13812345678,'.repeat((5 * 1024 * 1024) / 20);
    const path = await file('one-line.txt', line);
    const highWaterMark = 64 * 1024;
    for (const opened of [
      await openUtf8(path, { highWaterMark }),
      await openUtf8(await file('one-line.txt.gz', gzipSync(line)), { highWaterMark }),
      await openUtf8(await file('one-line-gbk.txt', gbk(line)), { highWaterMark }),
    ]) {
      const { text, sizes } = await drain(opened);
      expect(sizes.length).toBeGreaterThan(10);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(highWaterMark);
      expect(text === line).toBe(true);
    }
  });

  it('switches to GB18030 when the first Chinese bytes come after an ASCII head', async () => {
    const ascii = 'id,phone\n'.padEnd(100_000, 'x');
    const tail = '\n张伟,13812345678\n王芳,13987654321\n';
    const path = await file('late.csv', Buffer.concat([Buffer.from(ascii), gbk(tail)]));
    const opened = await openUtf8(path, { highWaterMark: 16 * 1024 });
    expect(opened.encoding).toBe('utf-8'); // tentative
    expect((await drain(opened)).text).toBe(ascii + tail);
    expect(opened.encoding).toBe('gb18030');
    // The same with UTF-8 after the ASCII stays UTF-8.
    const utf8Path = await file('late-utf8.csv', ascii + tail);
    const utf8Opened = await openUtf8(utf8Path, { highWaterMark: 16 * 1024 });
    expect((await drain(utf8Opened)).text).toBe(ascii + tail);
    expect(utf8Opened.encoding).toBe('utf-8');
    expect(utf8Opened.invalidUtf8).toBe(false);
  });

  it('flags invalid UTF-8 and passes it through unchanged', async () => {
    const bytes = Buffer.from('Café 13812345678 naïve\n', 'latin1');
    const opened = await openUtf8(await file('latin1.txt', bytes));
    expect(opened).toMatchObject({ kind: 'text', encoding: 'utf-8', invalidUtf8: true });
    const parts: Uint8Array[] = [];
    for await (const c of opened.chunks) parts.push(c);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
  });

  it('returns binary files with no chunks', async () => {
    const png = Buffer.concat([
      Buffer.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
      Buffer.alloc(100, 1),
    ]);
    const opened = await openUtf8(await file('img.png', png));
    expect(opened).toMatchObject({ kind: 'binary', encoding: undefined, compressed: false });
    expect((await drain(opened)).sizes).toEqual([]);
    const gzBinary = await openUtf8(await file('img.png.gz', gzipSync(png)));
    expect(gzBinary).toMatchObject({ kind: 'binary', compressed: true });
  });

  it('reads an empty file as empty UTF-8 text', async () => {
    const opened = await openUtf8(await file('empty.txt', ''));
    expect(opened).toMatchObject({ kind: 'text', encoding: 'utf-8' });
    expect((await drain(opened)).sizes).toEqual([]);
  });

  it('throws DECOMPRESS_ERROR for a truncated gzip, from the iterator', async () => {
    const big = Buffer.from(`${CHINESE_CSV}\n`.repeat(20_000));
    const gz = gzipSync(big);
    const path = await file('cut.csv.gz', gz.subarray(0, gz.length - 100));
    const opened = await openUtf8(path);
    expect(opened.compressed).toBe(true);
    const error = await failure(drain(opened));
    expect(error.code).toBe('DECOMPRESS_ERROR');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('张伟');
  });

  it('throws DECOMPRESS_ERROR from open when the head is already corrupt', async () => {
    const path = await file(
      'bad.gz',
      Buffer.concat([Buffer.of(0x1f, 0x8b, 0x08, 0x00), Buffer.alloc(50, 0xaa)]),
    );
    expect((await failure(openUtf8(path))).code).toBe('DECOMPRESS_ERROR');
  });

  it('stops a gzip bomb at maxDecompressedBytes', async () => {
    const path = await file('bomb.txt.gz', gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x41)));
    const opened = await openUtf8(path, { maxDecompressedBytes: 1024 * 1024 });
    expect((await failure(drain(opened))).code).toBe('TOO_LARGE');
  });

  it('reports missing files, directories and (when not root) unreadable files', async () => {
    expect((await failure(openUtf8(join(base, 'missing.txt')))).code).toBe('NOT_FOUND');
    expect((await failure(openUtf8(base))).code).toBe('IS_DIRECTORY');
    const locked = await file('locked.txt', 'secret');
    await chmod(locked, 0o000);
    if (process.getuid?.() !== 0) expect((await failure(openUtf8(locked))).code).toBe('PERMISSION');
    // As root EACCES cannot happen: check the mapping itself.
    const eacces = Object.assign(new Error(`EACCES: permission denied, open '${locked}'`), {
      code: 'EACCES',
    });
    expect(toScanIoError(eacces, locked, 'open')).toMatchObject({ code: 'PERMISSION', path: locked });
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    'releases the file when the consumer stops early or never reads',
    async () => {
      const path = await file('big.txt', 'x'.repeat(1024 * 1024));
      const openFds = (): number => readdirSync('/proc/self/fd').length;
      const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));
      await settle();
      const before = openFds();
      const early = await openUtf8(path, { highWaterMark: 1024 });
      const unread = await openUtf8(path);
      // Hex text barely compresses, so the gzip file is not consumed by sniffing its head.
      const hex = randomBytes(512 * 1024).toString('hex');
      const gz = await openUtf8(await file('big.txt.gz', gzipSync(hex)), { highWaterMark: 1024 });
      expect(openFds()).toBeGreaterThanOrEqual(before + 3);
      for await (const _ of early.chunks) break;
      for await (const _ of gz.chunks) break;
      unread.close();
      unread.close();
      await settle();
      expect(openFds()).toBe(before);
    },
  );
});

describe('openUtf8FromBytes / openUtf8FromStream', () => {
  it('share the same logic for in-memory bytes', async () => {
    const opened = await openUtf8FromBytes(gzipSync(gbk(CHINESE_CSV)), 'x.csv.gz', { highWaterMark: 10 });
    expect(opened).toMatchObject({ kind: 'text', encoding: 'gb18030', format: 'csv', compressed: true });
    const { text, sizes } = await drain(opened);
    expect(text).toBe(CHINESE_CSV);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    const plain = await openUtf8FromBytes(new TextEncoder().encode('{"a":1}\n{"b":2}\n'));
    expect(plain.format).toBe('jsonl');
  });

  it('read any byte stream, splitting large chunks', async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield gbk(CHINESE_CSV.slice(0, 30));
      yield gbk(CHINESE_CSV.slice(30));
    }
    const opened = await openUtf8FromStream(source(), 'stdin.csv', { highWaterMark: 16 });
    const { text, sizes } = await drain(opened);
    expect(text).toBe(CHINESE_CSV);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
  });
});

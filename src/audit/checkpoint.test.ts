import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { FormatError } from './errors.ts';

const ROOT = '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=';
const body = (size: string, root = ROOT, origin = 'example.cn/pi-audit/t42') =>
  `${origin}\n${size}\n${root}\n`;

describe('checkpoint bodies (C2SP tlog-checkpoint)', () => {
  it('parses origin, size, root and extension lines', () => {
    const cp = parseCheckpoint(`${body('123456789012')}ext one\next two\n`);
    expect(cp.origin).toBe('example.cn/pi-audit/t42');
    expect(cp.size).toBe(123456789012n);
    expect(Buffer.from(cp.root).toString('base64')).toBe(ROOT);
    expect(cp.extensions).toEqual(['ext one', 'ext two']);
    expect(formatCheckpoint(cp)).toBe(`${body('123456789012')}ext one\next two\n`);
  });

  it('accepts every uint64 size and rejects 2^64', () => {
    expect(parseCheckpoint(body('18446744073709551615')).size).toBe(2n ** 64n - 1n);
    expect(() => parseCheckpoint(body('18446744073709551616'))).toThrow(FormatError);
  });

  it.each([
    ['leading zero', body('012')],
    ['hex', body('0x10')],
    ['spaces', body(' 12')],
    ['sign', body('+12')],
    ['exponent', body('1e3')],
    ['empty size', body('')],
    ['21 digits', body('100000000000000000000')],
    ['lenient base64', body('1', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU')],
    ['garbage in base64', body('1', '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hS!!!=')],
    ['a 31-byte root', body('1', Buffer.alloc(31).toString('base64'))],
    ['an empty origin', body('1', ROOT, '')],
    ['an empty extension line', `${body('1')}\next\n`],
    ['no final newline', body('1').slice(0, -1)],
    ['two lines', 'origin\n1\n'],
    ['a carriage return', body('1').replace('\n', '\r\n')],
  ])('rejects a body with %s', (_why, text) => {
    expect(() => parseCheckpoint(text)).toThrow(FormatError);
  });

  it('round-trips and never throws anything but FormatError', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (size, root) => {
          const cp: Checkpoint = { origin: 'o', size, root, extensions: [] };
          const back = parseCheckpoint(formatCheckpoint(cp));
          expect(back.size).toBe(size);
          expect(Buffer.from(back.root).equals(Buffer.from(root))).toBe(true);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => {
        for (const t of [text, body(text), body('5', text), `${text}\n`]) {
          try {
            parseCheckpoint(t);
          } catch (e) {
            expect(e).toBeInstanceOf(FormatError);
          }
        }
      }),
    );
  });

  it('refuses to format what it could not parse back', () => {
    const ok: Checkpoint = { origin: 'o', size: 1n, root: new Uint8Array(32), extensions: [] };
    expect(() => formatCheckpoint({ ...ok, origin: 'a\nb' })).toThrow(FormatError);
    expect(() => formatCheckpoint({ ...ok, size: -1n })).toThrow(FormatError);
    expect(() => formatCheckpoint({ ...ok, root: new Uint8Array(33) })).toThrow(FormatError);
    expect(() => formatCheckpoint({ ...ok, extensions: [''] })).toThrow(FormatError);
  });
});

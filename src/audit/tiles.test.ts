import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEntryBundle, MAX_BUNDLE_ENTRY_BYTES, parseEntryBundle } from './entry-bundle.ts';
import { FormatError } from './errors.ts';
import { changedEntryBundles, changedTiles, rightEdgeTiles, tileForNode, tileWidthAt } from './tile-math.ts';
import { encodeTileIndex, entryBundlePath, parseTilePath, tilePath } from './tile-path.ts';

describe('tile paths (C2SP tlog-tiles)', () => {
  it.each([
    [0n, '000'],
    [7n, '007'],
    [999n, '999'],
    [1000n, 'x001/000'],
    [1234067n, 'x001/x234/067'],
    [2n ** 64n - 1n, 'x018/x446/x744/x073/x709/x551/615'],
  ])('writes index %s as %s', (index, text) => {
    expect(encodeTileIndex(index)).toBe(text);
  });

  it('writes partial tiles with .p/<W> and full ones without', () => {
    expect(tilePath({ level: 0, index: 1234067n, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 0n, width: 1 })).toBe('tile/2/000.p/1');
    expect(entryBundlePath({ index: 3n, width: 255 })).toBe('tile/entries/003.p/255');
    expect(() => tilePath({ level: 64, index: 0n, width: 1 })).toThrow(FormatError);
    expect(() => tilePath({ level: 0, index: 0n, width: 0 })).toThrow(FormatError);
    expect(() => tilePath({ level: 0, index: -1n, width: 1 })).toThrow(FormatError);
  });

  it('parses what it writes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: 63 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n }),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const resource =
            level < 0 ? { kind: 'entries', index, width } : { kind: 'tile', level, index, width };
          const path = level < 0 ? entryBundlePath({ index, width }) : tilePath({ level, index, width });
          expect(parseTilePath(path)).toEqual(resource);
        },
      ),
    );
  });

  it.each([
    'tile/0/0',
    'tile/0/0000',
    'tile/0/x000/001',
    'tile/0/x1/001',
    'tile/00/000',
    'tile/64/000',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/007',
    'tile/0/000.p/',
    'tile/entries/000.p/1/',
    '/tile/0/000',
    'tile/0/001/',
    'tile/8/0/001',
    'tile/0/x001',
    'tile/entries/x001',
    `tile/0/${'x001/'.repeat(60)}000`,
  ])('rejects %s', (path) => {
    expect(() => parseTilePath(path)).toThrow(FormatError);
  });

  it('never throws anything but FormatError on arbitrary paths', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 40 }), (tail) => {
        try {
          parseTilePath(`tile/${tail}`);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
    );
  });
});

describe('tile math', () => {
  it('lists the tiles of a 70,000-leaf tree as the spec describes', () => {
    const all = changedTiles(0n, 70_000n);
    expect(all.filter((t) => t.level === 0 && t.width === 256)).toHaveLength(273);
    expect(all.filter((t) => t.width < 256)).toEqual([
      { level: 0, index: 273n, width: 112 },
      { level: 1, index: 1n, width: 17 },
      { level: 2, index: 0n, width: 1 },
    ]);
    expect(all.filter((t) => t.level === 1)).toHaveLength(2);
    expect(rightEdgeTiles(70_000n)).toEqual(all.filter((t) => t.width < 256));
    expect(rightEdgeTiles(256n)).toEqual([{ level: 1, index: 0n, width: 1 }]);
    expect(rightEdgeTiles(0n)).toEqual([]);
  });

  it('lists only what an append changed', () => {
    expect(changedTiles(10n, 10n)).toEqual([]);
    expect(changedTiles(10n, 11n)).toEqual([{ level: 0, index: 0n, width: 11 }]);
    expect(changedTiles(255n, 257n)).toEqual([
      { level: 0, index: 0n, width: 256 },
      { level: 0, index: 1n, width: 1 },
      { level: 1, index: 0n, width: 1 },
    ]);
    expect(changedTiles(256n, 300n)).toEqual([{ level: 0, index: 1n, width: 44 }]);
    expect(changedEntryBundles(255n, 257n)).toEqual([
      { index: 0n, width: 256 },
      { index: 1n, width: 1 },
    ]);
    expect(() => changedTiles(5n, 4n)).toThrow(FormatError);
  });

  it('places nodes in tiles', () => {
    expect(tileForNode({ level: 0, index: 300n })).toEqual({ level: 0, index: 1n, offset: 44, count: 1 });
    expect(tileForNode({ level: 3, index: 33n })).toEqual({ level: 0, index: 1n, offset: 8, count: 8 });
    expect(tileForNode({ level: 8, index: 5n })).toEqual({ level: 1, index: 0n, offset: 5, count: 1 });
    expect(tileForNode({ level: 17, index: 1n })).toEqual({ level: 2, index: 0n, offset: 2, count: 2 });
    expect(tileWidthAt(0, 1n, 300n)).toBe(44);
    expect(tileWidthAt(0, 0n, 300n)).toBe(256);
    expect(tileWidthAt(0, 2n, 300n)).toBe(0);
  });
});

describe('entry bundles', () => {
  it('round-trips up to 256 entries of up to 65,535 bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 256 }), (entries) => {
        const parsed = parseEntryBundle(encodeEntryBundle(entries), entries.length);
        expect(parsed.map((e) => Buffer.from(e).toString('hex'))).toEqual(
          entries.map((e) => Buffer.from(e).toString('hex')),
        );
      }),
      { numRuns: 50 },
    );
    const max = new Uint8Array(MAX_BUNDLE_ENTRY_BYTES);
    expect(parseEntryBundle(encodeEntryBundle([max]))[0]).toHaveLength(MAX_BUNDLE_ENTRY_BYTES);
  });

  it('refuses entries and bundles it cannot encode', () => {
    expect(() => encodeEntryBundle([new Uint8Array(MAX_BUNDLE_ENTRY_BYTES + 1)])).toThrow(
      expect.objectContaining({ code: 'ENTRY_TOO_LARGE' }),
    );
    expect(() => encodeEntryBundle(Array.from({ length: 257 }, () => new Uint8Array()))).toThrow(FormatError);
  });

  it('rejects truncated, padded, over-full and miscounted bundles', () => {
    const ok = encodeEntryBundle([Buffer.from('one'), Buffer.from('two')]);
    expect(() => parseEntryBundle(ok.subarray(0, ok.length - 1))).toThrow(FormatError);
    expect(() => parseEntryBundle(Buffer.concat([ok, Buffer.from([0])]))).toThrow(FormatError);
    expect(() => parseEntryBundle(ok, 3)).toThrow(FormatError);
    expect(() => parseEntryBundle(new Uint8Array(2 * 257))).toThrow(FormatError);
    expect(parseEntryBundle(new Uint8Array(2 * 256))).toHaveLength(256);
  });

  it('never throws anything but FormatError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          parseEntryBundle(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(FormatError);
        }
      }),
    );
  });
});

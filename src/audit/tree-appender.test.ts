import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompactRange } from './compact-range.ts';
import { FormatError, StorageError } from './errors.ts';
import { hashSuite } from './hash-suite.ts';
import type { TileReader } from './tile-hash-reader.ts';
import { type TileData, TreeAppender } from './tree-appender.ts';
import { merkleTreeHash } from './tree-hash.ts';

const suite = hashSuite('sha256');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const entry = (i: number) => Buffer.from(`access ${i}`);

/** The tiles table: one row per tile, overwritten as it grows (partial versions not kept). */
class TileStore {
  readonly rows = new Map<string, TileData>();
  write(tiles: readonly TileData[]): void {
    for (const t of tiles) {
      const old = this.rows.get(`${t.level}/${t.index}`);
      // A tile only ever grows, and its old content is a prefix of the new one.
      if (old) expect(hex(t.hashes).startsWith(hex(old.hashes))).toBe(true);
      this.rows.set(`${t.level}/${t.index}`, t);
    }
  }
  readonly read: TileReader = async (ids) =>
    ids.map((id) => this.rows.get(`${id.level}/${id.index}`)?.hashes);
}

/** Expected content of every tile of a tree, from the leaf hashes alone. */
function expectedTiles(leaves: Uint8Array[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let level = 0, span = 1; span <= leaves.length; level++, span *= 256) {
    const count = Math.floor(leaves.length / span);
    for (let n = 0; n * 256 < count; n++) {
      const hashes: Uint8Array[] = [];
      for (let i = n * 256; i < Math.min(count, (n + 1) * 256); i++) {
        hashes.push(merkleTreeHash(suite, leaves, i * span, (i + 1) * span));
      }
      out.set(`${level}/${n}`, hex(Buffer.concat(hashes)));
    }
  }
  return out;
}

describe('TreeAppender', () => {
  it('writes exactly the C2SP tiles, whatever the batch sizes and reopenings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 8 }),
        async (batches) => {
          const store = new TileStore();
          const leaves: Uint8Array[] = [];
          let size = 0n;
          let root = suite.emptyRoot() as Uint8Array;
          for (const batch of batches) {
            const tree = await TreeAppender.open(suite, size, store.read, root);
            for (let i = 0; i < batch; i++) {
              const e = entry(leaves.length);
              expect(tree.appendEntry(e)).toBe(BigInt(leaves.length));
              leaves.push(suite.leafHash(e));
            }
            store.write(tree.flush());
            expect(tree.flush()).toEqual([]);
            size = tree.size;
            root = tree.root();
            expect(hex(root)).toBe(hex(merkleTreeHash(suite, leaves)));
          }
          const want = expectedTiles(leaves);
          expect(new Map([...store.rows].map(([k, t]) => [k, hex(t.hashes)]))).toEqual(want);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reaches level-2 tiles and resumes across them (70,000 leaves in batches of 7,000)', async () => {
    const store = new TileStore();
    const range = CompactRange.empty(suite);
    let size = 0n;
    let root: Uint8Array = suite.emptyRoot();
    for (let b = 0; b < 10; b++) {
      const tree = await TreeAppender.open(suite, size, store.read, root);
      for (let i = 0; i < 7000; i++) {
        const e = entry(Number(tree.size));
        range.append(suite.leafHash(e));
        tree.appendEntry(e);
      }
      store.write(tree.flush());
      expect(hex(tree.root())).toBe(hex(range.root()));
      expect(tree.compactRange().map(hex)).toEqual(range.hashes().map(hex));
      size = tree.size;
      root = tree.root();
    }
    expect(store.rows.get('2/0')?.width).toBe(1);
    expect(store.rows.get('1/1')?.width).toBe(17);
    expect(store.rows.get('0/273')?.width).toBe(112);
  });

  it('refuses storage that does not match the stored root', async () => {
    const store = new TileStore();
    const tree = TreeAppender.empty(suite);
    for (let i = 0; i < 300; i++) tree.appendEntry(entry(i));
    store.write(tree.flush());
    const root = tree.root();
    await expect(TreeAppender.open(suite, 300n, store.read, root)).resolves.toBeInstanceOf(TreeAppender);
    await expect(TreeAppender.open(suite, 300n, store.read, suite.emptyRoot())).rejects.toMatchObject({
      code: 'STATE_MISMATCH',
    });
    // A flipped hash inside the right-edge tile changes the compact range.
    const edge = store.rows.get('0/1')!;
    const bad = Uint8Array.from(edge.hashes);
    bad[0]! ^= 1;
    store.rows.set('0/1', { ...edge, hashes: bad });
    await expect(TreeAppender.open(suite, 300n, store.read, root)).rejects.toMatchObject({
      code: 'STATE_MISMATCH',
    });
    await expect(TreeAppender.open(suite, 301n, store.read)).rejects.toMatchObject({ code: 'SHORT_TILE' });
    await expect(
      TreeAppender.open(suite, 300n, async (ids) => ids.map(() => undefined)),
    ).rejects.toBeInstanceOf(StorageError);
  });

  it('refuses entries an entry bundle cannot carry', () => {
    expect(() => TreeAppender.empty(suite).appendEntry(new Uint8Array(65_536))).toThrow(FormatError);
  });
});

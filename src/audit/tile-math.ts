/**
 * Where tree nodes live in C2SP tiles, and which tiles a tree size has.
 *
 * Tile `(L, n)` holds the level-`8L` nodes `n·256 … n·256 + 255`. A node at level `8L + r`
 * (0 ≤ r < 8) is not stored; it is the perfect subtree over `2^r` consecutive hashes of one tile at
 * level `L`, recomputed on demand (see {@link tileHashReader}). At tree size `s`, level `L` has
 * `⌊s / 256^L⌋` hashes, so its rightmost tile has width `⌊s / 256^L⌋ mod 256` (partial) when that is
 * not 0.
 *
 * @module
 */
import { FormatError } from './errors.ts';
import { TILE_HEIGHT, TILE_WIDTH, type TileId } from './tile-path.ts';
import { checkSize, type NodeId } from './tree-math.ts';

const W = BigInt(TILE_WIDTH);

/** Where a node's hash comes from: `count` consecutive hashes of tile `(level, index)` from `offset`. */
export interface NodeInTile {
  readonly level: number;
  readonly index: bigint;
  readonly offset: number;
  readonly count: number;
}

/** The tile hashes a node is built from (`count` is 1 when the node is stored as is). */
export function tileForNode(node: NodeId): NodeInTile {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const r = node.level % TILE_HEIGHT;
  const first = node.index << BigInt(r); // position among the level-8L hashes
  return { level, index: first / W, offset: Number(first % W), count: 2 ** r };
}

/** Number of level-`8·level` hashes in a tree of `size` leaves. */
export function hashesAtTileLevel(level: number, size: bigint): bigint {
  return size / W ** BigInt(level);
}

/** Width of tile `(level, index)` in a tree of `size` leaves: 0 if absent, 256 if full. */
export function tileWidthAt(level: number, index: bigint, size: bigint): number {
  const remaining = hashesAtTileLevel(level, size) - index * W;
  if (remaining <= 0n) return 0;
  return remaining >= W ? TILE_WIDTH : Number(remaining);
}

/**
 * The partial tiles of a tree of `size` leaves, lowest level first: the tiles an appender must load
 * to continue the tree (the "right edge").
 */
export function rightEdgeTiles(size: bigint): TileId[] {
  checkSize(size, 'size');
  const tiles: TileId[] = [];
  for (let level = 0; ; level++) {
    const count = hashesAtTileLevel(level, size);
    if (count === 0n) return tiles;
    const width = Number(count % W);
    if (width > 0) tiles.push({ level, index: count / W, width });
  }
}

/**
 * The tiles, at their width in the tree of `newSize` leaves, whose content differs from the tree of
 * `oldSize` leaves (new tiles and grown partial ones), lowest level first. `changedTiles(0n, s)`
 * lists every tile of the tree.
 *
 * @example
 * ```ts
 * changedTiles(0n, 70_000n).length; // 273 + 1 level-0, 1 + 1 level-1, 1 level-2 = 277
 * ```
 */
export function changedTiles(oldSize: bigint, newSize: bigint): TileId[] {
  checkSize(oldSize, 'oldSize');
  checkSize(newSize, 'newSize');
  if (oldSize > newSize) throw new FormatError('INVALID_ARGUMENT', 'oldSize is above newSize');
  const tiles: TileId[] = [];
  for (let level = 0; ; level++) {
    const before = hashesAtTileLevel(level, oldSize);
    const after = hashesAtTileLevel(level, newSize);
    // Equal counts here mean equal counts on every level above too.
    if (after === before) return tiles;
    for (let index = before / W; index * W < after; index++) {
      tiles.push({ level, index, width: tileWidthAt(level, index, newSize) });
    }
  }
}

/** Entry bundles that differ between the two sizes (same indexing as level-0 tiles). */
export function changedEntryBundles(oldSize: bigint, newSize: bigint): { index: bigint; width: number }[] {
  return changedTiles(oldSize, newSize)
    .filter((t) => t.level === 0)
    .map(({ index, width }) => ({ index, width }));
}

/**
 * A {@link HashReader} over stored C2SP tiles: any node hash of the tree, from at most one tile
 * read per tile touched, so proofs never need the whole tree in memory.
 *
 * Nodes at levels that are multiples of 8 are read as is; a node at level `8L + r` is recomputed as
 * the perfect subtree over `2^r` hashes of one level-`L` tile (≤ 127 node hashes).
 *
 * @module
 */
import { FormatError, StorageError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import type { HashReader } from './proof-builder.ts';
import { type NodeInTile, tileForNode, tileWidthAt } from './tile-math.ts';
import type { TileId } from './tile-path.ts';
import { checkSize, type NodeId } from './tree-math.ts';

/**
 * Reads tiles by id, in request order; `undefined` for a tile that is not stored. It may return a
 * *wider* version of a tile than asked for (a partial tile is a prefix of every wider version of
 * it), never a narrower one. Bytes are `width × 32` hashes back to back.
 */
export type TileReader = (tiles: readonly TileId[]) => Promise<readonly (Uint8Array | undefined)[]>;

/**
 * Hash of the perfect subtree over `count` (a power of two) hashes of `tile` starting at hash
 * `offset`; `count` 1 is the stored hash itself.
 */
export function subtreeHashFromTile(
  suite: HashSuite,
  tile: Uint8Array,
  offset: number,
  count: number,
): Uint8Array {
  const size = suite.size;
  if ((offset + count) * size > tile.length) {
    throw new StorageError('SHORT_TILE', `tile holds ${tile.length / size} hashes, need ${offset + count}`);
  }
  let row: Uint8Array[] = [];
  for (let i = 0; i < count; i++) row.push(tile.subarray((offset + i) * size, (offset + i + 1) * size));
  while (row.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < row.length; i += 2) next.push(suite.nodeHash(row[i]!, row[i + 1]!));
    row = next;
  }
  return row[0]!;
}

function tileKey(level: number, index: bigint): string {
  return `${level}/${index}`;
}

/**
 * A reader of node hashes for the tree of `treeSize` leaves, backed by `readTiles`.
 *
 * @throws (from the returned reader) {@link FormatError} `INVALID_ARGUMENT` for a node not
 *   complete within `treeSize`; {@link StorageError} `MISSING_TILE` / `SHORT_TILE` when storage
 *   lacks what the tree size promises.
 * @example
 * ```ts
 * const reader = tileHashReader(suite, checkpoint.size, (ids) => db.readTiles(ids));
 * const proof = await consistencyProof(suite, trusted.size, checkpoint.size, reader);
 * ```
 */
export function tileHashReader(suite: HashSuite, treeSize: bigint, readTiles: TileReader): HashReader {
  checkSize(treeSize, 'treeSize');
  return async (nodes: readonly NodeId[]) => {
    const places: NodeInTile[] = [];
    const wanted = new Map<string, TileId>();
    for (const node of nodes) {
      if ((node.index + 1n) << BigInt(node.level) > treeSize) {
        throw new FormatError(
          'INVALID_ARGUMENT',
          `node (${node.level}, ${node.index}) is not in a tree of ${treeSize}`,
        );
      }
      const place = tileForNode(node);
      places.push(place);
      const key = tileKey(place.level, place.index);
      if (!wanted.has(key)) {
        const width = tileWidthAt(place.level, place.index, treeSize);
        wanted.set(key, { level: place.level, index: place.index, width });
      }
    }
    const ids = [...wanted.values()];
    const blobs = await readTiles(ids);
    const tiles = new Map<string, Uint8Array>();
    ids.forEach((id, i) => {
      const blob = blobs[i];
      if (blob === undefined)
        throw new StorageError('MISSING_TILE', `tile ${id.level}/${id.index} is not stored`);
      if (blob.length < id.width * suite.size) {
        throw new StorageError('SHORT_TILE', `tile ${id.level}/${id.index} is narrower than ${id.width}`);
      }
      tiles.set(tileKey(id.level, id.index), blob);
    });
    return places.map((p) =>
      subtreeHashFromTile(suite, tiles.get(tileKey(p.level, p.index))!, p.offset, p.count),
    );
  };
}

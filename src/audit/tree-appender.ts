/**
 * Appends to a tiled log in memory and reports the tiles to write: the sequencer's tree engine.
 *
 * The tree state is the right edge of the tiles: the compact range of size `s` is computable from
 * the partial tiles of size `s` alone, so {@link TreeAppender.open} needs only those (one per tile
 * level) and the stored root to cross-check. Each append runs the compact-range merges; every
 * completed node at a level divisible by 8 is written into its tile. {@link TreeAppender.flush}
 * hands back the tiles that changed, which the sequencer writes in the same transaction as the
 * entries and the new (size, root).
 *
 * Not safe to reuse after a failed commit: open a fresh appender from storage instead.
 *
 * @module
 */
import { bytesEqual } from './bytes.ts';
import { CompactRange } from './compact-range.ts';
import { checkEntrySize } from './entry-bundle.ts';
import { StorageError } from './errors.ts';
import type { HashSuite } from './hash-suite.ts';
import { subtreeHashFromTile, type TileReader } from './tile-hash-reader.ts';
import { rightEdgeTiles, tileForNode } from './tile-math.ts';
import { TILE_HEIGHT, TILE_WIDTH, type TileId } from './tile-path.ts';
import { checkSize, compactRangeNodes } from './tree-math.ts';

/** A tile to store: `hashes` is `width × 32` bytes. */
export interface TileData extends TileId {
  readonly hashes: Uint8Array;
}

interface OpenTile {
  readonly level: number;
  readonly index: bigint;
  readonly buf: Buffer;
  width: number;
}

const W = BigInt(TILE_WIDTH);

/** An RFC 9162 tree being extended, with its C2SP tiles. */
export class TreeAppender {
  readonly #suite: HashSuite;
  readonly #range: CompactRange;
  readonly #open: (OpenTile | undefined)[] = []; // rightmost tile per tile level
  readonly #dirty = new Map<string, OpenTile>();

  private constructor(suite: HashSuite, range: CompactRange) {
    this.#suite = suite;
    this.#range = range;
  }

  /** An appender for a new, empty log. */
  static empty(suite: HashSuite): TreeAppender {
    return new TreeAppender(suite, CompactRange.empty(suite));
  }

  /**
   * Resumes a log of `size` leaves from its partial tiles ({@link rightEdgeTiles}).
   *
   * @param expectedRoot - the stored root for `size`; a mismatch means tiles and state disagree.
   * @throws {@link StorageError} `MISSING_TILE`, `SHORT_TILE` or `STATE_MISMATCH`.
   */
  static async open(
    suite: HashSuite,
    size: bigint,
    readTiles: TileReader,
    expectedRoot?: Uint8Array,
  ): Promise<TreeAppender> {
    checkSize(size, 'size');
    const edge = rightEdgeTiles(size);
    const blobs = edge.length === 0 ? [] : await readTiles(edge);
    const byLevel: Uint8Array[] = [];
    edge.forEach((id, i) => {
      const blob = blobs[i];
      if (blob === undefined)
        throw new StorageError('MISSING_TILE', `tile ${id.level}/${id.index} is not stored`);
      if (blob.length < id.width * suite.size) {
        throw new StorageError('SHORT_TILE', `tile ${id.level}/${id.index} is narrower than ${id.width}`);
      }
      byLevel[id.level] = blob.subarray(0, id.width * suite.size);
    });
    // Every compact-range node lies inside the right-edge tile of its tile level.
    const hashes = compactRangeNodes(size).map((node) => {
      const place = tileForNode(node);
      return subtreeHashFromTile(suite, byLevel[place.level]!, place.offset, place.count);
    });
    const appender = new TreeAppender(suite, CompactRange.from(suite, size, hashes));
    for (const id of edge) {
      const buf = Buffer.alloc(TILE_WIDTH * suite.size);
      buf.set(byLevel[id.level]!);
      appender.#open[id.level] = { level: id.level, index: id.index, buf, width: id.width };
    }
    if (expectedRoot !== undefined && !bytesEqual(appender.root(), expectedRoot)) {
      throw new StorageError('STATE_MISMATCH', `tiles of size ${size} do not hash to the stored root`);
    }
    return appender;
  }

  /** Leaves appended so far (including those of the opened log). */
  get size(): bigint {
    return this.#range.size;
  }

  /** Current root (≤ 63 node hashes). */
  root(): Uint8Array {
    return this.#range.root();
  }

  /** The compact range hashes, if the sequencer also wants to persist them. */
  compactRange(): Uint8Array[] {
    return this.#range.hashes();
  }

  /**
   * Appends one entry (hashes it as a leaf).
   *
   * @returns its index.
   * @throws {@link FormatError} `ENTRY_TOO_LARGE` above 65,535 bytes (the bundle limit).
   */
  appendEntry(entry: Uint8Array): bigint {
    checkEntrySize(entry);
    return this.appendLeafHash(this.#suite.leafHash(entry));
  }

  /** Appends a precomputed leaf hash; returns its index. */
  appendLeafHash(leafHash: Uint8Array): bigint {
    return this.#range.append(leafHash, this.#visit);
  }

  /** Tiles changed since the last flush (copies, lowest level first); partial ones at their width. */
  flush(): TileData[] {
    const out = [...this.#dirty.values()]
      .sort((a, b) => a.level - b.level || (a.index < b.index ? -1 : 1))
      .map((t) => ({
        level: t.level,
        index: t.index,
        width: t.width,
        hashes: Uint8Array.from(t.buf.subarray(0, t.width * this.#suite.size)),
      }));
    this.#dirty.clear();
    return out;
  }

  readonly #visit = (level: number, index: bigint, hash: Uint8Array): void => {
    if (level % TILE_HEIGHT !== 0) return;
    const tileLevel = level / TILE_HEIGHT;
    const tileIndex = index / W;
    const position = Number(index % W);
    let tile = this.#open[tileLevel];
    if (tile === undefined || tile.index !== tileIndex) {
      // Nodes complete strictly left to right, so a new tile index always starts at position 0.
      tile = {
        level: tileLevel,
        index: tileIndex,
        buf: Buffer.alloc(TILE_WIDTH * this.#suite.size),
        width: 0,
      };
      this.#open[tileLevel] = tile;
    }
    if (position !== tile.width) throw new StorageError('STATE_MISMATCH', 'tile positions out of order');
    tile.buf.set(hash, position * this.#suite.size);
    tile.width = position + 1;
    this.#dirty.set(`${tileLevel}/${tileIndex}`, tile);
  };
}

/**
 * C2SP tlog-tiles resource paths: `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`.
 *
 * `<N>` is written in zero-padded 3-digit groups, all but the last prefixed with `x`
 * (1234067 → `x001/x234/067`), so a filesystem never holds a file and a directory of the same
 * name. `.p/<W>` marks a partial tile of width 1–255. Unlike Go's sumdb paths, C2SP paths carry
 * no tile height (it is always 8).
 *
 * Paths arrive from HTTP clients, so {@link parseTilePath} accepts only the canonical form.
 *
 * @module
 */
import { FormatError } from './errors.ts';

/** Hashes in a full tile (tile height 8). */
export const TILE_WIDTH = 256;
/** Tree levels per tile level. */
export const TILE_HEIGHT = 8;
/** Highest tile level a path may name. */
export const MAX_TILE_LEVEL = 63;

/** A Merkle tile at a given width (1–255 partial, 256 full): hashes of level `8·level` nodes. */
export interface TileId {
  readonly level: number;
  readonly index: bigint;
  readonly width: number;
}

/** An entry bundle: entries `[index·256, index·256 + width)`. */
export interface EntryBundleId {
  readonly index: bigint;
  readonly width: number;
}

/** `<N>` in x-prefixed 3-digit groups. */
export function encodeTileIndex(index: bigint): string {
  if (typeof index !== 'bigint' || index < 0n)
    throw new FormatError('INVALID_ARGUMENT', 'tile index must be ≥ 0');
  let digits = index.toString();
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new FormatError('INVALID_ARGUMENT', `tile width must be an integer in [1, ${TILE_WIDTH}]`);
  }
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

/** `tile/<L>/<N>[.p/<W>]` (no leading slash; prepend the log's prefix). */
export function tilePath(tile: TileId): string {
  if (!Number.isInteger(tile.level) || tile.level < 0 || tile.level > MAX_TILE_LEVEL) {
    throw new FormatError('INVALID_ARGUMENT', `tile level must be an integer in [0, ${MAX_TILE_LEVEL}]`);
  }
  return `tile/${tile.level}/${encodeTileIndex(tile.index)}${widthSuffix(tile.width)}`;
}

/** `tile/entries/<N>[.p/<W>]`. */
export function entryBundlePath(bundle: EntryBundleId): string {
  return `tile/entries/${encodeTileIndex(bundle.index)}${widthSuffix(bundle.width)}`;
}

/** What a parsed path names. */
export type TileResource = ({ kind: 'tile' } & TileId) | ({ kind: 'entries' } & EntryBundleId);

// Level: 0–63 without leading zeros. Index: x-groups then a final group. Width: 1–255.
const PATH = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a canonical tile or entry-bundle path (without the log prefix).
 *
 * @throws {@link FormatError} `MALFORMED_TILE_PATH` for anything else (leading-zero groups such as
 *   `x000/001`, level 64, width 0 or 256, a path longer than 200 characters).
 */
export function parseTilePath(path: string): TileResource {
  const bad = (why: string) => new FormatError('MALFORMED_TILE_PATH', `not a tile path: ${why}`);
  if (typeof path !== 'string' || path.length > 200) throw bad('too long');
  const m = PATH.exec(path);
  if (!m) throw bad('syntax');
  const [, levelText, indexText, widthText] = m;
  const index = BigInt(indexText!.replaceAll('x', '').replaceAll('/', ''));
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) throw bad('partial width must be below 256');
  if (encodeTileIndex(index) !== indexText) throw bad('index is not in canonical form');
  if (levelText === 'entries') return { kind: 'entries', index, width };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) throw bad('level above 63');
  return { kind: 'tile', level, index, width };
}

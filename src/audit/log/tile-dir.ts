/**
 * Logs as C2SP tlog-tiles directories: `checkpoint`, `tile/<L>/<N>[.p/<W>]` and
 * `tile/entries/<N>[.p/<W>]`, the layout any tlog-tiles client reads. `exportLog` writes one for
 * offline verification; `DirLogSource` lets `verifyLog` read one; `importLog` verifies an export and
 * copies it into a local database as a read-only mirror.
 *
 * @module
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../../store/store.types.ts';
import { bytesEqual } from '../bytes.ts';
import { CheckpointVerifier } from '../checkpoint-verifier.ts';
import { encodeEntryBundle, parseEntryBundle } from '../entry-bundle.ts';
import { FormatError, StorageError, VerificationError } from '../errors.ts';
import { HASH_SIZE, type HashSuite } from '../hash-suite.ts';
import { noteVerifier, parseVerifierKey } from '../note-keys.ts';
import { rootAt } from '../proof-builder.ts';
import { subtreeHashFromTile, type TileReader, tileHashReader } from '../tile-hash-reader.ts';
import { changedTiles, tileWidthAt } from '../tile-math.ts';
import { entryBundlePath, parseTilePath, TILE_WIDTH, type TileId, tilePath } from '../tile-path.ts';
import type { TileData } from '../tree-appender.ts';
import { LogStore } from './log-store.ts';
import type { AuditTables } from './schema.ts';
import type { LogSource } from './verify-log.ts';

const W = BigInt(TILE_WIDTH);

/** What an export needs from a log: the checkpoint, its tiles and the entries. */
export interface ExportableLog extends LogSource {
  checkpointSize(note: string): bigint;
}

export interface ExportOptions {
  /** First entry to include (default 0); tiles are always complete for the checkpoint's tree. */
  readonly from?: bigint;
  /** End of the entries (exclusive, default the checkpoint size). */
  readonly to?: bigint;
}

async function put(dir: string, path: string, bytes: Uint8Array | string): Promise<void> {
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  // Write then rename: an interrupted export never leaves a truncated tile behind.
  await writeFile(`${file}.tmp`, bytes);
  await rename(`${file}.tmp`, file);
}

/**
 * Writes the latest checkpoint, every hash tile of its tree, and the entry bundles covering
 * `[from, to)`. Returns what was written.
 */
export async function exportLog(
  log: ExportableLog,
  dir: string,
  options: ExportOptions = {},
): Promise<{ size: bigint; tiles: number; bundles: number; entries: bigint }> {
  const note = await log.latestCheckpoint();
  if (note === undefined)
    throw new StorageError('STATE_MISMATCH', 'the log has no signed checkpoint to export');
  const size = log.checkpointSize(note);
  const from = options.from ?? 0n;
  const to = options.to === undefined || options.to > size ? size : options.to;
  if (from < 0n || from > to) throw new FormatError('INVALID_ARGUMENT', 'export range is empty or reversed');
  const ids = changedTiles(0n, size);
  let tiles = 0;
  for (let i = 0; i < ids.length; i += 256) {
    const chunk = ids.slice(i, i + 256);
    const blobs = await log.readTiles(chunk);
    for (let k = 0; k < chunk.length; k++) {
      const id = chunk[k]!;
      const blob = blobs[k];
      if (blob === undefined)
        throw new StorageError('MISSING_TILE', `tile ${id.level}/${id.index} is not stored`);
      await put(dir, tilePath(id), blob.subarray(0, id.width * HASH_SIZE));
      tiles++;
    }
  }
  let bundles = 0;
  for (let b = from / W; b * W < to; b++) {
    const width = tileWidthAt(0, b, size);
    const start = b * W;
    await put(
      dir,
      entryBundlePath({ index: b, width }),
      encodeEntryBundle(await log.readEntries(start, start + BigInt(width))),
    );
    bundles++;
  }
  // The checkpoint last: a directory with a checkpoint is complete.
  await put(dir, 'checkpoint', note);
  return { size, tiles, bundles, entries: to - from };
}

/** A tlog-tiles directory as a {@link LogSource}. Everything in it is untrusted input. */
export class DirLogSource implements LogSource {
  readonly #dir: string;
  readonly #hashSize: number;
  #size: bigint | undefined;

  constructor(dir: string, hashSize = HASH_SIZE) {
    this.#dir = dir;
    this.#hashSize = hashSize;
  }

  async latestCheckpoint(): Promise<string | undefined> {
    try {
      return await readFile(join(this.#dir, 'checkpoint'), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** The tree size the tiles were written for (from the checkpoint, set by the caller). */
  setSize(size: bigint): void {
    this.#size = size;
  }

  readonly readTiles: TileReader = async (ids) =>
    Promise.all(
      ids.map(async (id: TileId) => {
        // A partial tile may have been exported wider (a later size): try the exact path, then full.
        for (const width of [id.width, TILE_WIDTH]) {
          try {
            const bytes = await readFile(join(this.#dir, tilePath({ ...id, width })));
            if (bytes.length % this.#hashSize === 0) return new Uint8Array(bytes);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        }
        return undefined;
      }),
    );

  async readEntries(from: bigint, to: bigint): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (let b = from / W; b * W < to; b++) {
      const width = this.#size === undefined ? TILE_WIDTH : tileWidthAt(0, b, this.#size);
      let bytes: Buffer;
      try {
        bytes = await readFile(join(this.#dir, entryBundlePath({ index: b, width })));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new StorageError('MISSING_ENTRY', `entry bundle ${b} is not in the export`);
        }
        throw error;
      }
      const entries = parseEntryBundle(new Uint8Array(bytes), width);
      const start = b * W;
      for (let i = 0; i < entries.length; i++) {
        const idx = start + BigInt(i);
        if (idx >= from && idx < to) out.push(entries[i]!);
      }
    }
    return out;
  }
}

export interface ImportOptions {
  /** The log's pinned verifier key: the export must be signed by it. */
  readonly logKey: string;
  readonly suite: HashSuite;
  /** Row key of the mirror in the local database (default `mirror:<origin>`). */
  readonly logId?: string;
  readonly now?: Date;
}

/**
 * Verifies an exported directory — the checkpoint's signature, and an inclusion proof (built from
 * the exported tiles) for every exported entry against the signed root — then stores it as a
 * mirror log in `store`. Returns the mirror's id and what it holds.
 */
export async function importLog(
  dir: string,
  store: { readonly db: Kysely<AuditTables>; readonly dialect: StoreDialect },
  options: ImportOptions,
): Promise<{ logId: string; size: bigint; entries: number }> {
  const source = new DirLogSource(dir, options.suite.size);
  const note = await source.latestCheckpoint();
  if (note === undefined) throw new VerificationError('MALFORMED', 'the export has no checkpoint');
  const origin = parseVerifierKey(options.logKey).name;
  const cp = new CheckpointVerifier({
    origin,
    suite: options.suite,
    logKeys: [noteVerifier(options.logKey)],
  }).verifyNote(note).checkpoint;
  source.setSize(cp.size);
  const ids = changedTiles(0n, cp.size);
  const tiles: TileData[] = [];
  const blobs = await source.readTiles(ids);
  ids.forEach((id, i) => {
    const blob = blobs[i];
    if (blob === undefined || blob.length < id.width * options.suite.size) {
      throw new VerificationError(
        'REPLAY_MISMATCH',
        `tile ${id.level}/${id.index} is missing from the export`,
      );
    }
    tiles.push({ ...id, hashes: blob.subarray(0, id.width * options.suite.size) });
  });
  await verifyTiles(options.suite, cp.size, cp.root, tiles, source.readTiles);
  // Each exported entry must be the leaf its (now authenticated) level-0 tile says.
  const level0 = new Map(tiles.filter((t) => t.level === 0).map((t) => [t.index, t.hashes]));
  const entries: { idx: bigint; data: Uint8Array }[] = [];
  const size = options.suite.size;
  for (const bundle of await bundleIndices(dir)) {
    const start = bundle * W;
    const end = start + BigInt(tileWidthAt(0, bundle, cp.size));
    const hashes = level0.get(bundle);
    if (hashes === undefined)
      throw new VerificationError('REPLAY_MISMATCH', `entry bundle ${bundle} is beyond the tree`);
    for (const [i, data] of (await source.readEntries(start, end)).entries()) {
      const leaf = options.suite.leafHash(data);
      if (!bytesEqual(leaf, hashes.subarray(i * size, (i + 1) * size))) {
        throw new VerificationError(
          'REPLAY_MISMATCH',
          `exported entry ${start + BigInt(i)} is not the signed leaf`,
        );
      }
      entries.push({ idx: start + BigInt(i), data });
    }
  }
  const logId = options.logId ?? `mirror:${origin}`;
  await new LogStore(store.db, store.dialect, logId).writeMirror({
    origin,
    hashAlgorithm: options.suite.algorithm,
    size: cp.size,
    root: cp.root,
    note,
    tiles,
    entries,
    now: options.now ?? new Date(),
  });
  return { logId, size: cp.size, entries: entries.length };
}

/** Indices of the entry bundles present in an export. */
async function bundleIndices(dir: string): Promise<bigint[]> {
  const root = join(dir, 'tile', 'entries');
  let files: string[];
  try {
    files = await readdir(root, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found = new Set<bigint>();
  for (const f of files) {
    try {
      const r = parseTilePath(`tile/entries/${f.split(sep).join('/')}`);
      if (r.kind === 'entries') found.add(r.index);
    } catch {
      // Not a bundle (a directory or a stray file): ignored.
    }
  }
  return [...found].sort((a, b) => (a < b ? -1 : 1));
}

/**
 * Authenticates a complete set of tiles against a signed root: the tree's compact-range nodes,
 * read from the tiles, must give the root, and every full tile must hash to the entry its parent
 * tile holds for it. Then every hash in every tile is part of the signed tree.
 */
async function verifyTiles(
  suite: HashSuite,
  size: bigint,
  root: Uint8Array,
  tiles: readonly TileData[],
  readTiles: TileReader,
): Promise<void> {
  if (!bytesEqual(await rootAt(suite, size, tileHashReader(suite, size, readTiles)), root)) {
    throw new VerificationError('REPLAY_MISMATCH', 'the exported tiles do not hash to the signed root');
  }
  const byId = new Map(tiles.map((t) => [`${t.level}/${t.index}`, t.hashes]));
  for (const t of tiles) {
    if (t.width !== TILE_WIDTH) continue; // partial tiles feed the compact range, checked above
    const parent = byId.get(`${t.level + 1}/${t.index / W}`);
    // A full tile always has a parent tile (at least one hash one level up).
    if (parent === undefined)
      throw new VerificationError('REPLAY_MISMATCH', `tile ${t.level + 1}/${t.index / W} is missing`);
    const at = Number(t.index % W) * suite.size;
    if (
      !bytesEqual(subtreeHashFromTile(suite, t.hashes, 0, TILE_WIDTH), parent.subarray(at, at + suite.size))
    ) {
      throw new VerificationError('REPLAY_MISMATCH', `tile ${t.level}/${t.index} does not match its parent`);
    }
  }
}

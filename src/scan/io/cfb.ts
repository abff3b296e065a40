/**
 * Compound File Binary containers (MS-CFB, "OLE2"): the envelope of Excel 97–2003 `.xls`, Word
 * `.doc`, WPS `.et`. Read from memory: the header's DIFAT gives the FAT, the FAT chains sectors,
 * the directory names streams, and streams under 4 KiB live in the mini stream (64-byte sectors
 * chained by the mini FAT). Every chain is bounded by the file's sector count, so a damaged or
 * hostile file cannot loop.
 *
 * @module
 */

/** The first 8 bytes of every compound file. */
export const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

export function isCfbHead(head: Uint8Array): boolean {
  return head.length >= 8 && CFB_MAGIC.every((b, i) => head[i] === b);
}

const END_OF_CHAIN = 0xfffffffe;
const FREE = 0xffffffff;
const STREAM = 2;
const ROOT = 5;

/** A structural problem of the container (reported by the caller as a damaged file). */
export class CfbError extends Error {
  override readonly name = 'CfbError';
}

/** An entry of a storage: a stream to read, or a storage with entries of its own. */
export interface CfbEntry {
  readonly name: string;
  readonly storage: boolean;
  /** A stream's bytes (empty for a storage). */
  read(): Buffer;
  /** A storage's entries (empty for a stream). */
  children(): CfbEntry[];
}

/** The container: streams found by name anywhere (case-insensitive, as the format compares names), and the tree. */
export interface CompoundFile {
  stream(name: string): Buffer | undefined;
  readonly names: readonly string[];
  /** The root storage's entries. */
  root(): CfbEntry[];
}

interface DirEntry {
  readonly name: string;
  readonly type: number;
  readonly start: number;
  readonly size: number;
  readonly left: number;
  readonly right: number;
  readonly child: number;
}

const NO_STREAM = 0xffffffff;

/** Parses a compound file held in memory. @throws CfbError */
export function readCompoundFile(buf: Buffer): CompoundFile {
  if (buf.length < 512 || !isCfbHead(buf)) throw new CfbError('not a compound file');
  const major = buf.readUInt16LE(0x1a);
  const sectorShift = buf.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) throw new CfbError('bad sector size');
  const sectorSize = 1 << sectorShift;
  const miniShift = buf.readUInt16LE(0x20);
  if (miniShift !== 6) throw new CfbError('bad mini sector size');
  const fatSectors = buf.readUInt32LE(0x2c);
  const firstDir = buf.readUInt32LE(0x30);
  const miniCutoff = buf.readUInt32LE(0x38);
  const firstMiniFat = buf.readUInt32LE(0x3c);
  const firstDifat = buf.readUInt32LE(0x44);
  const difatSectors = buf.readUInt32LE(0x48);
  // The last sector may be cut short by the end of the file.
  const sectorCount = Math.ceil((buf.length - sectorSize) / sectorSize);

  const sector = (n: number): Buffer => {
    if (n >= sectorCount) throw new CfbError('sector out of range');
    const at = (n + 1) * sectorSize;
    return buf.subarray(at, Math.min(at + sectorSize, buf.length));
  };

  // DIFAT: the first 109 FAT sector numbers in the header, the rest in a chain of DIFAT sectors.
  // A FAT needs one entry per sector of the file, no more: header counts beyond that are lies.
  const fatCount = Math.min(fatSectors, Math.ceil(sectorCount / (sectorSize / 4)) + 1);
  const fatList: number[] = [];
  for (let i = 0; i < 109 && fatList.length < fatCount; i++) fatList.push(buf.readUInt32LE(0x4c + 4 * i));
  let difat = firstDifat;
  for (
    let k = 0;
    k < Math.min(difatSectors, sectorCount) && difat < END_OF_CHAIN && fatList.length < fatCount;
    k++
  ) {
    const s = sector(difat);
    const per = sectorSize / 4 - 1;
    for (let i = 0; i < per && fatList.length < fatCount; i++) fatList.push(s.readUInt32LE(4 * i));
    difat = s.readUInt32LE(sectorSize - 4);
  }
  const fat = new Uint32Array(fatList.length * (sectorSize / 4));
  for (const [k, n] of fatList.entries()) {
    const s = sector(n);
    for (let i = 0; i < sectorSize / 4 && 4 * i + 4 <= s.length; i++)
      fat[k * (sectorSize / 4) + i] = s.readUInt32LE(4 * i);
  }

  const chain = (start: number, table: Uint32Array, limit: number): number[] => {
    const out: number[] = [];
    for (let n = start; n !== END_OF_CHAIN && n !== FREE; n = table[n] ?? END_OF_CHAIN) {
      if (n >= limit || out.length >= limit) throw new CfbError('broken sector chain');
      out.push(n);
    }
    return out;
  };
  const readChain = (start: number, size?: number): Buffer => {
    const parts = chain(start, fat, Math.min(fat.length, sectorCount)).map(sector);
    const all = Buffer.concat(parts);
    return size === undefined ? all : all.subarray(0, Math.min(size, all.length));
  };

  const dir = readChain(firstDir);
  const entries: DirEntry[] = [];
  for (let at = 0; at + 128 <= dir.length; at += 128) {
    const nameBytes = Math.min(dir.readUInt16LE(at + 0x40), 64);
    const name = dir.toString('utf16le', at, at + Math.max(0, nameBytes - 2));
    const type = dir[at + 0x42]!;
    const start = dir.readUInt32LE(at + 0x74);
    // Version 3 files may leave garbage in the size's high half.
    const size = major === 3 ? dir.readUInt32LE(at + 0x78) : Number(dir.readBigUInt64LE(at + 0x78));
    const left = dir.readUInt32LE(at + 0x44);
    const right = dir.readUInt32LE(at + 0x48);
    const child = dir.readUInt32LE(at + 0x4c);
    entries.push({ name, type, start, size, left, right, child });
  }
  const root = entries.find((e) => e.type === ROOT);
  let mini: { stream: Buffer; fat: Uint32Array } | undefined;
  const miniStream = (): { stream: Buffer; fat: Uint32Array } => {
    if (mini) return mini;
    if (!root) throw new CfbError('no root entry');
    const table = readChain(firstMiniFat);
    const miniFat = new Uint32Array(table.length / 4);
    for (let i = 0; i < miniFat.length; i++) miniFat[i] = table.readUInt32LE(4 * i);
    mini = { stream: readChain(root.start, root.size), fat: miniFat };
    return mini;
  };

  const readStream = (e: DirEntry): Buffer => {
    if (e.size >= miniCutoff) return readChain(e.start, e.size);
    if (e.size === 0) return Buffer.alloc(0);
    const m = miniStream();
    const sectors = chain(e.start, m.fat, Math.min(m.fat.length, m.stream.length / 64 + 1));
    const parts = sectors.map((n) => m.stream.subarray(n * 64, n * 64 + 64));
    return Buffer.concat(parts).subarray(0, e.size);
  };
  // A storage's entries hang off its child as a binary tree of left and right siblings; a
  // damaged file may loop, so each entry is visited once per listing (and whoever walks down
  // storages bounds the depth).
  const node = (index: number): CfbEntry => {
    const e = entries[index]!;
    const storage = e.type !== STREAM;
    return {
      name: e.name,
      storage,
      read: () => (storage ? Buffer.alloc(0) : readStream(e)),
      children: () => (storage ? tree(e.child) : []),
    };
  };
  const tree = (start: number): CfbEntry[] => {
    const out: CfbEntry[] = [];
    const visited = new Set<number>();
    const pending = [start];
    while (pending.length > 0) {
      const i = pending.pop()!;
      if (i === NO_STREAM || i >= entries.length || visited.has(i)) continue;
      visited.add(i);
      const e = entries[i]!;
      if (e.type === STREAM || e.type === 1) out.push(node(i));
      pending.push(e.left, e.right);
    }
    return out;
  };
  const streams = entries.filter((e) => e.type === STREAM);
  const rootIndex = entries.findIndex((e) => e.type === ROOT);
  return {
    names: streams.map((e) => e.name),
    stream(name) {
      const e = streams.find((s) => s.name.toLowerCase() === name.toLowerCase());
      return e === undefined ? undefined : readStream(e);
    },
    root: () => (rootIndex < 0 ? [] : tree(entries[rootIndex]!.child)),
  };
}

/**
 * A compound-file (MS-CFB version 3, 512-byte sectors) writer for fixtures: streams of 4096 bytes
 * or more in regular sectors, smaller ones in the mini stream (64-byte sectors, chained by the mini
 * FAT), the FAT listed in the header's DIFAT and, past 109 FAT sectors, in DIFAT sectors. The
 * directory hangs the streams off the root as a chain of right siblings.
 *
 * @module
 */

const SECTOR = 512;
const MINI = 64;
const CUTOFF = 4096;
const END = 0xfffffffe;
const FREE = 0xffffffff;
const FATSECT = 0xfffffffd;
const DIFSECT = 0xfffffffc;
const NOSTREAM = 0xffffffff;

export interface CfbStream {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A storage: a folder of streams and storages. */
export interface CfbStorage {
  readonly name: string;
  readonly children: readonly (CfbStream | CfbStorage)[];
}

const pad = (b: Buffer, unit: number) => Buffer.concat([b, Buffer.alloc((unit - (b.length % unit)) % unit)]);

function dirEntry(
  name: string,
  type: number,
  child: number,
  right: number,
  start: number,
  size: number,
): Buffer {
  const e = Buffer.alloc(128);
  if (name !== '') {
    e.write(name, 0, 'utf16le');
    e.writeUInt16LE((name.length + 1) * 2, 0x40);
  }
  e[0x42] = type;
  e[0x43] = 1;
  e.writeUInt32LE(NOSTREAM, 0x44);
  e.writeUInt32LE(right, 0x48);
  e.writeUInt32LE(child, 0x4c);
  e.writeUInt32LE(start, 0x74);
  e.writeUInt32LE(size, 0x78);
  return e;
}

/** A compound file holding `items` (names unique per storage, at most 31 characters). */
export function compoundFile(items: readonly (CfbStream | CfbStorage)[]): Uint8Array {
  // Directory order: the root, then every item depth first; each storage's children chained as
  // right siblings off its child.
  const flat: { item: CfbStream | CfbStorage; right: number; child: number }[] = [];
  const place = (list: readonly (CfbStream | CfbStorage)[]): number => {
    const indices = list.map((item) => {
      flat.push({ item, right: NOSTREAM, child: NOSTREAM });
      return flat.length; // directory index (the root is 0)
    });
    list.forEach((item, i) => {
      const at = indices[i]! - 1;
      flat[at]!.right = i + 1 < indices.length ? indices[i + 1]! : NOSTREAM;
      if ('children' in item) flat[at]!.child = place(item.children);
    });
    return indices[0] ?? NOSTREAM;
  };
  const rootChild = place(items);
  const streams = flat.map((f) => f.item).filter((i): i is CfbStream => 'data' in i);
  // The mini stream: every small stream, each padded to 64 bytes.
  const small = streams.filter((s) => s.data.length < CUTOFF);
  const large = streams.filter((s) => s.data.length >= CUTOFF);
  const miniStarts = new Map<CfbStream, number>();
  const miniParts: Buffer[] = [];
  let miniSectors = 0;
  for (const s of small) {
    miniStarts.set(s, miniSectors);
    const padded = pad(Buffer.from(s.data), MINI);
    miniParts.push(padded);
    miniSectors += padded.length / MINI;
  }
  const miniStream = Buffer.concat(miniParts);
  const miniContainer = pad(miniStream, SECTOR);
  const miniFatSectors = miniSectors === 0 ? 0 : Math.ceil((miniSectors * 4) / SECTOR);
  const dirSectors = Math.ceil(((flat.length + 1) * 128) / SECTOR);
  const largeSectors = large.map((s) => Math.ceil(s.data.length / SECTOR));
  const dataSectors = miniContainer.length / SECTOR + largeSectors.reduce((a, b) => a + b, 0);

  const perDifat = SECTOR / 4 - 1;
  let fatSectors = 1;
  let difatSectors = 0;
  for (;;) {
    difatSectors = Math.max(0, Math.ceil((fatSectors - 109) / perDifat));
    const needed = fatSectors + difatSectors + dirSectors + miniFatSectors + dataSectors;
    if (fatSectors * (SECTOR / 4) >= needed) break;
    fatSectors++;
  }
  const fat = new Uint32Array(fatSectors * (SECTOR / 4)).fill(FREE);
  let next = 0;
  const allocate = (count: number, mark?: number): number => {
    const start = next;
    for (let i = 0; i < count; i++) fat[start + i] = mark ?? (i + 1 < count ? start + i + 1 : END);
    next += count;
    return count === 0 ? END : start;
  };
  allocate(fatSectors, FATSECT);
  const difatStart = allocate(difatSectors, DIFSECT);
  const dirStart = allocate(dirSectors);
  const miniFatStart = allocate(miniFatSectors);
  const miniContainerStart = allocate(miniContainer.length / SECTOR);
  const largeStarts = largeSectors.map((n) => allocate(n));

  const header = Buffer.alloc(SECTOR);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(fatSectors, 0x2c);
  header.writeUInt32LE(dirStart, 0x30);
  header.writeUInt32LE(CUTOFF, 0x38);
  header.writeUInt32LE(miniFatSectors > 0 ? miniFatStart : END, 0x3c);
  header.writeUInt32LE(miniFatSectors, 0x40);
  header.writeUInt32LE(difatSectors > 0 ? difatStart : END, 0x44);
  header.writeUInt32LE(difatSectors, 0x48);
  for (let i = 0; i < 109; i++) header.writeUInt32LE(i < fatSectors ? i : FREE, 0x4c + 4 * i);

  const difat = Buffer.alloc(difatSectors * SECTOR, 0xff);
  for (let k = 0; k < difatSectors; k++) {
    for (let i = 0; i < perDifat; i++) {
      const fatNo = 109 + k * perDifat + i;
      if (fatNo < fatSectors) difat.writeUInt32LE(fatNo, k * SECTOR + 4 * i);
    }
    difat.writeUInt32LE(k + 1 < difatSectors ? difatStart + k + 1 : END, k * SECTOR + SECTOR - 4);
  }

  const entries = [
    dirEntry(
      'Root Entry',
      5,
      rootChild,
      NOSTREAM,
      miniContainer.length > 0 ? miniContainerStart : END,
      miniStream.length,
    ),
    ...flat.map(({ item, right, child }) => {
      if ('children' in item) return dirEntry(item.name, 1, child, right, 0, 0);
      const start =
        item.data.length === 0
          ? END
          : item.data.length < CUTOFF
            ? miniStarts.get(item)!
            : largeStarts[large.indexOf(item)]!;
      return dirEntry(item.name, 2, NOSTREAM, right, start, item.data.length);
    }),
  ];
  while (entries.length < dirSectors * (SECTOR / 128))
    entries.push(dirEntry('', 0, NOSTREAM, NOSTREAM, 0, 0));

  const miniFat = Buffer.alloc(miniFatSectors * SECTOR, 0xff);
  for (const s of small) {
    if (s.data.length === 0) continue;
    const first = miniStarts.get(s)!;
    const count = Math.ceil(s.data.length / MINI);
    for (let i = 0; i < count; i++)
      miniFat.writeUInt32LE(i + 1 < count ? first + i + 1 : END, 4 * (first + i));
  }
  return Buffer.concat([
    header,
    Buffer.from(fat.buffer),
    difat,
    ...entries,
    miniFat,
    miniContainer,
    ...large.map((s) => pad(Buffer.from(s.data), SECTOR)),
  ]);
}

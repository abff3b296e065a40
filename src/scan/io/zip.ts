/**
 * Zip archives for the scanner, through `yauzl`: the central directory read once, each entry
 * inflated as a stream on demand (random access, so a workbook's shared strings can be read
 * before its sheets whatever their order in the file). Used for Office files (ooxml.ts) and for
 * plain archives of exports (`客户资料.zip` holding CSVs and workbooks).
 *
 * @module
 */
import { open as openFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { damagedFile, type ScanIoError } from './errors.ts';

/** Most entries read from one archive's directory. */
const MAX_ENTRIES = 100_000;

/** An opened archive. */
export interface ZipArchive {
  /** The archive's name in messages (its path, or `outer.zip!inner.zip`). */
  readonly label: string;
  /** File entries by name (folders left out), in directory order. */
  readonly entries: ReadonlyMap<string, yauzl.Entry>;
  /** The entry's content, inflated. @throws ScanIoError `DECOMPRESS_ERROR` */
  open(entry: yauzl.Entry): Promise<Readable>;
  close(): void;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** True if `head` starts like a zip archive (a local file header). */
export function isZipHead(head: Uint8Array): boolean {
  return head.length >= 4 && ZIP_MAGIC.every((b, i) => head[i] === b);
}

/** Names that promise a zip (Office files are zips). */
export const ZIP_NAME = /\.(zip|xlsx|xlsm|xltx|xltm|docx|docm|dotx|pptx|pptm)$/i;

function damaged(label: string, what: string, cause?: unknown): ScanIoError {
  return damagedFile(label, `cannot read the archive (${what})`, cause);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030');

/**
 * An entry's name. Zip tools on Chinese Windows write names in the system code page (GBK) without
 * the UTF-8 flag, which the format would read as CP437 (`¿Í»§.csv` for `客户.csv`): names are read
 * as UTF-8 when flagged or valid, else as GB18030.
 */
export function entryName(raw: Uint8Array, flags: number): string {
  if (flags & 0x800) return Buffer.from(raw).toString('utf8');
  try {
    return utf8.decode(raw);
  } catch {
    return gb18030.decode(raw);
  }
}

async function wrap(zip: yauzl.ZipFile, label: string): Promise<ZipArchive> {
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      // decodeStrings is off: names arrive as bytes (see entryName).
      const raw = entry.fileName as unknown as Uint8Array;
      const name = entryName(raw, entry.generalPurposeBitFlag).replace(/\\/g, '/');
      if (!name.endsWith('/')) entries.set(name.replace(/^\/+/, ''), entry);
      if (entries.size >= MAX_ENTRIES) break;
    }
  } catch (error) {
    zip.close();
    throw damaged(label, 'damaged directory', error);
  }
  return {
    label,
    entries,
    async open(entry) {
      try {
        return await zip.openReadStreamPromise(entry);
      } catch (error) {
        throw damaged(label, 'an entry cannot be opened', error);
      }
    },
    close: () => {
      if (zip.isOpen) zip.close();
    },
  };
}

/**
 * Opens `path` if it is a zip archive (by its first bytes); `undefined` otherwise. A file that
 * starts like a zip but cannot be read is `undefined` too, unless its name promises a zip.
 * @throws ScanIoError `DECOMPRESS_ERROR` for a damaged `.zip`/`.xlsx`/`.docx`…
 */
export async function openZipFile(path: string): Promise<ZipArchive | undefined> {
  const handle = await openFile(path, 'r');
  try {
    const head = new Uint8Array(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (!isZipHead(head.subarray(0, bytesRead))) return undefined;
  } finally {
    await handle.close();
  }
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { autoClose: false, decodeStrings: false });
  } catch (error) {
    if (ZIP_NAME.test(path)) throw damaged(path, 'damaged zip', error);
    return undefined;
  }
  return wrap(zip, path);
}

/** Like {@link openZipFile}, for an archive read into memory (one inside another). */
export async function openZipBuffer(bytes: Buffer, label: string): Promise<ZipArchive | undefined> {
  if (!isZipHead(bytes)) return undefined;
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(bytes, { decodeStrings: false });
  } catch (error) {
    throw damaged(label, 'damaged zip', error);
  }
  return wrap(zip, label);
}

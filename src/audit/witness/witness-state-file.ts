/**
 * A witness's state on disk: one file per log, `<dir>/<hex SHA-256 of the origin>.checkpoint`,
 * holding the latest cosigned checkpoint as a plain signed note (log signature and the witness's
 * cosignature), so a regulator can read, copy or verify it with any signed-note tool.
 *
 * Each update is atomic and durable before it is reported: a temporary file (mode 0600) is
 * written and fsynced, renamed over the record, and the directory (mode 0700) is fsynced. A crash
 * leaves either the old or the new record, never a torn one (and at worst a stray `*.tmp-*` file).
 *
 * Compare-and-swap is exact within one process (a lock per origin); run one witness process per
 * state directory.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCheckpoint } from '../checkpoint.ts';
import { MAX_NOTE_BYTES, parseNote } from '../signed-note.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { WitnessError } from './witness-error.ts';
import { sameWitnessRecord, type WitnessRecord, type WitnessStateStore } from './witness-state-store.ts';

/** The record's file name for `origin`: the hex SHA-256 of the origin line, so any origin is a safe name. */
export function witnessStateFileName(origin: string): string {
  return `${createHash('sha256').update(origin, 'utf8').digest('hex')}.checkpoint`;
}

/** Parses a stored note into a record, checking it belongs to `origin`. */
function recordFromNote(origin: string, note: string): WitnessRecord {
  const checkpoint = parseCheckpoint(parseNote(note).text);
  if (checkpoint.origin !== origin) throw new Error('record is for another origin');
  return { checkpoint, note };
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A {@link WitnessStateStore} in a directory of note files. */
export class FileWitnessStateStore implements WitnessStateStore {
  readonly #dir: string;
  readonly #locks = new KeyedMutex();
  #counter = 0;

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /**
   * Opens (creating it with mode 0700 if needed) the state directory `dir`.
   *
   * @throws {@link WitnessError} `INVALID_CONFIG` if `dir` exists and is not a directory.
   */
  static async open(dir: string): Promise<FileWitnessStateStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await stat(dir);
    if (!info.isDirectory())
      throw new WitnessError('INVALID_CONFIG', 'witness state path is not a directory');
    return new FileWitnessStateStore(dir);
  }

  /** The directory this store writes to. */
  get directory(): string {
    return this.#dir;
  }

  /** The file holding the record for `origin`. */
  path(origin: string): string {
    return join(this.#dir, witnessStateFileName(origin));
  }

  /** @throws {@link WitnessError} `STATE_CORRUPT` if the file is not a checkpoint note for `origin`. */
  async load(origin: string): Promise<WitnessRecord | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(origin));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      if (bytes.length > MAX_NOTE_BYTES) throw new Error('record too large');
      return recordFromNote(origin, new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (cause) {
      throw new WitnessError('STATE_CORRUPT', 'witness state file is not a checkpoint note for its log', {
        cause,
      });
    }
  }

  /** @throws {@link WitnessError} `INVALID_ARGUMENT` if `next` is not a record for `origin`. */
  async compareAndSwap(
    origin: string,
    previous: WitnessRecord | undefined,
    next: WitnessRecord,
  ): Promise<boolean> {
    let parsed: WitnessRecord;
    try {
      parsed = recordFromNote(origin, next.note);
    } catch (cause) {
      throw new WitnessError('INVALID_ARGUMENT', 'record note is not a checkpoint for the origin', { cause });
    }
    if (!sameWitnessRecord(parsed, next))
      throw new WitnessError('INVALID_ARGUMENT', 'record note and checkpoint differ');
    return this.#locks.run(origin, async () => {
      if (!sameWitnessRecord(await this.load(origin), previous)) return false;
      await this.#write(this.path(origin), next.note);
      return true;
    });
  }

  async #write(path: string, text: string): Promise<void> {
    const tmp = `${path}.tmp-${process.pid}-${this.#counter++}`;
    let renamed = false;
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
      renamed = true;
      await fsyncDirectory(this.#dir);
    } finally {
      if (!renamed) await unlink(tmp).catch(() => undefined);
    }
  }
}

/**
 * The checkpoint signer's memory — its last signed (size, root) — in a small file kept beside the
 * keys, not in the database: an insider who rolls the database back cannot roll this back with
 * it, so the signer then refuses to sign the shorter or forked tree.
 *
 * Written atomically (temporary file, fsync, rename, fsync of the directory). One signer process
 * per log: the compare-and-swap is checked against the file's content under an in-process lock.
 *
 * @module
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bytesEqual, decodeBase64Strict, encodeBase64 } from '../bytes.ts';
import type { SignerState, SignerStateStore } from '../checkpoint-signer.ts';
import { StorageError } from '../errors.ts';

interface StateFile {
  readonly v: 1;
  readonly size: string;
  readonly root: string;
}

function same(a: SignerState | undefined, b: SignerState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && bytesEqual(a.root, b.root);
}

/** A {@link SignerStateStore} in the file at `path` (created with mode 0600 on first save). */
export class FileSignerStateStore implements SignerStateStore {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async load(): Promise<SignerState | undefined> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: StateFile;
    try {
      parsed = JSON.parse(text) as StateFile;
    } catch {
      throw new StorageError('STATE_MISMATCH', 'signer state file is not JSON');
    }
    const root = typeof parsed.root === 'string' ? decodeBase64Strict(parsed.root) : undefined;
    if (parsed.v !== 1 || typeof parsed.size !== 'string' || !/^\d{1,20}$/.test(parsed.size) || !root) {
      throw new StorageError('STATE_MISMATCH', 'signer state file is malformed');
    }
    return { size: BigInt(parsed.size), root: new Uint8Array(root) };
  }

  async save(next: SignerState, previous: SignerState | undefined): Promise<boolean> {
    if (!same(await this.load(), previous)) return false;
    const body: StateFile = { v: 1, size: next.size.toString(), root: encodeBase64(next.root) };
    await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
    const tmp = `${this.#path}.tmp-${process.pid}`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(body)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.#path);
    const dir = await open(dirname(this.#path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return true;
  }
}

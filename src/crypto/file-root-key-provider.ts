/**
 * The root key in a local file: 32 raw random bytes, created at first start.
 *
 * Creation is atomic and race-safe: the key is written to a private temp file (O_EXCL, mode 0600),
 * fsynced, then hard-linked to the final path. `link` never replaces an existing file, so of two
 * processes starting at once exactly one key wins and the loser adopts it; readers never see a
 * half-written key. An existing key is never overwritten, and a key file that is group/other
 * accessible, not a regular file, or not exactly 32 bytes stops start-up with a `CryptoError`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CryptoError } from './errors.ts';
import { InMemoryRootKeyProvider, isAllZero, ROOT_KEY_LENGTH } from './root-key-provider.ts';

/** Default key file, relative to the working directory. Kept out of `./data/` so data backups never carry it. */
export const DEFAULT_ROOT_KEY_FILE = 'keys/root.key';

/** Options for {@link openFileRootKey}. */
export interface FileRootKeyOptions {
  /** Create the key if the file does not exist (default `true`). */
  readonly create?: boolean;
  /** Random source for a new key (default `crypto.randomBytes`); injectable for tests. */
  readonly random?: (size: number) => Uint8Array;
}

// On Windows, mode bits do not describe access; ACLs do. Only enforce them where they mean something.
const CHECK_MODE = process.platform !== 'win32';

function ioError(what: string, path: string, cause: unknown): CryptoError {
  return new CryptoError('ROOT_KEY_IO', `cannot ${what} root key file ${path}`, { cause });
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Read and check an existing key file; `undefined` if it does not exist. */
async function readKeyFile(path: string): Promise<Uint8Array | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NOFOLLOW: a symlink planted at the key path is refused rather than followed.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    if (errno(error) === 'ELOOP') {
      throw new CryptoError(
        'ROOT_KEY_NOT_A_FILE',
        `root key path ${path} is a symlink; point the config at the real file`,
      );
    }
    throw ioError('open', path, error);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw new CryptoError('ROOT_KEY_NOT_A_FILE', `root key path ${path} is not a regular file`);
    if (CHECK_MODE && (st.mode & 0o077) !== 0) {
      throw new CryptoError(
        'ROOT_KEY_INSECURE_PERMISSIONS',
        `root key file ${path} has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}; ` +
          `it must not be accessible by group or others (run: chmod 600 ${path})`,
      );
    }
    // Read one byte more than needed so a file that grew after stat is still caught.
    const buffer = Buffer.alloc(ROOT_KEY_LENGTH + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (st.size !== ROOT_KEY_LENGTH || bytesRead !== ROOT_KEY_LENGTH) {
      buffer.fill(0);
      throw new CryptoError(
        'ROOT_KEY_WRONG_LENGTH',
        `root key file ${path} must hold exactly ${ROOT_KEY_LENGTH} bytes; restore it from backup`,
      );
    }
    const key = new Uint8Array(buffer.subarray(0, ROOT_KEY_LENGTH));
    buffer.fill(0);
    if (isAllZero(key)) {
      throw new CryptoError(
        'ROOT_KEY_MALFORMED',
        `root key file ${path} is all zero bytes; restore it from backup`,
      );
    }
    return key;
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    throw ioError('read', path, error);
  } finally {
    await handle.close();
  }
}

/** Write a new key via temp file + fsync + link. Returns normally whether this process or a racer won. */
async function createKeyFile(path: string, random: (size: number) => Uint8Array): Promise<void> {
  const dir = dirname(path);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw ioError('create the directory of', path, error);
  }
  const key = random(ROOT_KEY_LENGTH);
  if (key.length !== ROOT_KEY_LENGTH || isAllZero(key)) {
    throw new CryptoError('ROOT_KEY_MALFORMED', 'random source returned an unusable root key');
  }
  const temp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(key);
      await handle.sync();
    } finally {
      await handle.close();
      key.fill(0);
    }
    try {
      await link(temp, path);
    } catch (error) {
      // Another process created the key first: keep theirs, never overwrite.
      if (errno(error) !== 'EEXIST') throw error;
    }
    await syncDirectory(dir);
  } catch (error) {
    throw ioError('create', path, error);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** fsync the directory so the new name survives a crash (best effort where unsupported). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/**
 * Open the root key file at `path`, creating it (and its directory, mode 0700) at first start.
 *
 * @param path - key file location; relative paths resolve against the working directory
 * @throws CryptoError `ROOT_KEY_INSECURE_PERMISSIONS`, `ROOT_KEY_WRONG_LENGTH`, `ROOT_KEY_MALFORMED`,
 *   `ROOT_KEY_NOT_A_FILE`, `ROOT_KEY_MISSING` (when `create: false`), `ROOT_KEY_IO`
 */
export async function openFileRootKey(
  path: string = DEFAULT_ROOT_KEY_FILE,
  options: FileRootKeyOptions = {},
): Promise<InMemoryRootKeyProvider> {
  const full = resolve(path);
  let key = await readKeyFile(full);
  if (key === undefined) {
    if (options.create === false) {
      throw new CryptoError('ROOT_KEY_MISSING', `root key file ${full} does not exist`);
    }
    await createKeyFile(full, options.random ?? ((n) => randomBytes(n)));
    // Re-read through the checking path: this is the winner's key if another process raced us.
    key = await readKeyFile(full);
    if (key === undefined) throw ioError('create', full, new Error('key file vanished after creation'));
  }
  try {
    return new InMemoryRootKeyProvider(key, `file:${full}`);
  } finally {
    key.fill(0);
  }
}

import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { openFileRootKey } from './file-root-key-provider.ts';
import { InMemoryRootKeyProvider, rootKeyFingerprint } from './root-key-provider.ts';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-rootkey-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeKey(path: string, bytes: Uint8Array, mode: number): Promise<void> {
  await writeFile(path, bytes);
  await chmod(path, mode); // explicit chmod: independent of the umask
}

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 200 - i);

describe('openFileRootKey', () => {
  it.runIf(posix)('creates a 32-byte key, mode 0600, in a new directory with mode 0700', async () => {
    const path = join(dir, 'nested', 'keys', 'root.key');
    const p = await openFileRootKey(path);
    const st = await stat(path);
    expect(st.mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested', 'keys'))).mode & 0o777).toBe(0o700);
    expect(st.size).toBe(32);
    expect(p.description).toBe(`file:${path}`);
    // Second start reads the same key.
    const again = await openFileRootKey(path);
    expect(await rootKeyFingerprint(again)).toBe(await rootKeyFingerprint(p));
    expect(await readdir(join(dir, 'nested', 'keys'))).toEqual(['root.key']);
  });

  it('uses an existing key and never overwrites it', async () => {
    const path = join(dir, 'root.key');
    await writeKey(path, KEY, 0o600);
    const p = await openFileRootKey(path, { random: () => new Uint8Array(32).fill(9) });
    expect(await rootKeyFingerprint(p)).toBe(await rootKeyFingerprint(new InMemoryRootKeyProvider(KEY, 't')));
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(KEY))).toBe(true);
  });

  it.runIf(posix)(
    'refuses a group/other-accessible key file (checks mode bits, so also as root)',
    async () => {
      const path = join(dir, 'root.key');
      for (const mode of [0o644, 0o640, 0o604, 0o660, 0o602]) {
        await writeKey(path, KEY, mode);
        await expect(openFileRootKey(path)).rejects.toSatisfy((e) =>
          isCryptoError(e, 'ROOT_KEY_INSECURE_PERMISSIONS'),
        );
      }
      await chmod(path, 0o400);
      await expect(openFileRootKey(path)).resolves.toBeDefined();
    },
  );

  it('refuses a key of the wrong length or all zeros, and leaves the file alone', async () => {
    const path = join(dir, 'root.key');
    for (const size of [0, 31, 33, 64]) {
      await writeKey(path, new Uint8Array(size).fill(1), 0o600);
      await expect(openFileRootKey(path)).rejects.toSatisfy((e) => isCryptoError(e, 'ROOT_KEY_WRONG_LENGTH'));
      expect((await stat(path)).size).toBe(size);
    }
    await writeKey(path, new Uint8Array(32), 0o600);
    await expect(openFileRootKey(path)).rejects.toSatisfy((e) => isCryptoError(e, 'ROOT_KEY_MALFORMED'));
  });

  it('refuses a directory or a symlink at the key path', async () => {
    await mkdir(join(dir, 'd'));
    await expect(openFileRootKey(join(dir, 'd'))).rejects.toSatisfy((e) =>
      isCryptoError(e, 'ROOT_KEY_NOT_A_FILE'),
    );
    if (posix) {
      await writeKey(join(dir, 'real.key'), KEY, 0o600);
      await symlink(join(dir, 'real.key'), join(dir, 'link.key'));
      await expect(openFileRootKey(join(dir, 'link.key'))).rejects.toSatisfy((e) =>
        isCryptoError(e, 'ROOT_KEY_NOT_A_FILE'),
      );
    }
  });

  it('with create: false, reports a missing file as ROOT_KEY_MISSING and creates nothing', async () => {
    const path = join(dir, 'k', 'root.key');
    await expect(openFileRootKey(path, { create: false })).rejects.toSatisfy((e) =>
      isCryptoError(e, 'ROOT_KEY_MISSING'),
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('error messages never contain key bytes', async () => {
    const path = join(dir, 'root.key');
    await writeKey(path, KEY, 0o644);
    const e = await openFileRootKey(path).then(
      () => expect.unreachable(),
      (x: unknown) => x as Error,
    );
    expect(e.message).not.toContain(Buffer.from(KEY).toString('hex').slice(0, 8));
    expect(e.message).not.toContain(Buffer.from(KEY).toString('base64').slice(0, 8));
  });

  it('racing first starts in one process end with one shared key and no temp files', async () => {
    const path = join(dir, 'keys', 'root.key');
    let n = 0;
    const starts = Array.from({ length: 16 }, () =>
      openFileRootKey(path, { random: (size) => new Uint8Array(size).fill(++n) }),
    );
    const providers = await Promise.all(starts);
    const prints = new Set(await Promise.all(providers.map(rootKeyFingerprint)));
    expect(prints.size).toBe(1);
    const onDisk = await readFile(path);
    expect(onDisk.length).toBe(32);
    expect(new Set(onDisk).size).toBe(1); // one writer's key, whole
    expect(await readdir(join(dir, 'keys'))).toEqual(['root.key']);
  });

  it('racing first starts in separate processes end with one shared key and no temp files', async () => {
    const path = join(dir, 'race', 'root.key');
    const module = fileURLToPath(new URL('./file-root-key-provider.ts', import.meta.url));
    const fingerprint = fileURLToPath(new URL('./root-key-provider.ts', import.meta.url));
    const at = Date.now() + 1500;
    const script = [
      `const { openFileRootKey } = await import(${JSON.stringify(module)});`,
      `const { rootKeyFingerprint } = await import(${JSON.stringify(fingerprint)});`,
      `while (Date.now() < ${at}) {}`,
      `const p = await openFileRootKey(${JSON.stringify(path)});`,
      'process.stdout.write(await rootKeyFingerprint(p));',
    ].join('\n');
    const run = promisify(execFile);
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script])),
    );
    const prints = new Set(outputs.map((o) => o.stdout));
    expect(prints.size).toBe(1);
    const [print] = prints;
    expect(print).toMatch(/^[0-9a-f]{16}$/);
    expect(await rootKeyFingerprint(await openFileRootKey(path))).toBe(print);
    expect(await readdir(join(dir, 'race'))).toEqual(['root.key']);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { InMemoryRootKeyProvider, type RootKeyProvider } from './root-key-provider.ts';
import { openRootKeyProvider, resolveRootKeySource } from './select-root-key-provider.ts';

const HEX = 'ab'.repeat(32);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shiming-select-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveRootKeySource', () => {
  it('auto: env when SHIMING_ROOT_KEY is set and non-blank, else file', () => {
    expect(resolveRootKeySource({}, { SHIMING_ROOT_KEY: HEX })).toBe('env');
    expect(resolveRootKeySource({}, { SHIMING_ROOT_KEY: '  ' })).toBe('file');
    expect(resolveRootKeySource({ source: 'auto' }, {})).toBe('file');
    expect(resolveRootKeySource({ source: 'file' }, { SHIMING_ROOT_KEY: HEX })).toBe('file');
  });
  it('refuses unknown sources with ROOT_KEY_CONFIG_INVALID', () => {
    expect(() => resolveRootKeySource({ source: 'vault' as never }, {})).toThrow(
      expect.objectContaining({ code: 'ROOT_KEY_CONFIG_INVALID' }),
    );
  });
});

describe('openRootKeyProvider', () => {
  it('opens env, file and registered KMS providers', async () => {
    const env = await openRootKeyProvider({}, { env: { SHIMING_ROOT_KEY: HEX } });
    expect(env.description).toBe('env:SHIMING_ROOT_KEY');
    const file = await openRootKeyProvider({ file: join(dir, 'root.key') }, { env: {} });
    expect(file.description).toBe(`file:${join(dir, 'root.key')}`);

    const seen: unknown[] = [];
    const kms = async (options: Readonly<Record<string, unknown>>): Promise<RootKeyProvider> => {
      seen.push(options);
      return new InMemoryRootKeyProvider(new Uint8Array(32).fill(3), 'kms:test');
    };
    const p = await openRootKeyProvider(
      { source: 'kms', kms: 'test', kmsOptions: { keyId: 'k1' } },
      { env: {}, kmsProviders: { test: kms } },
    );
    expect(p.description).toBe('kms:test');
    expect(seen).toEqual([{ keyId: 'k1' }]);
  });

  it('refuses an unknown or missing KMS name, and wraps factory failures as KMS_FAILURE', async () => {
    const failing = async (): Promise<RootKeyProvider> => {
      throw new Error('network down');
    };
    for (const config of [{ source: 'kms' as const }, { source: 'kms' as const, kms: 'toString' }]) {
      await expect(openRootKeyProvider(config, { env: {}, kmsProviders: { failing } })).rejects.toSatisfy(
        (e) => isCryptoError(e, 'ROOT_KEY_CONFIG_INVALID'),
      );
    }
    const e = await openRootKeyProvider(
      { source: 'kms', kms: 'failing' },
      { env: {}, kmsProviders: { failing } },
    ).catch((x: unknown) => x);
    expect(isCryptoError(e, 'KMS_FAILURE')).toBe(true);
    expect((e as Error).cause).toBeInstanceOf(Error);
  });

  it('does not create a key file when createFile is false', async () => {
    await expect(
      openRootKeyProvider({ source: 'file', file: join(dir, 'none.key'), createFile: false }, { env: {} }),
    ).rejects.toSatisfy((e) => isCryptoError(e, 'ROOT_KEY_MISSING'));
  });
});

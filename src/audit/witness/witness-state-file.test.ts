import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestLog, testKey } from '../../../test/support/witness-fixtures.ts';
import { parseCheckpoint } from '../checkpoint.ts';
import { parseNote } from '../signed-note.ts';
import { WitnessError } from './witness-error.ts';
import { FileWitnessStateStore, witnessStateFileName } from './witness-state-file.ts';
import type { WitnessRecord } from './witness-state-store.ts';

const ORIGIN = 'example.cn/pi-audit/t42';
const log = TestLog.create(ORIGIN, testKey(ORIGIN, 0x01, 1), 20);
const dirs: string[] = [];

afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'witness-state-'));
  dirs.push(dir);
  return dir;
}

async function record(size: bigint): Promise<WitnessRecord> {
  const note = await log.note(size);
  return { checkpoint: parseCheckpoint(parseNote(note).text), note };
}

describe('FileWitnessStateStore', () => {
  it('stores one note file per origin, atomically, and reads it back after reopening', async () => {
    const dir = join(await tempDir(), 'nested', 'state');
    const store = await FileWitnessStateStore.open(dir);
    expect(await store.load(ORIGIN)).toBeUndefined();
    const r5 = await record(5n);
    expect(await store.compareAndSwap(ORIGIN, undefined, r5)).toBe(true);
    const r9 = await record(9n);
    expect(await store.compareAndSwap(ORIGIN, undefined, r9)).toBe(false); // stale previous
    expect(await store.compareAndSwap(ORIGIN, r5, r9)).toBe(true);
    const reopened = await FileWitnessStateStore.open(dir);
    const loaded = await reopened.load(ORIGIN);
    expect(loaded?.note).toBe(r9.note);
    expect(loaded?.checkpoint.size).toBe(9n);
    expect(await readdir(dir)).toEqual([witnessStateFileName(ORIGIN)]); // no temp files left
    expect(await readFile(reopened.path(ORIGIN), 'utf8')).toBe(r9.note);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(reopened.path(ORIGIN))).mode & 0o777).toBe(0o600);
    expect(witnessStateFileName(ORIGIN)).toMatch(/^[0-9a-f]{64}\.checkpoint$/);
  });

  it('lets exactly one of racing compare-and-swaps win', async () => {
    const store = await FileWitnessStateStore.open(await tempDir());
    const candidates = await Promise.all([3n, 4n, 5n, 6n].map(record));
    const results = await Promise.all(candidates.map((c) => store.compareAndSwap(ORIGIN, undefined, c)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses corrupt state and records that do not match their origin', async () => {
    const dir = await tempDir();
    const store = await FileWitnessStateStore.open(dir);
    await writeFile(store.path(ORIGIN), 'garbage\n');
    await expect(store.load(ORIGIN)).rejects.toMatchObject({ code: 'STATE_CORRUPT' });
    const other = TestLog.create('example.cn/other', testKey('example.cn/other', 0x01, 2), 3);
    await writeFile(store.path(ORIGIN), await other.note(3n));
    await expect(store.load(ORIGIN)).rejects.toBeInstanceOf(WitnessError);
    const r = await record(3n);
    await expect(store.compareAndSwap('example.cn/other', undefined, r)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      store.compareAndSwap(ORIGIN, undefined, { ...r, checkpoint: (await record(4n)).checkpoint }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await writeFile(join(dir, 'file'), '');
    await expect(FileWitnessStateStore.open(join(dir, 'file'))).rejects.toThrow();
  });
});

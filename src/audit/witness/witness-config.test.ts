import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testKey } from '../../../test/support/witness-fixtures.ts';
import { parseWitnessLogFlags, readWitnessKeyFile } from './witness-config.ts';

describe('witness configuration', () => {
  it('parses ORIGIN=VKEY flags, also for origins containing "="', () => {
    const a = testKey('example.cn/log', 0x01, 1);
    const b = testKey('example.cn/log', 0x01, 2);
    const c = testKey('k=v', 0x01, 3);
    const logs = parseWitnessLogFlags([
      `example.cn/log=${a.vkey}`,
      `example.cn/log=${b.vkey}`,
      `example.cn/log=${a.vkey}`,
      `example.cn/q?x=1=${c.vkey}`,
    ]);
    expect(logs.map((l) => [l.origin, l.verifiers.length])).toEqual([
      ['example.cn/log', 2],
      ['example.cn/q?x=1', 1],
    ]);
    expect(logs[1]?.verifiers[0]?.name).toBe('k=v');
    expect(() => parseWitnessLogFlags(['example.cn/log'])).toThrow(/ORIGIN=VKEY/);
    expect(() => parseWitnessLogFlags([`x=${testKey('w', 0x04, 4).vkey}`])).toThrow(/0x01/);
  });

  it('reads the witness key only from a private file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'witness-key-'));
    try {
      const path = join(dir, 'witness.key');
      const { skey } = testKey('w', 0x04, 5);
      await writeFile(path, `${skey}\n`, { mode: 0o600 });
      expect(await readWitnessKeyFile(path)).toBe(skey);
      await chmod(path, 0o644);
      await expect(readWitnessKeyFile(path)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
      await expect(readWitnessKeyFile(dir)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

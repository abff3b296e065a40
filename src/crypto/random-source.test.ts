import { describe, expect, it } from 'vitest';
import { systemRandom } from './random-source.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('systemRandom', () => {
  it('returns arrays of the length asked, owned by the caller', () => {
    for (const n of [0, 1, 12, 16, 32, 1024, 1025, 5000]) expect(systemRandom(n)).toHaveLength(n);
    const a = systemRandom(32);
    a.fill(0);
    // Zeroing what was handed out must not touch what comes next.
    expect(systemRandom(32).some((b) => b !== 0)).toBe(true);
  });

  it('never hands out the same bytes twice, across many pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(hex(systemRandom(12 + (i % 21))));
    expect(seen.size).toBe(20_000);
  });

  it('draws bytes that look uniform (each byte value about equally often)', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 4096; i++) for (const b of systemRandom(64)) counts[b]!++;
    // 262,144 bytes: 1,024 expected per value; chi-square with 255 degrees of freedom stays far
    // below 400 for a uniform source (p ≈ 1e-8), and a stuck or repeating pool blows far past it.
    const chi = counts.reduce((sum, c) => sum + (c - 1024) ** 2 / 1024, 0);
    expect(chi).toBeLessThan(400);
  });

  it('rejects lengths that are not non-negative integers', () => {
    for (const n of [-1, 1.5, Number.NaN]) expect(() => systemRandom(n)).toThrow(RangeError);
  });
});

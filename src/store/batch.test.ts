import { describe, expect, it } from 'vitest';
import { chunkRows, MAX_BIND_PARAMETERS } from './index.ts';

describe('chunkRows', () => {
  const rows = Array.from({ length: 2500 }, (_, i) => i);

  it('cuts at maxRows', () => {
    expect(chunkRows(rows, 2, 'sqlite').map((c) => c.length)).toEqual([1000, 1000, 500]);
    expect(chunkRows(rows, 2, 'postgres', 2500).map((c) => c.length)).toEqual([2500]);
    expect(chunkRows([], 2, 'sqlite')).toEqual([]);
  });

  it('keeps every chunk within the dialect’s bind-parameter limit', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const chunks = chunkRows(rows, 40, dialect, 5000);
      expect(chunks.flat()).toEqual(rows);
      for (const c of chunks) expect(c.length * 40).toBeLessThanOrEqual(MAX_BIND_PARAMETERS[dialect]);
    }
  });

  it('rejects impossible shapes', () => {
    expect(() => chunkRows(rows, 0, 'sqlite')).toThrow(RangeError);
    expect(() => chunkRows(rows, 40_000, 'sqlite')).toThrow(RangeError);
  });
});

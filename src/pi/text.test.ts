import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compact, dayNumber, foldWidth, hide, isRealDate, keepEnds, luhnValid } from './text.ts';

describe('foldWidth', () => {
  it('folds full-width digits and letters, keeping length', () => {
    expect(foldWidth('１３８１２３４５６７８')).toBe('13812345678');
    expect(foldWidth('ＡＢｃ　１')).toBe('ABc 1');
    fc.assert(fc.property(fc.string(), (s) => foldWidth(s).length === s.length));
  });
});

describe('compact', () => {
  it('removes separators and zero-width characters and upper-cases', () => {
    expect(compact('1101 0519-4912.31002x\u200B')).toBe('11010519491231002X');
  });
});

describe('hide', () => {
  it('counts astral characters as one', () => {
    expect(hide('𠀋伟华', 1, 3)).toBe('𠀋**');
    expect(keepEnds('13812345678', 3, 4)).toBe('138****5678');
    expect(keepEnds('12', 3, 4)).toBe('**');
  });
});

describe('luhnValid', () => {
  it('accepts known-good numbers and rejects single-digit changes', () => {
    expect(luhnValid('6222021234567890128')).toBe(true);
    expect(luhnValid('6222021234567890127')).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('49015420323751')).toBe(true);
    expect(luhnValid('')).toBe(false);
  });
});

describe('isRealDate', () => {
  it('knows leap years', () => {
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(1900, 2, 29)).toBe(false);
    expect(isRealDate(2023, 4, 31)).toBe(false);
  });
});

describe('compact fast path (ASCII letters and digits)', () => {
  it('gives what the general path gives', () => {
    // A zero-width space, removed by the general path, forces it.
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{0,24}$/), (s) => {
        expect(compact(s)).toBe(compact(`${s}\u200B`));
      }),
    );
  });
});

describe('dayNumber', () => {
  it('counts days as Date.UTC does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3000, max: 12000 }),
        fc.integer({ min: -2, max: 15 }),
        fc.integer({ min: -40, max: 70 }),
        (y, m, d) => {
          expect(dayNumber(y, m, d)).toBe(Math.floor(Date.UTC(y, m - 1, d) / 86_400_000));
        },
      ),
      { numRuns: 20000 },
    );
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(dayNumber(2000, 2, 29)).toBe(11016);
  });
});

describe('isRealDate against Date', () => {
  it('agrees with the calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const t = new Date(Date.UTC(2000, m - 1, d));
          t.setUTCFullYear(y);
          const real = m >= 1 && m <= 12 && d >= 1 && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
          expect(isRealDate(y, m, d)).toBe(real);
        },
      ),
    );
  });
});

describe('hide and keepEnds without surrogates', () => {
  it('match the code-point walk', () => {
    const byCodePoints = (value: string, start: number, end: number, char: string) => {
      const cps = Array.from(value);
      const s = Math.max(0, Math.min(start, cps.length));
      const e = Math.max(s, Math.min(end, cps.length));
      for (let i = s; i < e; i++) cps[i] = char;
      return cps.join('');
    };
    const piece = fc.constantFrom('1', 'a', '-', '１', '𠀋', '伟', '\u00b7');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.integer({ min: -2, max: 14 }),
        fc.integer({ min: -2, max: 14 }),
        fc.constantFrom('*', '#', 'xy'),
        (parts, a, b, char) => {
          const value = parts.join('');
          expect(hide(value, a, b, char)).toBe(byCodePoints(value, a, b, char));
          const n = Array.from(value).length;
          const k = a + b >= n ? byCodePoints(value, 0, n, char) : byCodePoints(value, a, n - b, char);
          if (a >= 0 && b >= 0) expect(keepEnds(value, a, b, char)).toBe(k);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

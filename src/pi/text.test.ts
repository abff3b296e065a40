import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compact, foldWidth, hide, isRealDate, keepEnds, luhnValid } from './text.ts';

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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { birthDate as genBirthDate } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { birthDate } from './birth-date.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const v = (value: string, now = NOW) => birthDate.validate(value, { now });

describe('BIRTH_DATE validate', () => {
  it.each([
    // value, kind, score, normalised
    ['1990-01-31', 'iso', 0.25, '1990-01-31'],
    ['1990-1-31', 'iso', 0.25, '1990-01-31'],
    ['1990/1/31', 'slash', 0.25, '1990-01-31'],
    ['1990/01/31', 'slash', 0.25, '1990-01-31'],
    ['1990.01.31', 'dot', 0.25, '1990-01-31'],
    ['19900131', 'compact', 0.2, '1990-01-31'],
    ['1990年1月31日', 'cjk', 0.25, '1990-01-31'],
    ['1990年01月31日', 'cjk', 0.25, '1990-01-31'],
    ['1990 年 1 月 31 日', 'cjk', 0.25, '1990-01-31'],
    ['1990年1月31号', 'cjk', 0.25, '1990-01-31'],
    ['1990年1月31', 'cjk', 0.25, '1990-01-31'],
    ['１９９０－０１－３１', 'iso', 0.25, '1990-01-31'], // full width
    [' 1990-01-31 ', 'iso', 0.25, '1990-01-31'],
    ['2000-02-29', 'iso', 0.25, '2000-02-29'],
    ['1900-01-01', 'iso', 0.25, '1900-01-01'],
    ['2025-06-01', 'iso', 0.25, '2025-06-01'], // today in Shanghai
  ])('accepts %s (%s)', (value, kind, score, normalised) => {
    expect(v(value)).toMatchObject({ valid: true, kind, score });
    expect(birthDate.normalise(value)).toBe(normalised);
  });

  it.each([
    ['1990-13-01', 'BAD_DATE'],
    ['1990-02-30', 'BAD_DATE'],
    ['1900-02-29', 'BAD_DATE'],
    ['1899-12-31', 'BAD_DATE'], // before 1900
    ['2025-06-02', 'BAD_DATE'], // future
    ['2099年1月1日', 'BAD_DATE'],
    ['19901301', 'BAD_DATE'],
    ['1990-01/31', 'BAD_FORMAT'], // mixed separators
    ['1990-001-31', 'BAD_FORMAT'],
    ['90-01-31', 'BAD_FORMAT'],
    ['1990年1月', 'BAD_FORMAT'],
    ['199001311', 'BAD_FORMAT'],
    ['January 31, 1990', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
  ])('rejects %s: %s', (value, reason) => {
    expect(v(value)).toMatchObject({ valid: false, reason, score: 0 });
  });

  it('accepts every generated date and normalises variants alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const d = genBirthDate(mulberry32(seed));
        expect(v(d).valid).toBe(true);
        const n = birthDate.normalise(d);
        expect(n).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(birthDate.normalise(n)).toBe(n);
        const fullWidth = d.replace(/[0-9./-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(birthDate.normalise(fullWidth)).toBe(n);
        expect(birthDate.normalise(`  ${d}\u3000`)).toBe(n);
        expect(v(fullWidth)).toBe(v(d));
      }),
      { numRuns: 500 },
    );
  });

  it('leaves unparseable input folded and trimmed', () => {
    expect(birthDate.normalise(' 不是日期 ')).toBe('不是日期');
  });
});

describe('BIRTH_DATE mask', () => {
  it.each([
    ['1990-01-31', undefined, '1990-**-**'],
    ['1990/1/31', undefined, '1990/*/**'],
    ['1990.01.31', undefined, '1990.**.**'],
    ['19900131', undefined, '1990****'],
    ['1990年1月31日', undefined, '1990年*月**日'],
    ['１９９０－０１－３１', undefined, '1990-**-**'],
    ['1990-01-31', { keepStart: 0 }, '****-**-**'],
    ['1990-01-31', { keepStart: 5, keepEnd: 0, char: '#' }, '1990-##-##'],
  ] as const)('masks %s %j', (value, options, expected) => {
    expect(birthDate.mask(value, options)).toBe(expected);
  });
});

describe('fast path for scanner input (digits and - / .)', () => {
  // Such strings are parsed without regexes; a leading space sends them through the regexes.
  const pieces = fc.constantFrom('1', '9', '0', '2', '19', '20', '31', '12', '-', '/', '.', '1990', '2024');
  const values = fc.array(pieces, { maxLength: 8 }).map((p) => p.join(''));

  it('validate and normalise answer as through the general path', () => {
    fc.assert(
      fc.property(fc.oneof(values, fc.stringMatching(/^[0-9./-]{0,12}$/)), (s) => {
        expect(v(s)).toEqual(v(` ${s}`));
        expect(birthDate.normalise(s)).toBe(birthDate.normalise(` ${s}`));
      }),
      { numRuns: 5000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { passport } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { cnPassport } from './cn-passport.ts';

const v = (value: string) => cnPassport.validate(value);

describe('CN_PASSPORT validate', () => {
  it.each([
    // value, kind, score
    ['E12345678', 'e-passport', 0.45],
    ['EF1260892', 'e-passport', 0.45], // 2017 form: E + letter + 7 digits
    ['ef1260892', 'e-passport', 0.45],
    ['Ｅ１２３４５６７８', 'e-passport', 0.45],
    ['E 1234 5678', 'e-passport', 0.45],
    ['G12345678', 'ordinary-legacy', 0.45],
    ['141234567', 'ordinary-legacy', 0.3],
    ['151234567', 'ordinary-legacy', 0.3],
    ['PE1234567', 'public-affairs', 0.4],
    ['P.1234567', 'public-affairs', 0.3],
    ['SE1234567', 'service', 0.4],
    ['S.1234567', 'service', 0.3],
    ['S12345678', 'service', 0.3],
    ['DE1234567', 'diplomatic', 0.4],
    ['MA1234567', 'msar', 0.4],
    ['K12345678', 'hksar', 0.4],
  ])('accepts %s (%s, %s)', (value, kind, score) => {
    expect(v(value)).toMatchObject({ valid: true, kind, score });
    expect(v(value).checks.find((c) => c.name === 'checksum')?.passed).toBeUndefined();
  });

  it.each([
    'EI1234567', // no I after E
    'EO1234567', // no O after E
    'E1234567',
    'E123456789',
    'G1234567',
    '161234567',
    '131234567',
    'XE1234567',
    'H12345678',
    '12345678',
    '',
  ])('rejects %s', (value) => {
    expect(v(value)).toMatchObject({ valid: false, reason: 'BAD_FORMAT', score: 0 });
  });

  it('accepts every generated number and normalises its variants alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const p = passport(mulberry32(seed));
        const r = v(p);
        expect(r.valid).toBe(true);
        const n = cnPassport.normalise(p);
        expect(cnPassport.normalise(n)).toBe(n);
        const fullWidth = p.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        for (const form of [fullWidth, p.toLowerCase(), `${p.slice(0, 3)} ${p.slice(3)}`]) {
          expect(cnPassport.normalise(form)).toBe(n);
          expect(v(form)).toBe(r);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('CN_PASSPORT mask', () => {
  it.each([
    ['E12345678', undefined, 'E1*****78'],
    ['EF1260892', undefined, 'EF*****92'],
    ['MA1234567', { keepStart: 1, keepEnd: 1 }, 'M*******7'],
  ] as const)('masks %s %j', (value, options, expected) => {
    expect(cnPassport.mask(value, options)).toBe(expected);
  });
});

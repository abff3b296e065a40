import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmtPermit } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { cnHmtPermit } from './cn-hmt-permit.ts';

const v = (value: string) => cnHmtPermit.validate(value);

describe('CN_HMT_PERMIT validate', () => {
  it.each([
    // value, kind, score
    ['H12345678', 'home-return-hk', 0.4],
    ['H1234567800', 'home-return-hk', 0.4], // with the 2-digit renewal count
    ['h12345678', 'home-return-hk', 0.4],
    ['M12345678', 'home-return-mo', 0.4],
    ['M1234567801', 'home-return-mo', 0.4],
    ['C12345678', 'eep-hk-mo', 0.4],
    ['CA0000001', 'eep-hk-mo', 0.4], // C + letter + 7 digits (from 2018-12)
    ['L12345678', 'eep-tw', 0.35],
    ['12345678', 'mtp-tw', 0.15], // 台胞证: digits only, context needed
    ['1234567890', 'mtp-tw-legacy', 0.1],
    ['Ｈ１２３４５６７８', 'home-return-hk', 0.4],
    ['H 1234 5678', 'home-return-hk', 0.4],
  ])('accepts %s (%s, %s)', (value, kind, score) => {
    expect(v(value)).toMatchObject({ valid: true, kind, score });
  });

  it.each([
    'H1234567',
    'H123456789', // 9 digits: neither 8 nor 10
    'CI1234567', // no I after C
    'CO1234567',
    'L1234567',
    'X12345678',
    '1234567',
    '123456789',
    '12345678901',
    '',
  ])('rejects %s', (value) => {
    expect(v(value)).toMatchObject({ valid: false, reason: 'BAD_FORMAT', score: 0 });
  });

  it('accepts every generated number and normalises its variants alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const p = hmtPermit(mulberry32(seed));
        const r = v(p);
        expect(r.valid).toBe(true);
        const n = cnHmtPermit.normalise(p);
        expect(cnHmtPermit.normalise(n)).toBe(n);
        const fullWidth = p.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        for (const form of [fullWidth, p.toLowerCase(), `${p.slice(0, 3)}-${p.slice(3)}`]) {
          expect(cnHmtPermit.normalise(form)).toBe(n);
          expect(v(form)).toBe(r);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('CN_HMT_PERMIT mask', () => {
  it.each([
    ['H1234567800', 'H1*******00'],
    ['CA0000001', 'CA*****01'],
    ['12345678', '12****78'],
  ])('masks %s', (value, expected) => {
    expect(cnHmtPermit.mask(value)).toBe(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moId as genMoId } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { moId } from './mo-id.ts';

const v = (value: string) => moId.validate(value);

describe('MO_ID validate', () => {
  it.each(['1234567(8)', '12345678', '5215299(8)', '7654321(0)', '１２３４５６７（８）', '1234567 (8)'])(
    'accepts %s (format only, low score)',
    (value) => {
      expect(v(value)).toMatchObject({ valid: true, score: 0.35 });
      expect(v(value).checks.find((c) => c.name === 'checksum')?.passed).toBeUndefined();
    },
  );

  it.each(['2234567(8)', '1234567(A)', '123456(7)', '123456789', 'A234567(8)', ''])('rejects %s', (value) => {
    expect(v(value)).toMatchObject({ valid: false, reason: 'BAD_FORMAT', score: 0 });
  });

  it('accepts every generated number and normalises its variants alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const id = genMoId(mulberry32(seed));
        expect(v(id).valid).toBe(true);
        const n = moId.normalise(id);
        expect(n).toMatch(/^[157]\d{7}$/);
        expect(moId.normalise(n)).toBe(n);
        const fullWidth = id.replace(/[0-9()]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(moId.normalise(fullWidth)).toBe(n);
        expect(moId.normalise(`${id.slice(0, 4)} ${id.slice(4)}`)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MO_ID mask', () => {
  it.each([
    ['1234567(8)', '1******(8)'],
    ['12345678', '1******8'],
  ])('masks %s', (value, expected) => {
    expect(moId.mask(value)).toBe(expected);
  });
});

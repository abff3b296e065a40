import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruptCheckChar, hkId as genHkId } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { hkId, hkIdCheckChar } from './hk-id.ts';

const v = (value: string) => hkId.validate(value);

describe('HK_ID validate', () => {
  it.each([
    'A123456(3)',
    'A1234563',
    'a123456(3)',
    'C123456(9)',
    'G123456(A)', // check value 10 written A
    'G123456(a)',
    'AB987654(3)', // two letters
    'XA000000(8)',
    'A 123456 (3)',
    'Ａ１２３４５６（３）', // full width, including the parentheses
  ])('accepts %s', (value) => {
    expect(v(value)).toMatchObject({ valid: true, score: 0.9 });
  });

  it.each([
    ['A123456(4)', 'BAD_CHECKSUM'],
    ['G123456(0)', 'BAD_CHECKSUM'],
    ['AB987654(2)', 'BAD_CHECKSUM'],
    ['A12345(3)', 'BAD_FORMAT'],
    ['ABC123456(3)', 'BAD_FORMAT'],
    ['1123456(3)', 'BAD_FORMAT'],
    ['A123456(B)', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
  ])('rejects %s: %s', (value, reason) => {
    expect(v(value)).toMatchObject({ valid: false, reason, score: 0 });
  });

  it('accepts every generated number, normalises its variants alike, rejects wrong check characters', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), (seed) => {
        const rng = mulberry32(seed);
        const id = genHkId(rng);
        const r = v(id);
        expect(r.valid).toBe(true);
        const n = hkId.normalise(id);
        expect(n).toMatch(/^[A-Z]{1,2}\d{6}[\dA]$/);
        expect(hkId.normalise(n)).toBe(n);
        const fullWidth = id.replace(/[0-9A-Z()]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        for (const form of [fullWidth, id.toLowerCase(), ` ${id} `]) {
          expect(hkId.normalise(form)).toBe(n);
          expect(v(form)).toBe(r);
        }
        expect(v(corruptCheckChar(id, rng))).toMatchObject({ valid: false, reason: 'BAD_CHECKSUM' });
      }),
      { numRuns: 500 },
    );
  });

  it('computes check characters', () => {
    expect(hkIdCheckChar('A123456')).toBe('3');
    expect(hkIdCheckChar('G123456')).toBe('A');
    expect(hkIdCheckChar('AB987654')).toBe('3');
    expect(() => hkIdCheckChar('A12345')).toThrow(RangeError);
  });
});

describe('HK_ID mask', () => {
  it.each([
    ['A123456(3)', undefined, 'A******(3)'],
    ['A1234563', undefined, 'A******3'],
    ['AB987654(3)', undefined, 'AB******(3)'],
    ['ａ１２３４５６（３）', undefined, 'A******(3)'],
    ['A123456(3)', { keepStart: 0, keepEnd: 0 }, '*******(*)'],
  ] as const)('masks %s %j', (value, options, expected) => {
    expect(hkId.mask(value, options)).toBe(expected);
  });
});

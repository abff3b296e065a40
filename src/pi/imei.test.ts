import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imei as synthImei } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { imei } from './imei.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('imei.validate', () => {
  it.each([
    ['490154203237518', 'imei', 0.5], // the example IMEI of 3GPP TS 23.003 Annex B
    ['49-015420-323751-8', 'imei', 0.5],
    ['49 015420 323751 8', 'imei', 0.5],
    ['４９０１５４２０３２３７５１８', 'imei', 0.5],
    ['4901542032375100', 'imeisv', 0.4],
    ['49015420323751', 'imei14', 0.3],
  ])('%s is %s (score %d)', (value, kind, score) => {
    expect(imei.validate(value)).toMatchObject({ valid: true, kind, score });
  });

  it('a 15-digit number failing Luhn is invalid with a trace of evidence', () => {
    const v = imei.validate('490154203237519');
    expect(v).toMatchObject({ valid: false, score: 0.1, reason: 'BAD_CHECKSUM', kind: 'imei' });
    expect(v.checks).toContainEqual({ name: 'luhn', passed: false });
  });

  it.each([['4901542032375199'], ['4901542032375'], ['49015420323751800'], ['49015420323751a'], ['']])(
    '%s is invalid',
    (value) => {
      expect(imei.validate(value).valid).toBe(false);
    },
  );
});

describe('imei properties', () => {
  it('generated IMEIs validate; normalise is idempotent and separator-blind', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const raw = synthImei(mulberry32(s));
        expect(imei.validate(raw)).toMatchObject({ valid: true, kind: 'imei' });
        const n = imei.normalise(raw);
        expect(n).toMatch(/^\d{15}$/);
        expect(imei.normalise(n)).toBe(n);
        expect(imei.normalise(`${n.slice(0, 2)} ${n.slice(2, 8)}/${n.slice(8, 14)}-${n.slice(14)}`)).toBe(n);
      }),
    );
  });

  it('every single-digit change of a generated IMEI fails Luhn', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const n = imei.normalise(synthImei(mulberry32(s)));
        for (let i = 0; i < 15; i++) {
          for (let d = 0; d <= 9; d++) {
            if (String(d) === n[i]) continue;
            const v = imei.validate(n.slice(0, i) + d + n.slice(i + 1));
            expect(v.valid).toBe(false);
            expect(v.checks).toContainEqual({ name: 'luhn', passed: false });
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('normalise is idempotent on anything', () => {
    fc.assert(fc.property(fc.string(), (s) => imei.normalise(imei.normalise(s)) === imei.normalise(s)));
  });
});

describe('imei.mask', () => {
  it.each([
    ['490154203237518', '49015420*****18'],
    ['49-015420-323751-8', '49-015420-*****1-8'],
  ])('%s → %s', (raw, masked) => {
    expect(imei.mask(raw)).toBe(masked);
  });

  it('honours options', () => {
    expect(imei.mask('490154203237518', { keepStart: 0, keepEnd: 4, char: '#' })).toBe('###########7518');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plate } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { cnLicensePlate } from './cn-license-plate.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('cnLicensePlate.validate', () => {
  it.each([
    ['京A12345', 'ordinary'],
    ['苏D40000', 'ordinary'],
    ['粤B8K2L9', 'ordinary'],
    ['京A·12345', 'ordinary'],
    ['京A-12345', 'ordinary'],
    ['京a 12345', 'ordinary'],
    ['京Ａ１２３４５', 'ordinary'],
    ['沪AD12345', 'new-energy'],
    ['沪AFA1234', 'new-energy'],
    ['粤B12345D', 'new-energy'],
    ['陕A12345D', 'new-energy'],
    ['京A1234学', 'special'],
    ['京A0001警', 'special'],
    ['鲁B1234挂', 'special'],
    ['粤Z1234港', 'special'],
    ['粤Z1234澳', 'special'],
    ['沪A1234领', 'special'],
    ['使014578', 'special'],
  ])('%s is a %s plate', (value, kind) => {
    expect(cnLicensePlate.validate(value)).toMatchObject({ valid: true, score: 0.8, kind });
  });

  it.each([
    ['京A1234', 'BAD_FORMAT'], // too short
    ['京A123456', 'BAD_FORMAT'], // 8 characters, not new energy
    ['京AABC12', 'BAD_FORMAT'], // three letters in the serial
    ['京AI2345', 'BAD_FORMAT'], // I is not a serial character
    ['京AO2345', 'BAD_FORMAT'], // nor O
    ['京112345', 'BAD_FORMAT'], // authority must be a letter
    ['港A12345', 'UNKNOWN_PROVINCE'],
    ['AA12345', 'UNKNOWN_PROVINCE'],
    ['沪AZ12345', 'BAD_FORMAT'], // Z is not an energy letter
    ['沪AD1234A', 'BAD_FORMAT'],
    ['使01457A', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
  ])('%s is invalid (%s)', (value, reason) => {
    expect(cnLicensePlate.validate(value)).toMatchObject({ valid: false, reason });
  });
});

describe('cnLicensePlate.normalise', () => {
  it('folds width, upper-cases and removes separators and middle dots', () => {
    expect(cnLicensePlate.normalise('京a·12345')).toBe('京A12345');
    expect(cnLicensePlate.normalise('京Ａ　１２３４５')).toBe('京A12345');
    expect(cnLicensePlate.normalise('沪A-D1234-5')).toBe('沪AD12345');
    expect(cnLicensePlate.normalise('粤B・12345D')).toBe('粤B12345D');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.string(),
        (s) => cnLicensePlate.normalise(cnLicensePlate.normalise(s)) === cnLicensePlate.normalise(s),
      ),
    );
  });

  it('generated plates validate and survive separator variants', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const raw = plate(mulberry32(s));
        expect(cnLicensePlate.validate(raw).valid).toBe(true);
        const n = cnLicensePlate.normalise(raw);
        expect(cnLicensePlate.normalise(n.slice(0, 2) + ' · ' + n.slice(2).toLowerCase())).toBe(n);
        expect(cnLicensePlate.normalise(n.slice(0, 2) + '-' + n.slice(2))).toBe(n);
      }),
    );
  });
});

describe('cnLicensePlate.mask', () => {
  it.each([
    ['苏D40000', '苏D4***0'],
    ['陕A12345D', '陕A1****D'],
    ['京A·12345', '京A·1***5'],
    ['粤Z1234港', '粤Z1***港'],
    ['京A1234', '京A1234'], // Hutool leaves other lengths alone
  ])('%s → %s', (raw, masked) => {
    expect(cnLicensePlate.mask(raw)).toBe(masked);
  });

  it('honours options', () => {
    expect(cnLicensePlate.mask('苏D40000', { keepStart: 2, keepEnd: 0, char: '#' })).toBe('苏D#####');
  });
});

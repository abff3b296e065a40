import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { landline } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { areaCodeOf, cnLandline } from './cn-landline.ts';
import { AREA_CODES } from './data/area-codes.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('area-code table', () => {
  it('covers the big cities and every province', () => {
    for (const code of ['010', '020', '021', '022', '023', '024', '025', '027', '028', '029']) {
      expect(AREA_CODES.has(code)).toBe(true);
    }
    expect(AREA_CODES.has('026')).toBe(false);
    expect(AREA_CODES.get('0755')).toMatchObject({ province: '广东', city: '深圳' });
    expect(AREA_CODES.get('0732')).toMatchObject({ province: '湖南', historical: true });
    const provinces = new Set([...AREA_CODES.values()].map((v) => v.province));
    expect(provinces.size).toBe(31);
    for (const code of AREA_CODES.keys()) expect(code).toMatch(/^0(?:10|2\d|[3-9]\d\d)$/);
  });
});

describe('cnLandline.validate', () => {
  it.each([
    ['010-62345678', '01062345678'],
    ['(010)62345678', '01062345678'],
    ['（０１０）６２３４５６７８', '01062345678'],
    ['010 6234 5678', '01062345678'],
    ['0755-2345678', '07552345678'],
    ['0755-23456789', '075523456789'],
    ['(0755)2345-6789', '075523456789'],
    ['+86 10 6234 5678', '01062345678'],
    ['+86-755-23456789', '075523456789'],
    ['0086 20 87654321', '02087654321'],
    ['+86 (0)10 62345678', '01062345678'],
    ['0898-66123456', '089866123456'],
    ['010-62345678转123', '01062345678-123'],
    ['010-62345678-分机123', '01062345678-123'],
    ['010-62345678 ext. 123', '01062345678-123'],
    ['010-62345678x123', '01062345678-123'],
    ['010-62345678-123', '01062345678-123'],
    ['0755-2345678-12', '07552345678-12'],
  ])('%s is a fixed line (→ %s)', (raw, normalised) => {
    expect(cnLandline.validate(raw)).toMatchObject({ valid: true, score: 0.55, kind: 'fixed' });
    expect(cnLandline.normalise(raw)).toBe(normalised);
    expect(cnLandline.validate(normalised).valid).toBe(true);
  });

  it.each([['400-123-4567'], ['4001234567'], ['800-810-1234'], ['400 123 4567 转 8']])(
    '%s is a service number',
    (raw) => {
      expect(cnLandline.validate(raw)).toMatchObject({ valid: true, score: 0.3, kind: 'service' });
    },
  );

  it.each([
    ['0260-1234567', 'UNKNOWN_AREA_CODE'],
    ['026-12345678', 'UNKNOWN_AREA_CODE'],
    ['0111-2345678', 'UNKNOWN_AREA_CODE'],
    ['0000-2345678', 'UNKNOWN_AREA_CODE'],
    ['0401-2345678', 'UNKNOWN_AREA_CODE'],
    ['010-02345678', 'BAD_LOCAL_NUMBER'],
    ['010-12345678', 'BAD_LOCAL_NUMBER'],
    ['0755-1234567', 'BAD_LOCAL_NUMBER'],
    ['62345678', 'BAD_FORMAT'],
    ['13812345678', 'BAD_FORMAT'],
    ['010-623456', 'BAD_FORMAT'],
    ['010-623456789', 'BAD_FORMAT'],
    ['010-6234a678', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
  ])('%s is invalid (%s)', (raw, reason) => {
    const v = cnLandline.validate(raw);
    expect(v.valid).toBe(false);
    expect(v.reason).toBe(reason);
  });

  it('does not take a mobile number with a trunk 0 for a landline', () => {
    expect(cnLandline.validate('013812345678').valid).toBe(false);
  });
});

describe('areaCodeOf', () => {
  it('names the area', () => {
    expect(areaCodeOf('(0755)2345-6789')).toMatchObject({ code: '0755', province: '广东', city: '深圳' });
    expect(areaCodeOf('+86 10 6234 5678')).toMatchObject({ code: '010', city: '北京' });
    expect(areaCodeOf('400-123-4567')).toBeUndefined();
    expect(areaCodeOf('0260-1234567')).toBeUndefined();
  });
});

describe('cnLandline.normalise', () => {
  it('is idempotent on anything', () => {
    fc.assert(
      fc.property(
        fc.string(),
        (s) => cnLandline.normalise(cnLandline.normalise(s)) === cnLandline.normalise(s),
      ),
    );
  });

  it('generated numbers validate, with and without extensions, and normalise idempotently', () => {
    fc.assert(
      fc.property(seed, fc.boolean(), (s, extension) => {
        const raw = landline(mulberry32(s), { extension });
        const v = cnLandline.validate(raw);
        expect(v.valid).toBe(true);
        const n = cnLandline.normalise(raw);
        expect(cnLandline.normalise(n)).toBe(n);
        expect(n.includes('-')).toBe(extension);
      }),
    );
  });

  it('variant forms normalise to the same value', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const n = cnLandline.normalise(landline(mulberry32(s)));
        const area = areaCodeOf(n)!.code;
        const local = n.slice(area.length);
        const variants = [
          `${area}-${local}`,
          `(${area})${local}`,
          `+86 ${area.slice(1)} ${local}`,
          `0086-${area.slice(1)}-${local}`,
          `${area} ${local.slice(0, 4)} ${local.slice(4)}`,
          n.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
        ];
        for (const v of variants) expect(cnLandline.normalise(v)).toBe(n);
      }),
    );
  });
});

describe('cnLandline.mask', () => {
  it.each([
    ['010-62345678', '010-******78'],
    ['(0755)2345-6789', '(0755)****-**89'],
    ['+86 10 6234 5678', '+86 10 **** **78'],
    ['010-62345678转123', '010-******78转123'],
    ['400-123-4567', '400-***-**67'],
    ['09157518479', '0915*****79'],
  ])('%s → %s', (raw, masked) => {
    expect(cnLandline.mask(raw)).toBe(masked);
  });

  it('falls back to Hutool fixedPhone (first 4, last 2) on unparseable input', () => {
    expect(cnLandline.mask('62345678')).toBe('6234**78');
  });

  it('honours options', () => {
    expect(cnLandline.mask('010-62345678', { keepStart: 0, keepEnd: 0, char: '#' })).toBe('###-########');
  });
});

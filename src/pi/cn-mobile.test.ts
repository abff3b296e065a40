import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mobile, unallocatedMobileLike } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { cnMobile, mobileCarrier } from './cn-mobile.ts';
import { countSelected, maskSelected } from './text.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('cnMobile.validate', () => {
  it.each([
    ['13812345678', 'china-mobile'],
    ['13012345678', 'china-unicom'],
    ['13312345678', 'china-telecom'],
    ['13412345678', 'china-mobile'],
    ['13492345678', 'satellite'],
    ['14612345678', 'iot-data'],
    ['14812345678', 'iot-data'],
    ['14912345678', 'iot-data'],
    ['15312345678', 'china-telecom'],
    ['16212345678', 'mvno'],
    ['16512345678', 'mvno'],
    ['16612345678', 'china-unicom'],
    ['16712345678', 'mvno'],
    ['16192345678', 'satellite'],
    ['17012345678', 'mvno'],
    ['17112345678', 'mvno'],
    ['17212345678', 'iot-data'],
    ['17401345678', 'satellite'],
    ['17411345678', 'satellite'],
    ['17491345678', 'satellite'],
    ['17812345678', 'china-mobile'],
    ['18912345678', 'china-telecom'],
    ['19212345678', 'china-broadnet'],
    ['19912345678', 'china-telecom'],
  ])('%s is valid (%s)', (value, kind) => {
    const v = cnMobile.validate(value);
    expect(v).toMatchObject({ valid: true, score: 0.6, kind });
    expect(v.checks).toContainEqual({ name: 'prefix', passed: true });
  });

  it.each([
    ['15412345678', 'UNALLOCATED_PREFIX'],
    ['14012345678', 'UNALLOCATED_PREFIX'],
    ['14412345678', 'UNALLOCATED_PREFIX'],
    ['10012345678', 'BAD_FORMAT'],
    ['11012345678', 'BAD_FORMAT'],
    ['12012345678', 'BAD_FORMAT'],
    ['16012345678', 'UNALLOCATED_PREFIX'],
    ['16102345678', 'UNALLOCATED_PREFIX'],
    ['16312345678', 'UNALLOCATED_PREFIX'],
    ['17421345678', 'UNALLOCATED_PREFIX'],
    ['17413345678', 'UNALLOCATED_PREFIX'],
    ['17912345678', 'UNALLOCATED_PREFIX'],
    ['19412345678', 'UNALLOCATED_PREFIX'],
    ['1381234567', 'BAD_FORMAT'],
    ['138123456789', 'BAD_FORMAT'],
    ['1381234567a', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
    ['23812345678', 'BAD_FORMAT'],
  ])('%s is invalid (%s)', (value, reason) => {
    const v = cnMobile.validate(value);
    expect(v.valid).toBe(false);
    expect(v.score).toBe(0);
    expect(v.reason).toBe(reason);
  });

  it('accepts 13-digit IoT numbers 140–144 as kind iot with a low score', () => {
    expect(cnMobile.validate('1440123456789')).toMatchObject({ valid: true, score: 0.3, kind: 'iot' });
    expect(cnMobile.validate('1400123456789')).toMatchObject({ valid: true, kind: 'iot' });
    expect(cnMobile.validate('1380123456789').valid).toBe(false);
  });

  it('reasons never contain the value', () => {
    for (const v of ['15412345678', '1381234567', '10012345678']) {
      expect(cnMobile.validate(v).reason).not.toContain(v);
    }
  });
});

describe('cnMobile.normalise', () => {
  it.each([
    ['+86 139 1234 5678', '13912345678'],
    ['+86-139-1234-5678', '13912345678'],
    ['(+86)13912345678', '13912345678'],
    ['0086 13912345678', '13912345678'],
    ['8613912345678', '13912345678'],
    ['013912345678', '13912345678'],
    ['１３９１２３４５６７８', '13912345678'],
    ['139 1234 5678', '13912345678'],
    ['139-1234-5678', '13912345678'],
    ['+86 1440 1234 56789', '1440123456789'],
  ])('%s → %s', (raw, expected) => {
    expect(cnMobile.normalise(raw)).toBe(expected);
    expect(cnMobile.validate(raw).valid).toBe(true);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (s) => cnMobile.normalise(cnMobile.normalise(s)) === cnMobile.normalise(s)),
    );
  });

  it('maps every written form of a generated number to the same value', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const plain = mobile(mulberry32(s), { format: 'plain' });
        const forms = (['spaced', 'dashed', '+86'] as const).map((format) =>
          mobile(mulberry32(s), { format }),
        );
        const wide = plain.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
        for (const f of [...forms, wide, '0086' + plain, '86' + plain]) {
          expect(cnMobile.normalise(f)).toBe(plain);
        }
      }),
    );
  });
});

describe('generated values', () => {
  it('synthetic mobiles validate in every format', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const v = cnMobile.validate(mobile(mulberry32(s)));
        expect(v.valid).toBe(true);
        expect(v.score).toBe(0.6);
      }),
    );
  });

  it('unallocated look-alikes never validate', () => {
    fc.assert(fc.property(seed, (s) => !cnMobile.validate(unallocatedMobileLike(mulberry32(s))).valid));
  });
});

describe('mobileCarrier', () => {
  it('names the original carrier, including MVNO hosts', () => {
    expect(mobileCarrier('13812345678')).toBe('china-mobile');
    expect(mobileCarrier('17001345678')).toBe('china-telecom');
    expect(mobileCarrier('17031345678')).toBe('china-mobile');
    expect(mobileCarrier('17041345678')).toBe('china-unicom');
    expect(mobileCarrier('+86 192 1234 5678')).toBe('china-broadnet');
    expect(mobileCarrier('16191345678')).toBe('china-satnet');
    expect(mobileCarrier('17491345678')).toBe('other');
    expect(mobileCarrier('15412345678')).toBeUndefined();
  });
});

describe('cnMobile.mask', () => {
  it.each([
    ['18049531999', '180****1999'],
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138 **** 5678'],
    ['+86 139 1234 5678', '+86 139 **** 5678'],
    ['0086-139-1234-5678', '0086-139-****-5678'],
    ['１３８１２３４５６７８', '１３８****５６７８'],
  ])('%s → %s', (raw, masked) => {
    expect(cnMobile.mask(raw)).toBe(masked);
  });

  it('honours keepStart, keepEnd and char', () => {
    expect(cnMobile.mask('13812345678', { keepStart: 0, keepEnd: 2, char: '#' })).toBe('#########78');
    expect(cnMobile.mask('13812345678', { keepStart: 6, keepEnd: 6 })).toBe('***********');
  });

  it('never shows the middle four digits of a generated number', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const raw = mobile(mulberry32(s));
        const n = cnMobile.normalise(raw);
        const masked = cnMobile.mask(raw);
        expect(masked.replace(/[^0-9*]/g, '').slice(-11)).toBe(n.slice(0, 3) + '****' + n.slice(7));
      }),
    );
  });
});

describe('maskSelected', () => {
  it('masks only selected characters, in place', () => {
    const digit = (c: number) => c >= 48 && c <= 57;
    expect(maskSelected('a1-2-3b', digit, 1, 2)).toBe('a1-*-3b');
  });

  it('counts and masks code points as a for…of walk does (surrogates, full-width)', () => {
    const select = (c: number) => (c >= 48 && c <= 57) || (c >= 0xff10 && c <= 0xff19) || c === 0x2000b;
    const byCodePoints = (value: string, from: number, to: number) => {
      let out = '';
      let i = 0;
      for (const ch of value) {
        if (select(ch.codePointAt(0)!)) {
          out += i >= from && i < to ? '#' : ch;
          i++;
        } else out += ch;
      }
      return out;
    };
    const piece = fc.constantFrom('1', '9', 'a', '-', '１', '𠀋', '\ud840', '\udc0b', '伟', ' ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 16 }), fc.nat(12), fc.nat(12), (parts, a, b) => {
        const value = parts.join('');
        expect(maskSelected(value, select, a, b, '#')).toBe(byCodePoints(value, a, b));
        expect(countSelected(value, select)).toBe(
          [...value].filter((ch) => select(ch.codePointAt(0)!)).length,
        );
      }),
      { numRuns: 5000 },
    );
  });
});

describe('cnMobile metadata', () => {
  it('has context words and field names', () => {
    expect(cnMobile.id).toBe('CN_MOBILE');
    expect(cnMobile.context.raise).toContain('手机号');
    expect(cnMobile.context.lower).toContain('订单');
    expect(cnMobile.fieldNames).toContain('sjhm');
    for (const f of cnMobile.fieldNames) expect(f).toBe(f.toLowerCase());
  });
});

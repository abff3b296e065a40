import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFf1 } from './ff1.ts';

const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const AES128 = '2b7e151628aed2a6abf7158809cf4f3c';
const AES256 = '2b7e151628aed2a6abf7158809cf4f3cef4359d8d580aa4f7f036d6f04fc6a94';

// NIST SP 800-38G FF1 samples (csrc.nist.gov, "FF1samples.pdf"): samples 1–3 (AES-128) and 7–9 (AES-256).
const SAMPLES = [
  { n: 1, key: AES128, radix: 10, tweak: '', pt: '0123456789', ct: '2433477484' },
  { n: 2, key: AES128, radix: 10, tweak: '39383736353433323130', pt: '0123456789', ct: '6124200773' },
  {
    n: 3,
    key: AES128,
    radix: 36,
    tweak: '3737373770717273373737',
    pt: '0123456789abcdefghi',
    ct: 'a9tv40mll9kdu509eum',
  },
  { n: 7, key: AES256, radix: 10, tweak: '', pt: '0123456789', ct: '6657667009' },
  { n: 8, key: AES256, radix: 10, tweak: '39383736353433323130', pt: '0123456789', ct: '1001623463' },
  {
    n: 9,
    key: AES256,
    radix: 36,
    tweak: '3737373770717273373737',
    pt: '0123456789abcdefghi',
    ct: 'xs8a0azh2avyalyzuwd',
  },
];

describe('FF1 (NIST SP 800-38G)', () => {
  for (const s of SAMPLES) {
    it(`matches NIST sample ${s.n} (AES-${s.key.length * 4}, radix ${s.radix}) both ways`, () => {
      const f = createFf1(bytes(s.key), bytes(s.tweak), s.radix);
      expect(f.encrypt(s.pt)).toBe(s.ct);
      expect(f.decrypt(s.ct)).toBe(s.pt);
    });
  }

  it('is a permutation of same-length digit strings', () => {
    const f = createFf1(new Uint8Array(32).fill(3), new TextEncoder().encode('scope'));
    fc.assert(
      fc.property(fc.stringMatching(/^\d{6,20}$/), (digits) => {
        const c = f.encrypt(digits);
        expect(c).toMatch(new RegExp(`^\\d{${digits.length}}$`));
        expect(f.decrypt(c)).toBe(digits);
      }),
    );
  });

  it('keeps its own key copy: zeroing the caller’s array changes nothing, destroy() stops it', () => {
    const key = new Uint8Array(16).fill(5);
    const f = createFf1(key);
    const before = f.encrypt('1234567890');
    key.fill(0);
    expect(f.encrypt('1234567890')).toBe(before);
    f.destroy();
    expect(() => f.encrypt('1234567890')).toThrow(expect.objectContaining({ code: 'KEY_DESTROYED' }));
  });

  it('enforces the 10^6 minimum domain, the radix alphabet and AES key lengths', () => {
    const f = createFf1(new Uint8Array(16));
    expect(() => f.encrypt('12345')).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(() => f.encrypt('123456')).not.toThrow();
    expect(() => f.encrypt('12345a')).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    expect(() => createFf1(new Uint8Array(20))).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
    expect(() => createFf1(new Uint8Array(16), new Uint8Array(0), 37)).toThrow(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });
});

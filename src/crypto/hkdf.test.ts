import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hkdf, hkdfExpandWith } from './hkdf.ts';
import { hmac } from './suite.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const range = (from: number, to: number): Uint8Array =>
  Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

// RFC 5869 Appendix A, test cases 1–3 (HKDF-SHA256).
const RFC5869 = [
  {
    name: '1 (basic)',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: range(0x00, 0x0c),
    info: range(0xf0, 0xf9),
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
  },
  {
    name: '2 (long inputs)',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244',
    okm:
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
      'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
  },
  {
    name: '3 (empty salt and info)',
    ikm: new Uint8Array(22).fill(0x0b),
    salt: new Uint8Array(0),
    info: new Uint8Array(0),
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04',
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
  },
];

describe('HKDF-SHA256 (RFC 5869)', () => {
  it.each(RFC5869)('test case $name', ({ ikm, salt, info, length, okm }) => {
    expect(hex(hkdf('intl', ikm, salt, info, length))).toBe(okm);
  });

  it.each(RFC5869)(
    'hkdfExpandWith reproduces case $name from its PRK',
    async ({ prk, info, length, okm }) => {
      const prf = async (data: Uint8Array): Promise<Uint8Array> =>
        createHmac('sha256', bytes(prk)).update(data).digest();
      expect(hex(await hkdfExpandWith(prf, info, length))).toBe(okm);
    },
  );

  it('rejects lengths outside 1..8160 with a typed error', () => {
    for (const n of [0, -1, 1.5, 8161]) {
      expect(() => hkdf('intl', new Uint8Array(32), new Uint8Array(0), 'x', n)).toThrow(
        expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
      );
    }
  });

  it('rejects info longer than 1024 bytes with a typed error', () => {
    expect(() => hkdf('intl', new Uint8Array(32), new Uint8Array(0), 'x'.repeat(1025), 32)).toThrow(
      expect.objectContaining({ code: 'INVALID_LABEL' }),
    );
  });
});

describe('HKDF-SM3', () => {
  /** RFC 5869 written out over our HMAC-SM3 (itself checked against a hand-built RFC 2104). */
  function handHkdfSm3(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    const prk = hmac('gm', salt.length > 0 ? salt : new Uint8Array(32), ikm);
    const out: number[] = [];
    let t = new Uint8Array(0);
    for (let i = 1; out.length < length; i++) {
      t = new Uint8Array(hmac('gm', prk, Buffer.concat([t, info, Uint8Array.of(i)])));
      out.push(...t);
    }
    return Uint8Array.from(out.slice(0, length));
  }

  it('matches RFC 5869 written out over HMAC-SM3', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 1, max: 200 }),
        (ikm, salt, info, length) => {
          expect(hex(hkdf('gm', ikm, salt, info, length))).toBe(hex(handHkdfSm3(ikm, salt, info, length)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('differs from HKDF-SHA256 for the same inputs', () => {
    const ikm = new Uint8Array(32).fill(7);
    expect(hex(hkdf('gm', ikm, new Uint8Array(0), 'l', 32))).not.toBe(
      hex(hkdf('intl', ikm, new Uint8Array(0), 'l', 32)),
    );
  });
});

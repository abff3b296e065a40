import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { digestName, hash, hmac, isSuite } from './suite.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** RFC 2104 built by hand over a hash function, independent of Node's HMAC. */
function handHmac(algorithm: string, blockSize: number, key: Uint8Array, data: Uint8Array): Uint8Array {
  let k = Buffer.from(key);
  if (k.length > blockSize) k = createHash(algorithm).update(k).digest();
  const k0 = Buffer.alloc(blockSize);
  k.copy(k0);
  const ipad = Buffer.from(k0.map((b) => b ^ 0x36));
  const opad = Buffer.from(k0.map((b) => b ^ 0x5c));
  const inner = createHash(algorithm).update(ipad).update(data).digest();
  return createHash(algorithm).update(opad).update(inner).digest();
}

describe('SM3 (GB/T 32905 examples)', () => {
  it('hashes "abc"', () => {
    expect(hex(hash('gm', 'abc'))).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
  });
  it('hashes the 64-byte "abcd"×16 message', () => {
    expect(hex(hash('gm', 'abcd'.repeat(16)))).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });
});

describe('HMAC-SHA256 (RFC 4231)', () => {
  const rep = (byte: number, n: number): Uint8Array => new Uint8Array(n).fill(byte);
  const cases: [string, Uint8Array, Uint8Array | string, string][] = [
    ['1', rep(0x0b, 20), 'Hi There', 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [
      '2',
      Buffer.from('Jefe'),
      'what do ya want for nothing?',
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    ],
    ['3', rep(0xaa, 20), rep(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [
      '4',
      bytes('0102030405060708090a0b0c0d0e0f10111213141516171819'),
      rep(0xcd, 50),
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    ],
    [
      '6',
      rep(0xaa, 131),
      'Test Using Larger Than Block-Size Key - Hash Key First',
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    ],
    [
      '7',
      rep(0xaa, 131),
      'This is a test using a larger than block-size key and a larger than block-size data. ' +
        'The key needs to be hashed before being used by the HMAC algorithm.',
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  it.each(cases)('test case %s', (_n, key, data, expected) => {
    expect(hex(hmac('intl', key, data))).toBe(expected);
  });
  it('test case 5 (truncated to 128 bits)', () => {
    const mac = hmac('intl', rep(0x0c, 20), 'Test With Truncation');
    expect(hex(mac.subarray(0, 16))).toBe('a3b6167473100ee06e0c796c2955552b');
  });
});

describe('HMAC-SM3', () => {
  it('matches RFC 2104 built by hand over SM3, for any key and message', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.uint8Array({ maxLength: 300 }),
        (key, data) => {
          expect(hex(hmac('gm', key, data))).toBe(hex(handHmac('sm3', 64, key, data)));
        },
      ),
    );
  });
  it('the hand construction is sound: it reproduces RFC 4231 case 2 over SHA-256', () => {
    const mac = handHmac('sha256', 64, Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'));
    expect(hex(mac)).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('suites', () => {
  it('maps suites to digests and rejects others with a typed error', () => {
    expect(digestName('intl')).toBe('sha256');
    expect(digestName('gm')).toBe('sm3');
    expect(isSuite('gm')).toBe(true);
    expect(isSuite('sha256')).toBe(false);
    try {
      digestName('md5' as never);
      expect.unreachable();
    } catch (e) {
      expect(isCryptoError(e, 'UNSUPPORTED_SUITE')).toBe(true);
    }
  });
  it('refuses an empty HMAC key', () => {
    expect(() => hmac('intl', new Uint8Array(0), 'x')).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
  });
});

import { createCipheriv, createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import { sm4 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { AEAD_MAX_PLAINTEXT, type AeadSuite, aeadSuite, createAeadSuite } from './aead-suite.ts';
import { isCryptoError } from './errors.ts';
import type { Suite } from './suite.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
/** A random source that returns `nonce` once, so a vector's IV goes through the real encrypt path. */
const fixedNonce = (nonce: string) => () => bytes(nonce);

function expectDecryptFailed(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isCryptoError(e, 'DECRYPT_FAILED')).toBe(true);
    return;
  }
  expect.unreachable('expected DECRYPT_FAILED');
}

// NIST CAVP GCM test vectors, gcmEncryptExtIV256.rsp, [Keylen = 256] [IVlen = 96] [Taglen = 128]
// (https://csrc.nist.gov/projects/cryptographic-algorithm-validation-program, gcmtestvectors.zip).
const NIST_GCM_256 = [
  {
    name: 'PTlen 128, AADlen 128, Count 0',
    key: '92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b',
    iv: 'ac93a1a6145299bde902f21a',
    pt: '2d71bcfa914e4ac045b2aa60955fad24',
    aad: '1e0889016f67601c8ebea4943bc23ad6',
    ct: '8995ae2e6df3dbf96fac7b7137bae67f',
    tag: 'eca5aa77d51d4a0a14d9c51e1da474ab',
  },
  {
    name: 'PTlen 128, AADlen 128, Count 1',
    key: '7da3bccaffb3464178ca7c722379836db50ce0bfb47640b9572163865332e486',
    iv: 'c04fd2e701c3dc62b68738b3',
    pt: 'fd671cab1ee21f0df6bb610bf94f0e69',
    aad: 'fec0311013202e4ffdc4204926ae0ddf',
    ct: '6be61b17b7f7d494a7cdf270562f37ba',
    tag: '5e702a38323fe1160b780d17adad3e96',
  },
  {
    name: 'PTlen 128, AADlen 160, Count 0',
    key: '83688deb4af8007f9b713b47cfa6c73e35ea7a3aa4ecdb414dded03bf7a0fd3a',
    iv: '0b459724904e010a46901cf3',
    pt: '33d893a2114ce06fc15d55e454cf90c3',
    aad: '794a14ccd178c8ebfd1379dc704c5e208f9d8424',
    ct: 'cc66bee423e3fcd4c0865715e9586696',
    tag: '0fb291bd3dba94a1dfd8b286cfb97ac5',
  },
  {
    name: 'PTlen 128, AADlen 384, Count 0',
    key: 'e4fed339c7b0cd267305d11ab0d5c3273632e8872d35bdc367a1363438239a35',
    iv: '0365882cf75432cfd23cbd42',
    pt: 'fff39a087de39a03919fbd2f2fa5f513',
    aad: '8a97d2af5d41160ac2ff7dd8ba098e7aa4d618f0f455957d6a6d0801796747ba57c32dfbaaaf15176528fe3a0e4550c9',
    ct: '8d9e68f03f7e5f4a0ffaa7650d026d08',
    tag: '3554542c478c0635285a61d1b51f6afa',
  },
  {
    name: 'PTlen 0, AADlen 128, Count 0',
    key: '78dc4e0aaf52d935c3c01eea57428f00ca1fd475f5da86a49c8dd73d68c8e223',
    iv: 'd79cf22d504cc793c3fb6c8a',
    pt: '',
    aad: 'b96baa8c1c75a671bfb2d08d06be5f36',
    ct: '',
    tag: '3e5d486aa2e30b22e040b85723a06e76',
  },
];

// RFC 8998 Appendix A.1, SM4-GCM.
const RFC8998_A1 = {
  key: '0123456789abcdeffedcba9876543210',
  iv: '00001234567800000000abcd',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  pt:
    'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd' +
    'eeeeeeeeeeeeeeeeffffffffffffffffeeeeeeeeeeeeeeeeaaaaaaaaaaaaaaaa',
  ct:
    '17f399f08c67d5ee19d0dc9969c4bb7d5fd46fd3756489069157b282bb200735' +
    'd82710ca5c22f0ccfa7cbf93d496ac15a56834cbcf98c397b4024a2691233b8d',
  tag: '83de3541e4c2b58177e065a9bf7b62ec',
};

describe('intl: AES-256-GCM', () => {
  for (const v of NIST_GCM_256) {
    it(`matches NIST CAVP gcmEncryptExtIV256 (${v.name}) and decrypts it back`, () => {
      const suite = createAeadSuite('intl', fixedNonce(v.iv));
      const sealed = suite.encrypt(bytes(v.key), bytes(v.pt), bytes(v.aad));
      expect(hex(sealed)).toBe(v.iv + v.ct + v.tag);
      expect(hex(suite.decrypt(bytes(v.key), sealed, bytes(v.aad)))).toBe(v.pt);
    });
  }
});

describe('gm: SM4-GCM', () => {
  it('matches RFC 8998 A.1 and decrypts it back', () => {
    const suite = createAeadSuite('gm', fixedNonce(RFC8998_A1.iv));
    const k = bytes(RFC8998_A1.key);
    const sealed = suite.encrypt(k, bytes(RFC8998_A1.pt), bytes(RFC8998_A1.aad));
    expect(hex(sealed)).toBe(RFC8998_A1.iv + RFC8998_A1.ct + RFC8998_A1.tag);
    expect(hex(suite.decrypt(k, sealed, bytes(RFC8998_A1.aad)))).toBe(RFC8998_A1.pt);
  });
});

describe('SM4 block cipher (GB/T 32907-2016 Appendix A)', () => {
  const key = bytes('0123456789abcdeffedcba9876543210');

  it('encrypts the standard example to 681edf34… natively and in sm-crypto-v2', () => {
    const native = createCipheriv('sm4-ecb', key, null).setAutoPadding(false).update(key);
    expect(hex(native)).toBe('681edf34d206965e86b3e94f536e4246');
    expect(hex(sm4.encrypt(key, key, { padding: 'none', output: 'array' }))).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  it('gives 595298c7… after 1,000,000 encryptions (example 2)', { timeout: 60_000 }, () => {
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    let block: Uint8Array = key;
    for (let i = 0; i < 1_000_000; i++) block = cipher.update(block);
    expect(hex(block)).toBe('595298c7c6fd271f0402f804c33d3f66');
  });
});

const SUITES: readonly Suite[] = ['intl', 'gm'];
const keyFor = (s: AeadSuite) => fc.uint8Array({ minLength: s.keyLength, maxLength: s.keyLength });

describe.each(SUITES)('%s suite', (name) => {
  const suite = aeadSuite(name);

  it('round-trips any plaintext and AAD, with nonce ‖ ct ‖ tag framing', () => {
    fc.assert(
      fc.property(
        keyFor(suite),
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 64 }),
        (k, pt, aad) => {
          const sealed = suite.encrypt(k, pt, aad);
          expect(sealed.length).toBe(12 + pt.length + 16);
          expect(hex(suite.decrypt(k, sealed, aad))).toBe(hex(pt));
        },
      ),
    );
  });

  it('uses a fresh nonce each time', () => {
    const k = new Uint8Array(suite.keyLength).fill(7);
    const a = suite.encrypt(k, new Uint8Array(8), new Uint8Array(0));
    const b = suite.encrypt(k, new Uint8Array(8), new Uint8Array(0));
    expect(hex(a.subarray(0, 12))).not.toBe(hex(b.subarray(0, 12)));
  });

  it('fails with DECRYPT_FAILED on any bit flip in nonce, ciphertext or tag', () => {
    fc.assert(
      fc.property(
        keyFor(suite),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(),
        fc.nat({ max: 7 }),
        (k, pt, at, bit) => {
          const sealed = suite.encrypt(k, pt, Uint8Array.of(1, 2, 3));
          const i = at % sealed.length;
          sealed[i] = sealed[i]! ^ (1 << bit);
          expectDecryptFailed(() => suite.decrypt(k, sealed, Uint8Array.of(1, 2, 3)));
        },
      ),
    );
  });

  it('fails with DECRYPT_FAILED for another AAD, another key, or a truncated input', () => {
    fc.assert(
      fc.property(
        keyFor(suite),
        keyFor(suite),
        fc.uint8Array({ maxLength: 32 }),
        fc.uint8Array(),
        (k1, k2, aad1, aad2) => {
          const sealed = suite.encrypt(k1, Uint8Array.of(42), aad1);
          if (hex(aad1) !== hex(aad2)) expectDecryptFailed(() => suite.decrypt(k1, sealed, aad2));
          if (hex(k1) !== hex(k2)) expectDecryptFailed(() => suite.decrypt(k2, sealed, aad1));
          expectDecryptFailed(() => suite.decrypt(k1, sealed.subarray(0, sealed.length - 1), aad1));
        },
      ),
    );
    expectDecryptFailed(() =>
      suite.decrypt(new Uint8Array(suite.keyLength), new Uint8Array(27), new Uint8Array(0)),
    );
  });

  it('refuses a wrong-length key and an oversized plaintext', () => {
    expect(() => suite.encrypt(new Uint8Array(24), new Uint8Array(1), new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
    const big = new Uint8Array(AEAD_MAX_PLAINTEXT + 1);
    expect(() => suite.encrypt(new Uint8Array(suite.keyLength), big, new Uint8Array(0))).toThrow(
      expect.objectContaining({ code: 'PLAINTEXT_TOO_LARGE' }),
    );
  });
});

describe('key input', () => {
  it('accepts a secret KeyObject as well as bytes, with the same output', () => {
    for (const [name, v] of [
      ['intl', NIST_GCM_256[0]!],
      ['gm', RFC8998_A1],
    ] as const) {
      const suite = createAeadSuite(name, fixedNonce(v.iv));
      const sealed = suite.encrypt(createSecretKey(bytes(v.key)), bytes(v.pt), bytes(v.aad));
      expect(hex(sealed)).toBe(v.iv + v.ct + v.tag);
      expect(hex(suite.decrypt(createSecretKey(bytes(v.key)), sealed, bytes(v.aad)))).toBe(v.pt);
    }
    expect(() =>
      aeadSuite('intl').encrypt(createSecretKey(new Uint8Array(16)), new Uint8Array(1), new Uint8Array(0)),
    ).toThrow(expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }));
  });
});

describe('createAeadSuite', () => {
  it('refuses unknown suites with UNSUPPORTED_SUITE', () => {
    expect(() => createAeadSuite('des' as Suite)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_SUITE' }),
    );
  });
});

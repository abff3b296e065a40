import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EnvelopeHeader,
  encodeAad,
  encodeHeader,
  HEADER_LENGTH,
  parseEnvelope,
  readEnvelopeHeader,
} from './ciphertext.ts';
import { CryptoError, isCryptoError } from './errors.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const BODY = new Uint8Array(28); // nonce + tag of an empty plaintext
const withBody = (header: Uint8Array): Uint8Array => Uint8Array.from([...header, ...BODY]);

const FIELD: EnvelopeHeader = { kind: 'field', suite: 'intl', kekVersion: 0, dekVersion: 7 };
const DEK: EnvelopeHeader = { kind: 'wrapped-dek', suite: 'gm', kekVersion: 3, dekVersion: 1 };
const KEK: EnvelopeHeader = { kind: 'wrapped-kek', suite: 'intl', kekVersion: 0x01020304, dekVersion: 0 };

function expectCode(code: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isCryptoError(e)).toBe(true);
    expect((e as CryptoError).code).toBe(code);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

describe('envelope header (format 1)', () => {
  it('lays out magic, format, kind, suite and both versions exactly as documented', () => {
    expect(hex(encodeHeader(FIELD))).toBe('534d' + '01' + '01' + '01' + '00000000' + '00000007');
    expect(hex(encodeHeader(DEK))).toBe('534d' + '01' + '02' + '02' + '00000003' + '00000001');
    expect(hex(encodeHeader(KEK))).toBe('534d' + '01' + '03' + '01' + '01020304' + '00000000');
  });

  it('parses back what it encodes, and splits header from the sealed body', () => {
    for (const h of [FIELD, DEK, KEK]) {
      const { header, headerBytes, sealed } = parseEnvelope(withBody(encodeHeader(h)));
      expect(header).toEqual(h);
      expect(headerBytes.length).toBe(HEADER_LENGTH);
      expect(sealed.length).toBe(28);
    }
  });

  it('refuses versions that do not fit the kind', () => {
    expectCode('INVALID_KEY_VERSION', () => encodeHeader({ ...FIELD, kekVersion: 1 }));
    expectCode('INVALID_KEY_VERSION', () => encodeHeader({ ...FIELD, dekVersion: 0 }));
    expectCode('INVALID_KEY_VERSION', () => encodeHeader({ ...DEK, kekVersion: 0 }));
    expectCode('INVALID_KEY_VERSION', () => encodeHeader({ ...KEK, dekVersion: 2 }));
    expectCode('INVALID_KEY_VERSION', () => encodeHeader({ ...FIELD, dekVersion: 2 ** 32 }));
  });
});

describe('parseEnvelope on attacker-controlled bytes', () => {
  const good = withBody(encodeHeader(DEK));
  const mutate = (at: number, value: number): Uint8Array => {
    const b = Uint8Array.from(good);
    b[at] = value;
    return b;
  };

  it('throws DECRYPT_FAILED for each malformation, naming none of the bytes', () => {
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['header only', encodeHeader(DEK)],
      ['one byte short of nonce + tag', good.subarray(0, good.length - 1)],
      ['bad magic', mutate(0, 0x54)],
      ['format 2', mutate(2, 2)],
      ['format 0', mutate(2, 0)],
      ['kind 0', mutate(3, 0)],
      ['kind 4', mutate(3, 4)],
      ['suite 0', mutate(4, 0)],
      ['suite 3', mutate(4, 3)],
      [
        'wrapped DEK with KEK version 0',
        Uint8Array.from([...encodeHeader(FIELD).subarray(0, 3), 2, 2, ...new Uint8Array(8), ...BODY]),
      ],
      ['field with a KEK version', Uint8Array.from([0x53, 0x4d, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, ...BODY])],
    ];
    for (const [name, bytes] of cases) {
      try {
        parseEnvelope(bytes);
        expect.unreachable(name);
      } catch (e) {
        expect(isCryptoError(e, 'DECRYPT_FAILED'), name).toBe(true);
      }
    }
    expectCode('DECRYPT_FAILED', () => parseEnvelope('not bytes' as unknown as Uint8Array));
  });

  it('never throws anything but a CryptoError on random bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.uint8Array({ minLength: 13, maxLength: 60 }).map((b) => {
            b[0] = 0x53;
            b[1] = 0x4d;
            b[2] = 1;
            return b;
          }),
        ),
        (bytes) => {
          try {
            readEnvelopeHeader(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(CryptoError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('encodeAad (AAD format 1)', () => {
  const h = encodeHeader(FIELD);

  it('is header ‖ lp(tenant) ‖ lp(subject) ‖ lp(field) with u16 big-endian lengths', () => {
    const aad = encodeAad(h, { tenant: 't1', subject: 'sub', field: 'CN_MOBILE' });
    const expected =
      hex(h) +
      '0002' +
      hex(Buffer.from('t1')) +
      '0003' +
      hex(Buffer.from('sub')) +
      '0009' +
      hex(Buffer.from('CN_MOBILE'));
    expect(hex(aad)).toBe(expected);
    const kekAad = encodeAad(encodeHeader(KEK), { tenant: 't1' });
    expect(hex(kekAad)).toBe(hex(encodeHeader(KEK)) + '0002' + hex(Buffer.from('t1')) + '0000' + '0000');
  });

  it('is injective: distinct (tenant, subject, field) tuples never share an AAD', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
    fc.assert(
      fc.property(fc.tuple(id, id, id), fc.tuple(id, id, id), ([t1, s1, f1], [t2, s2, f2]) => {
        fc.pre(t1 !== t2 || s1 !== s2 || f1 !== f2);
        const a = encodeAad(h, { tenant: t1, subject: s1, field: f1 });
        const b = encodeAad(h, { tenant: t2, subject: s2, field: f2 });
        expect(hex(a)).not.toBe(hex(b));
      }),
    );
    // The classic concatenation collision a separator-free encoding would have:
    expect(hex(encodeAad(h, { tenant: 'ab', subject: 'c', field: 'd' }))).not.toBe(
      hex(encodeAad(h, { tenant: 'a', subject: 'bc', field: 'd' })),
    );
  });

  it('requires exactly the ids the kind binds, in the documented charset', () => {
    expectCode('INVALID_CONTEXT', () => encodeAad(h, { tenant: 't', subject: 's' }));
    expectCode('INVALID_CONTEXT', () =>
      encodeAad(encodeHeader(DEK), { tenant: 't', subject: 's', field: 'f' }),
    );
    expectCode('INVALID_CONTEXT', () => encodeAad(encodeHeader(KEK), { tenant: 't', subject: 's' }));
    expectCode('INVALID_CONTEXT', () => encodeAad(h, { tenant: '', subject: 's', field: 'f' }));
    expectCode('INVALID_CONTEXT', () => encodeAad(h, { tenant: 'a/b', subject: 's', field: 'f' }));
    expectCode('INVALID_CONTEXT', () => encodeAad(h, { tenant: '租户', subject: 's', field: 'f' }));
    expectCode('INVALID_CONTEXT', () => encodeAad(h, { tenant: 'x'.repeat(129), subject: 's', field: 'f' }));
    expect(() =>
      encodeAad(h, { tenant: '8d4f-uuid:1', subject: 'S_1.a', field: 'CN_RESIDENT_ID' }),
    ).not.toThrow();
  });
});

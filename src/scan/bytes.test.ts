import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, decodeValue, latin1, utf8Length } from './bytes.ts';

const decoder = new TextDecoder('utf-8');
// Bytes around the edges of UTF-8: continuation bytes, overlong and surrogate leads, a BOM.
const edgy = fc.constantFrom(
  0x00,
  0x20,
  0x41,
  0x7f,
  0x80,
  0x8f,
  0x90,
  0x9f,
  0xa0,
  0xbb,
  0xbf,
  0xc0,
  0xc1,
  0xc2,
  0xdf,
  0xe0,
  0xe4,
  0xed,
  0xef,
  0xf0,
  0xf4,
  0xf5,
  0xff,
);
const bytes = fc.array(fc.oneof(edgy, fc.integer({ min: 0, max: 255 })), { maxLength: 24 });

describe('decode', () => {
  it('decodes any bytes as TextDecoder does, including a leading byte order mark', () => {
    fc.assert(
      fc.property(bytes, fc.boolean(), (list, bom) => {
        const b = Buffer.from(bom ? [0xef, 0xbb, 0xbf, ...list] : list);
        for (let from = 0; from <= Math.min(4, b.length); from++) {
          expect(decode(b, from, b.length)).toBe(decoder.decode(b.subarray(from)));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('decodeValue and latin1 agree with the decoder on ASCII', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\x20-\x7e]{0,40}$/), (s) => {
        const b = Buffer.from(s, 'latin1');
        expect(latin1(b, 0, b.length)).toBe(s);
        expect(decodeValue(b, 0, b.length)).toBe(s);
      }),
    );
    const u = Uint8Array.from(Buffer.from('abc12', 'latin1'));
    expect(latin1(u, 1, 4)).toBe('bc1');
  });
});

describe('utf8Length', () => {
  it('adds up from any start outside a surrogate pair', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), fc.nat(12), (s, cut) => {
        const at = Math.min(cut, s.length);
        const high = at > 0 && s.charCodeAt(at - 1) >= 0xd800 && s.charCodeAt(at - 1) <= 0xdbff;
        if (!high) expect(utf8Length(s, at) + utf8Length(s, s.length, at)).toBe(utf8Length(s));
      }),
    );
  });
});

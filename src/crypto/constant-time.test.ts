import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, constantTimeEqualString } from './constant-time.ts';

describe('constantTimeEqual', () => {
  it('agrees with plain byte equality, including different lengths (no throw)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(constantTimeEqual(a, Uint8Array.from(a))).toBe(true);
      }),
    );
  });

  it('compares strings by UTF-8 bytes', () => {
    expect(constantTimeEqualString('hmac-sha256:ab', 'hmac-sha256:ab')).toBe(true);
    expect(constantTimeEqualString('hmac-sha256:ab', 'hmac-sha256:ac')).toBe(false);
    expect(constantTimeEqualString('a', 'ab')).toBe(false);
    expect(constantTimeEqualString('', '')).toBe(true);
    expect(constantTimeEqualString('é', 'e\u0301')).toBe(false);
  });
});

import { hash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashSuite } from './hash-suite.ts';
import { nodeHashSha256 } from './sha256-node-hash.ts';

/** The reference: node:crypto over the RFC 9162 node encoding. */
function reference(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([Buffer.from([0x01]), left, right]), 'buffer');
}

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('nodeHashSha256', () => {
  it('passed its load-time self-test', () => {
    expect(nodeHashSha256).toBeTypeOf('function');
  });

  it('equals SHA-256(0x01 ‖ left ‖ right) from node:crypto for any inputs', () => {
    fc.assert(
      fc.property(hash32, hash32, (left, right) => {
        expect(nodeHashSha256!(left, right).equals(reference(left, right))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is right for every value of the last byte (block 2 comes from a table indexed by it)', () => {
    const left = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    for (let v = 0; v < 256; v++) {
      const right = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + v) & 0xff);
      right[31] = v;
      expect(nodeHashSha256!(left, right).toString('hex')).toBe(reference(left, right).toString('hex'));
    }
  });

  it('is right on all-zero and all-one inputs, and for subarrays of a larger buffer', () => {
    const zero = new Uint8Array(32);
    const ones = new Uint8Array(32).fill(0xff);
    expect(nodeHashSha256!(zero, ones).equals(reference(zero, ones))).toBe(true);
    expect(nodeHashSha256!(ones, zero).equals(reference(ones, zero))).toBe(true);
    const big = Uint8Array.from({ length: 100 }, (_, i) => i * 3);
    const left = big.subarray(3, 35);
    const right = big.subarray(50, 82);
    expect(nodeHashSha256!(left, right).equals(reference(left, right))).toBe(true);
  });

  it('is what the sha256 suite uses, and the sm3 suite does not', () => {
    const left = new Uint8Array(32).fill(1);
    const right = new Uint8Array(32).fill(2);
    expect(hashSuite('sha256').nodeHash(left, right).equals(reference(left, right))).toBe(true);
    const sm3 = hashSuite('sm3').nodeHash(left, right);
    expect(sm3.equals(hash('sm3', Buffer.concat([Buffer.from([1]), left, right]), 'buffer'))).toBe(true);
  });
});

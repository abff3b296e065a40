import { describe, expect, it } from 'vitest';
import { isInt8Type, StoreError, toBigInt } from './index.ts';

describe('toBigInt', () => {
  it.each([
    [5n, 5n],
    [0, 0n],
    [-42, -42n],
    [Number.MAX_SAFE_INTEGER, 2n ** 53n - 1n],
    ['9223372036854775807', 2n ** 63n - 1n],
    ['-9223372036854775808', -(2n ** 63n)],
  ])('converts %s', (input, expected) => {
    expect(toBigInt(input)).toBe(expected);
  });

  it.each([
    ['a fraction', 1.5],
    ['an unsafe number', 2 ** 53 + 2],
    ['text', '12a'],
    ['an empty string', ''],
    ['beyond int64', '9223372036854775808'],
    ['null', null],
  ])('throws VALUE_INVALID for %s, without quoting it', (_, input) => {
    const error = (() => {
      try {
        toBigInt(input);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('VALUE_INVALID');
    if (typeof input === 'string' && input !== '') expect((error as Error).message).not.toContain(input);
  });
});

describe('isInt8Type', () => {
  it('recognises the declared types kysely and people write for 64-bit columns', () => {
    expect(['bigint', 'BIGINT', 'int8', ' BigInt '].map(isInt8Type)).toEqual([true, true, true, true]);
    expect(['integer', 'INT', 'bigint[]', 'text', null].map(isInt8Type)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { email as synthEmail } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { email } from './email.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('email.validate', () => {
  it.each([
    ['duandazhi-jack@gmail.com.cn'],
    ['zhang.wei@example.com'],
    ['12345678@qq.com'],
    ['a+tag@sub.example.org'],
    ["o'brien@example.ie"],
    ['x@example.museum'],
    ['user@xn--fiqs8s.xn--fiqs8s'],
    ['ZHANG@EXAMPLE.COM'],
    ['mailto:zhang@example.com'],
    ['<zhang@example.com>'],
    ['ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
  ])('%s is valid', (value) => {
    expect(email.validate(value)).toMatchObject({ valid: true, score: 0.9 });
  });

  it('converts Unicode domains to punycode (kind idn)', () => {
    expect(email.normalise('user@例子.中国')).toBe('user@xn--fsqu00a.xn--fiqs8s');
    expect(email.validate('user@例子.中国')).toMatchObject({ valid: true, kind: 'idn' });
    // The URL parser must not be allowed to cut a path or port off the domain.
    expect(email.validate('user@例子.中国/x').valid).toBe(false);
    expect(email.validate('user@例子.中国:25').valid).toBe(false);
  });

  it.each([
    ['plainaddress'],
    ['@example.com'],
    ['zhang@'],
    ['zhang@example'],
    ['zhang@@example.com'],
    ['zhang@exa@mple.com'],
    ['.zhang@example.com'],
    ['zhang.@example.com'],
    ['zh..ang@example.com'],
    ['zhang@-example.com'],
    ['zhang@example-.com'],
    ['zhang@example..com'],
    ['zhang@example.c'],
    ['zhang@example.c0m'],
    ['zhang@example.abcdefghijklmnopqrstuvwxy'],
    ['zh ang@example.com'],
    ['张伟@example.com'],
    ['"quoted"@example.com'],
    ['zhang@[192.0.2.1]'],
    [`${'a'.repeat(65)}@example.com`],
    [`a@${'b'.repeat(64)}.com`],
  ])('%s is invalid', (value) => {
    expect(email.validate(value)).toMatchObject({ valid: false, score: 0, reason: 'BAD_FORMAT' });
  });
});

describe('email.normalise', () => {
  it('lower-cases and strips mailto and brackets', () => {
    expect(email.normalise(' Mailto:Zhang.Wei@Example.COM ')).toBe('zhang.wei@example.com');
    expect(email.normalise('<Zhang@Example.com>')).toBe('zhang@example.com');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (s) => email.normalise(email.normalise(s)) === email.normalise(s)));
  });

  it('generated addresses validate; case and width variants normalise alike', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const raw = synthEmail(mulberry32(s));
        expect(email.validate(raw)).toMatchObject({ valid: true, score: 0.9 });
        const n = email.normalise(raw);
        const wide = raw
          .toUpperCase()
          .replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        expect(email.normalise(wide)).toBe(n);
        expect(email.normalise(`mailto:${raw.toUpperCase()}`)).toBe(n);
      }),
    );
  });
});

describe('email.mask', () => {
  it.each([
    ['duandazhi-jack@gmail.com.cn', 'd*************@gmail.com.cn'],
    ['zhang@example.com', 'z****@example.com'],
    ['ab@example.com', 'a*@example.com'],
    ['a@example.com', 'a@example.com'],
    ['ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'ｚ****＠ｅｘａｍｐｌｅ．ｃｏｍ'],
  ])('%s → %s', (raw, masked) => {
    expect(email.mask(raw)).toBe(masked);
  });

  it('honours options', () => {
    expect(email.mask('zhangwei@example.com', { keepStart: 2, keepEnd: 1, char: '#' })).toBe(
      'zh#####i@example.com',
    );
  });
});

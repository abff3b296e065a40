import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankCard, luhnCheckDigit, luhnInvalidCardLike } from '../../test/synth/contacts.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { bankOf, cnBankCard } from './cn-bank-card.ts';
import { BANK_BINS, BANKS } from './data/bank-bins.ts';
import { luhnValid } from './text.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** Complete `body` with its Luhn digit. */
const card = (body: string) => body + luhnCheckDigit(body);

describe('BIN table', () => {
  it('has no prefix under two banks and only 3–6-digit prefixes', () => {
    const seen = new Set<string>();
    for (const prefixes of Object.values(BANK_BINS)) {
      for (const p of prefixes) {
        expect(p).toMatch(/^\d{3,6}$/);
        expect(seen.has(p)).toBe(false);
        seen.add(p);
      }
    }
  });
});

describe('cnBankCard.validate', () => {
  it.each([
    [card('622202123456789012'), 'unionpay', 0.9], // ICBC, 19 digits
    [card('622848123456789'), 'unionpay', 0.9], // ABC, 16 digits
    [card('621700123456789012'), 'unionpay', 0.9],
    [card('629999123456789012'), 'unionpay', 0.9], // UnionPay range, BIN not in our table
    [card('436742123456789'), 'visa', 0.9],
    [card('411111111111111'), 'visa', 0.9],
    [card('545392123456789'), 'mastercard', 0.9],
    [card('222100123456789'), 'mastercard', 0.9],
    [card('356885123456789'), 'jcb', 0.9],
    [card('37024612345678'), 'amex', 0.9], // 15 digits
    [card('955812345678901234'), 'domestic', 0.9], // ICBC 9558, 19 digits
    [card('95599123456789012'), 'domestic', 0.9], // ABC 95599, 18 digits
    [card('303123456789012'), 'domestic', 0.9], // CEB 303, 16 digits
    ['6222021234567890128', 'unionpay', 0.9],
  ])('%s → %s %d', (value, kind, score) => {
    const v = cnBankCard.validate(value);
    expect(v).toMatchObject({ valid: true, kind, score });
    expect(v.checks).toContainEqual({ name: 'luhn', passed: true });
  });

  it('Luhn-valid but unknown BIN scores 0.7', () => {
    const v = cnBankCard.validate(card('700012345678901'));
    expect(v).toMatchObject({ valid: true, score: 0.7 });
    expect(v.kind).toBeUndefined();
    expect(v.checks).toContainEqual({ name: 'prefix', passed: false });
  });

  it('Luhn failure keeps 0.3 for 19-digit UnionPay and known domestic BINs (Luhn is a signal, not a gate)', () => {
    expect(cnBankCard.validate('6222021234567890127')).toMatchObject({
      valid: true,
      score: 0.3,
      kind: 'unionpay',
    });
    expect(cnBankCard.validate('6228481234567890')).toMatchObject({ valid: true, score: 0.3 }); // ABC BIN, Luhn off
    const v = cnBankCard.validate('9558123456789012340');
    expect(v.checks).toContainEqual({ name: 'luhn', passed: false });
  });

  it('Luhn failure elsewhere is invalid with score 0.1', () => {
    const bad = card('629999123456789').replace(/\d$/, (d) => String((Number(d) + 1) % 10)); // 16-digit 62, unknown BIN
    expect(cnBankCard.validate(bad)).toMatchObject({ valid: false, score: 0.1, reason: 'BAD_CHECKSUM' });
    expect(cnBankCard.validate('4111111111111112')).toMatchObject({ valid: false, score: 0.1 });
  });

  it.each([
    ['622202123456789'], // 15 digits, not Amex
    ['62220212345678901234'], // 20 digits
    ['6222 0212 3456 789a'],
    [''],
  ])('%s is not a card number', (value) => {
    expect(cnBankCard.validate(value)).toMatchObject({ valid: false, score: 0, reason: 'BAD_FORMAT' });
  });

  it('regression: a 19-digit UnionPay 62… card is recognised as a card', () => {
    const c = card('621700123456789012');
    expect(c).toHaveLength(19);
    expect(cnBankCard.validate(c)).toMatchObject({ valid: true, kind: 'unionpay', score: 0.9 });
    expect(cnBankCard.validate(c.replace(/(\d{4})(?=\d)/g, '$1 '))).toMatchObject({
      valid: true,
      kind: 'unionpay',
    });
  });
});

describe('Luhn corruption', () => {
  it('every single-digit change of a Luhn-valid card fails Luhn, and validate says so', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const c = cnBankCard.normalise(bankCard(mulberry32(s)));
        expect(luhnValid(c)).toBe(true);
        for (let i = 0; i < c.length; i++) {
          for (let d = 0; d <= 9; d++) {
            if (String(d) === c[i]) continue;
            const bad = c.slice(0, i) + d + c.slice(i + 1);
            expect(luhnValid(bad)).toBe(false);
            const v = cnBankCard.validate(bad);
            // A leading 0 fails earlier, at the format step.
            if (bad[0] === '0') expect(v).toMatchObject({ valid: false, reason: 'BAD_FORMAT' });
            else expect(v.checks).toContainEqual({ name: 'luhn', passed: false });
            expect(v.score).toBeLessThanOrEqual(0.3);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('luhnInvalidCardLike never passes Luhn', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const v = cnBankCard.validate(luhnInvalidCardLike(mulberry32(s)));
        expect(v.checks).toContainEqual({ name: 'luhn', passed: false });
        expect(v.score).toBeLessThanOrEqual(0.3);
      }),
    );
  });
});

describe('generated cards', () => {
  it('validate with score 0.9 at every length and normalise idempotently', () => {
    fc.assert(
      fc.property(seed, fc.constantFrom(16, 17, 18, 19) as fc.Arbitrary<16 | 17 | 18 | 19>, (s, length) => {
        const raw = bankCard(mulberry32(s), { length });
        const v = cnBankCard.validate(raw);
        expect(v).toMatchObject({ valid: true, score: 0.9 });
        const n = cnBankCard.normalise(raw);
        expect(n).toHaveLength(length);
        expect(cnBankCard.normalise(n)).toBe(n);
        expect(bankOf(raw)).toBeTypeOf('string');
      }),
    );
  });

  it('spaced, hyphenated and full-width forms normalise to the digits', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const n = bankCard(mulberry32(s), { grouped: false });
        const spaced = n.replace(/(\d{4})(?=\d)/g, '$1 ');
        const dashed = n.replace(/(\d{4})(?=\d)/g, '$1-');
        const wide = n.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
        for (const f of [spaced, dashed, wide]) expect(cnBankCard.normalise(f)).toBe(n);
      }),
    );
  });
});

describe('bankOf', () => {
  it.each([
    ['6222021234567890128', '中国工商银行'],
    ['6228481234567890', '中国农业银行'],
    ['6217001234567890', '中国建设银行'],
    ['6216611234567890', '中国银行'],
    ['6222621234567890', '交通银行'],
    ['6225881234567890', '招商银行'],
    ['6217991234567890', '中国邮政储蓄银行'],
    ['9558 8012 3456 7890 123', '中国工商银行'],
    ['95599 1234 5678 9012 34', '中国农业银行'],
    ['4367421234567890', '中国建设银行'],
  ])('%s → %s', (value, bank) => {
    expect(bankOf(value)).toBe(bank);
  });

  it('is undefined for an unknown BIN', () => {
    expect(bankOf('6299991234567890')).toBeUndefined();
  });
});

describe('cnBankCard.mask', () => {
  it.each([
    ['6222021234567890128', '6222 **** **** **** 128'],
    ['6222 0212 3456 7890 128', '6222 **** **** **** 128'],
    ['6222021234561234', '6222 **** **** 1234'],
    ['11011111222233333256', '1101 **** **** **** 3256'],
    ['62220212345678901', '6222 **** **** **** 1'],
    ['12345678', '********'],
  ])('%s → %s', (raw, masked) => {
    expect(cnBankCard.mask(raw)).toBe(masked);
  });

  it('honours keepStart/keepEnd/char (PCI style first 6 + last 4)', () => {
    expect(cnBankCard.mask('6222021234567890128', { keepStart: 6, keepEnd: 4, char: 'x' })).toBe(
      '622202 xxxx xxxx x 0128',
    );
    expect(cnBankCard.mask('6222021234561234', { keepStart: 0 })).toBe('**** **** **** 1234');
  });
});

describe('cnBankCard metadata', () => {
  it('is sensitive and has context words', () => {
    expect(cnBankCard.sensitive).toBe(true);
    expect(cnBankCard.context.raise).toContain('银行卡');
    expect(cnBankCard.context.lower).toContain('流水号');
    expect(cnBankCard.fieldNames).toContain('yhkh');
  });
});

describe('BIN lookup', () => {
  it('finds the bank of the longest listed prefix (6, 5, 4 then 3 digits)', () => {
    const byPrefix = new Map<string, keyof typeof BANKS>();
    for (const [bank, prefixes] of Object.entries(BANK_BINS)) {
      for (const p of prefixes) byPrefix.set(p, bank as keyof typeof BANKS);
    }
    const reference = (digits: string) => {
      for (const n of [6, 5, 4, 3]) {
        const bank = byPrefix.get(digits.slice(0, n));
        if (bank !== undefined) return BANKS[bank].zh;
      }
      return undefined;
    };
    const digits = fc.oneof(
      fc.stringMatching(/^[0-9]{1,19}$/),
      fc
        .tuple(fc.constantFrom(...byPrefix.keys()), fc.stringMatching(/^[0-9]{0,13}$/))
        .map(([p, rest]) => p + rest),
    );
    fc.assert(
      fc.property(digits, (d) => {
        expect(bankOf(d)).toBe(reference(d));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('leading zero', () => {
  it('is never a card (ISO/IEC 7812 reserves MII 0), even with a valid Luhn digit', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^0[0-9]{14,17}$/), (body) => {
        const card = body + luhnCheckDigit(body);
        expect(cnBankCard.validate(card).valid).toBe(false);
      }),
    );
  });
});

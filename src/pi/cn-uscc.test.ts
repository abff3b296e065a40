import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruptCheckChar, uscc } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { cnUscc, gb11714CheckChar, USCC_ALPHABET, usccCheckChar } from './cn-uscc.ts';

const v = (value: string) => cnUscc.validate(value);
const seeds = fc.integer({ min: 0, max: 0x7fffffff });

describe('CN_USCC validate', () => {
  it.each([
    // value, kind, score
    ['91350100M000100Y43', 'enterprise', 0.95], // published example; GB 11714 part holds
    ['91110000600037341L', 'enterprise', 0.95],
    ['91110000600037341l', 'enterprise', 0.95], // lower case
    ['9111 0000 6000 3734 1L', 'enterprise', 0.95],
    ['９１１１００００６０００３７３４１Ｌ', 'enterprise', 0.95], // full width
    ['12100000400000624D', 'government', 0.95], // central body: region 100000
    ['11100000000013127D', 'government', 0.95],
    ['A1110000600037341K', 'military', 0.95], // python-stdnum wrongly rejects A…
    ['N21100006000373414', 'agriculture', 0.95],
    ['Y1110000600037341Y', 'other', 0.95],
    ['99110000600037341U', 'business', 0.95],
    ['51110000600037341Q', 'civil-affairs', 0.95],
  ])('accepts %s (%s)', (value, kind, score) => {
    expect(v(value)).toMatchObject({ valid: true, kind, score });
  });

  it('scores 0.9 when the embedded GB 11714 check does not hold', () => {
    const first17 = '91110000600037342'; // organisation code check broken (1 → 2)
    const code = first17 + usccCheckChar(first17);
    expect(v(code)).toMatchObject({ valid: true, score: 0.9, kind: 'enterprise' });
    expect(v(code).checks.find((c) => c.name === 'organization-code')?.passed).toBe(false);
  });

  it.each([
    ['91110000600037341K', 'BAD_CHECKSUM'],
    ['91350100M000100Y44', 'BAD_CHECKSUM'],
    ['91110000600037341I', 'BAD_FORMAT'], // I is not in the alphabet
    ['9111000060003734OL', 'BAD_FORMAT'],
    ['91110000600037341', 'BAD_FORMAT'],
    ['91110000600037341LL', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
    ['Y2110000600037341U', 'BAD_CATEGORY'], // Y is always followed by 1
    ['94110000600037341B', 'BAD_CATEGORY'], // 9 + 4 is no category
    ['01110000600037341L', 'BAD_CATEGORY'], // no authority 0
    ['B1110000600037341L', 'BAD_CATEGORY'], // no authority B
    ['90110000600037341L', 'BAD_CATEGORY'],
    ['91999999600037341N', 'BAD_REGION'],
  ])('rejects %s: %s', (value, reason) => {
    expect(v(value)).toMatchObject({ valid: false, reason, score: 0 });
  });

  it('keeps a middling score for an unknown county of a real province', () => {
    expect(v('911101996000373417')).toMatchObject({ valid: false, reason: 'UNKNOWN_REGION', score: 0.45 });
  });

  it('accepts every generated code and normalises its variants alike', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const code = uscc(mulberry32(seed));
        const r = v(code);
        expect(r.valid).toBe(true);
        expect(r.score).toBe(0.95);
        const n = cnUscc.normalise(code);
        expect(cnUscc.normalise(n)).toBe(n);
        const fullWidth = code.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        for (const form of [
          fullWidth,
          code.toLowerCase(),
          `${code.slice(0, 8)} ${code.slice(8)}`,
          `${code}\u200B`,
        ]) {
          expect(cnUscc.normalise(form)).toBe(n);
          expect(v(form)).toBe(r);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rejects EVERY single-symbol substitution (exhaustive per code)', () => {
    const rng = mulberry32(32_100);
    const codes = [
      '91350100M000100Y43',
      '91110000600037341L',
      ...Array.from({ length: 40 }, () => uscc(rng)),
    ];
    let tried = 0;
    for (const code of codes) {
      expect(v(code).valid).toBe(true);
      for (let pos = 0; pos < 18; pos++) {
        for (const c of USCC_ALPHABET) {
          if (c === code[pos]) continue;
          if (v(code.slice(0, pos) + c + code.slice(pos + 1)).valid)
            throw new Error(`substitution at ${pos} accepted`);
          tried++;
        }
      }
    }
    expect(tried).toBe(codes.length * 18 * 30);
  });

  it('rejects corrupted check characters from the generator', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = mulberry32(seed);
        expect(v(corruptCheckChar(uscc(rng), rng))).toMatchObject({ valid: false, reason: 'BAD_CHECKSUM' });
      }),
      { numRuns: 300 },
    );
  });
});

describe('CN_USCC helpers', () => {
  it('computes both check characters', () => {
    expect(usccCheckChar('91350100M000100Y4')).toBe('3');
    expect(usccCheckChar('91110000600037341')).toBe('L');
    expect(() => usccCheckChar('9111000060003734I')).toThrow(RangeError);
    expect(gb11714CheckChar('M000100Y')).toBe('4');
    expect(gb11714CheckChar('60003734')).toBe('1');
    expect(gb11714CheckChar('6000373')).toBeUndefined();
    expect(gb11714CheckChar('6000373-')).toBeUndefined();
  });
});

describe('CN_USCC mask', () => {
  it.each([
    ['91350100M000100Y43', undefined, '91350100********43'],
    ['91350100m000100y43', undefined, '91350100********43'],
    ['91350100M000100Y43', { keepStart: 2, keepEnd: 0 }, '91****************'],
  ] as const)('masks %s %j', (value, options, expected) => {
    expect(cnUscc.mask(value, options)).toBe(expected);
  });

  it('is not sensitive PI and has context words', () => {
    expect(cnUscc.sensitive).toBe(false);
    expect(cnUscc.context.raise).toContain('统一社会信用代码');
    expect(cnUscc.fieldNames).toContain('uscc');
  });
});

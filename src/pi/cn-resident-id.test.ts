import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruptCheckChar, impossibleDateId, residentId } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import {
  cnResidentId,
  convertLegacy15To18,
  residentIdBirthDate,
  residentIdCheckChar,
  residentIdChecksumValid,
  residentIdSex,
} from './cn-resident-id.ts';
import { regionSpan } from './regions.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const v = (value: string, now = NOW) => cnResidentId.validate(value, { now });
const seeds = fc.integer({ min: 0, max: 0x7fffffff });

describe('CN_RESIDENT_ID validate', () => {
  it.each([
    // value, kind, score
    ['11010519491231002X', 'standard', 0.95], // python-stdnum doctest
    ['360426199101010071', 'standard', 0.95], // python-stdnum doctest
    ['11010519491231002x', 'standard', 0.95], // lower-case x
    ['110105 19491231 002X', 'standard', 0.95],
    ['110105-19491231-002x', 'standard', 0.95],
    ['１１０１０５１９４９１２３１００２Ｘ', 'standard', 0.95], // full-width
    ['１１０１０５１９４９１２３１００２ｘ', 'standard', 0.95],
    ['130602198503151232', 'standard', 0.95], // 130602 新市区 (1983–2014), now 竞秀区
    ['130103197001011234', 'standard', 0.95], // 130103 abolished: valid in history only
    ['440300199001011238', 'standard', 0.95], // prefecture-level code
    ['710000199001011237', 'standard', 0.95],
    ['81000019980902013X', 'residence-permit-hk', 0.95], // Hutool test vectors
    ['820000200009100032', 'residence-permit-mo', 0.95],
    ['830000200209060065', 'residence-permit-tw', 0.95],
    ['110105491231002', 'legacy15', 0.6],
    ['130602850315123', 'legacy15', 0.6],
  ])('accepts %s (%s)', (value, kind, score) => {
    const r = v(value);
    expect(r).toMatchObject({ valid: true, kind, score });
    expect(r.reason).toBeUndefined();
  });

  it.each([
    // value, reason, why
    ['110105194912310021', 'BAD_CHECKSUM', 'check digit off by one'],
    ['11010519491231002Y', 'BAD_FORMAT', 'letter other than X'],
    ['1101051949123100X2', 'BAD_FORMAT', 'X not in last place'],
    ['110105194902300020', 'BAD_DATE', '30 February'],
    ['110105203006011230', 'BAD_DATE', 'born after "now"'],
    ['110105202506021238', 'BAD_DATE', 'born the day after "now"'],
    ['110105188912311232', 'BAD_DATE', 'born before 1890'],
    ['999999199001011238', 'BAD_REGION', 'no such region'],
    ['00000019900101123X', 'BAD_REGION', 'leading 0 is reserved for tokens'],
    ['810001199001011237', 'BAD_REGION', 'permit codes are exact'],
    ['840000199001011236', 'BAD_REGION', 'no province 84'],
    ['910000199001011234', 'BAD_REGION', 'leading 9 is a foreigner PR ID'],
    ['110105491331002', 'BAD_DATE', 'legacy: month 13'],
    ['999999491231002', 'BAD_REGION', 'legacy: no such region'],
    ['810000980902013', 'BAD_REGION', 'legacy: permits have no 15-digit form'],
    ['11010519491231002', 'BAD_FORMAT', '17 digits'],
    ['11010519491231002X1', 'BAD_FORMAT', '19 characters'],
    ['', 'BAD_FORMAT', 'empty'],
    ['ABCDEFGHIJKLMNOPQR', 'BAD_FORMAT', 'letters'],
  ])('rejects %s: %s (%s)', (value, reason) => {
    const r = v(value);
    expect(r).toMatchObject({ valid: false, reason, score: 0 });
    expect(r.kind).toBeUndefined();
  });

  it('keeps a middling score for an unknown county of a real province (table may lag)', () => {
    expect(regionSpan('110199')).toBeUndefined();
    expect(v('110199199001011232')).toMatchObject({ valid: false, reason: 'UNKNOWN_REGION', score: 0.5 });
  });

  it('rejects a birth date in the future using options.now and the Asia/Shanghai day', () => {
    const id = '110105202001011237'; // born 2020-01-01
    expect(v(id, new Date('2019-12-31T16:00:00Z')).valid).toBe(true); // 00:00 in Shanghai
    expect(v(id, new Date('2019-12-31T15:59:59Z'))).toMatchObject({ valid: false, reason: 'BAD_DATE' });
    expect(cnResidentId.validate(id).valid).toBe(true); // default: the real now
  });

  it('reports named checks without the value', () => {
    const r = v('110105194912310021');
    expect(r.checks.map((c) => [c.name, c.passed])).toEqual([
      ['format', true],
      ['checksum', false],
    ]);
    expect(JSON.stringify(v('11010519491231002X'))).not.toContain('110105');
    expect(v('110105491231002').checks.find((c) => c.name === 'checksum')?.passed).toBeUndefined();
  });

  it('accepts every generated ID, in every variant, and normalises them alike', () => {
    fc.assert(
      fc.property(
        seeds,
        fc.constantFrom('standard', 'legacy', 'hk', 'mo', 'tw', 'lowerX'),
        (seed, variant) => {
          const rng = mulberry32(seed);
          const id = residentId(rng, {
            ...(variant === 'legacy' ? { legacy15: true } : {}),
            ...(variant === 'hk' || variant === 'mo' || variant === 'tw' ? { permit: variant } : {}),
            ...(variant === 'lowerX' ? { lowerX: true } : {}),
          });
          const r = v(id);
          expect(r.valid).toBe(true);
          const n = cnResidentId.normalise(id);
          expect(cnResidentId.normalise(n)).toBe(n);
          const fullWidth = id.replace(/[0-9a-zA-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          const spaced = `${id.slice(0, 6)} ${id.slice(6, 14)}-${id.slice(14)}`;
          for (const form of [fullWidth, spaced, id.toLowerCase(), ` ${id}\u200B`]) {
            expect(cnResidentId.normalise(form)).toBe(n);
            expect(v(form)).toBe(r);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('rejects EVERY single-character substitution of an 18-digit ID (exhaustive per ID)', () => {
    const rng = mulberry32(20_240_601);
    const ids = [
      '11010519491231002X',
      '360426199101010071',
      '81000019980902013X',
      ...Array.from({ length: 40 }, () => residentId(rng)),
      ...Array.from({ length: 5 }, () => residentId(rng, { lowerX: true })),
    ];
    let tried = 0;
    for (const id of ids) {
      expect(v(id).valid).toBe(true);
      for (let pos = 0; pos < 18; pos++) {
        const symbols = pos === 17 ? '0123456789X' : '0123456789';
        for (const c of symbols) {
          if (c === id[pos]!.toUpperCase()) continue;
          const bad = id.slice(0, pos) + c + id.slice(pos + 1);
          const r = v(bad);
          if (r.valid) throw new Error(`substitution at ${pos} accepted`);
          tried++;
        }
      }
    }
    expect(tried).toBe(ids.length * (17 * 9 + 10));
  });

  it('rejects corrupted check characters and impossible dates from the generators', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const rng = mulberry32(seed);
        expect(v(corruptCheckChar(residentId(rng), rng))).toMatchObject({
          valid: false,
          reason: 'BAD_CHECKSUM',
        });
        expect(v(impossibleDateId(rng))).toMatchObject({ valid: false, reason: 'BAD_DATE' });
      }),
      { numRuns: 300 },
    );
  });

  it('draws some historical-only region codes and stays deterministic', () => {
    const a = Array.from(
      { length: 200 },
      (
        (rng) => () =>
          residentId(rng)
      )(mulberry32(7)),
    );
    const b = Array.from(
      { length: 200 },
      (
        (rng) => () =>
          residentId(rng)
      )(mulberry32(7)),
    );
    expect(a).toEqual(b);
    const historical = a.filter((id) => regionSpan(id.slice(0, 6))?.to !== null);
    expect(historical.length).toBeGreaterThan(10);
    const rng = mulberry32(3);
    for (let i = 0; i < 50; i++) {
      const id = residentId(rng, { birthYearRange: [1960, 1960] });
      expect(id.slice(6, 10)).toBe('1960');
      expect(residentId(rng, { lowerX: true }).endsWith('x')).toBe(true);
    }
  });
});

describe('CN_RESIDENT_ID helpers', () => {
  it('computes check characters', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('36042619910101007')).toBe('1');
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => residentIdCheckChar('1101051949123100A')).toThrow(RangeError);
    expect(residentIdChecksumValid('11010519491231002X')).toBe(true);
    expect(residentIdChecksumValid('11010519491231002x')).toBe(false); // expects normalised input
  });

  it('converts legacy 15-digit numbers', () => {
    expect(convertLegacy15To18('110105491231002')).toBe('11010519491231002X');
    expect(convertLegacy15To18('110105 491231 002')).toBe('11010519491231002X');
    expect(convertLegacy15To18('11010549123100')).toBeUndefined();
    fc.assert(
      fc.property(seeds, (seed) => {
        const id15 = residentId(mulberry32(seed), { legacy15: true });
        const id18 = convertLegacy15To18(id15)!;
        expect(v(id18).valid).toBe(true);
        expect(residentIdBirthDate(id18)).toEqual(residentIdBirthDate(id15));
        expect(residentIdSex(id18)).toBe(residentIdSex(id15));
      }),
      { numRuns: 200 },
    );
  });

  it('reads birth date and sex', () => {
    expect(residentIdBirthDate('11010519491231002X')).toEqual({ year: 1949, month: 12, day: 31 });
    expect(residentIdBirthDate('110105491231002')).toEqual({ year: 1949, month: 12, day: 31 });
    expect(residentIdBirthDate('110105194902300020')).toBeUndefined();
    expect(residentIdBirthDate('abc')).toBeUndefined();
    expect(residentIdSex('11010519491231002X')).toBe('female');
    expect(residentIdSex('360426199101010071')).toBe('male');
    expect(residentIdSex('110105491231001')).toBe('male');
    expect(residentIdSex('123')).toBeUndefined();
  });
});

describe('CN_RESIDENT_ID mask', () => {
  it.each([
    ['11010519491231002X', undefined, '110105********002X'],
    ['11010519491231002x', undefined, '110105********002X'],
    ['110105 19491231 002X', undefined, '110105********002X'],
    ['110105491231002', undefined, '110105******002'],
    ['11010519491231002X', { keepStart: 3, keepEnd: 1 }, '110**************X'],
    ['11010519491231002X', { keepStart: 0, keepEnd: 0, char: '#' }, '##################'],
    ['123', undefined, '***'],
  ] as const)('masks %s %j', (value, options, expected) => {
    expect(cnResidentId.mask(value, options)).toBe(expected);
  });
});

describe('CN_RESIDENT_ID metadata', () => {
  it('has the catalogue fields', () => {
    expect(cnResidentId.id).toBe('CN_RESIDENT_ID');
    expect(cnResidentId.sensitive).toBe(true);
    expect(cnResidentId.context.raise).toContain('身份证');
    expect(cnResidentId.context.lower).toContain('订单');
    for (const f of cnResidentId.fieldNames) expect(f).toBe(f.toLowerCase().replace(/[_\-\s]/g, ''));
  });
});

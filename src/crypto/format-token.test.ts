import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCryptoError } from './errors.ts';
import { createFf1 } from './ff1.ts';
import { deriveFormatTokenKey, FormatTokenKey, isMobileToken, isResidentIdToken } from './format-token.ts';
import { hkdf } from './hkdf.ts';
import { hasValidMod112Check, mod112CheckChar } from './mod11-2.ts';
import { InMemoryRootKeyProvider } from './root-key-provider.ts';

const ROOT = new Uint8Array(32).fill(0x11);
const provider = new InMemoryRootKeyProvider(ROOT, 'test');
const spec = { tenant: 't1', field: 'CN_RESIDENT_ID', version: 1, suite: 'intl' } as const;
const key = await deriveFormatTokenKey(provider, spec);
const otherTenant = await deriveFormatTokenKey(provider, { ...spec, tenant: 't2' });

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const EPOCH = Date.UTC(1850, 0, 1);
/** Any well-formed 18-character ID: region 100000–999999, birth date in range, any sequence. */
const residentId = fc
  .tuple(
    fc.integer({ min: 100000, max: 999999 }),
    fc.integer({ min: 0, max: 99999 }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, day, seq]) => {
    const date = new Date(EPOCH + day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    const body = `${region}${date}${pad(seq, 3)}`;
    return body + mod112CheckChar(body);
  });
const mobile = fc
  .tuple(fc.integer({ min: 3, max: 9 }), fc.integer({ min: 0, max: 999_999_999 }))
  .map(([d, n]) => `1${d}${pad(n, 9)}`);
const scope = fc.stringMatching(/^[A-Za-z0-9_.:-]{0,16}$/);

function expectCode(code: string, f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isCryptoError(e) ? e.code : e).toBe(code);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

describe('MOD 11-2', () => {
  it('gives the GB 11643 example check character and rejects a wrong one', () => {
    expect(mod112CheckChar('11010519491231002')).toBe('X');
    expect(hasValidMod112Check('11010519491231002X')).toBe(true);
    expect(hasValidMod112Check('11010519491231002x')).toBe(false);
    expect(hasValidMod112Check('110105194912310021')).toBe(false);
    expect(mod112CheckChar('1101051949123100')).toBeUndefined();
    expect(mod112CheckChar('1101051949123100a')).toBeUndefined();
  });
});

describe('resident-ID tokens', () => {
  it('follow token format 1 exactly: 0 ‖ FF1(region ‖ day ‖ seq ‖ 00) ‖ MOD 11-2', () => {
    const k = hkdf('intl', ROOT, new Uint8Array(0), 'shiming/v1/format-token/t1/CN_RESIDENT_ID/1', 32);
    const ff1 = createFf1(k, new TextEncoder().encode('CN_RESIDENT_ID\u0000partner-a'));
    // 1949-12-31 is day 36523 after 1850-01-01.
    const body = `0${ff1.encrypt('110105' + '36523' + '002' + '00')}`;
    expect(key.tokenizeResidentId('11010519491231002X', 'partner-a')).toBe(body + mod112CheckChar(body));
  });

  it('are always format-valid, start with the reserved 0, and detokenise back', () => {
    fc.assert(
      fc.property(residentId, scope, (id, s) => {
        const token = key.tokenizeResidentId(id, s);
        expect(token).toMatch(/^0\d{16}[\dX]$/);
        expect(hasValidMod112Check(token)).toBe(true);
        expect(isResidentIdToken(token)).toBe(true);
        expect(token).not.toBe(id); // real IDs start 1–9, so can never equal a token
        expect(key.detokenizeResidentId(token, s)).toBe(id);
      }),
    );
  });

  it('are deterministic within a (tenant, field, version, scope) and differ across them', () => {
    fc.assert(
      fc.property(residentId, (id) => {
        const t = key.tokenizeResidentId(id, 'a');
        expect(key.tokenizeResidentId(id, 'a')).toBe(t);
        expect(key.tokenizeResidentId(id, 'b')).not.toBe(t);
        expect(otherTenant.tokenizeResidentId(id, 'a')).not.toBe(t);
      }),
      { numRuns: 50 },
    );
  });

  it('reject any token-shaped string that is not ours, or else map it back exactly (a bijection)', () => {
    let rejected = 0;
    const runs = 2000;
    fc.assert(
      fc.property(fc.stringMatching(/^0\d{16}$/), (body) => {
        const token = body + mod112CheckChar(body);
        try {
          const id = key.detokenizeResidentId(token);
          expect(key.tokenizeResidentId(id)).toBe(token);
        } catch (e) {
          expect(isCryptoError(e, 'INVALID_TOKEN')).toBe(true);
          rejected++;
        }
      }),
      { numRuns: runs },
    );
    expect(rejected / runs).toBeGreaterThan(0.95); // the 00 pad and region digit reject ~99.1%
    expectCode('INVALID_TOKEN', () =>
      otherTenant.detokenizeResidentId(key.tokenizeResidentId('11010519491231002X')),
    );
  });

  it('refuse non-normalised or invalid IDs with INVALID_VALUE, never echoing them', () => {
    const withCheck = (first17: string): string => first17 + mod112CheckChar(first17);
    const bad = [
      '11010519491231002x', // lower-case check letter: normalise first
      '110105194912310021', // wrong check character
      '110105 19491231 002X',
      withCheck('01101051949123100'), // leading 0 (already a token shape)
      withCheck('11010519490230002'), // 1949-02-30
      withCheck('11010518491231002'), // 1849: before the encodable range
      withCheck('11010521231017002'), // 2123-10-17: after it
      '110105491231002', // legacy 15-digit: convert first
    ];
    for (const id of bad) {
      try {
        key.tokenizeResidentId(id);
        expect.unreachable(id);
      } catch (e) {
        expect(
          isCryptoError(e) && e.code === 'INVALID_VALUE' && !e.message.includes(id.slice(0, 6)),
          id,
        ).toBe(true);
      }
    }
    expectCode('INVALID_CONTEXT', () => key.tokenizeResidentId('11010519491231002X', 'a b'));
    expectCode('INVALID_TOKEN', () => key.detokenizeResidentId('11010519491231002X'));
    expectCode('INVALID_TOKEN', () => key.detokenizeResidentId('0101051949123100'));
  });

  it('covers the documented date range ends', () => {
    for (const first17 of ['11010518500101001', '11010521231016001']) {
      const id = first17 + mod112CheckChar(first17);
      expect(key.detokenizeResidentId(key.tokenizeResidentId(id))).toBe(id);
    }
  });
});

describe('mobile tokens', () => {
  it('are 11 digits under the reserved 2, never a mobile shape, and detokenise back', () => {
    fc.assert(
      fc.property(mobile, scope, (m, s) => {
        const token = key.tokenizeMobile(m, s);
        expect(token).toMatch(/^2\d{10}$/);
        expect(isMobileToken(token)).toBe(true);
        expect(token).not.toMatch(/^1/);
        expect(key.tokenizeMobile(m, s)).toBe(token);
        expect(key.detokenizeMobile(token, s)).toBe(m);
      }),
    );
  });

  it('reject token-shaped strings that are not ours, or map them back exactly', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^2\d{10}$/), (token) => {
        try {
          expect(key.tokenizeMobile(key.detokenizeMobile(token))).toBe(token);
        } catch (e) {
          expect(isCryptoError(e, 'INVALID_TOKEN')).toBe(true);
        }
      }),
    );
    expectCode('INVALID_VALUE', () => key.tokenizeMobile('12812345678'));
    expectCode('INVALID_VALUE', () => key.tokenizeMobile('+8613812345678'));
    expectCode('INVALID_TOKEN', () => key.detokenizeMobile('13812345678'));
  });
});

describe('FormatTokenKey', () => {
  it('does not print its key, and refuses use after destroy()', async () => {
    const k = await deriveFormatTokenKey(provider, { ...spec, tenant: 't3' });
    expect(inspect(k)).toBe("FormatTokenKey { tenant: 't3', field: 'CN_RESIDENT_ID', version: 1 }");
    expect(JSON.stringify(k)).toBe('{"tenant":"t3","field":"CN_RESIDENT_ID","version":1}');
    k.destroy();
    expectCode('KEY_DESTROYED', () => k.tokenizeMobile('13812345678'));
    expect(() => new FormatTokenKey(spec, new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
  });
});

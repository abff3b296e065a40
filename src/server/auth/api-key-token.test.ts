import { describe, expect, it } from 'vitest';
import { bearerToken, generateToken, parseToken, randomBase62 } from './api-key-token.ts';

describe('API key tokens', () => {
  it('are shk_<16 base62>_<43 base64url> and parse back to their id and secret', () => {
    const t = generateToken();
    expect(t.token).toMatch(/^shk_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(t.keyId).toMatch(/^key_[A-Za-z0-9]{16}$/);
    expect(parseToken(t.token)).toEqual({ keyId: t.keyId, secret: t.secret });
    expect(Buffer.from(t.secret, 'base64url')).toHaveLength(32);
  });

  it('are different every time', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generateToken().token));
    expect(seen.size).toBe(200);
  });

  it.each([
    ['empty', ''],
    ['wrong prefix', `shx_${'A'.repeat(16)}_${'B'.repeat(43)}`],
    ['short secret', `shk_${'A'.repeat(16)}_${'B'.repeat(42)}`],
    ['long secret', `shk_${'A'.repeat(16)}_${'B'.repeat(44)}`],
    ['underscore in id', `shk_${'A'.repeat(15)}__${'B'.repeat(43)}`],
    ['non-ASCII', `shk_${'Ａ'.repeat(16)}_${'B'.repeat(43)}`],
    ['trailing newline', `shk_${'A'.repeat(16)}_${'B'.repeat(43)}\n`],
  ])('refuses a malformed token (%s) without throwing', (_name, token) => {
    expect(parseToken(token)).toBeUndefined();
  });

  it('accepts a secret holding "_" and "-" (base64url)', () => {
    const token = `shk_${'a'.repeat(16)}_${'_-'.repeat(21)}x`;
    expect(parseToken(token)?.secret).toBe(`${'_-'.repeat(21)}x`);
  });

  it('reads Bearer headers only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken(`Bearer ${'x'.repeat(300)}`)).toBeUndefined();
  });

  it('draws base62 characters evenly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const c of randomBase62(62_000)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(750); // expected 1000 each
  });
});

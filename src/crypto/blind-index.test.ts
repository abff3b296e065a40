import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLIND_INDEX_LENGTH, deriveBlindIndexKey } from './blind-index.ts';
import { hkdf } from './hkdf.ts';
import { InMemoryRootKeyProvider } from './root-key-provider.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const ROOT = new Uint8Array(32).fill(0x11);
const provider = new InMemoryRootKeyProvider(ROOT, 'test');
const digitsOnly = (v: string): string => v.replace(/[\s-]/g, '').toUpperCase();

describe('blind index', () => {
  it('is HMAC(HKDF(root, "shiming/v1/blind-index/<tenant>/<field>/<version>"), normalised value) — the invariant', async () => {
    const key = await deriveBlindIndexKey(provider, {
      tenant: 't1',
      field: 'CN_RESIDENT_ID',
      version: 1,
      suite: 'intl',
    });
    const k = hkdf('intl', ROOT, new Uint8Array(0), 'shiming/v1/blind-index/t1/CN_RESIDENT_ID/1', 32);
    const expected = createHmac('sha256', k).update('11010519491231002X').digest('hex');
    expect(hex(key.compute('110105 19491231 002x', digitsOnly))).toBe(expected);

    const gm = await deriveBlindIndexKey(provider, {
      tenant: 't1',
      field: 'CN_MOBILE',
      version: 3,
      suite: 'gm',
    });
    const kg = hkdf('gm', ROOT, new Uint8Array(0), 'shiming/v1/blind-index/t1/CN_MOBILE/3', 32);
    expect(hex(gm.compute('13812345678'))).toBe(createHmac('sm3', kg).update('13812345678').digest('hex'));
  });

  it('is deterministic across derivations and full width (32 bytes)', async () => {
    const spec = { tenant: 't1', field: 'name', version: 1, suite: 'intl' } as const;
    const a = await deriveBlindIndexKey(provider, spec);
    const b = await deriveBlindIndexKey(provider, spec);
    expect(a.compute('张三').length).toBe(BLIND_INDEX_LENGTH);
    expect(hex(a.compute(' 张三 '))).toBe(hex(b.compute('张三')));
  });

  it('separates tenants, fields, versions and suites', async () => {
    const base = { tenant: 't1', field: 'f', version: 1, suite: 'intl' } as const;
    const variants = [
      base,
      { ...base, tenant: 't2' },
      { ...base, field: 'g' },
      { ...base, version: 2 },
      { ...base, suite: 'gm' as const },
    ];
    const values = await Promise.all(
      variants.map(async (s) => hex((await deriveBlindIndexKey(provider, s)).compute('x'))),
    );
    expect(new Set(values).size).toBe(variants.length);
  });

  it('gives different indexes for different normalised values', async () => {
    const key = await deriveBlindIndexKey(provider, { tenant: 't1', field: 'f', version: 1, suite: 'gm' });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        const na = a.normalize('NFC').trim();
        const nb = b.normalize('NFC').trim();
        fc.pre(a.isWellFormed() && b.isWellFormed() && na !== '' && nb !== '' && na !== nb);
        expect(hex(key.compute(a))).not.toBe(hex(key.compute(b)));
      }),
    );
  });

  it('refuses bad values with INVALID_VALUE and never echoes them', async () => {
    const key = await deriveBlindIndexKey(provider, { tenant: 't1', field: 'f', version: 1, suite: 'intl' });
    for (const [value, normalise] of [
      ['   ', undefined],
      ['\uD800', undefined],
      [
        '13812345678',
        () => {
          throw new Error('bad 13812345678');
        },
      ],
    ] as const) {
      try {
        key.compute(value, normalise);
        expect.unreachable();
      } catch (e) {
        expect(e).toMatchObject({ code: 'INVALID_VALUE' });
        expect(String(e)).not.toContain('138');
        expect((e as Error).cause).toBeUndefined();
      }
    }
    await expect(
      deriveBlindIndexKey(provider, { tenant: 't 1', field: 'f', version: 1, suite: 'intl' }),
    ).rejects.toMatchObject({ code: 'INVALID_CONTEXT' });
    expect(inspect(key)).not.toMatch(/[0-9a-f]{32}/);
  });
});

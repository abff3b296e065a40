import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CryptoError, isCryptoError } from './errors.ts';
import { hmacIdentifier, isHmacIdentifier, normaliseIdentifierValue } from './hmac-identifier.ts';
import { deriveAuditHmacKey, HmacKey } from './hmac-key.ts';
import { InMemoryRootKeyProvider } from './root-key-provider.ts';

const KEY_BYTES = new Uint8Array(32).fill(0x42);
const intl = new HmacKey('intl', KEY_BYTES);
const gm = new HmacKey('gm', KEY_BYTES);
const ID = '11010519491231002X';

describe('hmacIdentifier', () => {
  it('is HMAC(key, kind ‖ 0x00 ‖ normalised value) with a suite prefix — the documented invariant', () => {
    const expected = createHmac('sha256', KEY_BYTES).update(`CN_RESIDENT_ID\u0000${ID}`).digest('hex');
    expect(hmacIdentifier(intl, 'CN_RESIDENT_ID', ID)).toBe(`hmac-sha256:${expected}`);
    const sm3 = createHmac('sm3', KEY_BYTES).update(`actor\u0000staff 7`).digest('hex');
    expect(hmacIdentifier(gm, 'actor', '  staff 7 ')).toBe(`hmac-sm3:${sm3}`);
  });

  it("hashes the value in the form the caller's normaliser gives", () => {
    const digitsOnly = (v: string) => v.replace(/\D/g, '');
    expect(hmacIdentifier(intl, 'CN_MOBILE', '138-1234-5678', digitsOnly)).toBe(
      hmacIdentifier(intl, 'CN_MOBILE', '13812345678'),
    );
    expect(hmacIdentifier(intl, 'CN_MOBILE', '138-1234-5678')).not.toBe(
      hmacIdentifier(intl, 'CN_MOBILE', '13812345678'),
    );
  });

  it('gives different identifiers for different values, kinds, suites and keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        const na = a.normalize('NFC').trim();
        const nb = b.normalize('NFC').trim();
        fc.pre(na !== '' && nb !== '' && na !== nb && a.isWellFormed() && b.isWellFormed());
        expect(hmacIdentifier(intl, 'actor', a)).not.toBe(hmacIdentifier(intl, 'actor', b));
      }),
    );
    const v = '13812345678';
    const ids = new Set([
      hmacIdentifier(intl, 'CN_MOBILE', v),
      hmacIdentifier(intl, 'CN_LANDLINE', v),
      hmacIdentifier(intl, 'phone', v),
      hmacIdentifier(gm, 'CN_MOBILE', v).slice('hmac-sm3:'.length),
      hmacIdentifier(new HmacKey('intl', new Uint8Array(32).fill(1)), 'CN_MOBILE', v),
    ]);
    expect(ids.size).toBe(5);
  });

  it('normalises plain kinds by NFC and trim only', () => {
    expect(normaliseIdentifierValue('actor', ' e\u0301 ')).toBe('\u00e9');
    expect(hmacIdentifier(intl, 'actor', 'e\u0301')).toBe(hmacIdentifier(intl, 'actor', '\u00e9'));
    expect(hmacIdentifier(intl, 'actor', 'Ab')).not.toBe(hmacIdentifier(intl, 'actor', 'ab'));
  });

  it('produces well-shaped identifiers', () => {
    fc.assert(
      fc.property(fc.constantFrom(intl, gm), fc.string({ minLength: 1 }), (key, value) => {
        fc.pre(value.isWellFormed() && value.trim() !== '');
        expect(isHmacIdentifier(hmacIdentifier(key, 'subject', value))).toBe(true);
      }),
    );
    expect(isHmacIdentifier('hmac-sha256:abc')).toBe(false);
    expect(isHmacIdentifier(ID)).toBe(false);
  });

  it('refuses bad kinds and values with typed errors that never contain the value', () => {
    const secret = '13812345678';
    const cases: [string, string, string][] = [
      ['', secret, 'INVALID_KIND'],
      ['a\u0000b', secret, 'INVALID_KIND'],
      ['x'.repeat(65), secret, 'INVALID_KIND'],
      ['phone', ' \u3000 ', 'INVALID_VALUE'],
      ['actor', '   ', 'INVALID_VALUE'],
      ['actor', `${secret}\uD800`, 'INVALID_VALUE'],
    ];
    for (const [kind, value, code] of cases) {
      try {
        hmacIdentifier(intl, kind, value);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(CryptoError);
        expect((e as CryptoError).code).toBe(code);
        expect((e as Error).message).not.toContain(secret);
      }
    }
  });
});

describe('HmacKey', () => {
  it('refuses keys shorter than 32 bytes and never shows its bytes', () => {
    expect(() => new HmacKey('intl', new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
    const shown = inspect(intl, { showHidden: true }) + JSON.stringify(intl);
    expect(shown).toContain('intl');
    expect(shown).not.toContain('42424242');
    expect(shown).not.toContain('QkJCQkJC');
  });

  it('audit keys are fixed for a given root and log (golden values lock the labels)', async () => {
    const root = new InMemoryRootKeyProvider(
      Uint8Array.from({ length: 32 }, (_, i) => i),
      'test',
    );
    const a = await deriveAuditHmacKey(root, 'main', 'intl');
    const b = await deriveAuditHmacKey(root, 'main', 'gm');
    expect(hmacIdentifier(a, 'CN_RESIDENT_ID', ID)).toBe(GOLDEN_INTL);
    expect(hmacIdentifier(b, 'CN_RESIDENT_ID', ID)).toBe(GOLDEN_GM);
    const other = await deriveAuditHmacKey(root, 'other', 'intl');
    expect(hmacIdentifier(other, 'CN_RESIDENT_ID', ID)).not.toBe(GOLDEN_INTL);
    await root.close();
    await expect(deriveAuditHmacKey(root, 'main', 'intl')).rejects.toSatisfy((e) =>
      isCryptoError(e, 'ROOT_KEY_CLOSED'),
    );
  });
});

// Computed independently with node:crypto hkdfSync + createHmac from the documented construction.
const GOLDEN_INTL = 'hmac-sha256:f36828ddc683da2cd243ea17a11f7b5690876ec610af17f5596aaf6161499f88';
const GOLDEN_GM = 'hmac-sm3:8071bc033e431c8c3909674d66b8f534a03c2263411d829cb371d7e48d8c3a1e';

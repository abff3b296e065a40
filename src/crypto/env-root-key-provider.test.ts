import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openEnvRootKey, parseRootKey } from './env-root-key-provider.ts';
import { CryptoError } from './errors.ts';
import { rootKeyFingerprint } from './root-key-provider.ts';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => 0xa0 + i);
const HEX = Buffer.from(KEY).toString('hex');
const B64 = Buffer.from(KEY).toString('base64');

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    return e.code;
  }
  return 'ok';
}

describe('parseRootKey', () => {
  it('accepts 64 hex digits (either case) and canonical padded base64, trimming outer whitespace', () => {
    for (const s of [HEX, HEX.toUpperCase(), B64, `${B64}\n`, `  ${HEX}\r\n`]) {
      expect(Buffer.from(parseRootKey(s)).equals(Buffer.from(KEY))).toBe(true);
    }
  });

  it('refuses near misses with the right code', () => {
    expect(codeOf(() => parseRootKey(HEX.slice(2)))).toBe('ROOT_KEY_WRONG_LENGTH');
    expect(codeOf(() => parseRootKey(`${HEX}00`))).toBe('ROOT_KEY_WRONG_LENGTH');
    expect(codeOf(() => parseRootKey(B64.slice(0, -1)))).toBe('ROOT_KEY_WRONG_LENGTH'); // no padding
    expect(codeOf(() => parseRootKey(''))).toBe('ROOT_KEY_WRONG_LENGTH');
    const plusSlash = Buffer.alloc(32, 0xfb).toString('base64'); // contains '+' and '/'
    expect(parseRootKey(plusSlash)).toHaveLength(32);
    expect(codeOf(() => parseRootKey(plusSlash.replace(/\+/g, '-').replace(/\//g, '_')))).toBe(
      'ROOT_KEY_MALFORMED',
    );
    expect(codeOf(() => parseRootKey(`${HEX.slice(0, 32)} ${HEX.slice(32)}`))).toBe('ROOT_KEY_MALFORMED');
    expect(codeOf(() => parseRootKey(`#${HEX.slice(1)}`))).toBe('ROOT_KEY_MALFORMED');
    expect(codeOf(() => parseRootKey('0'.repeat(64)))).toBe('ROOT_KEY_MALFORMED');
    // Non-canonical base64: the 2 spare bits of the last character set.
    const last = B64.at(-2)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const bumped = alphabet[alphabet.indexOf(last) + 1]!;
    expect(codeOf(() => parseRootKey(`${B64.slice(0, -2)}${bumped}=`))).toBe('ROOT_KEY_MALFORMED');
  });

  it('throws only CryptoError for any input, and never echoes it', () => {
    const mutated = fc
      .tuple(fc.constantFrom(HEX, B64), fc.nat(), fc.string({ maxLength: 2 }), fc.nat({ max: 2 }))
      .map(([s, at, ins, del]) => {
        const i = at % (s.length + 1);
        return s.slice(0, i) + ins + s.slice(i + del);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), mutated), (input) => {
        try {
          const key = parseRootKey(input);
          expect(key.length).toBe(32);
        } catch (e) {
          expect(e).toBeInstanceOf(CryptoError);
          const message = (e as Error).message;
          if (input.trim().length >= 8) expect(message).not.toContain(input.trim());
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('openEnvRootKey', () => {
  it('reads SHIMING_ROOT_KEY from the given env; hex and base64 of one key give one root', async () => {
    const a = await openEnvRootKey({ env: { SHIMING_ROOT_KEY: HEX } });
    const b = await openEnvRootKey({ env: { OTHER: B64 }, variable: 'OTHER' });
    expect(await rootKeyFingerprint(a)).toBe(await rootKeyFingerprint(b));
    expect(a.description).toBe('env:SHIMING_ROOT_KEY');
  });

  it('reports an unset or blank variable as ROOT_KEY_MISSING', async () => {
    for (const env of [{}, { SHIMING_ROOT_KEY: '' }, { SHIMING_ROOT_KEY: ' \n' }]) {
      await expect(openEnvRootKey({ env })).rejects.toMatchObject({ code: 'ROOT_KEY_MISSING' });
    }
  });
});

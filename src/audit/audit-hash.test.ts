import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacKey } from '../crypto/hmac-key.ts';
import { auditIdentifier } from './audit-hash.ts';

const intl = new HmacKey('intl', new Uint8Array(32).fill(0x42));
const ID = '11010519491231002X';

/** Fold ASCII to full-width (U+FF01–U+FF5E), as Chinese input methods produce. */
const fullWidth = (c: string): string => String.fromCharCode(c.charCodeAt(0) + 0xfee0);

/** Random spellings of `id`: separators between characters, full-width characters, lower case. */
const spelling = (id: string): fc.Arbitrary<string> =>
  fc
    .array(fc.tuple(fc.constantFrom('', '', ' ', '-', '.', '\u3000', '\u200b'), fc.boolean(), fc.boolean()), {
      minLength: id.length,
      maxLength: id.length,
    })
    .map((choices) =>
      [...id]
        .map((ch, i) => {
          const [sep, wide, lower] = choices[i]!;
          const c = lower ? ch.toLowerCase() : ch;
          return sep + (wide ? fullWidth(c) : c);
        })
        .join(''),
    );

describe('auditIdentifier', () => {
  it("finds the entry written for 11010519491231002X from an investigator's '110105 19491231 002x'", () => {
    expect(auditIdentifier(intl, 'CN_RESIDENT_ID', '110105 19491231 002x')).toBe(
      auditIdentifier(intl, 'CN_RESIDENT_ID', ID),
    );
    expect(auditIdentifier(intl, 'CN_MOBILE', '+86 138-1234-5678')).toBe(
      auditIdentifier(intl, 'CN_MOBILE', '13812345678'),
    );
  });

  it('gives one identifier for every separator / full-width / case spelling of an ID', () => {
    const canonical = auditIdentifier(intl, 'CN_RESIDENT_ID', ID);
    fc.assert(
      fc.property(spelling(ID), (s) => {
        expect(auditIdentifier(intl, 'CN_RESIDENT_ID', s)).toBe(canonical);
      }),
    );
  });

  it('normalises other kinds by NFC and trim only', () => {
    expect(auditIdentifier(intl, 'actor', ' staff-7 ')).toBe(auditIdentifier(intl, 'actor', 'staff-7'));
    expect(auditIdentifier(intl, 'actor', 'Staff-7')).not.toBe(auditIdentifier(intl, 'actor', 'staff-7'));
  });
});

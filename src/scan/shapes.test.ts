import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alnumMayHaveTypes,
  alnumTypes,
  type FirstGroup,
  firstGroupMatches,
  firstGroupMatchesBytes,
} from './shapes.ts';

describe('first-group tests on bytes', () => {
  it('answer as the tests on strings', () => {
    const word = fc.oneof(
      fc.stringMatching(/^\+?[0-9]{1,5}$/),
      fc.constantFrom('86', '+86', '0086', '086', '1990', '2024', '1899', '2100', '0', '00', '199', '19901'),
    );
    fc.assert(
      fc.property(word, fc.constantFrom<FirstGroup>('countryCode', 'startsWith0', 'year'), (w, test) => {
        const b = Buffer.from(`x${w}y`, 'latin1');
        expect(firstGroupMatchesBytes(test, b, 1, w.length)).toBe(firstGroupMatches(test, w));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('alnumMayHaveTypes', () => {
  it('is false only where alnumTypes names nothing', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{1,20}$/), (w) => {
        const c0 = w.charCodeAt(0);
        const may = alnumMayHaveTypes(w.length, c0 >= 0x41 && c0 <= 0x5a);
        if (!may) expect(alnumTypes(w)).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corruptCheckChar, foreignerPrId } from '../../test/synth/ids.ts';
import { mulberry32 } from '../../test/synth/rng.ts';
import { cnForeignerPrId } from './cn-foreigner-pr-id.ts';

const NOW = new Date('2025-06-01T00:00:00Z');
const v = (value: string) => cnForeignerPrId.validate(value, { now: NOW });
const seeds = fc.integer({ min: 0, max: 0x7fffffff });

describe('CN_FOREIGNER_PR_ID validate', () => {
  it.each([
    // value, kind, score
    ['911840198001011235', '2023', 0.9], // 9 + Beijing (11) + USA (840) + 1980-01-01
    ['931392197512310040', '2023', 0.9], // 9 + Shanghai (31) + Japan (392)
    ['９１１８４０１９８００１０１１２３５', '2023', 0.9],
    ['911840 19800101 1235', '2023', 0.9],
    ['999840198001011237', '2023', 0.85], // province 99 unknown: only a signal (layout unverified)
    ['USA110123456789', '2017', 0.35],
    ['usa110123456789', '2017', 0.35],
  ])('accepts %s (%s)', (value, kind, score) => {
    expect(v(value)).toMatchObject({ valid: true, kind, score });
  });

  it.each([
    ['911840198001011236', 'BAD_CHECKSUM'],
    ['911840198002301234', 'BAD_DATE'], // 30 February
    ['911840203001011239', 'BAD_DATE'], // born in the future
    ['11010519491231002X', 'BAD_FORMAT'], // a citizen's number does not start with 9
    ['91184019800101123', 'BAD_FORMAT'],
    ['US1110123456789', 'BAD_FORMAT'],
    ['USA11012345678', 'BAD_FORMAT'],
    ['', 'BAD_FORMAT'],
  ])('rejects %s: %s', (value, reason) => {
    expect(v(value)).toMatchObject({ valid: false, reason, score: 0 });
  });

  it('accepts every generated number and normalises its variants alike', () => {
    fc.assert(
      fc.property(seeds, fc.boolean(), (seed, legacy2017) => {
        const id = foreignerPrId(mulberry32(seed), { legacy2017 });
        const r = v(id);
        expect(r).toMatchObject({ valid: true, kind: legacy2017 ? '2017' : '2023' });
        const n = cnForeignerPrId.normalise(id);
        expect(cnForeignerPrId.normalise(n)).toBe(n);
        const fullWidth = id.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
        for (const form of [fullWidth, id.toLowerCase(), `${id.slice(0, 6)} ${id.slice(6)}`]) {
          expect(cnForeignerPrId.normalise(form)).toBe(n);
          expect(v(form)).toBe(r);
        }
        if (!legacy2017)
          expect(v(corruptCheckChar(id))).toMatchObject({ valid: false, reason: 'BAD_CHECKSUM' });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects every single-digit substitution of a 2023 number', () => {
    const rng = mulberry32(2023);
    for (let k = 0; k < 20; k++) {
      const id = foreignerPrId(rng);
      for (let pos = 0; pos < 18; pos++) {
        for (const c of pos === 17 ? '0123456789X' : '0123456789') {
          if (c === id[pos]) continue;
          expect(v(id.slice(0, pos) + c + id.slice(pos + 1)).valid).toBe(false);
        }
      }
    }
  });
});

describe('CN_FOREIGNER_PR_ID mask', () => {
  it.each([
    ['911840198001011235', '911840********1235'],
    ['USA110123456789', 'USA*********789'],
  ])('masks %s', (value, expected) => {
    expect(cnForeignerPrId.mask(value)).toBe(expected);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../pi/cn-resident-id.ts';
import {
  adultOn,
  ageAt,
  birthDateOfResidentId,
  formatIsoDate,
  isIanaTimeZone,
  minorDecision,
  parseIsoDate,
  playDecision,
} from './minors.ts';
import { EXAMPLE_POLICIES } from './policies/examples.ts';
import { parseServicePolicy } from './policy.ts';
import type { MinorsPolicy } from './policy.types.ts';
import { AGE_BANDS, type AgeBand, ageBandOf } from './types.ts';

const utc = (s: string) => new Date(`${s}Z`);

describe('dates and zones', () => {
  it('parses strict YYYY-MM-DD only', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    for (const bad of [
      '2023-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-1-01',
      '2026-01-01T00:00',
      ' 2026-01-01',
      '',
    ])
      expect(parseIsoDate(bad)).toBeUndefined();
    expect(formatIsoDate({ year: 812, month: 3, day: 4 })).toBe('0812-03-04');
  });

  it('knows IANA zones and refuses offsets', () => {
    for (const z of ['Asia/Shanghai', 'UTC', 'America/Argentina/Buenos_Aires', 'Etc/GMT-8'])
      expect(isIanaTimeZone(z)).toBe(true);
    for (const z of ['Asia/Beijing', '+08:00', 'UTC+8', '', 'asia shanghai', 'a'.repeat(65)])
      expect(isIanaTimeZone(z)).toBe(false);
  });
});

describe('ageAt', () => {
  it('counts whole years on the Beijing calendar, whatever the zone of the Date', () => {
    expect(ageAt('2008-05-01', utc('2026-04-30T15:59:59'))).toBe(17);
    expect(ageAt('2008-05-01', utc('2026-04-30T16:00:00'))).toBe(18); // 00:00 on 1 May in Beijing
    expect(ageAt('2008-05-01', utc('2026-04-30T16:00:00'), 'UTC')).toBe(17);
    expect(ageAt({ year: 2008, month: 5, day: 1 }, utc('2026-05-01T00:00:00'), 'UTC')).toBe(18);
    expect(ageAt('2026-05-01', utc('2026-04-30T16:00:00'))).toBe(0); // born today
  });

  it('gives a 29 February birthday on 1 March in common years', () => {
    expect(ageAt('2008-02-29', utc('2026-02-28T12:00:00'), 'UTC')).toBe(17);
    expect(ageAt('2008-02-29', utc('2026-03-01T00:00:00'), 'UTC')).toBe(18);
    expect(ageAt('2008-02-29', utc('2028-02-28T12:00:00'), 'UTC')).toBe(19);
    expect(ageAt('2008-02-29', utc('2028-02-29T00:00:00'), 'UTC')).toBe(20);
    expect(adultOn('2008-02-29')).toBe('2026-03-01');
    expect(adultOn('2008-05-01')).toBe('2026-05-01');
    expect(adultOn({ year: 1999, month: 12, day: 31 })).toBe('2017-12-31');
  });

  it('refuses impossible inputs without echoing them', () => {
    const at = utc('2026-01-01T00:00:00');
    expect(() => ageAt('2027-01-01', at)).toThrow(RangeError);
    expect(() => ageAt('2023-02-29', at)).toThrow(/not a real/);
    expect(() => ageAt('1949-12-31', new Date(Number.NaN))).toThrow(RangeError);
    expect(() => ageAt({ year: 2000, month: 2, day: 30 }, at)).toThrow(RangeError);
    try {
      ageAt('2031-07-15', at);
    } catch (e) {
      expect((e as Error).message).not.toContain('2031');
    }
  });

  it('matches a naive reference for random dates (property)', () => {
    // The reference lets Date roll 29 February over to 1 March, and reads the zone by hand.
    const reference = (b: Date, at: Date, offsetHours: number) => {
      const local = new Date(at.getTime() + offsetHours * 3_600_000);
      const today = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
      let age = local.getUTCFullYear() - b.getUTCFullYear();
      if (Date.UTC(b.getUTCFullYear() + age, b.getUTCMonth(), b.getUTCDate()) > today) age--;
      return age;
    };
    const day = fc.date({
      min: new Date('1900-01-01T00:00:00Z'),
      max: new Date('2100-12-31T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 120 * 366 * 86_400_000 }), (birthInstant, later) => {
        const birth = birthInstant.toISOString().slice(0, 10);
        const b = new Date(`${birth}T00:00:00Z`);
        const at = new Date(b.getTime() + later);
        expect(ageAt(birth, at, 'UTC')).toBe(reference(b, at, 0));
        // Shanghai has been UTC+8 without daylight saving since 1992.
        if (at.getUTCFullYear() >= 1992 && at.getTime() - 8 * 3_600_000 >= b.getTime())
          expect(ageAt(birth, at)).toBe(reference(b, at, 8));
      }),
      { numRuns: 500 },
    );
  });
});

describe('birthDateOfResidentId', () => {
  const id18 = (first17: string) => first17 + residentIdCheckChar(first17);

  it('reads 18-character numbers with a correct check character, and legacy 15-digit ones', () => {
    expect(birthDateOfResidentId('11010519491231002X')).toEqual({ year: 1949, month: 12, day: 31 });
    expect(birthDateOfResidentId('11010519491231002x')).toEqual({ year: 1949, month: 12, day: 31 });
    expect(birthDateOfResidentId(id18('44030820080229123'))).toEqual({ year: 2008, month: 2, day: 29 });
    expect(birthDateOfResidentId(id18('81000020100101001'))).toEqual({ year: 2010, month: 1, day: 1 }); // HK permit
    expect(birthDateOfResidentId('110105491231002')).toEqual({ year: 1949, month: 12, day: 31 });
  });

  it('gives nothing for a bad check character, an impossible date or another shape', () => {
    expect(birthDateOfResidentId('110105194912310021')).toBeUndefined();
    expect(birthDateOfResidentId(id18('44030820070229123'))).toBeUndefined();
    expect(birthDateOfResidentId('110105491331002')).toBeUndefined();
    expect(birthDateOfResidentId('1101051949123100')).toBeUndefined();
    expect(birthDateOfResidentId('')).toBeUndefined();
  });
});

const minors = (m: MinorsPolicy) => ({ minors: m });

describe('minorDecision', () => {
  const game = EXAMPLE_POLICIES.game; // consent under 14, no minimum age
  const telecom = EXAMPLE_POLICIES.telecom; // consent under 16
  const host = minors({ minimumAge: 16, guardianConsentUnder: 14 }); // a live-stream host service

  it.each([
    ['adult', game, { age: 30 }, false, { allowed: true, minor: false }],
    ['17-year-old', game, { age: 17 }, false, { allowed: true, minor: true }],
    ['14-year-old', game, { age: 14 }, false, { allowed: true, minor: true }],
    [
      '13-year-old without consent',
      game,
      { age: 13 },
      false,
      { allowed: false, code: 'GUARDIAN_CONSENT_REQUIRED', minor: true },
    ],
    ['13-year-old with consent', game, { age: 13 }, true, { allowed: true, minor: true }],
    [
      'band 8-13',
      game,
      { ageBand: '8-13' },
      false,
      { allowed: false, code: 'GUARDIAN_CONSENT_REQUIRED', minor: true },
    ],
    ['band 14-15', game, { ageBand: '14-15' }, false, { allowed: true, minor: true }],
    [
      'band 14-15 under a 16 threshold',
      telecom,
      { ageBand: '14-15' },
      false,
      { allowed: false, code: 'GUARDIAN_CONSENT_REQUIRED', minor: true },
    ],
    ['band 16-17 under a 16 threshold', telecom, { ageBand: '16-17' }, false, { allowed: true, minor: true }],
    ['band 18+', telecom, { ageBand: '18+' }, false, { allowed: true, minor: false }],
    ['nothing known', game, {}, false, { allowed: false, code: 'GUARDIAN_CONSENT_REQUIRED', minor: true }],
    ['nothing known, consent given', game, {}, true, { allowed: true, minor: true }],
    ['15-year-old host', host, { age: 15 }, true, { allowed: false, code: 'UNDER_MINIMUM_AGE', minor: true }],
    [
      'band 14-15 host',
      host,
      { ageBand: '14-15' },
      true,
      { allowed: false, code: 'UNDER_MINIMUM_AGE', minor: true },
    ],
    ['16-year-old host', host, { age: 16 }, false, { allowed: true, minor: true }],
    ['age wins over band', host, { age: 16, ageBand: '0-7' }, false, { allowed: true, minor: true }],
  ] as const)('%s', (_, policy, facts, guardianConsent, want) => {
    expect(minorDecision(policy, { ...facts, guardianConsent })).toEqual(want);
  });

  it('treats a band straddling a threshold as under it (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 18 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        (threshold, age, consent) => {
          const policy = minors({ guardianConsentUnder: threshold });
          const byBand = minorDecision(policy, { ageBand: ageBandOf(age), guardianConsent: consent });
          const byAge = minorDecision(policy, { age, guardianConsent: consent });
          if (byAge.allowed === false) expect(byBand.allowed).toBe(false); // never more permissive
          expect(byBand.minor).toBe(age < 18);
        },
      ),
    );
  });

  it('refuses nonsense ages', () => {
    expect(() => minorDecision(EXAMPLE_POLICIES.game, { age: -1, guardianConsent: false })).toThrow(
      RangeError,
    );
    expect(() => minorDecision(EXAMPLE_POLICIES.game, { age: 12.5, guardianConsent: false })).toThrow(
      RangeError,
    );
    expect(() =>
      minorDecision(EXAMPLE_POLICIES.game, { ageBand: '12-13' as AgeBand, guardianConsent: false }),
    ).toThrow(RangeError);
  });
});

describe('playDecision (NPPA 2021: Fri, Sat, Sun and holidays 20:00–21:00 Beijing time)', () => {
  const game = EXAMPLE_POLICIES.game;
  const play = (at: string, facts: { age?: number; ageBand?: AgeBand } = { age: 12 }) =>
    playDecision(game, { ...facts, at: utc(at) });

  it('opens at 20:00:00 and closes at 21:00:00 on a Friday, given the Date in UTC', () => {
    // 2026-03-06 is a Friday; 20:00 in Beijing is 12:00 UTC.
    expect(play('2026-03-06T11:59:59.999')).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
      nextWindowStartsAt: utc('2026-03-06T12:00:00'),
    });
    const window = { allowed: true, reason: 'IN_WINDOW', windowEndsAt: utc('2026-03-06T13:00:00') };
    expect(play('2026-03-06T12:00:00')).toEqual(window);
    expect(play('2026-03-06T12:59:59.999')).toEqual(window);
    expect(play('2026-03-06T13:00:00')).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
      nextWindowStartsAt: utc('2026-03-07T12:00:00'), // Saturday
    });
  });

  it('has no window on a weekday', () => {
    // Thursday 2026-03-05 20:30 Beijing.
    expect(play('2026-03-05T12:30:00')).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
      nextWindowStartsAt: utc('2026-03-06T12:00:00'),
    });
    // Sunday night 21:30 → next is Friday.
    expect(play('2026-03-08T13:30:00').nextWindowStartsAt).toEqual(utc('2026-03-13T12:00:00'));
  });

  it('has no weekend window on a make-up working Saturday', () => {
    // 2026-02-28 (Sat) is worked for the Spring Festival; Sunday 1 March is an ordinary Sunday.
    expect(play('2026-02-28T12:30:00')).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
      nextWindowStartsAt: utc('2026-03-01T12:00:00'),
    });
    // 2026-02-14 (Sat) is worked too; the holiday starts on Sunday the 15th.
    expect(play('2026-02-14T12:30:00').nextWindowStartsAt).toEqual(utc('2026-02-15T12:00:00'));
    // After Friday 9 October, Saturday the 10th is worked: next is Sunday the 11th.
    expect(play('2026-10-09T13:00:00').nextWindowStartsAt).toEqual(utc('2026-10-11T12:00:00'));
  });

  it('opens on a holiday that falls on a weekday', () => {
    // 2026-10-07 is a Wednesday of the National Day holiday; the 8th is an ordinary Thursday.
    expect(play('2026-10-07T12:30:00')).toEqual({
      allowed: true,
      reason: 'IN_WINDOW',
      windowEndsAt: utc('2026-10-07T13:00:00'),
    });
    expect(play('2026-10-07T13:00:00').nextWindowStartsAt).toEqual(utc('2026-10-09T12:00:00'));
    expect(play('2026-10-08T12:30:00').allowed).toBe(false);
    // Spring Festival: every day of 15–23 February 2026, Monday to Monday.
    for (let d = 15; d <= 23; d++) expect(play(`2026-02-${d}T12:30:00`).allowed).toBe(true);
    expect(play('2026-02-24T12:30:00').allowed).toBe(false); // Tuesday after
  });

  it('always lets adults play; an age band straddling 18 never counts as adult', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2020-01-01T00:00:00Z'),
          max: new Date('2030-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 18, max: 120 }),
        (at, age) => {
          expect(playDecision(game, { age, at })).toEqual({ allowed: true, reason: 'ADULT' });
          expect(playDecision(game, { ageBand: '18+', at })).toEqual({ allowed: true, reason: 'ADULT' });
        },
      ),
    );
    expect(play('2026-03-05T12:30:00', { ageBand: '16-17' }).allowed).toBe(false);
    expect(play('2026-03-05T12:30:00', {}).allowed).toBe(false); // nothing known: a minor
  });

  it('answers NOT_A_GAME for a service without play rules', () => {
    expect(playDecision(EXAMPLE_POLICIES.social, { age: 10, at: utc('2026-03-05T03:00:00') })).toEqual({
      allowed: true,
      reason: 'NOT_A_GAME',
    });
  });

  it('finds the next window correctly: closed until it, open at it (property)', () => {
    const minute = 60_000;
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2026-01-01T00:00:00Z'),
          max: new Date('2027-10-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (at) => {
          const d = playDecision(game, { age: 10, at });
          if (d.allowed) {
            const end = d.windowEndsAt!;
            expect(end.getTime()).toBeGreaterThan(at.getTime());
            expect(playDecision(game, { age: 10, at: new Date(end.getTime() - 1) }).allowed).toBe(true);
            expect(playDecision(game, { age: 10, at: end }).allowed).toBe(false);
            return;
          }
          const next = d.nextWindowStartsAt!;
          expect(playDecision(game, { age: 10, at: next }).reason).toBe('IN_WINDOW');
          expect(playDecision(game, { age: 10, at: new Date(next.getTime() - 1) }).allowed).toBe(false);
          // Nothing opens in between (windows open on whole minutes; sample every 30 minutes).
          for (let t = at.getTime(); t < next.getTime(); t += 30 * minute)
            expect(playDecision(game, { age: 10, at: new Date(t) }).allowed).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('joins a window ending at 24:00 to one starting at 00:00 the next day', () => {
    const policy = minors({
      guardianConsentUnder: 14,
      play: {
        timeZone: 'Asia/Shanghai',
        windows: [
          { days: ['SAT'], from: '22:00', to: '24:00' },
          { days: ['SUN'], from: '00:00', to: '01:00' },
          { days: ['SUN'], from: '00:30', to: '02:00' }, // overlaps: merged
        ],
        holidays: [],
        workdays: [],
      },
    });
    // Saturday 2026-03-07 23:00 Beijing = 15:00 UTC; the span ends Sunday 02:00 Beijing.
    expect(playDecision(policy, { age: 12, at: utc('2026-03-07T15:00:00') }).windowEndsAt).toEqual(
      utc('2026-03-07T18:00:00'),
    );
    expect(playDecision(policy, { age: 12, at: utc('2026-03-07T18:00:00') }).nextWindowStartsAt).toEqual(
      utc('2026-03-14T14:00:00'),
    );
  });

  it('reads windows in the policy zone, across daylight saving', () => {
    const policy = parseServicePolicy({
      ...EXAMPLE_POLICIES.game,
      minors: {
        guardianConsentUnder: 14,
        play: {
          timeZone: 'America/New_York',
          windows: [{ days: ['FRI'], from: '20:00', to: '21:00' }],
          holidays: [],
          workdays: [],
        },
      },
    });
    // Friday 2026-07-10, EDT (UTC-4): 20:00 local = 00:00 UTC on the 11th.
    expect(playDecision(policy, { age: 12, at: utc('2026-07-10T23:00:00') }).nextWindowStartsAt).toEqual(
      utc('2026-07-11T00:00:00'),
    );
    // Friday 2026-01-09, EST (UTC-5): 20:00 local = 01:00 UTC on the 10th.
    expect(playDecision(policy, { age: 12, at: utc('2026-01-10T01:30:00') })).toEqual({
      allowed: true,
      reason: 'IN_WINDOW',
      windowEndsAt: utc('2026-01-10T02:00:00'),
    });
    // The Friday before the autumn change (2026-10-30, still EDT) and after (2026-11-06, EST).
    expect(playDecision(policy, { age: 12, at: utc('2026-10-31T01:00:00') }).nextWindowStartsAt).toEqual(
      utc('2026-11-07T01:00:00'),
    );
  });

  it('gives no next window when none opens within the search horizon', () => {
    const policy = minors({
      guardianConsentUnder: 14,
      play: {
        timeZone: 'Asia/Shanghai',
        windows: [{ days: ['HOLIDAY'], from: '20:00', to: '21:00' }],
        holidays: ['2020-01-01'],
        workdays: [],
      },
    });
    expect(playDecision(policy, { age: 12, at: utc('2026-03-06T12:30:00') })).toEqual({
      allowed: false,
      reason: 'OUTSIDE_WINDOW',
    });
  });

  it('covers every age band', () => {
    for (const band of AGE_BANDS) {
      const d = play('2026-03-05T12:30:00', { ageBand: band });
      expect(d.reason).toBe(band === '18+' ? 'ADULT' : 'OUTSIDE_WINDOW');
    }
  });
});

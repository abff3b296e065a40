/**
 * Minors: age from a birth date or an age band, the admission decision (minimum age, guardian
 * consent) and the online-game play windows.
 *
 * Why here and not in each service: the thresholds differ by rule (14 for guardian consent under
 * PIPL Art. 31, 16 for phone cards and live-stream hosts, 18 for game time limits) and the same
 * person is judged against several of them, so one conservative implementation keeps them
 * consistent. Conservative means: when only an age band is known, a band that straddles a
 * threshold counts as below it; when nothing is known, the person is treated as a young minor.
 *
 * Time is always read in the policy's time zone with `Intl` (no dependency): the NPPA windows are
 * Beijing wall-clock times, whatever zone the server runs in. A make-up working day (调休上班) is
 * a working day even on a Saturday or Sunday; a statutory holiday is `HOLIDAY` whatever its
 * weekday.
 *
 * @module
 */
import { cnResidentId, residentIdBirthDate, residentIdChecksumValid } from '../pi/cn-resident-id.ts';
import { ageOn, type CalendarDate } from './adapters/age.ts';
import type { MinorsPolicy, PlayDay, PlayWindow } from './policy.types.ts';
import { AGE_BANDS, type AgeBand } from './types.ts';

/** The age of majority (Civil Code Art. 17). */
export const ADULT_AGE = 18;

/** A calendar date without a time or a zone (shared with the adapters' age bands). */
export type { CalendarDate };

/** A birth date as `YYYY-MM-DD` or as parts. */
export type BirthDate = string | CalendarDate;

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, no zones)

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m - 1]!;
}

function isRealDate(d: CalendarDate): boolean {
  const { year, month, day } = d;
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  return (
    year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

/** Parses a strict `YYYY-MM-DD` date; `undefined` if malformed or not a real date. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return isRealDate(d) ? d : undefined;
}

/** `YYYY-MM-DD`. */
export function formatIsoDate(d: CalendarDate): string {
  const p = (n: number, w: number) => String(n).padStart(w, '0');
  return `${p(d.year, 4)}-${p(d.month, 2)}-${p(d.day, 2)}`;
}

/** Milliseconds of 00:00 UTC on `d` (years below 100 included, unlike `Date.UTC`). */
function utcMidnight(d: CalendarDate): number {
  const t = new Date(0);
  t.setUTCFullYear(d.year, d.month - 1, d.day);
  return t.getTime();
}

function addDays(d: CalendarDate, n: number): CalendarDate {
  const t = new Date(utcMidnight(d) + n * 86_400_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

function toCalendarDate(birthDate: BirthDate): CalendarDate {
  const d = typeof birthDate === 'string' ? parseIsoDate(birthDate) : birthDate;
  // The value is never echoed: a birth date is PI.
  if (d === undefined || !isRealDate(d)) throw new RangeError('the birth date is not a real YYYY-MM-DD date');
  return d;
}

/** The day `birth`'s anniversary falls on in `year`: 29 February becomes 1 March in common years. */
function anniversaryIn(birth: CalendarDate, year: number): CalendarDate {
  if (birth.month === 2 && birth.day === 29 && !isLeapYear(year)) return { year, month: 3, day: 1 };
  return { year, month: birth.month, day: birth.day };
}

// ---------------------------------------------------------------------------------------------
// Time zones

const TIME_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * True for an IANA zone name the runtime knows (`Asia/Shanghai`, `UTC`). Offsets such as
 * `+08:00`, which recent engines also accept, are refused: the holiday rules follow a place.
 */
export function isIanaTimeZone(timeZone: string): boolean {
  if (timeZone.length > 64 || !TIME_ZONE.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A wall-clock reading: the local date and the second of that day. */
interface WallTime extends CalendarDate {
  readonly seconds: number;
}

function wallTime(at: number, timeZone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) parts[p.type] = p.value;
  const year = Number(parts.year);
  const hour = Number(parts.hour) % 24; // some engines print midnight as 24 even with h23
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    seconds: hour * 3600 + Number(parts.minute) * 60 + Number(parts.second),
  };
}

function checkInstant(at: Date): number {
  const t = at instanceof Date ? at.getTime() : Number.NaN;
  if (!Number.isFinite(t)) throw new RangeError('the reference time is not a valid Date');
  return t;
}

/** The zone's offset from UTC at instant `t`, in milliseconds (whole seconds). */
function offsetAt(t: number, timeZone: string): number {
  const w = wallTime(t, timeZone);
  return utcMidnight(w) + w.seconds * 1000 - (t - (((t % 1000) + 1000) % 1000));
}

/**
 * The instant the wall clock in `timeZone` reads `seconds` into `date`. A reading skipped by a
 * daylight-saving jump resolves to a nearby instant (China has had none since 1991).
 */
function instantOf(date: CalendarDate, seconds: number, timeZone: string): number {
  const wall = utcMidnight(date) + seconds * 1000;
  const first = offsetAt(wall, timeZone);
  const guess = wall - first;
  const second = offsetAt(guess, timeZone);
  return second === first ? guess : wall - second;
}

// ---------------------------------------------------------------------------------------------
// Age

/**
 * Age in whole years at instant `at`, reading the calendar date in `timeZone` (a person born on
 * 2008-05-01 turns 18 at 00:00 Beijing time on 2026-05-01, which is 16:00 UTC the day before).
 * Someone born on 29 February has their birthday on 1 March in common years.
 *
 * @throws RangeError if the birth date is not a real date, `at` is not a valid Date, or the birth
 *   date is after `at` (the message never contains the date)
 */
export function ageAt(birthDate: BirthDate, at: Date, timeZone = 'Asia/Shanghai'): number {
  const birth = toCalendarDate(birthDate);
  const now = wallTime(checkInstant(at), timeZone);
  if (compareDates(now, birth) < 0) throw new RangeError('the birth date is after the reference date');
  return ageOn(birth, now);
}

/** The date (`YYYY-MM-DD`) of the 18th birthday: the first day the person is an adult. */
export function adultOn(birthDate: BirthDate): string {
  const birth = toCalendarDate(birthDate);
  return formatIsoDate(anniversaryIn(birth, birth.year + ADULT_AGE));
}

/**
 * The birth date a resident ID encodes: an 18-character number with a correct check character,
 * or a legacy 15-digit number (born 19YY). `undefined` for anything else, so a mistyped number
 * never yields an age. The 18-character residence permits of Hong Kong, Macao and Taiwan residents
 * share the layout and work too.
 */
export function birthDateOfResidentId(id: string): CalendarDate | undefined {
  const s = cnResidentId.normalise(id);
  if (s.length === 18 && !residentIdChecksumValid(s)) return undefined;
  if (s.length !== 18 && s.length !== 15) return undefined;
  return residentIdBirthDate(s);
}

// ---------------------------------------------------------------------------------------------
// Admission

/** What is known of a person's age: an exact age, a band, or (conservatively) nothing. */
export interface AgeFacts {
  /** Whole years, e.g. from {@link ageAt}. Wins over `ageBand` when both are given. */
  readonly age?: number;
  /** What an age-band verifier reported. */
  readonly ageBand?: AgeBand;
}

/** The youngest age of each band: a band counts as its lowest age against every threshold. */
const BAND_FLOOR = Object.fromEntries(AGE_BANDS.map((b) => [b, Number.parseInt(b, 10)])) as Readonly<
  Record<AgeBand, number>
>;

/** The youngest age the facts allow; 0 when nothing is known. */
function youngestAge(facts: AgeFacts): number {
  if (facts.age !== undefined) {
    if (!Number.isInteger(facts.age) || facts.age < 0 || facts.age > 150)
      throw new RangeError('age must be a whole number of years from 0 to 150');
    return facts.age;
  }
  if (facts.ageBand !== undefined) {
    const floor = BAND_FLOOR[facts.ageBand];
    if (floor === undefined) throw new RangeError(`ageBand must be one of ${AGE_BANDS.join(', ')}`);
    return floor;
  }
  return 0;
}

export interface MinorDecision {
  readonly allowed: boolean;
  /** Why not, when not allowed. */
  readonly code?: 'UNDER_MINIMUM_AGE' | 'GUARDIAN_CONSENT_REQUIRED';
  /** Under 18 (or possibly so, when only a band or nothing is known). */
  readonly minor: boolean;
}

/**
 * May this person hold an account under `policy`? Below `minimumAge` never; below
 * `guardianConsentUnder` only with a guardian's verified consent. A band straddling a threshold
 * counts as below it (`14-15` is under 16); no age at all counts as a young child.
 *
 * @throws RangeError for an age that is not a whole number from 0 to 150, or an unknown band
 */
export function minorDecision(
  policy: { readonly minors: MinorsPolicy },
  facts: AgeFacts & { readonly guardianConsent: boolean },
): MinorDecision {
  const age = youngestAge(facts);
  const minor = age < ADULT_AGE;
  const { minimumAge, guardianConsentUnder } = policy.minors;
  if (minimumAge !== undefined && age < minimumAge)
    return { allowed: false, code: 'UNDER_MINIMUM_AGE', minor };
  if (age < guardianConsentUnder && facts.guardianConsent !== true)
    return { allowed: false, code: 'GUARDIAN_CONSENT_REQUIRED', minor };
  return { allowed: true, minor };
}

// ---------------------------------------------------------------------------------------------
// Play windows

export type PlayReason = 'ADULT' | 'IN_WINDOW' | 'OUTSIDE_WINDOW' | 'NOT_A_GAME';

export interface PlayDecision {
  readonly allowed: boolean;
  readonly reason: PlayReason;
  /** When `IN_WINDOW`: the instant the current window (with any window adjoining it) closes. */
  readonly windowEndsAt?: Date;
  /** When `OUTSIDE_WINDOW`: the next window's opening, if one opens within {@link PLAY_SEARCH_DAYS}. */
  readonly nextWindowStartsAt?: Date;
}

/** How far ahead {@link playDecision} looks for the next window. */
export const PLAY_SEARCH_DAYS = 400;

const DAY_SECONDS = 86_400;
const WEEKDAYS: readonly PlayDay[] = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const HH_MM = /^(\d{2}):(\d{2})$/;

/** Seconds since midnight of an `HH:MM` reading (`24:00` allowed), or `undefined`. */
export function secondsOfHhMm(text: string): number | undefined {
  const m = HH_MM.exec(text);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 3600 + min * 60;
}

type Play = NonNullable<MinorsPolicy['play']>;
interface Interval {
  readonly from: number;
  readonly to: number;
}
interface Calendar {
  readonly timeZone: string;
  readonly holidays: ReadonlySet<string>;
  readonly workdays: ReadonlySet<string>;
  readonly windows: readonly {
    readonly days: ReadonlySet<PlayDay>;
    readonly from: number;
    readonly to: number;
  }[];
}

const calendars = new WeakMap<Play, Calendar>();

function calendarOf(play: Play): Calendar {
  let c = calendars.get(play);
  if (c === undefined) {
    c = {
      timeZone: play.timeZone,
      holidays: new Set(play.holidays),
      workdays: new Set(play.workdays),
      windows: play.windows.map((w: PlayWindow) => {
        const from = secondsOfHhMm(w.from);
        const to = secondsOfHhMm(w.to);
        // parseServicePolicy refuses these; a hand-built policy might not have gone through it.
        if (from === undefined || to === undefined || from >= to)
          throw new RangeError('a play window needs HH:MM times with from < to');
        return { days: new Set(w.days), from, to };
      }),
    };
    calendars.set(play, c);
  }
  return c;
}

/**
 * The labels a date answers to: a holiday is `HOLIDAY` (and its weekday); a make-up working day on
 * a weekend is neither `SAT` nor `SUN`; any other day is its weekday.
 */
function labelsOn(cal: Calendar, date: CalendarDate): readonly PlayDay[] {
  const iso = formatIsoDate(date);
  const weekday = WEEKDAYS[new Date(utcMidnight(date)).getUTCDay()]!;
  if (cal.holidays.has(iso)) return ['HOLIDAY', weekday];
  if (cal.workdays.has(iso)) return weekday === 'SAT' || weekday === 'SUN' ? [] : [weekday];
  return [weekday];
}

/** The play intervals of a local date, sorted, with overlapping and adjoining ones merged. */
function intervalsOn(cal: Calendar, date: CalendarDate): Interval[] {
  const labels = labelsOn(cal, date);
  const raw = cal.windows
    .filter((w) => labels.some((l) => w.days.has(l)))
    .map((w) => ({ from: w.from, to: w.to }))
    .sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const i of raw) {
    const last = out.at(-1);
    if (last !== undefined && i.from <= last.to)
      out[out.length - 1] = { from: last.from, to: Math.max(last.to, i.to) };
    else out.push(i);
  }
  return out;
}

/**
 * May a minor play now? Adults always may; a service without play rules is `NOT_A_GAME`. For a
 * minor (or anyone who may be one) the decision is read on the wall clock of the policy's zone.
 *
 * @throws RangeError if `at` is not a valid Date, or for bad age facts (see {@link minorDecision})
 */
export function playDecision(
  policy: { readonly minors: MinorsPolicy },
  facts: AgeFacts & { readonly at: Date },
): PlayDecision {
  const play = policy.minors.play;
  if (play === undefined) return { allowed: true, reason: 'NOT_A_GAME' };
  if (youngestAge(facts) >= ADULT_AGE) return { allowed: true, reason: 'ADULT' };
  const t = checkInstant(facts.at);
  const cal = calendarOf(play);
  const now = wallTime(t, cal.timeZone);

  const current = intervalsOn(cal, now).find((i) => i.from <= now.seconds && now.seconds < i.to);
  if (current !== undefined) {
    // A window closing at 24:00 continues into one opening at 00:00 the next day.
    let date: CalendarDate = now;
    let end = current.to;
    for (let n = 0; end === DAY_SECONDS && n < PLAY_SEARCH_DAYS; n++) {
      const next = addDays(date, 1);
      const first = intervalsOn(cal, next)[0];
      if (first === undefined || first.from !== 0) break;
      date = next;
      end = first.to;
    }
    const endsAt =
      end === DAY_SECONDS ? instantOf(addDays(date, 1), 0, cal.timeZone) : instantOf(date, end, cal.timeZone);
    return { allowed: true, reason: 'IN_WINDOW', windowEndsAt: new Date(endsAt) };
  }

  for (let n = 0; n <= PLAY_SEARCH_DAYS; n++) {
    const date = n === 0 ? now : addDays(now, n);
    for (const i of intervalsOn(cal, date)) {
      if (n === 0 && i.from <= now.seconds) continue;
      const startsAt = instantOf(date, i.from, cal.timeZone);
      if (startsAt > t)
        return { allowed: false, reason: 'OUTSIDE_WINDOW', nextWindowStartsAt: new Date(startsAt) };
    }
  }
  return { allowed: false, reason: 'OUTSIDE_WINDOW' };
}

/**
 * Age and age band from a resident ID's birth date, on the calendar date in Asia/Shanghai (the
 * time zone the rules count birthdays in). Shared by the offline `document` adapter and the
 * reference authority so both answer the same band for the same number on the same day.
 *
 * @module
 */
import { residentIdBirthDate } from '../../pi/cn-resident-id.ts';
import { todayInShanghai } from '../../pi/text.ts';
import { type AgeBand, ageBandOf } from '../types.ts';

/** A calendar date. */
export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The calendar date of a day number (days since 1970-01-01). */
export function dateOfDayNumber(dayNumber: number): CalendarDate {
  const d = new Date(dayNumber * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Today's date in Asia/Shanghai at `nowMs` (epoch milliseconds). */
export function shanghaiDate(nowMs: number): CalendarDate {
  return dateOfDayNumber(todayInShanghai(new Date(nowMs)));
}

/**
 * Age in whole years (周岁) on `today`. Someone born on 29 February turns a year older on
 * 1 March in common years.
 */
export function ageOn(birth: CalendarDate, today: CalendarDate): number {
  const before = today.month < birth.month || (today.month === birth.month && today.day < birth.day);
  return today.year - birth.year - (before ? 1 : 0);
}

/**
 * The age band of the holder of an 18-character resident ID at `nowMs`, or `undefined` when the
 * number encodes no real date or a date after today.
 */
export function ageBandOfResidentId(residentId: string, nowMs: number): AgeBand | undefined {
  const birth = residentIdBirthDate(residentId);
  if (birth === undefined) return undefined;
  const age = ageOn(birth, shanghaiDate(nowMs));
  return age < 0 ? undefined : ageBandOf(age);
}

/**
 * Local calendar moments for kudos in a server's IANA time zone, as UTC epoch milliseconds:
 * midnight (when daily limits reset), the start of the week and month (leaderboards) and Monday
 * morning (roundups). The zone maths itself lives in src/zoned-time.ts.
 */
import { addDays, instantOf, isoDate, localDate, nextMidnight, startOfDay, weekdayFromMonday, type LocalDate } from '../zoned-time';

export { addDays, isoDate, localDate, nextMidnight, startOfDay, type LocalDate };

/** The UTC moment of a local wall-clock time (a time skipped by DST lands just after the gap). */
export function localToUtc(zone: string, date: LocalDate, hour = 0, minute = 0): number {
  return instantOf(zone, date, hour, minute);
}

/** The Monday (local date) of the week containing `at`. */
export function mondayOf(zone: string, at: number): LocalDate {
  const today = localDate(zone, at);
  return addDays(today, -weekdayFromMonday(today));
}

export function startOfWeek(zone: string, at: number): number {
  return localToUtc(zone, mondayOf(zone, at));
}

export function startOfMonth(zone: string, at: number): number {
  const { year, month } = localDate(zone, at);
  return localToUtc(zone, { year, month, day: 1 });
}

// When a server's digest goes out, in its time zone, and which period each one covers.
import { addDays, instantOf, isoDate, localDate, weekdayFromMonday, type LocalDate } from '../zoned-time';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface DigestSchedule {
  every: 'week' | 'month';
  /** 0 = Monday … 6 = Sunday. */
  day: number;
  /** Minutes after local midnight. */
  minute: number;
}

/** One delivery: its moment, and the period it covers beside the one before. */
export interface DigestMoment {
  /** The claim key: 'YYYY-MM-DD' (a week, by its first day) or 'YYYY-MM' (a month). */
  period: string;
  at: number;
  previousFrom: number;
  from: number;
  to: number;
  /** "the week of 2 March 2026", "March 2026" */
  label: string;
}

const longDate = (d: LocalDate) => `${d.day} ${MONTH_NAMES[d.month - 1]} ${d.year}`;
/** The first day of a month; months out of 1-12 roll into the next or previous year. */
function firstOfMonth(year: number, month: number): LocalDate {
  const d = new Date(Date.UTC(year, month - 1, 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: 1 };
}

/** A week's digest goes out on `date`, for the 7 days before it. */
function weekMoment(zone: string, schedule: DigestSchedule, date: LocalDate): DigestMoment {
  const start = addDays(date, -7);
  return {
    period: isoDate(start),
    at: instantOf(zone, date, Math.floor(schedule.minute / 60), schedule.minute % 60),
    previousFrom: instantOf(zone, addDays(start, -7)),
    from: instantOf(zone, start),
    to: instantOf(zone, date),
    label: `the week of ${longDate(start)}`,
  };
}

/** A month's digest goes out on the first chosen weekday of the month after it. */
function monthMoment(zone: string, schedule: DigestSchedule, year: number, month: number): DigestMoment {
  const first = firstOfMonth(year, month);
  const date = addDays(first, (schedule.day - weekdayFromMonday(first) + 7) % 7);
  const covered = firstOfMonth(year, month - 1);
  return {
    period: isoDate(covered).slice(0, 7),
    at: instantOf(zone, date, Math.floor(schedule.minute / 60), schedule.minute % 60),
    previousFrom: instantOf(zone, firstOfMonth(year, month - 2)),
    from: instantOf(zone, covered),
    to: instantOf(zone, first),
    label: `${MONTH_NAMES[covered.month - 1]} ${covered.year}`,
  };
}

/** The latest delivery at or before `now`, and the one after it. */
export function digestMoments(zone: string, schedule: DigestSchedule, now: number): { latest: DigestMoment; next: DigestMoment } {
  const today = localDate(zone, now);
  if (schedule.every === 'week') {
    let date = addDays(today, -((weekdayFromMonday(today) - schedule.day + 7) % 7));
    if (weekMoment(zone, schedule, date).at > now) date = addDays(date, -7);
    return { latest: weekMoment(zone, schedule, date), next: weekMoment(zone, schedule, addDays(date, 7)) };
  }
  let { year, month } = today;
  if (monthMoment(zone, schedule, year, month).at > now) [year, month] = month === 1 ? [year - 1, 12] : [year, month - 1];
  const [nextYear, nextMonth] = month === 12 ? [year + 1, 1] : [year, month + 1];
  return { latest: monthMoment(zone, schedule, year, month), next: monthMoment(zone, schedule, nextYear, nextMonth) };
}

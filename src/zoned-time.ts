/**
 * Wall-clock maths in IANA time zones, shared by every feature that needs "midnight in the
 * server's zone" or "09:00 on Monday there". Computed with Intl only, so daylight saving
 * changes (including those that happen at midnight) are handled.
 */

export interface LocalDate {
  year: number;
  month: number; // 1..12
  day: number;
}

export interface WallTime extends LocalDate {
  hour: number;
  minute: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** What a clock in `zone` shows at `at` (to the minute). */
export function wallTime(zone: string, at: number): WallTime {
  // "4/5/2026, 00:30": parsing format() is several times faster than formatToParts().
  const match = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+)/.exec(formatter(zone).format(at));
  if (!match) throw new Error(`Unexpected date format for ${zone}`);
  // Some engines print midnight as 24 even with h23.
  return { year: Number(match[3]), month: Number(match[1]), day: Number(match[2]), hour: Number(match[4]) % 24, minute: Number(match[5]) };
}

/** The calendar date in `zone` at `at`. */
export function localDate(zone: string, at: number): LocalDate {
  const { year, month, day } = wallTime(zone, at);
  return { year, month, day };
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (whole minutes). */
export function offsetAt(zone: string, at: number): number {
  const w = wallTime(zone, at);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - Math.floor(at / 60_000) * 60_000;
}

/**
 * The instant a wall-clock time happens in `zone`. The zone's offset a day before and a day after
 * gives the only two candidates; a candidate is valid when the zone really shows that wall time
 * then. A time that happens twice (clocks go back) takes the earlier; a time that never happens
 * (clocks go forward) moves forward by the gap, so a day whose midnight is skipped starts at the
 * first instant that belongs to it.
 */
export function instantOf(zone: string, date: LocalDate, hour = 0, minute = 0): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  if (before === after) return wall - before; // no change of offset around it: the usual case
  const valid = [wall - before, wall - after].filter((t) => offsetAt(zone, t) === wall - t);
  return valid.length ? Math.min(...valid) : wall - before;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** YYYY-MM-DD. */
export function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** 0 = Monday ... 6 = Sunday. */
export function weekdayFromMonday(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

// The local day last asked about, per zone: every kudos asks for its day's start and end (six
// time zone look-ups), and a rush of kudos asks for the same day thousands of times.
const knownDays = new Map<string, { start: number; end: number }>();
const KNOWN_DAYS_KEPT = 1000;

function dayAround(zone: string, at: number): { start: number; end: number } {
  const known = knownDays.get(zone);
  if (known && known.start <= at && at < known.end) return known;
  const date = localDate(zone, at);
  const day = { start: instantOf(zone, date), end: instantOf(zone, addDays(date, 1)) };
  if (knownDays.size >= KNOWN_DAYS_KEPT) knownDays.clear();
  knownDays.set(zone, day);
  return day;
}

/** The first instant of the local day containing `at`. */
export function startOfDay(zone: string, at: number): number {
  return dayAround(zone, at).start;
}

/** The first instant of the next local day after the one containing `at`. */
export function nextMidnight(zone: string, at: number): number {
  return dayAround(zone, at).end;
}

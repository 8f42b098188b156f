/**
 * Local calendar moments in a server's IANA time zone, as UTC epoch milliseconds: midnight (when
 * daily limits reset), the start of the week and month (leaderboards) and Monday morning
 * (roundups). Computed with Intl, so daylight saving changes are taken into account.
 */

export interface LocalDate {
  year: number;
  month: number; // 1..12
  day: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

function wallClock(zone: string, at: number) {
  const parts: Record<string, number> = {};
  for (const part of formatFor(zone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms. */
function offsetAt(zone: string, at: number): number {
  const w = wallClock(zone, at);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (at - (((at % 1000) + 1000) % 1000));
}

/** The UTC moment of a local wall-clock time (a time skipped by DST lands just after the gap). */
export function localToUtc(zone: string, date: LocalDate, hour = 0, minute = 0): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = guess - offsetAt(zone, guess);
  const second = guess - offsetAt(zone, first);
  return first === second ? first : Math.max(first, second);
}

export function localDate(zone: string, at: number): LocalDate {
  const { year, month, day } = wallClock(zone, at);
  return { year, month, day };
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Monday ... 6 = Sunday. */
function weekdayFromMonday(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

export function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function startOfDay(zone: string, at: number): number {
  return localToUtc(zone, localDate(zone, at));
}

export function nextMidnight(zone: string, at: number): number {
  return localToUtc(zone, addDays(localDate(zone, at), 1));
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

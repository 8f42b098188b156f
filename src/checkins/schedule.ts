/**
 * When check-ins run: reading what a leader types (`weekdays 17:30`, `every 2 weeks fri 16:00`,
 * or a 5-field cron expression) and computing the next runs in a time zone. Pure functions of
 * their inputs, so they are tested with any "now" and any zone, DST changes included.
 */
import { parse as parseCron } from 'node-cron';
import { instantOf, isoDate, localDate as calendarDate, offsetAt, wallTime } from '../zoned-time';

export { wallTime };

export interface Recurrence {
  /** A 5-field cron expression (minute hour day-of-month month day-of-week). */
  cron: string;
  /** 1 for every matching day; 2 for every other week, and so on. */
  everyWeeks: number;
}

/** A recurrence made ready to compute with; `anchorWeek` fixes which weeks count when everyWeeks > 1. */
export interface Rule {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  everyWeeks: number;
  anchorWeek: number | null;
}

export type WhenCheck = { ok: true; recurrence: Recurrence } | { ok: false; problem: string };

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_MS = 86_400_000;
const EXAMPLES = 'Write it like `daily 09:00`, `weekdays 17:30`, `mon 09:00`, `mon,thu 18:00`, `every 2 weeks fri 16:00`, or a 5-field cron expression such as `0 9 * * 1`.';

const DAY_WORDS = /^(sun|sunday|mon|monday|tue|tues|tuesday|wed|wednesday|thu|thur|thurs|thursday|fri|friday|sat|saturday)$/;

/** 0 (Sunday) to 6 for "mon", "monday", "Thu"...; null for anything else. */
function dayNumber(name: string): number | null {
  return DAY_WORDS.test(name) ? DAY_NAMES.indexOf(name.slice(0, 3)) : null;
}

function parseTime(text: string): { hour: number; minute: number } | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  return hour < 24 && minute < 60 ? { hour, minute } : null;
}

/** Reads the `when` a leader typed; refuses anything that would run more often than once an hour. */
export function parseWhen(input: string): WhenCheck {
  // `mon, thu 18:00` reads like `mon,thu 18:00`: spaces after commas are only typing.
  const text = input.trim().toLowerCase().replace(/\s+/g, ' ').replace(/ ?, ?/g, ',');
  if (!text) return refuse(`\`when\` is empty. ${EXAMPLES}`);
  const shown = `"${input.trim().slice(0, 60)}"`;
  const friendly = FRIENDLY_WHEN.exec(text);
  return friendly ? parseFriendlyWhen(friendly, shown) : parseCronWhen(text, shown);
}

const refuse = (problem: string): WhenCheck => ({ ok: false, problem });

/** `daily 09:00`, `weekdays 17:30`, `mon,thu 18:00`, `every 2 weeks fri 16:00`. */
const FRIENDLY_WHEN = /^(?:every (\d{1,2}) weeks? )?([a-z,]+) (\d{1,2}:\d{2})$/;

function parseFriendlyWhen([, weeks, days, clock]: RegExpExecArray, shown: string): WhenCheck {
  const time = parseTime(clock!);
  if (!time) return refuse(`${shown}: ${clock} is not a time of day. Use 24-hour HH:MM, from 00:00 to 23:59.`);
  const weekdays = cronWeekdays(days!);
  if (weekdays === null) {
    return refuse(`${shown}: "${days}" is not a day Hearth knows. Use daily, weekdays, weekends, or days like mon, tue, wed, thu, fri, sat, sun separated by commas. ${EXAMPLES}`);
  }
  const everyWeeks = weeks ? Number(weeks) : 1;
  if (everyWeeks < 1 || everyWeeks > 12) return refuse(`${shown}: "every N weeks" takes N from 1 to 12.`);
  if (everyWeeks > 1 && weekdays === '*') return refuse(`${shown}: with "every ${everyWeeks} weeks", name the day(s), e.g. \`every ${everyWeeks} weeks fri 16:00\`.`);
  return { ok: true, recurrence: { cron: `${time.minute} ${time.hour} * * ${weekdays}`, everyWeeks } };
}

/** The cron weekday field for `daily`, `weekdays`, `weekends` or day names separated by commas; null for anything else. */
function cronWeekdays(days: string): string | null {
  if (days === 'daily' || days === 'everyday') return '*';
  if (days === 'weekdays') return '1-5';
  if (days === 'weekends') return '0,6';
  const numbers = days.split(',').map((d) => dayNumber(d));
  if (numbers.some((n) => n === null) || numbers.length === 0) return null;
  return [...new Set(numbers as number[])].sort((a, b) => a - b).join(',');
}

/** A 5-field cron expression, as long as Hearth can read it the one way people mean it. */
function parseCronWhen(text: string, shown: string): WhenCheck {
  const fields = text.split(' ');
  if (fields.length === 6) return refuse(`${shown} has 6 fields; Hearth takes 5-field cron (minute hour day month weekday), without seconds.`);
  if (fields.length !== 5) return refuse(`Hearth does not understand ${shown}. ${EXAMPLES}`);
  let parsed: ReturnType<typeof parseCron>;
  try {
    parsed = parseCron(text);
  } catch (error) {
    return refuse(`${shown} is not a valid cron expression (${(error as Error).message}). ${EXAMPLES}`);
  }
  const problem = cronRefusal(parsed, fields as [string, string, string, string, string], shown);
  return problem ? refuse(problem) : { ok: true, recurrence: { cron: text, everyWeeks: 1 } };
}

/** Why Hearth refuses a valid cron expression (L, W or #; both day fields restricted; more than once an hour), or null. */
function cronRefusal(parsed: ReturnType<typeof parseCron>, [minute, hour, dayOfMonth, month, dayOfWeek]: [string, string, string, string, string], shown: string): string | null {
  if ([...parsed.dayOfMonth, ...parsed.dayOfWeek].some((v) => typeof v !== 'number')) {
    return `${shown}: Hearth takes standard cron fields (numbers, names, ranges, steps and lists); L, W and # are not supported.`;
  }
  const everyDayOfMonth = new Set(parsed.dayOfMonth).size >= 31;
  const everyWeekday = new Set((parsed.dayOfWeek as number[]).map((d) => d % 7)).size >= 7;
  if (!everyDayOfMonth && !everyWeekday) {
    // Standard cron runs when EITHER matches; many people expect both. Refusing is clearer than guessing.
    return `${shown} restricts both the day of the month (${dayOfMonth}) and the weekday (${dayOfWeek}); cron tools disagree on whether that means either or both, so Hearth does not guess. Restrict one: \`${minute} ${hour} ${dayOfMonth} ${month} *\` for those days of the month, or \`${minute} ${hour} * ${month} ${dayOfWeek}\` for those weekdays.`;
  }
  if (parsed.minute.length > 1) {
    return `${shown} would run ${parsed.minute.length} times an hour. Check-ins can run at most once an hour: put a single minute first, e.g. \`0 * * * *\` for hourly.`;
  }
  return null;
}

/** Expands a stored recurrence; `anchorWeek` is the week of the first run (for every-N-weeks). */
export function compileRule(recurrence: Recurrence, anchorWeek: number | null): Rule {
  const parsed = parseCron(recurrence.cron);
  return {
    minutes: [...parsed.minute].sort((a, b) => a - b),
    hours: [...parsed.hour].sort((a, b) => a - b),
    days: new Set(parsed.dayOfMonth as number[]),
    months: new Set(parsed.month),
    weekdays: new Set(parsed.dayOfWeek as number[]),
    everyWeeks: recurrence.everyWeeks,
    anchorWeek,
  };
}

// ---------------------------------------------------------------- wall clock in a zone

/** Days since 1970-01-01 of a calendar date; weeks are counted from Mondays. */
const epochDay = (year: number, month: number, day: number) => Date.UTC(year, month - 1, day) / DAY_MS;
const weekOf = (epochDayNumber: number) => Math.floor((epochDayNumber + 3) / 7);

/** The calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(zone: string, at: number): string {
  return isoDate(calendarDate(zone, at));
}

const SKIP_MARGIN_MS = 3 * 3_600_000;

// Far enough for "29 February" rules; a rule with no run in 8 years never runs.
const SEARCH_DAYS = 366 * 8;

/** The calendar date of a day number (days since 1970-01-01) if the rule runs that day, else null. */
function runDay(rule: Rule, dayNumber: number): { year: number; month: number; day: number } | null {
  const date = new Date(dayNumber * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  if (!rule.months.has(month) || !rule.days.has(day) || !rule.weekdays.has(date.getUTCDay())) return null;
  if (rule.everyWeeks > 1 && rule.anchorWeek !== null && (((weekOf(dayNumber) - rule.anchorWeek) % rule.everyWeeks) + rule.everyWeeks) % rule.everyWeeks !== 0) return null;
  return { year, month, day };
}

/** The first run strictly after `after`, or null if the rule never runs again. */
export function nextRun(rule: Rule, zone: string, after: number): number | null {
  const start = wallTime(zone, after - DAY_MS);
  // Wall times near `after` are at most a daylight-saving change (3 h covers every zone) off its
  // offset: those that cannot be after `after` are skipped without the costly zone look-up.
  const skipUpTo = after + offsetAt(zone, after) - SKIP_MARGIN_MS;
  let dayNumber = epochDay(start.year, start.month, start.day);
  for (let i = 0; i < SEARCH_DAYS; i++, dayNumber++) {
    const date = runDay(rule, dayNumber);
    if (!date) continue;
    const { year, month, day } = date;
    for (const hour of rule.hours) {
      for (const minute of rule.minutes) {
        if (Date.UTC(year, month - 1, day, hour, minute) <= skipUpTo) continue;
        const at = instantOf(zone, { year, month, day }, hour, minute);
        if (at > after) return at;
      }
    }
  }
  return null;
}

/**
 * The last run strictly before `before` and at or after `notBefore`, or null. Walks the calendar
 * backwards, so finding the end of a long gap (catch-up after downtime) costs a day or two of
 * look-ups, not one per run in the gap.
 */
export function previousRun(rule: Rule, zone: string, before: number, notBefore: number): number | null {
  const start = wallTime(zone, before + DAY_MS);
  const skipFrom = before + offsetAt(zone, before) + SKIP_MARGIN_MS; // as in nextRun
  const hours = [...rule.hours].reverse();
  const minutes = [...rule.minutes].reverse();
  for (let dayNumber = epochDay(start.year, start.month, start.day); ; dayNumber--) {
    // A wall time is at most 12 hours (IANA's extreme offset) before its instant: 15 is safe.
    if ((dayNumber + 1) * DAY_MS + 15 * 3_600_000 < notBefore) return null;
    const date = runDay(rule, dayNumber);
    if (!date) continue;
    const { year, month, day } = date;
    for (const hour of hours) {
      for (const minute of minutes) {
        if (Date.UTC(year, month - 1, day, hour, minute) >= skipFrom) continue;
        const at = instantOf(zone, { year, month, day }, hour, minute);
        if (at < before) return at >= notBefore ? at : null;
      }
    }
  }
}

/** The next `count` runs after `after`, leaving out runs on `skipDates` (YYYY-MM-DD in the zone). */
export function nextRuns(rule: Rule, zone: string, after: number, count: number, skipDates: ReadonlySet<string> = new Set()): number[] {
  const runs: number[] = [];
  let cursor = after;
  for (let guard = 0; runs.length < count && guard < count + 400; guard++) {
    const at = nextRun(rule, zone, cursor);
    if (at === null) break;
    if (!skipDates.has(localDate(zone, at))) runs.push(at);
    cursor = at;
  }
  return runs;
}

/** For every-N-weeks rules: the week of the first run after `now`, which later runs count from. */
export function anchorWeekFor(recurrence: Recurrence, zone: string, now: number): number | null {
  if (recurrence.everyWeeks <= 1) return null;
  const first = nextRun(compileRule(recurrence, null), zone, now);
  if (first === null) return null;
  const w = wallTime(zone, first);
  return weekOf(epochDay(w.year, w.month, w.day));
}

/** Reads a YYYY-MM-DD date; null if malformed or not a real date. */
export function parseDate(text: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() + 1 !== month || date.getUTCDate() !== day) return null;
  return { year, month, day };
}

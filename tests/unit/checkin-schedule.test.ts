import { describe, expect, it } from 'vitest';
import { instantOf } from '../../src/zoned-time';
import { anchorWeekFor, compileRule, nextRun, nextRuns, parseDate, parseWhen, previousRun, type Recurrence } from '../../src/checkins/schedule';

const iso = (times: number[]) => times.map((t) => new Date(t).toISOString().slice(0, 16));

function recurrence(when: string): Recurrence {
  const parsed = parseWhen(when);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.recurrence;
}

function upcoming(when: string, zone: string, from: string, count = 3): string[] {
  const r = recurrence(when);
  return iso(nextRuns(compileRule(r, anchorWeekFor(r, zone, Date.parse(from))), zone, Date.parse(from), count));
}

describe('reading `when`', () => {
  it('turns each friendly form into cron', () => {
    expect(recurrence('daily 09:00')).toEqual({ cron: '0 9 * * *', everyWeeks: 1 });
    expect(recurrence('weekdays 17:30')).toEqual({ cron: '30 17 * * 1-5', everyWeeks: 1 });
    expect(recurrence('mon 09:00')).toEqual({ cron: '0 9 * * 1', everyWeeks: 1 });
    expect(recurrence('Mon,Thu 18:00')).toEqual({ cron: '0 18 * * 1,4', everyWeeks: 1 });
    expect(recurrence('every 2 weeks fri 16:00')).toEqual({ cron: '0 16 * * 5', everyWeeks: 2 });
    expect(recurrence('  sunday   7:05 ')).toEqual({ cron: '5 7 * * 0', everyWeeks: 1 });
  });

  it('takes any 5-field cron expression, hourly at most', () => {
    expect(recurrence('0 9 * * 1')).toEqual({ cron: '0 9 * * 1', everyWeeks: 1 });
    expect(recurrence('0 * * * *')).toEqual({ cron: '0 * * * *', everyWeeks: 1 });
    expect(recurrence('15 8 1 * *')).toEqual({ cron: '15 8 1 * *', everyWeeks: 1 });
    for (const tooOften of ['* * * * *', '*/30 * * * *', '0,30 9 * * *', '0-5 9 * * 1']) {
      const parsed = parseWhen(tooOften);
      expect(parsed.ok, tooOften).toBe(false);
      expect(!parsed.ok && parsed.problem).toContain('at most once an hour');
    }
  });

  it('explains what is wrong with anything else', () => {
    const problem = (when: string) => {
      const parsed = parseWhen(when);
      return parsed.ok ? '' : parsed.problem;
    };
    expect(problem('')).toContain('is empty');
    expect(problem('whenever')).toContain('Hearth does not understand "whenever"');
    expect(problem('daily 24:00')).toContain('24:00 is not a time of day');
    expect(problem('mo 09:00')).toContain('"mo" is not a day Hearth knows');
    expect(problem('every 2 weeks daily 09:00')).toContain('name the day(s)');
    expect(problem('0 0 9 * * *')).toContain('6 fields');
    expect(problem('0 9 32 * *')).toContain('not a valid cron expression');
    expect(problem('0 9 L * *')).toContain('not supported');
    // Day of month AND weekday: cron tools disagree on what it means, so Hearth asks for one.
    expect(problem('0 9 1 * 1')).toContain('restricts both the day of the month (1) and the weekday (1)');
    expect(problem('0 9 1 * 1')).toContain('`0 9 1 * *` for those days of the month, or `0 9 * * 1` for those weekdays');
  });

  it('reads spaces after commas as typing, not as a new field', () => {
    expect(recurrence('mon, thu 18:00')).toEqual({ cron: '0 18 * * 1,4', everyWeeks: 1 });
    expect(recurrence('Mon , Thu 18:00')).toEqual({ cron: '0 18 * * 1,4', everyWeeks: 1 });
    expect(recurrence('0 9 * * 1, 4')).toEqual({ cron: '0 9 * * 1,4', everyWeeks: 1 });
  });
});

describe('next runs', () => {
  it('follows the time zone, not UTC', () => {
    expect(upcoming('daily 09:00', 'Asia/Tokyo', '2026-11-25T12:00Z')).toEqual(['2026-11-26T00:00', '2026-11-27T00:00', '2026-11-28T00:00']);
    expect(upcoming('weekdays 17:30', 'America/New_York', '2026-11-27T12:00Z')).toEqual(['2026-11-27T22:30', '2026-11-30T22:30', '2026-12-01T22:30']);
  });

  it('runs every other week from the first run', () => {
    // 2026-11-25 is a Wednesday: the first Friday is the 27th, then every second Friday.
    expect(upcoming('every 2 weeks fri 16:00', 'UTC', '2026-11-25T12:00Z', 4)).toEqual(['2026-11-27T16:00', '2026-12-11T16:00', '2026-12-25T16:00', '2027-01-08T16:00']);
    const r = recurrence('every 2 weeks mon,thu 18:00');
    const rule = compileRule(r, anchorWeekFor(r, 'UTC', Date.parse('2026-11-25T12:00Z')));
    expect(iso(nextRuns(rule, 'UTC', Date.parse('2026-11-25T12:00Z'), 4))).toEqual(['2026-11-26T18:00', '2026-12-07T18:00', '2026-12-10T18:00', '2026-12-21T18:00']);
  });

  it('neither skips nor doubles a run when clocks go forward or back in Europe/Berlin', () => {
    // 29 March 2026 02:00 -> 03:00: the 02:30 run moves to 03:30 that day.
    expect(upcoming('daily 02:30', 'Europe/Berlin', '2026-03-27T12:00Z')).toEqual(['2026-03-28T01:30', '2026-03-29T01:30', '2026-03-30T00:30']);
    // 25 October 2026 03:00 -> 02:00: 02:30 happens twice; the run is posted once, at the first.
    expect(upcoming('daily 02:30', 'Europe/Berlin', '2026-10-23T12:00Z')).toEqual(['2026-10-24T00:30', '2026-10-25T00:30', '2026-10-26T01:30']);
    expect(upcoming('daily 09:00', 'Europe/Berlin', '2026-10-24T12:00Z')).toEqual(['2026-10-25T08:00', '2026-10-26T08:00', '2026-10-27T08:00']);
  });

  it('neither skips nor doubles a run when clocks go forward or back in America/New_York', () => {
    // 8 March 2026 02:00 -> 03:00.
    expect(upcoming('daily 02:30', 'America/New_York', '2026-03-06T12:00Z')).toEqual(['2026-03-07T07:30', '2026-03-08T07:30', '2026-03-09T06:30']);
    // 1 November 2026 02:00 -> 01:00: 01:30 happens twice.
    expect(upcoming('daily 01:30', 'America/New_York', '2026-10-30T12:00Z')).toEqual(['2026-10-31T05:30', '2026-11-01T05:30', '2026-11-02T06:30']);
    // An hourly check-in runs once per wall-clock hour through the change, never twice in one.
    const hourly = upcoming('0 * * * *', 'America/New_York', '2026-11-01T03:30Z', 4);
    expect(hourly).toEqual(['2026-11-01T04:00', '2026-11-01T05:00', '2026-11-01T07:00', '2026-11-01T08:00']);
  });

  it('resolves wall-clock times with the first of two and past a gap', () => {
    expect(new Date(instantOf('Europe/Berlin', { year: 2026, month: 10, day: 25 }, 2, 30)).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(instantOf('Europe/Berlin', { year: 2026, month: 3, day: 29 }, 2, 30)).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('reads dates as YYYY-MM-DD and refuses impossible ones', () => {
    expect(parseDate('2026-12-24')).toEqual({ year: 2026, month: 12, day: 24 });
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('24.12.2026')).toBeNull();
  });
});

describe('the run before a moment (catch-up after downtime)', () => {
  it('finds the same runs walking back as nextRun finds walking forward, across DST changes and extreme zones', () => {
    const from = Date.parse('2026-03-20T00:00Z'); // spans Europe's and New York's spring-forward, Sydney's fall-back
    for (const when of ['0 * * * *', '30 2 * * *', 'weekdays 17:30', 'every 2 weeks fri 16:00', '0 9 29 2 *']) {
      for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
        const r = recurrence(when);
        const rule = compileRule(r, anchorWeekFor(r, zone, from));
        const runs = nextRuns(rule, zone, from, when.startsWith('0 *') ? 400 : 12);
        for (let i = 1; i < runs.length; i++) {
          expect(previousRun(rule, zone, runs[i]!, from), `${when} ${zone} before ${new Date(runs[i]!).toISOString()}`).toBe(runs[i - 1]);
          expect(previousRun(rule, zone, runs[i]! - 1, from)).toBe(runs[i - 1]);
          expect(nextRun(rule, zone, runs[i - 1]!)).toBe(runs[i]);
        }
        expect(previousRun(rule, zone, runs[0]!, from + 1)).toBeNull(); // nothing after `from` and before the first run
      }
    }
  });
});


import { describe, expect, it } from 'vitest';
import { instantOf, localDate, nextMidnight, startOfDay, wallTime } from '../../src/zoned-time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const sameDate = (a: { year: number; month: number; day: number }, b: { year: number; month: number; day: number }) =>
  a.year === b.year && a.month === b.month && a.day === b.day;

describe('zoned time', () => {
  it('Australia/Sydney, 5 April 2026 (clocks go back 03:00 -> 02:00): the day starts at its midnight, in the past', () => {
    // 2026-04-04T13:30Z is 00:30 on Sunday 5 April in Sydney (still summer time, UTC+11).
    const at = Date.UTC(2026, 3, 4, 13, 30);
    expect(localDate('Australia/Sydney', at)).toEqual({ year: 2026, month: 4, day: 5 });
    expect(startOfDay('Australia/Sydney', at)).toBe(Date.UTC(2026, 3, 4, 13, 0));
    expect(nextMidnight('Australia/Sydney', at)).toBe(Date.UTC(2026, 3, 5, 14, 0)); // a 25-hour day, winter time after
  });

  it('Asia/Jerusalem, 25 October 2026 (clocks go back 02:00 -> 01:00): midnight, not 01:00', () => {
    // 2026-10-24T21:30Z is 00:30 on Sunday 25 October in Jerusalem (summer time, UTC+3).
    const at = Date.UTC(2026, 9, 24, 21, 30);
    expect(localDate('Asia/Jerusalem', at)).toEqual({ year: 2026, month: 10, day: 25 });
    expect(startOfDay('Asia/Jerusalem', at)).toBe(Date.UTC(2026, 9, 24, 21, 0));
    expect(startOfDay('Asia/Jerusalem', at)).toBeLessThanOrEqual(at);
  });

  it('a wall time that happens twice takes the first; one that never happens moves forward by the gap', () => {
    // New York falls back on 1 November 2026: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
    expect(instantOf('America/New_York', { year: 2026, month: 11, day: 1 }, 1, 30)).toBe(Date.UTC(2026, 10, 1, 5, 30));
    // It springs forward on 8 March 2026: 02:30 does not exist, and becomes 03:30 EDT.
    expect(instantOf('America/New_York', { year: 2026, month: 3, day: 8 }, 2, 30)).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  it('every zone, every day of 2026: the day starts at local midnight (or its first instant) and never after now', () => {
    const wrong: string[] = [];
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      // About 00:30 local time each day (give or take a daylight saving shift), where the bug lived.
      const jan1 = Date.UTC(2026, 0, 1);
      const w = wallTime(zone, jan1);
      const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - jan1;
      for (let day = 0; day < 365; day++) {
        const at = jan1 - offset + 30 * MINUTE + day * DAY;
        const start = startOfDay(zone, at);
        const today = localDate(zone, at);
        const ok = start <= at && sameDate(localDate(zone, start), today) && !sameDate(localDate(zone, start - MINUTE), today);
        if (!ok) wrong.push(`${zone} at ${new Date(at).toISOString()}: ${new Date(start).toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a day worked out once answers only for moments inside it: the moments just before and after get their own days', () => {
    const zone = 'Australia/Sydney';
    const noon = Date.UTC(2026, 3, 5, 2); // the 25-hour day of 5 April
    const start = startOfDay(zone, noon);
    const end = nextMidnight(zone, noon);
    expect([start, end]).toEqual([Date.UTC(2026, 3, 4, 13), Date.UTC(2026, 3, 5, 14)]);
    // Straight after the day was worked out: its end is the next day's, not the kept one's.
    expect([startOfDay(zone, end), nextMidnight(zone, end)]).toEqual([end, Date.UTC(2026, 3, 6, 14)]);
    startOfDay(zone, noon);
    expect([startOfDay(zone, start - 1), nextMidnight(zone, start - 1)]).toEqual([Date.UTC(2026, 3, 3, 13), start]);
    expect([startOfDay(zone, end), nextMidnight(zone, end)]).toEqual([end, Date.UTC(2026, 3, 6, 14)]);
    expect([startOfDay(zone, end - 1), nextMidnight(zone, end - 1)]).toEqual([start, end]);
    expect(startOfDay('Asia/Tokyo', noon)).toBe(Date.UTC(2026, 3, 4, 15)); // each zone its own day
    expect(startOfDay(zone, noon)).toBe(start);
  });
});

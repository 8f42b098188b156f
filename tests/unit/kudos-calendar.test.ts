import { describe, expect, it } from 'vitest';
import { localToUtc, mondayOf, nextMidnight, startOfDay, startOfMonth, startOfWeek } from '../../src/kudos/calendar';

describe('kudos calendar', () => {
  it('finds midnight in the server\'s time zone, not UTC', () => {
    // 23:30 UTC on 25 November is 18:30 in New York (UTC-5) and 08:30 next day in Tokyo (UTC+9).
    const at = Date.UTC(2026, 10, 25, 23, 30);
    expect(startOfDay('America/New_York', at)).toBe(Date.UTC(2026, 10, 25, 5));
    expect(nextMidnight('America/New_York', at)).toBe(Date.UTC(2026, 10, 26, 5));
    expect(startOfDay('Asia/Tokyo', at)).toBe(Date.UTC(2026, 10, 25, 15));
    expect(nextMidnight('Asia/Tokyo', at)).toBe(Date.UTC(2026, 10, 26, 15));
    expect(startOfDay('UTC', at)).toBe(Date.UTC(2026, 10, 25));
  });

  it('follows daylight saving changes', () => {
    // New York springs forward on 8 March 2026 (a 23-hour day) and falls back on 1 November (25 hours).
    expect(nextMidnight('America/New_York', Date.UTC(2026, 2, 8, 12)) - startOfDay('America/New_York', Date.UTC(2026, 2, 8, 12))).toBe(23 * 3_600_000);
    expect(nextMidnight('America/New_York', Date.UTC(2026, 10, 1, 12)) - startOfDay('America/New_York', Date.UTC(2026, 10, 1, 12))).toBe(25 * 3_600_000);
    expect(localToUtc('Europe/Berlin', { year: 2026, month: 3, day: 30 }, 9)).toBe(Date.UTC(2026, 2, 30, 7)); // summer time: UTC+2
    expect(localToUtc('Europe/Berlin', { year: 2026, month: 3, day: 23 }, 9)).toBe(Date.UTC(2026, 2, 23, 8)); // winter time: UTC+1
  });

  it('weeks start on Monday and months on the 1st, locally', () => {
    // Sunday 29 November 2026, 20:00 UTC is already Monday 30 November in Tokyo.
    const at = Date.UTC(2026, 10, 29, 20);
    expect(mondayOf('UTC', at)).toEqual({ year: 2026, month: 11, day: 23 });
    expect(mondayOf('Asia/Tokyo', at)).toEqual({ year: 2026, month: 11, day: 30 });
    expect(startOfWeek('UTC', at)).toBe(Date.UTC(2026, 10, 23));
    expect(startOfWeek('Asia/Tokyo', at)).toBe(Date.UTC(2026, 10, 29, 15));
    expect(startOfMonth('UTC', Date.UTC(2026, 11, 31, 23))).toBe(Date.UTC(2026, 11, 1));
    expect(startOfMonth('Asia/Tokyo', Date.UTC(2026, 11, 31, 23))).toBe(Date.UTC(2026, 11, 31, 15)); // already 1 January there
  });
});

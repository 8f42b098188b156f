import { describe, expect, it } from 'vitest';
import { nextRound } from '../../src/surveys/pulses';

describe('pulse survey rounds: when the next one starts', () => {
  const wed = Date.UTC(2026, 10, 25, 12); // Wednesday 25 November 2026, 12:00 UTC

  it('weekly: the next such weekday and time, today included when it is still ahead', () => {
    expect(nextRound('week', 2, 13, 0, 'UTC', wed, null)).toBe(Date.UTC(2026, 10, 25, 13));
    expect(nextRound('week', 2, 11, 0, 'UTC', wed, null)).toBe(Date.UTC(2026, 11, 2, 11));
    expect(nextRound('week', 0, 9, 0, 'UTC', wed, null)).toBe(Date.UTC(2026, 10, 30, 9));
  });

  it('every two weeks: fourteen days of wall-clock time after the last, across a change of clocks', () => {
    const before = Date.UTC(2026, 2, 20, 8); // Friday 20 March 2026, 09:00 in Berlin (UTC+1)
    expect(nextRound('2-weeks', 4, 9, 0, 'Europe/Berlin', before, before)).toBe(Date.UTC(2026, 3, 3, 7)); // 09:00 summer time (UTC+2)
  });

  it('monthly: the first such weekday of a month, into the next year', () => {
    expect(nextRound('month', 0, 10, 0, 'UTC', wed, null)).toBe(Date.UTC(2026, 11, 7, 10));
    expect(nextRound('month', 0, 10, 0, 'UTC', Date.UTC(2026, 11, 7, 10), null)).toBe(Date.UTC(2027, 0, 4, 10));
  });
});

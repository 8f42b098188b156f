import { describe, expect, it } from 'vitest';
import { digestMoments } from '../../src/insights/digest-calendar';

const iso = (ms: number) => new Date(ms).toISOString();

describe('digest moments', () => {
  it('a weekly digest covers the seven local days before its day, at its local time', () => {
    const { latest, next } = digestMoments('Europe/Berlin', { every: 'week', day: 0, minute: 9 * 60 }, Date.UTC(2026, 2, 4, 12)); // Wednesday
    expect(latest).toMatchObject({ period: '2026-02-23', label: 'the week of 23 February 2026' });
    expect([iso(latest.at), iso(latest.from), iso(latest.to), iso(latest.previousFrom)]).toEqual([
      '2026-03-02T08:00:00.000Z',
      '2026-02-22T23:00:00.000Z',
      '2026-03-01T23:00:00.000Z',
      '2026-02-15T23:00:00.000Z',
    ]);
    expect([next.period, iso(next.at)]).toEqual(['2026-03-02', '2026-03-09T08:00:00.000Z']);
  });

  it('is due exactly at its minute, not before', () => {
    const schedule = { every: 'week' as const, day: 2, minute: 13 * 60 + 30 };
    const at = Date.UTC(2026, 2, 4, 12, 30); // Wednesday 13:30 in Berlin
    expect(digestMoments('Europe/Berlin', schedule, at - 1).latest.period).toBe('2026-02-18');
    expect(digestMoments('Europe/Berlin', schedule, at).latest.period).toBe('2026-02-25');
  });

  it('keeps local time across a change to summer time: a week of 167 hours', () => {
    const { latest } = digestMoments('Europe/Berlin', { every: 'week', day: 0, minute: 9 * 60 }, Date.UTC(2026, 2, 30, 12));
    expect(iso(latest.at)).toBe('2026-03-30T07:00:00.000Z'); // 09:00 summer time
    expect((latest.to - latest.from) / 3_600_000).toBe(167);
  });

  it('a monthly digest goes out on the first chosen weekday of the month, for the month before, across a new year', () => {
    const schedule = { every: 'month' as const, day: 3, minute: 9 * 60 }; // first Thursday
    const early = digestMoments('UTC', schedule, Date.UTC(2026, 0, 1, 8)); // Thursday 1 January, before 09:00
    expect(early.latest).toMatchObject({ period: '2025-11', label: 'November 2025' });
    expect(iso(early.latest.at)).toBe('2025-12-04T09:00:00.000Z');
    expect([early.next.period, iso(early.next.at), iso(early.next.from), iso(early.next.to)]).toEqual([
      '2025-12',
      '2026-01-01T09:00:00.000Z',
      '2025-12-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
    expect(iso(early.next.previousFrom)).toBe('2025-11-01T00:00:00.000Z');
  });
});

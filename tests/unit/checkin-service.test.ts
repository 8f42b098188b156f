import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open';
import { checkinRuns } from '../../src/checkins/schema';
import {
  CHECKIN_LIMITS,
  checkinReport,
  claimDueRuns,
  createSchedule,
  markRunPosted,
  recordMood,
  recordNote,
  skipRunOn,
  streakOf,
  streaksOf,
  validateSchedule,
} from '../../src/checkins/service';

const GUILD = 'g1';
const START = Date.UTC(2026, 10, 25, 12); // Wednesday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('check-in service', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
  });

  const create = (when: string, extra: { anonymous?: boolean } = {}) =>
    createSchedule(
      db,
      { guildId: GUILD, channelId: 'c1', createdBy: 'lead' },
      validateSchedule(db, GUILD, { when, prompt: 'How are you?', name: null, timezone: null, anonymous: extra.anonymous ?? false }, START),
      START,
    ).schedule;

  /** Runs the scheduler's claim at `now` and pretends every claimed run reached its channel. */
  const tick = (now: number) => {
    const outcome = claimDueRuns(db, now);
    for (const run of outcome.toPost) markRunPosted(db, run.runId, `m${run.runId}`);
    return outcome;
  };
  const runRows = () => db.select().from(checkinRuns).all();

  it('posts a run missed by less than an hour and records older ones as missed, each once', () => {
    const schedule = create('daily 13:00');
    const first = Date.UTC(2026, 10, 25, 13);
    expect(tick(first - 1).toPost).toEqual([]);
    expect(tick(first + 59 * 60_000).toPost.map((r) => r.schedule.id)).toEqual([schedule.id]);
    expect(tick(first + 59 * 60_000).toPost).toEqual([]); // a second timer finds nothing

    const outcome = tick(first + 3 * DAY + 2 * HOUR); // down for three days
    expect(outcome.toPost).toEqual([]);
    expect(outcome.missed.map((m) => m.scheduledFor)).toEqual([first + DAY, first + 2 * DAY, first + 3 * DAY]);
    expect(runRows().map((r) => r.status)).toEqual(['posted', 'missed', 'missed', 'missed']);
    expect(tick(first + 4 * DAY).toPost).toHaveLength(1);
  });

  it('keeps a streak across a skipped run and restarts it after an unanswered one', () => {
    const schedule = create('daily 13:00');
    const member = { guildId: GUILD, memberId: 'ana' };
    const at = (day: number) => Date.UTC(2026, 10, 25 + day, 13);
    const answer = (day: number) => {
      const run = tick(at(day)).toPost[0]!;
      return recordMood(db, member, run.runId, 4, at(day) + 60_000);
    };
    expect(answer(0).streak).toEqual({ current: 1, longest: 1, answered: 1 });
    skipRunOn(db, GUILD, schedule.id, '2026-11-26', 'lead', at(0) + HOUR);
    expect(tick(at(1)).skipped).toHaveLength(1);
    expect(answer(2).streak).toEqual({ current: 2, longest: 2, answered: 2 });
    tick(at(3)); // not answered
    expect(answer(4).streak).toEqual({ current: 1, longest: 2, answered: 3 });
    expect(streaksOf(db, GUILD, 'ana')[0]!.streak.current).toBe(1);
  });

  it('counts the newest run as still open, not as a break', () => {
    expect(streakOf([1, 2, 3], new Set([1, 2]))).toEqual({ current: 2, longest: 2, answered: 2 });
    expect(streakOf([1, 2, 3, 4], new Set([1, 2]))).toEqual({ current: 0, longest: 2, answered: 2 });
    expect(streakOf([], new Set())).toEqual({ current: 0, longest: 0, answered: 0 });
  });

  it('refuses answers to a run once a newer run is posted, and to another server\'s run', () => {
    create('daily 13:00');
    const first = tick(Date.UTC(2026, 10, 25, 13)).toPost[0]!;
    recordMood(db, { guildId: GUILD, memberId: 'ana' }, first.runId, 3, START + HOUR);
    expect(() => recordMood(db, { guildId: 'other', memberId: 'ana' }, first.runId, 3, START + HOUR)).toThrow('no longer exists');
    tick(Date.UTC(2026, 10, 26, 13));
    expect(() => recordMood(db, { guildId: GUILD, memberId: 'ana' }, first.runId, 5, START + DAY + 2 * HOUR)).toThrow('superseded');
    expect(() => recordNote(db, { guildId: GUILD, memberId: 'ana' }, first.runId, 'late', START + DAY + 2 * HOUR)).toThrow('superseded');
  });

  it('limits a server to 25 schedules', () => {
    for (let i = 0; i < CHECKIN_LIMITS.perServer; i++) create('daily 09:00');
    expect(() => create('daily 09:00')).toThrow('already has 25 check-ins');
  });

  it('reports per run and per period, hiding anonymous runs with fewer than 3 answers', () => {
    const schedule = create('mon 09:00', { anonymous: true });
    const mondays = [0, 1, 2].map((w) => Date.UTC(2026, 10, 30 + 7 * w, 9));
    const moods = [[1, 2], [4, 5, 4], [3, 3, 3, 3]];
    mondays.forEach((at, w) => {
      const run = tick(at).toPost[0]!;
      moods[w]!.forEach((mood, i) => recordMood(db, { guildId: GUILD, memberId: `m${i}` }, run.runId, mood, at + 1000));
    });
    const report = checkinReport(db, GUILD, schedule.id, 4, mondays[2]! + DAY);
    expect(report.runs.map((r) => [r.hidden, r.answered, r.average])).toEqual([
      [true, 0, null],
      [false, 3, 13 / 3],
      [false, 4, 3],
    ]);
    expect(report.runs[2]!.change).toBeCloseTo(3 - 13 / 3);
    expect(report.period).toMatchObject({ runs: 2, answered: 7, distribution: [0, 0, 4, 2, 1] });
  });
});

// A mood click shows the member's current streak: it must cost as much as the streak is long, not
// as much as the check-in is old (two years of daily runs, "post now" runs among them).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open';
import { checkinAnswers, checkinRuns } from '../../src/checkins/schema';
import { createSchedule, validateSchedule } from '../../src/checkins/scheduling';
import { currentStreak, memberStreak } from '../../src/checkins/streaks';
import type { Schedule } from '../../src/checkins/store';

const reads = vi.hoisted(() => ({ rows: 0, calendar: 0 }));

vi.mock('../../src/checkins/store', async (importOriginal) => {
  const store = await importOriginal<typeof import('../../src/checkins/store')>();
  return {
    ...store,
    *runsNewestFirst(...args: Parameters<typeof store.runsNewestFirst>) {
      for (const run of store.runsNewestFirst(...args)) {
        reads.rows++;
        yield run;
      }
    },
  };
});

vi.mock('../../src/checkins/schedule', async (importOriginal) => {
  const schedule = await importOriginal<typeof import('../../src/checkins/schedule')>();
  return {
    ...schedule,
    nextRun: (...args: Parameters<typeof schedule.nextRun>) => {
      reads.calendar++;
      return schedule.nextRun(...args);
    },
  };
});

const G = 'g1';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2024, 0, 1, 9); // a Monday, 09:00 UTC: the daily run's time

describe('current streak after an answer', () => {
  let db: Db;
  let schedule: Schedule;
  let nextId: number;
  beforeEach(() => {
    db = openDatabase(':memory:');
    schedule = createSchedule(db, { guildId: G, channelId: 'c', createdBy: 'lead' }, validateSchedule(db, G, { when: 'daily 09:00', prompt: 'How are you?', name: null, timezone: 'UTC', anonymous: false }, START - DAY), START - DAY).schedule;
    nextId = 1;
  });

  /** A run of the schedule at `at` (posted unless told otherwise), answered with a mood by `answeredBy`. */
  function run(at: number, options: { manual?: boolean; status?: 'posted' | 'queued' | 'failed' | 'missed'; answeredBy?: string[] } = {}) {
    const id = nextId++;
    db.insert(checkinRuns).values({ id, scheduleId: schedule.id, guildId: G, scheduledFor: at, manual: options.manual ?? false, status: options.status ?? 'posted', recordedAt: at }).run();
    for (const memberId of options.answeredBy ?? []) {
      db.insert(checkinAnswers).values({ runId: id, memberId, scheduleId: schedule.id, guildId: G, mood: 4, note: null, answeredAt: at, updatedAt: at }).run();
    }
  }

  it('reads only as far back as the streak goes, however long the history and wherever old "post now" runs sit', () => {
    for (let day = 0; day < 730; day++) {
      run(START + day * DAY, { answeredBy: day === 724 ? [] : ['ana'] });
      if (day === 3 || day === 400) run(START + day * DAY + 2 * HOUR, { manual: true, answeredBy: ['ana'] }); // re-posts long ago
      if (day === 728) run(START + day * DAY + HOUR, { status: 'failed' });
    }
    reads.rows = reads.calendar = 0;
    expect(currentStreak(db, schedule, 'ana')).toBe(5);
    expect(reads.rows).toBeLessThanOrEqual(7); // the 5 answered, the one that broke the streak, and no more
    expect(reads.calendar).toBe(0); // no re-post in the stretch read: no calendar walk at all

    reads.rows = reads.calendar = 0;
    expect(memberStreak(db, schedule, 'ana').current).toBe(5); // the full count agrees, reading everything
    expect(reads.calendar).toBeGreaterThan(500);
  });

  it('walks the calendar only for a "post now" run within the streak', () => {
    for (let day = 0; day < 300; day++) run(START + day * DAY, { answeredBy: day <= 296 ? ['bo'] : [] });
    run(START + 299 * DAY + 3 * HOUR, { manual: true, answeredBy: ['bo'] }); // today's re-post, answered
    run(START + 10 * DAY + 3 * HOUR, { manual: true, answeredBy: ['bo'] });
    reads.rows = reads.calendar = 0;
    // Days up to 296 answered, 297 and 298 not, 299 through its re-post only: the streak is that one slot.
    expect(currentStreak(db, schedule, 'bo')).toBe(1);
    expect(reads.calendar).toBeLessThanOrEqual(2);
    expect(reads.rows).toBeLessThanOrEqual(4);
  });

  it('does not break on runs still open: the newest posted one and those queued ahead of their moment', () => {
    run(START, { answeredBy: ['cy'] });
    run(START + DAY); // the newest posted: still open
    run(START + 2 * DAY, { status: 'queued', answeredBy: ['cy'] }); // answered early, east of the check-in's zone
    expect([currentStreak(db, schedule, 'cy'), memberStreak(db, schedule, 'cy').current]).toEqual([2, 2]);
    run(START + 3 * DAY, { status: 'queued' });
    expect([currentStreak(db, schedule, 'cy'), memberStreak(db, schedule, 'cy').current]).toEqual([2, 2]);
    db.update(checkinRuns).set({ status: 'posted' }).run(); // their moments came: the unanswered day now breaks it
    expect([currentStreak(db, schedule, 'cy'), memberStreak(db, schedule, 'cy').current]).toEqual([1, 1]);
  });

  it('agrees with the full count on random histories: skipped, failed, missed, re-posted and queued runs, open newest slots', () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n);
    for (let history = 0; history < 40; history++) {
      db = openDatabase(':memory:');
      schedule = createSchedule(db, { guildId: G, channelId: 'c', createdBy: 'lead' }, validateSchedule(db, G, { when: 'daily 09:00', prompt: 'How are you?', name: null, timezone: 'UTC', anonymous: false }, START - DAY), START - DAY).schedule;
      nextId = 1;
      const days = 1 + random(40);
      for (let day = 0; day < days; day++) {
        const roll = random(10);
        if (roll === 0) continue; // skipped: no run at all
        run(START + day * DAY, { status: roll === 1 ? 'failed' : roll === 2 ? 'missed' : 'posted', answeredBy: random(4) > 0 ? ['cy'] : [] });
        if (random(5) === 0) run(START + day * DAY + (1 + random(30)) * HOUR, { manual: true, answeredBy: random(2) ? ['cy'] : [] }); // some land in the next day's slot
      }
      // Direct-message runs claimed ahead of their moment: open, like the newest posted one.
      // (From the history's number, not the random sequence, which the histories above were drawn with.)
      for (let day = days; day < days + (history % 3); day++) run(START + day * DAY, { status: 'queued', answeredBy: (history + day) % 2 ? ['cy'] : [] });
      expect(currentStreak(db, schedule, 'cy'), `history ${history}`).toBe(memberStreak(db, schedule, 'cy').current);
    }
  });
});

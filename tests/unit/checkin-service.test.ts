import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open';
import { checkinAnswers, checkinRuns, checkinSchedules } from '../../src/checkins/schema';
import { renderList, renderReport } from '../../src/checkins/view';
import { recordMood, recordNote } from '../../src/checkins/answers';
import { CHECKIN_LIMITS } from '../../src/checkins/limits';
import { schedulesForList } from '../../src/checkins/list';
import { checkinReport } from '../../src/checkins/report';
import { claimDueRuns, failInterruptedRuns, INTERRUPTED_REASON, markRunPosted, startManualRun } from '../../src/checkins/runs';
import { createSchedule, resumeSchedule, skipRunOn, validateSchedule } from '../../src/checkins/scheduling';
import { streakOf, streaksOf } from '../../src/checkins/streaks';
import { WHOLE_SERVER } from '../../src/visibility';

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
    for (const run of outcome.toPost) markRunPosted(db, GUILD, run.runId, `m${run.runId}`);
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
    // One row for the whole gap: the last run missed, with the range in words.
    expect(outcome.missed).toEqual([{ scheduleId: schedule.id, scheduledFor: first + 3 * DAY, firstMissed: first + DAY }]);
    expect(runRows().map((r) => r.status)).toEqual(['posted', 'missed']);
    expect(runRows()[1]!.reason).toBe('every run due from 2026-11-26 13:00 to 2026-11-28 13:00 (UTC) was more than 1 hour late when Hearth got to it, so none was posted.');
    expect(tick(first + 4 * DAY).toPost).toHaveLength(1);
  });

  it('catches up an hourly check-in down for 60 days with one missed row, and posts the run inside the last hour', () => {
    const schedule = create('0 * * * *');
    const first = Date.UTC(2026, 10, 25, 13);
    expect(schedule.nextRunAt).toBe(first);
    const now = first + 60 * DAY + 20 * 60_000; // 60 days later, 20 minutes after the hour
    const outcome = tick(now);
    expect(outcome.missed).toEqual([{ scheduleId: schedule.id, scheduledFor: first + 60 * DAY - HOUR, firstMissed: first }]);
    expect(outcome.toPost.map((r) => r.schedule.id)).toEqual([schedule.id]);
    expect(runRows().map((r) => [r.status, r.scheduledFor])).toEqual([
      ['missed', first + 60 * DAY - HOUR],
      ['posted', first + 60 * DAY],
    ]);
    expect(runRows()[0]!.reason).toContain('every run due from 2026-11-25 13:00 to 2027-01-24 12:00 (UTC)');
    expect(tick(now).toPost).toEqual([]); // a second timer finds nothing
    expect(tick(first + 60 * DAY + HOUR).toPost).toHaveLength(1); // and the schedule goes on, hourly
  });

  it('records a single missed run with its own time', () => {
    const schedule = create('mon 09:00');
    const monday = Date.UTC(2026, 10, 30, 9);
    const outcome = tick(monday + 5 * HOUR);
    expect(outcome.missed).toEqual([{ scheduleId: schedule.id, scheduledFor: monday, firstMissed: monday }]);
    expect(runRows()[0]!.reason).toBe('due at 2026-11-30 09:00 (UTC), it was more than 1 hour late when Hearth got to it, so it was not posted.');
  });

  it('marks runs a crash left in "posting" as failed at start, and leaves finished ones alone', () => {
    create('daily 13:00');
    const first = Date.UTC(2026, 10, 25, 13);
    const [stuck] = claimDueRuns(db, first).toPost; // claimed, then the process died before posting
    expect(failInterruptedRuns(db, first + HOUR)).toBe(1);
    expect(runRows()).toMatchObject([{ id: stuck!.runId, status: 'failed', reason: INTERRUPTED_REASON }]);
    expect(failInterruptedRuns(db, first + 2 * HOUR)).toBe(0);
  });

  it('counts a run and its "post now" re-post as one slot, for streaks and reports', () => {
    const schedule = create('daily 13:00');
    const ana = { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER };
    const bo = { guildId: GUILD, memberId: 'bo', sees: WHOLE_SERVER };
    const day = (n: number) => Date.UTC(2026, 10, 25 + n, 13);
    const day1 = tick(day(0)).toPost[0]!;
    recordMood(db, ana, day1.runId, 4, day(0) + 1000);
    const day2 = tick(day(1)).toPost[0]!;
    recordMood(db, bo, day2.runId, 2, day(1) + 1000); // bo answers the first post of day 2
    // A leader re-posts day 2 in the very millisecond of a scheduled run: no clash on the unique key.
    const repost = startManualRun(db, GUILD, schedule.id, day(1));
    markRunPosted(db, GUILD, repost.runId, 'm-repost');
    expect(() => recordMood(db, bo, day2.runId, 3, day(1) + 2000)).toThrow('superseded');
    expect(recordMood(db, ana, repost.runId, 5, day(1) + 3000).streak).toBe(2);
    expect(recordMood(db, bo, repost.runId, 4, day(1) + 4000).streak).toBe(1);

    const report = checkinReport(db, GUILD, schedule.id, 1, day(1) + HOUR);
    // Two days, not three runs: bo counts once, with the latest answer.
    expect(report.runs.map((r) => [r.run.id, r.reposts, r.answered, r.distribution])).toEqual([
      [day1.runId, 0, 1, [0, 0, 0, 1, 0]],
      [day2.runId, 1, 2, [0, 0, 0, 1, 1]],
    ]);
    expect(report.period).toMatchObject({ runs: 2, answered: 3, answersPerRun: 1.5 });

    // A run posted by hand after the next scheduled time (here, with that run not yet posted) is a slot of its own.
    const later = startManualRun(db, GUILD, schedule.id, day(2) + HOUR);
    markRunPosted(db, GUILD, later.runId, 'm-later');
    expect(recordMood(db, ana, later.runId, 3, day(2) + HOUR + 1000).streak).toBe(3);
  });

  it('stores nothing for an empty note from a member who has not answered', () => {
    create('daily 13:00');
    const run = tick(Date.UTC(2026, 10, 25, 13)).toPost[0]!;
    const outcome = recordNote(db, { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER }, run.runId, '   ', START + 2 * HOUR);
    expect(outcome.note).toBeNull();
    expect(db.select().from(checkinAnswers).all()).toEqual([]);
  });

  it('leaves anonymous check-ins out of someone else\'s streaks', () => {
    const open = create('daily 13:00');
    const hidden = create('daily 14:00', { anonymous: true });
    const posted = [...tick(Date.UTC(2026, 10, 25, 13)).toPost, ...tick(Date.UTC(2026, 10, 25, 14)).toPost];
    for (const run of posted) recordMood(db, { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER }, run.runId, 4, START + 3 * HOUR);
    expect(streaksOf(db, GUILD, 'ana', { self: true, sees: WHOLE_SERVER }).streaks.map((s) => s.schedule.id)).toEqual([open.id, hidden.id]);
    expect(streaksOf(db, GUILD, 'ana', { self: false, sees: WHOLE_SERVER })).toMatchObject({ streaks: [{ schedule: { id: open.id } }], anonymousLeftOut: true });
  });

  it('keeps a streak across a skipped run and restarts it after an unanswered one', () => {
    const schedule = create('daily 13:00');
    const member = { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER };
    const at = (day: number) => Date.UTC(2026, 10, 25 + day, 13);
    const answer = (day: number) => {
      const run = tick(at(day)).toPost[0]!;
      return recordMood(db, member, run.runId, 4, at(day) + 60_000);
    };
    expect(answer(0).streak).toBe(1);
    skipRunOn(db, GUILD, schedule.id, '2026-11-26', 'lead', at(0) + HOUR);
    expect(tick(at(1)).skipped).toHaveLength(1);
    expect(answer(2).streak).toBe(2);
    tick(at(3)); // not answered
    expect(answer(4).streak).toBe(1);
    expect(streaksOf(db, GUILD, 'ana', { self: true, sees: WHOLE_SERVER }).streaks[0]!.streak.current).toBe(1);
  });

  it('counts the newest run as still open, not as a break', () => {
    expect(streakOf([[1], [2], [3]], new Set([1, 2]))).toEqual({ current: 2, longest: 2, answered: 2 });
    expect(streakOf([[1], [2], [3], [4]], new Set([1, 2]))).toEqual({ current: 0, longest: 2, answered: 2 });
    // Answering any run of a slot (a run and its re-post) counts once.
    expect(streakOf([[1], [2, 3], [4]], new Set([1, 3]))).toEqual({ current: 2, longest: 2, answered: 2 });
    expect(streakOf([[1], [2, 3]], new Set([1, 2, 3]))).toEqual({ current: 2, longest: 2, answered: 2 });
    expect(streakOf([], new Set())).toEqual({ current: 0, longest: 0, answered: 0 });
  });

  it('refuses answers to a run once a newer run is posted, and to another server\'s run', () => {
    create('daily 13:00');
    const first = tick(Date.UTC(2026, 10, 25, 13)).toPost[0]!;
    recordMood(db, { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER }, first.runId, 3, START + HOUR);
    expect(() => recordMood(db, { guildId: 'other', memberId: 'ana', sees: WHOLE_SERVER }, first.runId, 3, START + HOUR)).toThrow('no longer exists');
    tick(Date.UTC(2026, 10, 26, 13));
    expect(() => recordMood(db, { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER }, first.runId, 5, START + DAY + 2 * HOUR)).toThrow('superseded');
    expect(() => recordNote(db, { guildId: GUILD, memberId: 'ana', sees: WHOLE_SERVER }, first.runId, 'late', START + DAY + 2 * HOUR)).toThrow('superseded');
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
      moods[w]!.forEach((mood, i) => recordMood(db, { guildId: GUILD, memberId: `m${i}`, sees: WHOLE_SERVER }, run.runId, mood, at + 1000));
    });
    tick(mondays[2]! + 7 * DAY); // the next run: the third Monday's answers are final and can be shown
    const report = checkinReport(db, GUILD, schedule.id, 4, mondays[2]! + 7 * DAY + HOUR);
    expect(report.runs.map((r) => [r.hidden, r.answered, r.average])).toEqual([
      [true, 0, null],
      [false, 3, 13 / 3],
      [false, 4, 3],
    ]);
    expect(report.runs[2]!.change).toBeCloseTo(3 - 13 / 3);
    expect(report.period).toMatchObject({ runs: 2, answered: 7, distribution: [0, 0, 4, 2, 1] });
  });

  it('reports the last 8 weeks by default, compared with the 8 before, and at most 104 weeks', () => {
    const schedule = create('mon 09:00');
    const first = Date.UTC(2026, 10, 30, 9);
    const mondays = Array.from({ length: 20 }, (_, w) => first + 7 * w * DAY);
    for (const at of mondays) recordMood(db, { guildId: GUILD, memberId: 'm1', sees: WHOLE_SERVER }, tick(at).toPost[0]!.runId, 3, at + 1000);
    const now = mondays[19]! + HOUR;
    const report = checkinReport(db, GUILD, schedule.id, null, now);
    expect(report.weeks).toBe(8);
    expect(report.runs.map((r) => r.run.scheduledFor)).toEqual(mondays.slice(12));
    expect(report.previous.runs).toBe(8); // the 8 weeks before, for the change
    expect(checkinReport(db, GUILD, schedule.id, 104, now).runs).toHaveLength(20);
    for (const weeks of [0, 105]) expect(() => checkinReport(db, GUILD, schedule.id, weeks, now)).toThrow('`weeks` must be from 1 to 104.');
  });

  it('lists at most 50 notes per run in the report file, and says how many more there are', () => {
    const schedule = create('mon 09:00');
    const monday = Date.UTC(2026, 10, 30, 9);
    const run = tick(monday).toPost[0]!;
    for (let i = 0; i < 60; i++) {
      const member = { guildId: GUILD, memberId: `m${i}`, sees: WHOLE_SERVER };
      recordMood(db, member, run.runId, 4, monday + i);
      recordNote(db, member, run.runId, `Note number ${i}`, monday + i);
    }
    const { files } = renderReport(checkinReport(db, GUILD, schedule.id, null, monday + HOUR));
    const file = files.find((f) => f.name === `checkin-${schedule.id}-report.md`)!.attachment as Buffer;
    const lines = file.toString('utf8').split('\n');
    expect(lines.filter((l) => /^- <@m\d+>: Note number \d+$/.test(l))).toHaveLength(50);
    expect(lines).toContain('- …and 10 more notes');
  });

  it('leaves an anonymous check-in\'s run out of reports and the list until the next run is posted', () => {
    const schedule = create('mon 09:00', { anonymous: true });
    const mondays = [0, 1].map((w) => Date.UTC(2026, 10, 30 + 7 * w, 9));
    const member = (name: string) => ({ guildId: GUILD, memberId: name, sees: WHOLE_SERVER });
    const first = tick(mondays[0]!).toPost[0]!;
    [4, 4, 5].forEach((mood, i) => recordMood(db, member(`m${i}`), first.runId, mood, mondays[0]! + 1000));
    recordNote(db, member('m0'), first.runId, 'Quiet week', mondays[0]! + 2000);

    const now = mondays[0]! + DAY;
    const seen = (at: number) => {
      const report = checkinReport(db, GUILD, schedule.id, 4, at);
      const rendered = renderReport(report);
      return {
        report,
        text: rendered.embeds[0]!.toJSON().description,
        file: String((rendered.files[0]!.attachment as Buffer).toString('utf8')),
        list: schedulesForList(db, GUILD, at)[0]!.recentAnswers,
      };
    };
    const before = seen(now);
    expect(before.report.runs).toEqual([]);
    expect(before.report.period).toMatchObject({ runs: 0, answered: 0, average: null });
    expect(before.report.openRunAt).toBe(mondays[0]);
    expect(before.text).toContain('The current run (2026-11-30) is left out while members can still answer it; it appears once the next one is posted.');
    expect(before.text).not.toContain('Quiet week');
    expect(before.list).toEqual([]);

    // A member answers (and a leader re-posts the run, which belongs to the same run): nothing a leader sees changes.
    recordMood(db, member('m3'), first.runId, 1, now + 1000);
    const repost = startManualRun(db, GUILD, schedule.id, now + HOUR);
    markRunPosted(db, GUILD, repost.runId, 'm-repost');
    recordMood(db, member('m4'), repost.runId, 2, now + HOUR + 1000);
    const after = seen(now + 2 * HOUR);
    expect(after.text).toBe(before.text);
    expect(after.file).toBe(before.file);
    expect(after.list).toEqual(before.list);

    // Once the next run is posted, the finished run shows with every answer.
    tick(mondays[1]!);
    const finished = seen(mondays[1]! + HOUR);
    expect(finished.report.runs.map((r) => [r.run.id, r.reposts, r.answered, r.distribution])).toEqual([[first.runId, 1, 5, [1, 1, 0, 2, 1]]]);
    expect(finished.report.runs[0]!.notes).toEqual([{ memberId: null, note: 'Quiet week' }]);
    expect(finished.report.openRunAt).toBe(mondays[1]);
    expect(finished.list).toEqual([5]);
  });

  it('pauses a schedule whose time zone or cron can no longer be worked out, says why, and posts the others', () => {
    const good = create('daily 13:00');
    const badZone = create('daily 13:00');
    const badCron = create('daily 13:00');
    // As after a Node/ICU update that drops a zone, or a hand-edited database.
    db.update(checkinSchedules).set({ timezone: 'Mars/Olympus_Mons' }).where(eq(checkinSchedules.id, badZone.id)).run();
    db.update(checkinSchedules).set({ cron: 'not a cron' }).where(eq(checkinSchedules.id, badCron.id)).run();
    const at = Date.UTC(2026, 10, 25, 13);

    const outcome = tick(at);
    expect(outcome.toPost.map((r) => r.schedule.id)).toEqual([good.id]);
    expect(outcome.broken.map((b) => b.scheduleId).sort()).toEqual([badZone.id, badCron.id].sort());
    const runOf = (id: number) => runRows().filter((r) => r.scheduleId === id);
    expect(runOf(good.id)).toMatchObject([{ status: 'posted' }]);
    expect(runOf(badZone.id)).toMatchObject([{ status: 'failed', scheduledFor: at, reason: expect.stringContaining('Hearth paused this check-in: its time zone "Mars/Olympus_Mons" is not known on this system any more') }]);
    expect(runOf(badCron.id)).toMatchObject([{ status: 'failed', scheduledFor: at, reason: expect.stringContaining('its schedule `not a cron` can no longer be worked out') }]);
    const stored = db.select().from(checkinSchedules).all();
    expect(stored.filter((s) => s.id !== good.id)).toMatchObject([{ status: 'paused', nextRunAt: null }, { status: 'paused', nextRunAt: null }]);

    // The next day the good one posts again and the broken ones stay quiet.
    const next = tick(at + DAY);
    expect(next.toPost.map((r) => r.schedule.id)).toEqual([good.id]);
    expect(next.broken).toEqual([]);

    // `/checkin list` still works and shows why each one stopped; resuming says what is wrong.
    const list = renderList(schedulesForList(db, GUILD, at + DAY).map((item) => ({ ...item, problem: null })), null, at + DAY).embeds[0]!.toJSON();
    const field = (id: number) => list.fields!.find((f) => f.name.startsWith(`#${id} ·`))!.value;
    expect(field(badZone.id)).toContain('⏸️ **paused**');
    expect(field(badZone.id)).toContain('⚠️ failed: Hearth paused this check-in: its time zone "Mars/Olympus_Mons"');
    expect(field(badCron.id)).toContain('⚠️ failed: Hearth paused this check-in: its schedule `not a cron`');
    expect(() => resumeSchedule(db, GUILD, badZone.id, at + DAY)).toThrow(`Check-in #${badZone.id} cannot be resumed: its time zone "Mars/Olympus_Mons"`);
    expect(() => checkinReport(db, GUILD, badCron.id, null, at + DAY)).toThrow(`Check-in #${badCron.id} has no report: its schedule \`not a cron\``);
    expect(() => skipRunOn(db, GUILD, badZone.id, '2026-12-24', 'lead', at + DAY)).toThrow(`Check-in #${badZone.id} has no runs to skip: its time zone "Mars/Olympus_Mons"`);
  });
});

// What check-ins tell other features about taking part: per-member activity and run summaries.
import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { anonymousCount, dayCeil, memberDays, tagged, type Activity } from '../activity';
import { checkinAnswers, checkinSchedules } from './schema';
import { latestPostedRun, listSchedules, moodCounts, postedRunsBetween, queuedRuns } from './store';
import { CHECKIN_LIMITS } from './limits';

/**
 * Who answered this server's check-ins in [from, to) (UTC epoch ms). An answer is a mood or a
 * note, counted on the UTC day it was first given (`answered_at`; changing it later does not move it).
 * - Named check-ins: one row per member and day.
 * - Anonymous check-ins: one count of answers. They are counted by UTC day (an answer counts when
 *   its day's midnight lies in the window), like anonymous votes and responses, so a finer window
 *   tells no more than the day. Answers to a schedule's newest run, which still takes answers (and
 *   to runs queued ahead of their moment), are left out until the next run is posted: reading the count before and after a member
 *   answers would tell that they did (`/checkin list` holds it back for the same reason).
 */
export function activity(db: Db | Tx, guildId: string, from: number, to: number): Activity {
  const named = memberDays(
    db,
    checkinSchedules,
    checkinAnswers,
    checkinAnswers.memberId,
    checkinAnswers.answeredAt,
    and(eq(checkinSchedules.guildId, guildId), eq(checkinAnswers.scheduleId, checkinSchedules.id), eq(checkinSchedules.anonymous, false), gte(checkinAnswers.answeredAt, from), lt(checkinAnswers.answeredAt, to)),
  );
  // Anonymous: every answer in the window (from the by-time index alone), minus the answers to
  // runs still open (found by run). Filtering the runs out in one query would cost a table read per answer.
  const byDay = and(gte(checkinAnswers.answeredAt, dayCeil(from)), lt(checkinAnswers.answeredAt, dayCeil(to)));
  const { all } = db
    .select({ all: count() })
    .from(checkinSchedules)
    .crossJoin(checkinAnswers) // the server's schedules first, then their answers by (schedule, answered_at)
    .where(and(eq(checkinSchedules.guildId, guildId), eq(checkinAnswers.scheduleId, checkinSchedules.id), eq(checkinSchedules.anonymous, true), byDay))
    .get()!;
  let open = 0;
  if (all > 0) {
    // Queued runs (claimed ahead, already answered east of the check-in's zone) are open too.
    const openRuns = (scheduleId: number) => [latestPostedRun(db, scheduleId), ...queuedRuns(db, scheduleId)].flatMap((run) => (run ? [run.id] : []));
    const stillOpen = listSchedules(db, guildId).flatMap((s) => (s.anonymous ? openRuns(s.id) : []));
    if (stillOpen.length) open = db.select({ open: count() }).from(checkinAnswers).where(and(inArray(checkinAnswers.runId, stillOpen), byDay)).get()!.open;
  }
  const n = all - open;
  return { members: tagged('checkin-answer', named), anonymous: anonymousCount('checkin-answer', n) };
}

export interface RunSummary {
  runId: number;
  scheduleId: number;
  scheduleName: string;
  /** Where the check-in posts: insights name it only to readers who can view that channel. */
  channelId: string;
  anonymous: boolean;
  /** The run's moment (UTC epoch ms). */
  scheduledFor: number;
  /** A leader's "post now": listed as a run of its own (a member may have answered it and the run it replaced). */
  manual: boolean;
  /**
   * Anonymous only: nothing is shown for a run with fewer than 3 moods, or for the schedule's
   * newest run, which still takes answers (as in `/checkin report`).
   */
  hidden: boolean;
  /** Members who picked a mood (notes alone do not count); null when hidden. */
  answered: number | null;
  /** Average mood, 1 (rough) to 5 (great); null when hidden or nobody picked one. */
  average: number | null;
  /** Members per mood, index 0 = mood 1; null when hidden. */
  distribution: number[] | null;
}

/** This server's posted check-in runs scheduled in [from, to), oldest first. */
export function runSummaries(db: Db | Tx, guildId: string, from: number, to: number): RunSummary[] {
  const all = listSchedules(db, guildId).flatMap((schedule) => {
    const runs = postedRunsBetween(db, schedule.id, from, to);
    if (runs.length === 0) return [];
    const moods = new Map<number, number[]>();
    for (const row of moodCounts(db, schedule.id, from, to)) {
      let distribution = moods.get(row.runId);
      if (!distribution) moods.set(row.runId, (distribution = [0, 0, 0, 0, 0]));
      distribution[row.mood - 1] = row.count;
    }
    const openRun = schedule.anonymous ? latestPostedRun(db, schedule.id)?.id : undefined;
    return runs.map((run): RunSummary => {
      const distribution = moods.get(run.id) ?? [0, 0, 0, 0, 0];
      const answered = distribution.reduce((a, b) => a + b, 0);
      const place = { runId: run.id, scheduleId: schedule.id, scheduleName: schedule.name, channelId: schedule.channelId, anonymous: schedule.anonymous, scheduledFor: run.scheduledFor, manual: run.manual };
      if (schedule.anonymous && (answered < CHECKIN_LIMITS.anonymousMinimum || run.id === openRun)) {
        return { ...place, hidden: true, answered: null, average: null, distribution: null };
      }
      const sum = distribution.reduce((a, c, i) => a + c * (i + 1), 0);
      return { ...place, hidden: false, answered, average: answered ? sum / answered : null, distribution };
    });
  });
  return all.sort((a, b) => a.scheduledFor - b.scheduledFor || a.runId - b.runId);
}

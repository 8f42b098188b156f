// A member's own check-in data: what an export shows, and what forgetting them removes.
import { removeMemberSubscriptions, subscriptionsOfMember } from './subscription-store';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { isoTime, limitKey, NO_MEMBER, type ForgetOutcome } from '../member-data';
import { checkinAnswers, checkinRuns, checkinSchedules, checkinSkips } from './schema';
import { MOODS } from './limits';
import { findRun, laterPostedRun, TAKES_ANSWERS } from './store';
import { streaksOf } from './streaks';
import { WHOLE_SERVER } from '../visibility';

/** A server's schedule ids, as a subquery: answers and skips are found by schedule (their indexes start with it). */
const schedulesOf = (db: Db | Tx, guildId: string) => db.select({ id: checkinSchedules.id }).from(checkinSchedules).where(eq(checkinSchedules.guildId, guildId));

export interface CheckinMemberData {
  /** Every answer, anonymous check-ins included (their answers are stored under the member's id). */
  answers: { scheduleId: number; checkin: string; anonymous: boolean; runAt: string; mood: number | null; moodLabel: string | null; note: string | null; answeredAt: string; updatedAt: string }[];
  /** Computed from the answers (nothing else is stored for them). */
  streaks: { scheduleId: number; checkin: string; current: number; longest: number; answered: number }[];
  schedulesCreated: { scheduleId: number; name: string; prompt: string; when: string; timezone: string; anonymous: boolean; status: 'active' | 'paused'; createdAt: string }[];
  /** Dates the member skipped as a leader. */
  datesSkipped: { scheduleId: number; date: string }[];
  /** Direct-message check-ins the member subscribed to. */
  subscriptions: { scheduleId: number; checkin: string; subscribedAt: string }[];
}

/** Everything check-ins store about a member in a server. */
export function memberData(db: Db, guildId: string, memberId: string): CheckinMemberData {
  const answers = db
    .select({
      scheduleId: checkinSchedules.id,
      checkin: checkinSchedules.name,
      anonymous: checkinSchedules.anonymous,
      runAt: checkinRuns.scheduledFor,
      mood: checkinAnswers.mood,
      note: checkinAnswers.note,
      answeredAt: checkinAnswers.answeredAt,
      updatedAt: checkinAnswers.updatedAt,
    })
    .from(checkinSchedules)
    .innerJoin(checkinAnswers, and(eq(checkinAnswers.scheduleId, checkinSchedules.id), eq(checkinAnswers.memberId, memberId)))
    .innerJoin(checkinRuns, eq(checkinRuns.id, checkinAnswers.runId))
    .where(eq(checkinSchedules.guildId, guildId))
    .orderBy(asc(checkinAnswers.answeredAt), asc(checkinRuns.id))
    .all();
  const created = db
    .select()
    .from(checkinSchedules)
    .where(and(eq(checkinSchedules.guildId, guildId), eq(checkinSchedules.createdBy, memberId)))
    .orderBy(asc(checkinSchedules.id))
    .all();
  const skipped = db
    .select({ scheduleId: checkinSkips.scheduleId, date: checkinSkips.date })
    .from(checkinSkips)
    .where(and(inArray(checkinSkips.scheduleId, schedulesOf(db, guildId)), eq(checkinSkips.guildId, guildId), eq(checkinSkips.createdBy, memberId)))
    .orderBy(asc(checkinSkips.date), asc(checkinSkips.scheduleId))
    .all();
  return {
    answers: answers.map((a) => ({
      ...a,
      runAt: isoTime(a.runAt),
      moodLabel: MOODS.find((m) => m.value === a.mood)?.label ?? null,
      answeredAt: isoTime(a.answeredAt),
      updatedAt: isoTime(a.updatedAt),
    })),
    streaks: streaksOf(db, guildId, memberId, { self: true, sees: WHOLE_SERVER }).streaks.map(({ schedule, streak }) => ({ scheduleId: schedule.id, checkin: schedule.name, ...streak })),
    schedulesCreated: created.map((s) => ({
      scheduleId: s.id,
      name: s.name,
      prompt: s.prompt,
      when: s.whenText,
      timezone: s.timezone,
      anonymous: s.anonymous,
      status: s.status,
      createdAt: isoTime(s.createdAt),
    })),
    datesSkipped: skipped,
    subscriptions: subscriptionsOfMember(db, guildId, memberId).map((s) => ({ ...s, subscribedAt: isoTime(s.subscribedAt) })),
  };
}

/**
 * Removes a member's check-in answers (moods and notes, anonymous check-ins included) in this
 * server, inside the caller's write transaction. Streaks are computed from answers, so they go
 * with them; reports count from the answers that remain. No message shows counts: no follow-ups.
 * Kept: schedules the member created and dates they skipped as a leader (`kept.schedulesCreated`,
 * `kept.datesSkipped`), which belong to the server's check-ins, no longer linked to them.
 */
export function forgetMember(tx: Tx, guildId: string, memberId: string, _now: number): ForgetOutcome {
  const named = tx
    .select({ id: checkinSchedules.id })
    .from(checkinSchedules)
    .where(and(eq(checkinSchedules.guildId, guildId), eq(checkinSchedules.anonymous, false)));
  const anonymous = tx
    .select({ id: checkinSchedules.id })
    .from(checkinSchedules)
    .where(and(eq(checkinSchedules.guildId, guildId), eq(checkinSchedules.anonymous, true)));
  const gone = tx
    .delete(checkinAnswers)
    .where(and(inArray(checkinAnswers.scheduleId, named), eq(checkinAnswers.memberId, memberId), eq(checkinAnswers.guildId, guildId)))
    .returning({ mood: checkinAnswers.mood, note: checkinAnswers.note })
    .all();
  // Anonymous check-ins: each answer is unlinked (filed under `~` and its row id, which stands for
  // nobody) and its mood stays in the reports: a mood vanishing would show which was theirs. Their
  // note is their own words, and goes. An answer to a run that still takes answers goes under their
  // limit key instead, so they cannot answer that run a second time; it is unlinked like the others
  // once a newer run replaces it (see unlinkSupersededAnswers).
  const mine = tx
    .select({ runId: checkinAnswers.runId })
    .from(checkinAnswers)
    .where(and(inArray(checkinAnswers.scheduleId, anonymous), eq(checkinAnswers.memberId, memberId), eq(checkinAnswers.guildId, guildId)))
    .all();
  for (const { runId } of mine) {
    const run = findRun(tx, guildId, runId);
    const open = run && TAKES_ANSWERS.has(run.status) && !laterPostedRun(tx, run);
    tx.update(checkinAnswers)
      .set({ memberId: open ? limitKey(guildId, memberId) : sql`${NO_MEMBER} || rowid`, note: null })
      .where(and(eq(checkinAnswers.runId, runId), eq(checkinAnswers.memberId, memberId)))
      .run();
  }
  const schedulesCreated = tx
    .update(checkinSchedules)
    .set({ createdBy: NO_MEMBER })
    .where(and(eq(checkinSchedules.guildId, guildId), eq(checkinSchedules.createdBy, memberId)))
    .run().changes;
  const datesSkipped = tx
    .update(checkinSkips)
    .set({ createdBy: NO_MEMBER })
    .where(and(inArray(checkinSkips.scheduleId, schedulesOf(tx, guildId)), eq(checkinSkips.guildId, guildId), eq(checkinSkips.createdBy, memberId)))
    .run().changes;
  return {
    removed: {
      answers: gone.length,
      moods: gone.filter((a) => a.mood !== null).length,
      notes: gone.filter((a) => a.note !== null).length,
      subscriptions: removeMemberSubscriptions(tx, guildId, memberId),
    },
    kept: { schedulesCreated, datesSkipped },
    followUps: [],
  };
}

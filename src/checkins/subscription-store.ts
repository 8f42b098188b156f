// Queries for direct-message check-ins: their subscribers, and the runs sent to them.
import { and, count, eq, sql } from 'drizzle-orm';
import { preparedOnce } from '../db/prepared';
import type { Tx } from '../db/write-tx';
import { checkinRuns, checkinSchedules, checkinSubscriptions } from './schema';
import { unlinkSupersededAnswers, type Reader, type Run, type Schedule } from './store';

export function addSubscription(tx: Tx, schedule: Schedule, memberId: string, now: number): boolean {
  return tx.insert(checkinSubscriptions).values({ scheduleId: schedule.id, guildId: schedule.guildId, memberId, subscribedAt: now }).onConflictDoNothing().run().changes === 1;
}

export function removeSubscription(tx: Tx, scheduleId: number, memberId: string): boolean {
  return tx.delete(checkinSubscriptions).where(and(eq(checkinSubscriptions.scheduleId, scheduleId), eq(checkinSubscriptions.memberId, memberId))).run().changes === 1;
}

// What every direct message of a run and every click on one read: built and prepared once per connection.
const sending = preparedOnce((db) => ({
  subscribed: db
    .select({ one: sql`1` })
    .from(checkinSubscriptions)
    .where(and(eq(checkinSubscriptions.scheduleId, sql.placeholder('scheduleId')), eq(checkinSubscriptions.memberId, sql.placeholder('memberId'))))
    .prepare(),
  schedule: db.select().from(checkinSchedules).where(eq(checkinSchedules.id, sql.placeholder('id'))).prepare(),
  run: db.select().from(checkinRuns).where(eq(checkinRuns.id, sql.placeholder('id'))).prepare(),
}));

export function isSubscribed(db: Reader, scheduleId: number, memberId: string): boolean {
  return sending(db).subscribed.get({ scheduleId, memberId }) !== undefined;
}

// A check-in's subscribers as one JSON array from SQLite: a row object for each of thousands of
// subscribers was most of the garbage of queueing a run.
const subscriberList = preparedOnce((db) =>
  db
    .select({ ids: sql<string>`json_group_array(${checkinSubscriptions.memberId})` })
    .from(checkinSubscriptions)
    .where(eq(checkinSubscriptions.scheduleId, sql.placeholder('scheduleId')))
    .prepare(),
);

export function subscribersOf(db: Reader, scheduleId: number): string[] {
  return JSON.parse(subscriberList(db).get({ scheduleId })!.ids) as string[];
}

/** Subscribers per check-in of a server. */
export function subscriberCounts(db: Reader, guildId: string): Map<number, number> {
  const rows = db
    .select({ scheduleId: checkinSubscriptions.scheduleId, n: count() })
    .from(checkinSubscriptions)
    .where(eq(checkinSubscriptions.guildId, guildId))
    .groupBy(checkinSubscriptions.scheduleId)
    .all();
  return new Map(rows.map((r) => [r.scheduleId, r.n]));
}

/** A schedule by id in any server: a click in a direct message names no server, the stored row does. */
export function scheduleById(db: Reader, id: number): Schedule | undefined {
  return sending(db).schedule.get({ id });
}

export function runById(db: Reader, runId: number): Run | undefined {
  return sending(db).run.get({ id: runId });
}

/**
 * A direct-message run's messages are queued (there is no channel message): it is "posted" if its
 * moment has come, else "queued" until it does (see `postQueuedRuns`).
 */
export function markDirectRunSent(tx: Tx, runId: number, now: number): boolean {
  const run = tx
    .update(checkinRuns)
    .set({ status: sql`CASE WHEN ${checkinRuns.scheduledFor} > ${now} THEN 'queued' ELSE 'posted' END`, reason: null })
    .where(and(eq(checkinRuns.id, runId), eq(checkinRuns.status, 'posting')))
    .returning()
    .get();
  if (run?.status === 'posted') unlinkSupersededAnswers(tx, run);
  return run !== undefined;
}

/** Runs of direct-message check-ins a stop left before their messages were queued. */
export function interruptedDirectRuns(db: Reader): { schedule: Schedule; runId: number }[] {
  const rows = db
    .select({ schedule: checkinSchedules, runId: checkinRuns.id })
    .from(checkinRuns)
    .innerJoin(checkinSchedules, eq(checkinSchedules.id, checkinRuns.scheduleId))
    .where(and(eq(checkinRuns.status, 'posting'), eq(checkinSchedules.delivery, 'direct-message')))
    .all();
  return rows;
}

/** The check-ins a member follows in a server. */
export function subscribedSchedules(db: Reader, guildId: string, memberId: string): number[] {
  return db
    .select({ id: checkinSubscriptions.scheduleId })
    .from(checkinSubscriptions)
    .where(and(eq(checkinSubscriptions.guildId, guildId), eq(checkinSubscriptions.memberId, memberId)))
    .all()
    .map((r) => r.id);
}

/** Removes a member's subscriptions in a server (forgetting them). */
export function removeMemberSubscriptions(tx: Tx, guildId: string, memberId: string): number {
  return tx.delete(checkinSubscriptions).where(and(eq(checkinSubscriptions.guildId, guildId), eq(checkinSubscriptions.memberId, memberId))).run().changes;
}

/** The check-ins a member subscribed to in a server (their data export). */
export function subscriptionsOfMember(db: Reader, guildId: string, memberId: string): { scheduleId: number; checkin: string; subscribedAt: number }[] {
  return db
    .select({ scheduleId: checkinSubscriptions.scheduleId, checkin: checkinSchedules.name, subscribedAt: checkinSubscriptions.subscribedAt })
    .from(checkinSubscriptions)
    .innerJoin(checkinSchedules, eq(checkinSchedules.id, checkinSubscriptions.scheduleId))
    .where(and(eq(checkinSubscriptions.guildId, guildId), eq(checkinSubscriptions.memberId, memberId)))
    .all();
}


import { and, asc, count, desc, eq, gt, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { checkinAnswers, checkinSchedules } from '../checkins/schema';
import { polls, pollVotes } from '../polls/schema';
import { guildSettings } from '../settings/schema';
import { kudos, kudosMilestones, kudosRoundups, kudosSettings, kudosValues } from './schema';

export type Kudos = typeof kudos.$inferSelect;
export type NewKudosRow = Omit<typeof kudos.$inferInsert, 'id'>;
type Reader = Db | Tx;

const live = isNull(kudos.removedAt);

// ------------------------------------------------------------ values

export function valuesOf(db: Reader, guildId: string): { name: string; description: string }[] {
  return db
    .select({ name: kudosValues.name, description: kudosValues.description })
    .from(kudosValues)
    .where(eq(kudosValues.guildId, guildId))
    .orderBy(asc(kudosValues.position), asc(kudosValues.id))
    .all();
}

export function replaceValues(tx: Tx, guildId: string, values: { name: string; description: string }[]): void {
  tx.delete(kudosValues).where(eq(kudosValues.guildId, guildId)).run();
  if (values.length) tx.insert(kudosValues).values(values.map((v, position) => ({ guildId, ...v, position }))).run();
}

export function renameValueInHistory(tx: Tx, guildId: string, from: string, to: string): void {
  tx.update(kudos).set({ value: to }).where(and(eq(kudos.guildId, guildId), eq(kudos.value, from))).run();
}

// ------------------------------------------------------------ settings

export function settingsRow(db: Reader, guildId: string) {
  return db.select().from(kudosSettings).where(eq(kudosSettings.guildId, guildId)).get();
}

export function writeKudosSettings(db: Reader, guildId: string, changes: { dailyLimit?: number; roundupEnabled?: boolean }, now: number): void {
  db.insert(kudosSettings)
    .values({ guildId, ...changes, updatedAt: now })
    .onConflictDoUpdate({ target: kudosSettings.guildId, set: { ...changes, updatedAt: now } })
    .run();
}

export function milestonesOf(db: Reader, guildId: string): { count: number; roleId: string }[] {
  return db
    .select({ count: kudosMilestones.count, roleId: kudosMilestones.roleId })
    .from(kudosMilestones)
    .where(eq(kudosMilestones.guildId, guildId))
    .orderBy(asc(kudosMilestones.count))
    .all();
}

export function putMilestone(db: Reader, guildId: string, milestoneCount: number, roleId: string): void {
  db.insert(kudosMilestones)
    .values({ guildId, count: milestoneCount, roleId })
    .onConflictDoUpdate({ target: [kudosMilestones.guildId, kudosMilestones.count], set: { roleId } })
    .run();
}

export function deleteMilestone(db: Reader, guildId: string, milestoneCount: number): boolean {
  return db.delete(kudosMilestones).where(and(eq(kudosMilestones.guildId, guildId), eq(kudosMilestones.count, milestoneCount))).run().changes > 0;
}

// ------------------------------------------------------------ kudos

export function insertKudos(tx: Tx, row: NewKudosRow): Kudos {
  return tx.insert(kudos).values(row).returning().get();
}

export function setShoutOut(db: Db, guildId: string, kudosId: number, messageId: string): void {
  db.update(kudos).set({ messageId }).where(and(eq(kudos.id, kudosId), eq(kudos.guildId, guildId))).run();
}

export function deleteKudos(db: Db, guildId: string, kudosId: number): void {
  db.delete(kudos).where(and(eq(kudos.id, kudosId), eq(kudos.guildId, guildId))).run();
}

/** A kudos of this server, or undefined: an id from another server behaves like a missing one. */
export function findKudos(db: Reader, guildId: string, kudosId: number): Kudos | undefined {
  return db.select().from(kudos).where(and(eq(kudos.id, kudosId), eq(kudos.guildId, guildId))).get();
}

/** Marks a kudos removed; false if it already was (so two leaders cannot both act). */
export function markRemoved(db: Reader, guildId: string, kudosId: number, by: string, now: number): boolean {
  return (
    db
      .update(kudos)
      .set({ removedAt: now, removedBy: by })
      .where(and(eq(kudos.id, kudosId), eq(kudos.guildId, guildId), live))
      .run().changes === 1
  );
}

/** Kudos given by a member since `since`, removed ones included: a takedown does not refund the slot. */
export function givenSince(db: Reader, guildId: string, giverId: string, since: number): number {
  return db
    .select({ n: count() })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), eq(kudos.giverId, giverId), gte(kudos.createdAt, since)))
    .get()!.n;
}

/** The latest kudos from giver to recipient after `since` (exclusive), if any. */
export function lastKudosBetween(db: Reader, guildId: string, giverId: string, recipientId: string, since: number): number | null {
  const row = db
    .select({ at: sql<number | null>`max(${kudos.createdAt})` })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), eq(kudos.giverId, giverId), gt(kudos.createdAt, since), eq(kudos.recipientId, recipientId)))
    .get();
  return row?.at ?? null;
}

export function receivedCount(db: Reader, guildId: string, recipientId: string, value?: string): number {
  const conditions = [eq(kudos.guildId, guildId), eq(kudos.recipientId, recipientId), live];
  if (value !== undefined) conditions.push(eq(kudos.value, value));
  return db.select({ n: count() }).from(kudos).where(and(...conditions)).get()!.n;
}

type Side = 'recipient' | 'giver';
const column = (side: Side) => (side === 'recipient' ? kudos.recipientId : kudos.giverId);

function periodConditions(guildId: string, since: number | null, value: string | null) {
  const conditions = [eq(kudos.guildId, guildId), live];
  if (since !== null) conditions.push(gte(kudos.createdAt, since));
  if (value !== null) conditions.push(eq(kudos.value, value));
  return conditions;
}

/**
 * Every member's count of kudos received (or given) since `since`, in one grouped scan of a
 * covering index; the service ranks them (a server has at most a few thousand such members).
 */
export function memberCounts(db: Reader, guildId: string, side: Side, since: number | null, value: string | null): { memberId: string; count: number }[] {
  const who = column(side);
  return db
    .select({ memberId: who, count: count() })
    .from(kudos)
    .where(and(...periodConditions(guildId, since, value)))
    .groupBy(who)
    .all();
}

/** Totals by value for a member, received or given (removed kudos do not count). */
export function totalsByValue(db: Reader, guildId: string, side: Side, memberId: string) {
  const who = column(side);
  return db
    .select({ value: kudos.value, count: count() })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), eq(who, memberId), live))
    .groupBy(kudos.value)
    .orderBy(desc(count()), asc(kudos.value))
    .all();
}

export function recentKudos(db: Reader, guildId: string, side: Side, memberId: string, limit: number): Kudos[] {
  const who = column(side);
  return db
    .select()
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), eq(who, memberId), live))
    .orderBy(desc(kudos.createdAt), desc(kudos.id))
    .limit(limit)
    .all();
}

// ------------------------------------------------------------ roundups

/** Servers that want a roundup: a recognition channel is set and the roundup is not turned off. */
export function roundupGuilds(db: Db): { guildId: string; timezone: string; channelId: string }[] {
  return db
    .select({ guildId: guildSettings.guildId, timezone: guildSettings.timezone, channelId: guildSettings.recognitionChannelId })
    .from(guildSettings)
    .leftJoin(kudosSettings, eq(kudosSettings.guildId, guildSettings.guildId))
    .where(and(isNotNull(guildSettings.recognitionChannelId), sql`coalesce(${kudosSettings.roundupEnabled}, 1) = 1`))
    .all() as { guildId: string; timezone: string; channelId: string }[];
}

export function roundupClaimed(db: Reader, guildId: string, week: string): boolean {
  return db.select({ week: kudosRoundups.week }).from(kudosRoundups).where(and(eq(kudosRoundups.guildId, guildId), eq(kudosRoundups.week, week))).get() !== undefined;
}

/** Claims a server's week; false if it was already claimed (posted, skipped or failed). */
export function claimRoundup(db: Reader, guildId: string, week: string, now: number): boolean {
  return db.insert(kudosRoundups).values({ guildId, week, status: 'posting', claimedAt: now }).onConflictDoNothing().run().changes === 1;
}

export function finishRoundup(db: Db, guildId: string, week: string, status: 'posted' | 'skipped' | 'failed', messageId: string | null): void {
  db.update(kudosRoundups).set({ status, messageId }).where(and(eq(kudosRoundups.guildId, guildId), eq(kudosRoundups.week, week))).run();
}

export function releaseRoundup(db: Db, guildId: string, week: string): void {
  db.delete(kudosRoundups).where(and(eq(kudosRoundups.guildId, guildId), eq(kudosRoundups.week, week), eq(kudosRoundups.status, 'posting'))).run();
}

export function kudosBetween(db: Reader, guildId: string, from: number, to: number): number {
  return db
    .select({ n: count() })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), live, gte(kudos.createdAt, from), lt(kudos.createdAt, to)))
    .get()!.n;
}

export function topRecipientsBetween(db: Reader, guildId: string, from: number, to: number, limit: number) {
  return db
    .select({ memberId: kudos.recipientId, count: count() })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), live, gte(kudos.createdAt, from), lt(kudos.createdAt, to)))
    .groupBy(kudos.recipientId)
    .orderBy(desc(count()), asc(kudos.recipientId))
    .limit(limit)
    .all();
}

/** Members whose first (still standing) kudos arrived in [from, to). */
export function firstTimeRecipients(db: Reader, guildId: string, from: number, to: number): string[] {
  return db
    .select({ memberId: kudos.recipientId })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), live))
    .groupBy(kudos.recipientId)
    .having(and(gte(sql`min(${kudos.createdAt})`, from), lt(sql`min(${kudos.createdAt})`, to)))
    .orderBy(asc(sql`min(${kudos.createdAt})`))
    .all()
    .map((r) => r.memberId);
}

/**
 * Members active since `since` (gave kudos, voted in a poll or checked in) who received no kudos
 * since then. Anonymous polls and anonymous check-ins never count: naming someone as active
 * there would reveal that they answered.
 *
 * Every part reads the window only, so the cost does not grow with the server's history: polls
 * that were open during it (then their votes by poll), and check-in answers by schedule and time
 * (index checkin_answers_by_time).
 */
export function activeButUnthanked(db: Reader, guildId: string, since: number, to: number): string[] {
  const rows = db.all<{ memberId: string }>(sql`
    SELECT member_id AS memberId FROM (
      SELECT ${kudos.giverId} AS member_id, max(${kudos.createdAt}) AS last_active FROM ${kudos}
      WHERE ${kudos.guildId} = ${guildId} AND ${kudos.createdAt} >= ${since} AND ${kudos.createdAt} < ${to}
      GROUP BY ${kudos.giverId}
      UNION ALL
      SELECT v.voter AS member_id, max(v.voted_at) AS last_active
      FROM ${polls} AS p CROSS JOIN ${pollVotes} AS v ON v.poll_id = p.id
      WHERE p.guild_id = ${guildId} AND p.anonymous = 0
        AND p.created_at < ${to} AND (p.closed_at IS NULL OR p.closed_at >= ${since})
        AND v.voted_at >= ${since} AND v.voted_at < ${to}
      GROUP BY v.voter
      UNION ALL
      SELECT a.member_id AS member_id, max(a.answered_at) AS last_active
      FROM ${checkinSchedules} AS s CROSS JOIN ${checkinAnswers} AS a ON a.schedule_id = s.id
      -- An answer's schedule is this server's (checked on s), so the index alone answers this part.
      WHERE s.guild_id = ${guildId} AND s.anonymous = 0
        AND a.answered_at >= ${since} AND a.answered_at < ${to}
      GROUP BY a.member_id
    ) AS active
    WHERE NOT EXISTS (
      SELECT 1 FROM ${kudos} AS thanked
      WHERE thanked.guild_id = ${guildId} AND thanked.recipient_id = active.member_id
        AND thanked.removed_at IS NULL AND thanked.created_at >= ${since}
    )
    GROUP BY member_id
    ORDER BY max(last_active) DESC, member_id
  `);
  return rows.map((r) => r.memberId);
}

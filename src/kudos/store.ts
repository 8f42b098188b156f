import { and, asc, count, desc, eq, gt, gte, inArray, isNull, lt, lte, min, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { preparedOnce } from '../db/prepared';
import type { Tx } from '../db/write-tx';
import { limitKey } from '../member-data';
import { kudos, kudosMilestones, kudosRoundups, kudosSettings, kudosSpent, kudosValues } from './schema';

export type Kudos = typeof kudos.$inferSelect;
export type NewKudosRow = Omit<typeof kudos.$inferInsert, 'id'>;
type Reader = Db | Tx;

const live = isNull(kudos.removedAt);

const at = {
  guildId: sql.placeholder('guildId'),
  giverId: sql.placeholder('giverId'),
  recipientId: sql.placeholder('recipientId'),
  since: sql.placeholder('since'),
};

// What giving kudos runs, before its shout-out and after: built and prepared once per connection.
const giving = preparedOnce((db) => ({
  values: db
    .select({ name: kudosValues.name, description: kudosValues.description })
    .from(kudosValues)
    .where(eq(kudosValues.guildId, at.guildId))
    .orderBy(asc(kudosValues.position), asc(kudosValues.id))
    .prepare(),
  settings: db.select().from(kudosSettings).where(eq(kudosSettings.guildId, at.guildId)).prepare(),
  milestones: db
    .select({ count: kudosMilestones.count, roleId: kudosMilestones.roleId })
    .from(kudosMilestones)
    .where(eq(kudosMilestones.guildId, at.guildId))
    .orderBy(asc(kudosMilestones.count))
    .prepare(),
  insert: db
    .insert(kudos)
    .values({
      guildId: at.guildId,
      giverId: at.giverId,
      recipientId: at.recipientId,
      value: sql.placeholder('value'),
      message: sql.placeholder('message'),
      channelId: sql.placeholder('channelId'),
      createdAt: sql.placeholder('createdAt'),
    })
    .returning()
    .prepare(),
  setShoutOut: db.update(kudos).set({ messageId: sql`${sql.placeholder('messageId')}` }).where(and(eq(kudos.id, sql.placeholder('kudosId')), eq(kudos.guildId, at.guildId))).prepare(),
  givenSince: db
    .select({ n: count() })
    .from(kudos)
    .where(and(eq(kudos.guildId, at.guildId), eq(kudos.giverId, at.giverId), gte(kudos.createdAt, at.since)))
    .prepare(),
  spentSince: db
    .select({ n: count() })
    .from(kudosSpent)
    .where(and(eq(kudosSpent.guildId, at.guildId), eq(kudosSpent.giverKey, sql.placeholder('giverKey')), gte(kudosSpent.givenAt, at.since)))
    .prepare(),
  lastBetween: db
    .select({ at: sql<number | null>`max(${kudos.createdAt})` })
    .from(kudos)
    .where(and(eq(kudos.guildId, at.guildId), eq(kudos.giverId, at.giverId), gt(kudos.createdAt, at.since), eq(kudos.recipientId, at.recipientId)))
    .prepare(),
  received: db.select({ n: count() }).from(kudos).where(and(eq(kudos.guildId, at.guildId), eq(kudos.recipientId, at.recipientId), live)).prepare(),
  receivedOfValue: db
    .select({ n: count() })
    .from(kudos)
    .where(and(eq(kudos.guildId, at.guildId), eq(kudos.recipientId, at.recipientId), live, eq(kudos.value, sql.placeholder('value'))))
    .prepare(),
}));

// ------------------------------------------------------------ values

export function valuesOf(db: Reader, guildId: string): { name: string; description: string }[] {
  return giving(db).values.all({ guildId });
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
  return giving(db).settings.get({ guildId });
}

export function writeKudosSettings(db: Reader, guildId: string, changes: { dailyLimit?: number; roundupEnabled?: boolean }, now: number): void {
  db.insert(kudosSettings)
    .values({ guildId, ...changes, updatedAt: now })
    .onConflictDoUpdate({ target: kudosSettings.guildId, set: { ...changes, updatedAt: now } })
    .run();
}

export function milestonesOf(db: Reader, guildId: string): { count: number; roleId: string }[] {
  return giving(db).milestones.all({ guildId });
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

export function insertKudos(tx: Tx, row: Pick<NewKudosRow, 'guildId' | 'giverId' | 'recipientId' | 'value' | 'message' | 'channelId' | 'createdAt'>): Kudos {
  return giving(tx).insert.get(row)!;
}

export function setShoutOut(db: Db, guildId: string, kudosId: number, messageId: string): void {
  giving(db).setShoutOut.run({ guildId, kudosId, messageId });
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
  return giving(db).givenSince.get({ guildId, giverId, since })!.n;
}

/** Kudos a forgotten member gave since `since` that still count toward their limit (see kudosSpent). */
export function spentSince(db: Reader, guildId: string, giverId: string, since: number): number {
  return giving(db).spentSince.get({ guildId, giverKey: limitKey(guildId, giverId), since })!.n;
}

/** How long kudos a forgotten member gave count toward their limit: longer than any "today" (25 hours when clocks go back). */
export const SPENT_COUNTS_MS = 26 * 3_600_000;

/** Forgets the counts kept for forgotten members' limits that no "today" reaches any more, in every server. */
export function forgetLapsedSpent(db: Reader, now: number): number {
  return db.delete(kudosSpent).where(lte(kudosSpent.givenAt, now - SPENT_COUNTS_MS)).run().changes;
}

/** When the oldest count kept for a forgotten member's limit lapses (null: none kept). */
export function nextSpentLapseAt(db: Reader): number | null {
  const oldest = db.select({ at: min(kudosSpent.givenAt) }).from(kudosSpent).get()?.at ?? null;
  return oldest === null ? null : oldest + SPENT_COUNTS_MS;
}

/** The latest kudos from giver to recipient after `since` (exclusive), if any. */
export function lastKudosBetween(db: Reader, guildId: string, giverId: string, recipientId: string, since: number): number | null {
  return giving(db).lastBetween.get({ guildId, giverId, recipientId, since })?.at ?? null;
}

export function receivedCount(db: Reader, guildId: string, recipientId: string, value?: string): number {
  const statements = giving(db);
  return (value === undefined ? statements.received.get({ guildId, recipientId }) : statements.receivedOfValue.get({ guildId, recipientId, value }))!.n;
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

/** The channels a member's kudos (received or given) were posted in. */
export function kudosChannels(db: Reader, guildId: string, side: Side, memberId: string): string[] {
  return db.selectDistinct({ channelId: kudos.channelId }).from(kudos).where(and(eq(kudos.guildId, guildId), eq(column(side), memberId))).all().map((r) => r.channelId);
}

/** The latest kudos of a member, only from these channels (null: from every channel). */
export function recentKudos(db: Reader, guildId: string, side: Side, memberId: string, limit: number, channelIds: readonly string[] | null): Kudos[] {
  const who = column(side);
  return db
    .select()
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), eq(who, memberId), live, channelIds === null ? undefined : inArray(kudos.channelId, [...channelIds])))
    .orderBy(desc(kudos.createdAt), desc(kudos.id))
    .limit(limit)
    .all();
}

// ------------------------------------------------------------ roundups

export function roundupClaimed(db: Reader, guildId: string, week: string): boolean {
  return db.select({ week: kudosRoundups.week }).from(kudosRoundups).where(and(eq(kudosRoundups.guildId, guildId), eq(kudosRoundups.week, week))).get() !== undefined;
}

/** Claims a server's week; false if it was already claimed (posted, skipped or failed). */
export function claimRoundup(db: Reader, guildId: string, week: string, now: number): boolean {
  return db.insert(kudosRoundups).values({ guildId, week, status: 'posting', claimedAt: now }).onConflictDoNothing().run().changes === 1;
}

export function roundupStatus(db: Reader, guildId: string, week: string): string | undefined {
  return db.select({ status: kudosRoundups.status }).from(kudosRoundups).where(and(eq(kudosRoundups.guildId, guildId), eq(kudosRoundups.week, week))).get()?.status;
}

export function finishRoundup(db: Db, guildId: string, week: string, status: 'posted' | 'skipped' | 'failed', messageId: string | null): void {
  db.update(kudosRoundups).set({ status, messageId }).where(and(eq(kudosRoundups.guildId, guildId), eq(kudosRoundups.week, week))).run();
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

// The queries of digests (insights_digests), always scoped to a server.
import { and, asc, eq, isNull, lt, lte, min, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { insightsDigests } from './schema';

type Reader = Db | Tx;
export type Digest = typeof insightsDigests.$inferSelect;
export type DigestSettings = Pick<Digest, 'channelId' | 'every' | 'day' | 'minute'>;

export function findDigest(db: Reader, guildId: string): Digest | undefined {
  return db.select().from(insightsDigests).where(eq(insightsDigests.guildId, guildId)).get();
}

/** Up to `limit` digests due at `now` (their next look is at or before it), earliest first: a range of insights_digests_due. */
export function dueDigests(db: Reader, now: number, limit: number): Digest[] {
  return db.select().from(insightsDigests).where(lte(insightsDigests.nextDueAt, now)).orderBy(asc(insightsDigests.nextDueAt)).limit(limit).all();
}

/** The earliest moment any digest is due (null: none is on). */
export function earliestDigestDue(db: Reader): number | null {
  return db.select({ at: min(insightsDigests.nextDueAt) }).from(insightsDigests).get()?.at ?? null;
}

/** When the scheduler looks at this digest next. */
export function setNextDue(tx: Reader, guildId: string, at: number): void {
  tx.update(insightsDigests).set({ nextDueAt: at }).where(eq(insightsDigests.guildId, guildId)).run();
}

/**
 * Switches the digest on, or changes it; a change starts afresh (no earlier moment counts) and is
 * looked at in the next round. A change keeps the claim of the last period, so that period is not
 * posted twice; a digest still being posted goes to the new channel.
 */
export function saveDigest(db: Reader, guildId: string, settings: DigestSettings, now: number): void {
  const fresh = { ...settings, since: now, nextDueAt: 0 };
  // From weekly to monthly or back, periods are named differently ("2026-12-07", "2026-12") and do
  // not compare: the last claim goes, and `since` alone keeps earlier moments from counting.
  const forgetClaim = sql`CASE WHEN ${insightsDigests.every} = ${settings.every} THEN`;
  db.insert(insightsDigests)
    .values({ guildId, ...fresh })
    .onConflictDoUpdate({
      target: insightsDigests.guildId,
      set: {
        ...fresh,
        lastPeriod: sql`${forgetClaim} ${insightsDigests.lastPeriod} ELSE NULL END`,
        lastStatus: sql`${forgetClaim} ${insightsDigests.lastStatus} ELSE NULL END`,
      },
    })
    .run();
}

export function deleteDigest(db: Reader, guildId: string): boolean {
  return db.delete(insightsDigests).where(eq(insightsDigests.guildId, guildId)).run().changes === 1;
}

/** Moves the digest to `period` (queued or skipped) unless that period or a later one was claimed: true for one caller only. */
export function claimPeriod(tx: Reader, guildId: string, period: string, status: 'queued' | 'skipped', now: number, problem: string | null): boolean {
  return (
    tx
      .update(insightsDigests)
      .set({ lastPeriod: period, lastStatus: status, lastAt: now, lastMessageId: null, lastProblem: problem })
      .where(and(eq(insightsDigests.guildId, guildId), or(isNull(insightsDigests.lastPeriod), lt(insightsDigests.lastPeriod, period))))
      .run().changes === 1
  );
}

/** Records how a queued period ended, if it is still the digest's last one. */
export function finishPeriod(db: Reader, guildId: string, period: string, outcome: { status: 'posted'; messageId: string; at: number } | { status: 'failed'; problem: string; at: number }): void {
  db.update(insightsDigests)
    .set(
      outcome.status === 'posted'
        ? { lastStatus: 'posted', lastMessageId: outcome.messageId, lastAt: outcome.at, lastProblem: null }
        : { lastStatus: 'failed', lastProblem: outcome.problem, lastAt: outcome.at },
    )
    .where(and(eq(insightsDigests.guildId, guildId), eq(insightsDigests.lastPeriod, period)))
    .run();
}

/** Up to `limit` of a server's digest rows (there is at most one). */
export function deleteDigestsOf(tx: Tx, guildId: string): number {
  return tx.delete(insightsDigests).where(eq(insightsDigests.guildId, guildId)).run().changes;
}

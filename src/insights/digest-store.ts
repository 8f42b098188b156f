// The queries of digests (insights_digests), always scoped to a server.
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { insightsDigests } from './schema';

type Reader = Db | Tx;
export type Digest = typeof insightsDigests.$inferSelect;
export type DigestSettings = Pick<Digest, 'channelId' | 'every' | 'day' | 'minute'>;

export function findDigest(db: Reader, guildId: string): Digest | undefined {
  return db.select().from(insightsDigests).where(eq(insightsDigests.guildId, guildId)).get();
}

export function allDigests(db: Reader): Digest[] {
  return db.select().from(insightsDigests).all();
}

/** Switches the digest on, or changes it; a change starts afresh (no earlier period counts). */
export function saveDigest(db: Reader, guildId: string, settings: DigestSettings, now: number): void {
  const fresh = { ...settings, since: now, lastPeriod: null, lastStatus: null, lastAt: null, lastMessageId: null, lastProblem: null };
  db.insert(insightsDigests).values({ guildId, ...fresh }).onConflictDoUpdate({ target: insightsDigests.guildId, set: fresh }).run();
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

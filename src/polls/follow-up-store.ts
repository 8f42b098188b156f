// The queries of poll follow-ups (poll_follow_ups), always scoped to a server.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { FollowUpRecord } from '../follow-ups';
import { pollFollowUps } from './schema';

type Reader = Db | Tx;

export type PollFollowUp = FollowUpRecord & { pollId: number; guildId: string; message: string };

export function findFollowUp(db: Reader, guildId: string, pollId: number): PollFollowUp | undefined {
  return db.select().from(pollFollowUps).where(and(eq(pollFollowUps.guildId, guildId), eq(pollFollowUps.pollId, pollId))).get();
}

/** Stores the message as the poll's follow-up (a new one at revision 1, or the next revision); returns the revision. */
export function upsertFollowUp(tx: Tx, guildId: string, pollId: number, message: string, now: number): number {
  const row = tx
    .insert(pollFollowUps)
    .values({ pollId, guildId, message, revision: 1, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: pollFollowUps.pollId, set: { message, revision: sql`${pollFollowUps.revision} + 1`, updatedAt: now } })
    .returning({ revision: pollFollowUps.revision })
    .get();
  return row!.revision;
}

/** Records the posted message, once: false when another delivery recorded one first. */
export function setFollowUpMessage(tx: Tx, guildId: string, pollId: number, messageId: string): boolean {
  return (
    tx
      .update(pollFollowUps)
      .set({ messageId })
      .where(and(eq(pollFollowUps.guildId, guildId), eq(pollFollowUps.pollId, pollId), sql`${pollFollowUps.messageId} IS NULL`))
      .run().changes === 1
  );
}

/** Which of these polls have a follow-up (asked for, posted or not). */
export function followedUpPolls(db: Reader, guildId: string, pollIds: readonly number[]): Set<number> {
  const found = new Set<number>();
  for (let i = 0; i < pollIds.length; i += 500) {
    const rows = db
      .select({ pollId: pollFollowUps.pollId })
      .from(pollFollowUps)
      .where(and(eq(pollFollowUps.guildId, guildId), inArray(pollFollowUps.pollId, pollIds.slice(i, i + 500))))
      .all();
    for (const row of rows) found.add(row.pollId);
  }
  return found;
}

// What needs a leader's attention soon, for insights' digest.
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { polls } from './schema';

/** This server's open polls that close in [from, to), soonest first. */
export function pollsClosingBetween(db: Db, guildId: string, from: number, to: number): { pollId: number; question: string; channelId: string; closesAt: number }[] {
  return db
    .select({ pollId: polls.id, question: polls.question, channelId: polls.channelId, closesAt: polls.closesAt })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'open'), gte(polls.closesAt, from), lt(polls.closesAt, to)))
    .orderBy(asc(polls.closesAt), asc(polls.id))
    .all() as { pollId: number; question: string; channelId: string; closesAt: number }[];
}

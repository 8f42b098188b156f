// What needs a leader's attention soon, for insights' digest.
import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { surveys } from './schema';

/** This server's open surveys that close in [from, to), soonest first. */
export function surveysClosingBetween(db: Db, guildId: string, from: number, to: number): { surveyId: number; title: string; channelId: string | null; closesAt: number }[] {
  return db
    .select({ surveyId: surveys.id, title: surveys.title, channelId: surveys.channelId, closesAt: surveys.closesAt })
    .from(surveys)
    .where(and(eq(surveys.guildId, guildId), eq(surveys.status, 'open'), gte(surveys.closesAt, from), lt(surveys.closesAt, to)))
    .orderBy(asc(surveys.closesAt), asc(surveys.id))
    .all() as { surveyId: number; title: string; channelId: string | null; closesAt: number }[];
}

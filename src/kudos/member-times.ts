// Who gave and received kudos when, as raw rows, for insights to count distinct members cheaply.
import { and, asc, count, desc, eq, gte, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { kudos } from './schema';

const liveIn = (guildId: string, from: number, to: number) => and(eq(kudos.guildId, guildId), isNull(kudos.removedAt), gte(kudos.createdAt, from), lt(kudos.createdAt, to));

/** [giver, recipient, given at] of every standing kudos given in [from, to) in this server (a range of kudos_live_time). */
export function kudosTimes(db: Db, guildId: string, from: number, to: number): [string, string, number][] {
  return db
    .select({ giver: kudos.giverId, recipient: kudos.recipientId, at: kudos.createdAt })
    .from(kudos)
    .where(liveIn(guildId, from, to))
    .all()
    .map((r) => [r.giver, r.recipient, r.at]);
}

/** How many kudos `kudosTimes` would read for [from, to), counted in the database. */
export function kudosCount(db: Db, guildId: string, from: number, to: number): number {
  return db.select({ n: count() }).from(kudos).where(liveIn(guildId, from, to)).get()!.n;
}

/** The `limit` values given most often in [from, to) (as `kudosSummary` lists them), without its distinct counts of people. */
export function topKudosValues(db: Db, guildId: string, from: number, to: number, limit: number): { value: string; count: number }[] {
  return db.select({ value: kudos.value, count: count() }).from(kudos).where(liveIn(guildId, from, to)).groupBy(kudos.value).orderBy(desc(count()), asc(kudos.value)).limit(limit).all();
}

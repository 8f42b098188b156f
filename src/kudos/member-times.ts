// Who gave and received kudos when, as raw rows, for insights to count distinct members cheaply.
import { and, eq, gte, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { kudos } from './schema';

/** [giver, recipient, given at] of every standing kudos given in [from, to) in this server (a range of kudos_live_time). */
export function kudosTimes(db: Db, guildId: string, from: number, to: number): [string, string, number][] {
  return db
    .select({ giver: kudos.giverId, recipient: kudos.recipientId, at: kudos.createdAt })
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), isNull(kudos.removedAt), gte(kudos.createdAt, from), lt(kudos.createdAt, to)))
    .all()
    .map((r) => [r.giver, r.recipient, r.at]);
}

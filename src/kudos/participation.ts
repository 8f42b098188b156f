// What kudos tell other features about taking part: per-member activity and a window's summary.
import { and, count, countDistinct, desc, asc, eq, gte, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { sqlUtcDay, tagged, type Activity } from '../activity';
import { kudos } from './schema';

// Standing kudos of one server in [from, to): a range of the covering index kudos_live_time.
const liveInWindow = (guildId: string, from: number, to: number) =>
  and(eq(kudos.guildId, guildId), isNull(kudos.removedAt), gte(kudos.createdAt, from), lt(kudos.createdAt, to));

/**
 * Who gave and who received kudos in this server in [from, to) (UTC epoch ms), one row per
 * member, kind and UTC day. Removed kudos do not count. Kudos are never anonymous.
 */
export function activity(db: Db | Tx, guildId: string, from: number, to: number): Activity {
  const day = sqlUtcDay(kudos.createdAt);
  // Grouped by day first: grouping by member first would tempt SQLite into reading the server's
  // whole history through kudos_live_recipient to save a sort, instead of the window's range.
  const side = (who: typeof kudos.giverId | typeof kudos.recipientId) =>
    db.select({ memberId: who, day }).from(kudos).where(liveInWindow(guildId, from, to)).groupBy(day, who).all();
  return { members: [...tagged('kudos-given', side(kudos.giverId)), ...tagged('kudos-received', side(kudos.recipientId))], anonymous: [] };
}

export interface KudosSummary {
  /** Kudos given (and not removed). */
  given: number;
  /** Different members who gave, and who received. */
  givers: number;
  recipients: number;
  /** The values given most, most first (ties by name), at most `topValues`. */
  topValues: { value: string; count: number }[];
}

/** This server's kudos in [from, to), removed ones left out. */
export function kudosSummary(db: Db | Tx, guildId: string, from: number, to: number, topValues = 5): KudosSummary {
  const where = liveInWindow(guildId, from, to);
  const totals = db
    .select({ given: count(), givers: countDistinct(kudos.giverId), recipients: countDistinct(kudos.recipientId) })
    .from(kudos)
    .where(where)
    .get()!;
  const values = db
    .select({ value: kudos.value, count: count() })
    .from(kudos)
    .where(where)
    .groupBy(kudos.value)
    .orderBy(desc(count()), asc(kudos.value))
    .limit(topValues)
    .all();
  return { ...totals, topValues: values };
}

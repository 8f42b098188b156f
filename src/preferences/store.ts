// Queries for members' preferences, always scoped to a server.
import { and, count, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { preparedOnce } from '../db/prepared';
import type { Tx } from '../db/write-tx';
import { memberPreferences } from './schema';

type Reader = Db | Tx;
export type PreferencesRow = typeof memberPreferences.$inferSelect;

// Read before every direct message: built and prepared once per connection.
const finding = preparedOnce((db) =>
  db
    .select()
    .from(memberPreferences)
    .where(and(eq(memberPreferences.guildId, sql.placeholder('guildId')), eq(memberPreferences.userId, sql.placeholder('userId'))))
    .prepare(),
);

export function findPreferences(db: Reader, guildId: string, userId: string): PreferencesRow | undefined {
  return finding(db).get({ guildId, userId });
}

/** Creates the member's row or changes the given columns of it. */
export function upsertPreferences(tx: Tx, guildId: string, userId: string, change: Partial<Pick<PreferencesRow, 'timeZone' | 'directMessages' | 'unreachableUntil'>>, now: number): void {
  tx.insert(memberPreferences)
    .values({ guildId, userId, ...change, updatedAt: now })
    .onConflictDoUpdate({ target: [memberPreferences.guildId, memberPreferences.userId], set: { ...change, updatedAt: now } })
    .run();
}

export function deletePreferences(tx: Tx, guildId: string, userId: string): number {
  return tx.delete(memberPreferences).where(and(eq(memberPreferences.guildId, guildId), eq(memberPreferences.userId, userId))).run().changes;
}

/** Up to `limit` of a server's rows, for a server Hearth left. */
export function deleteServerPreferences(tx: Tx, guildId: string, limit: number): number {
  return tx.run(sql`DELETE FROM ${memberPreferences} WHERE rowid IN (SELECT rowid FROM ${memberPreferences} WHERE guild_id = ${guildId} LIMIT ${limit})`).changes;
}

/** How many of these members Hearth cannot reach by direct message right now. */
export function countUnreachableAmong(db: Reader, guildId: string, userIds: readonly string[], now: number): number {
  let total = 0;
  for (let i = 0; i < userIds.length; i += 500) {
    const chunk = userIds.slice(i, i + 500);
    total += db.select({ n: count() }).from(memberPreferences).where(and(eq(memberPreferences.guildId, guildId), inArray(memberPreferences.userId, chunk), gt(memberPreferences.unreachableUntil, now))).get()?.n ?? 0;
  }
  return total;
}

// The zones of many members (a large check-in's subscribers) or of one (a click): one statement,
// SQLite seeking each id of the JSON list in the primary key; only members with a zone come back.
const zonesOf = preparedOnce((db) =>
  db
    .select({ userId: memberPreferences.userId, timeZone: memberPreferences.timeZone })
    .from(memberPreferences)
    .where(
      and(
        eq(memberPreferences.guildId, sql.placeholder('guildId')),
        sql`${memberPreferences.userId} IN (SELECT value FROM json_each(${sql.placeholder('ids')}))`,
        isNotNull(memberPreferences.timeZone),
      ),
    )
    .prepare(),
);

/** The time zones these members set (those who set none are left out). */
export function timeZonesOf(db: Reader, guildId: string, userIds: readonly string[]): Map<string, string> {
  const rows = zonesOf(db).all({ guildId, ids: JSON.stringify(userIds) });
  return new Map(rows.map((r) => [r.userId, r.timeZone!]));
}

// The queries of the rollup (insights_member_days, insights_members, insights_days,
// insights_rollup_months, insights_rollups), always scoped to a server. Days are UTC days since 1970.
import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { removeInBatch, serverRows } from '../db/batches';
import type { RetentionBatch, ServerBatch } from '../member-data';
import { insightsDays, insightsMemberDays, insightsMembers, insightsRollupMonths, insightsRollups } from './schema';

type Reader = Db | Tx;
export type MonthCounts = typeof insightsRollupMonths.$inferSelect;
export type DayRow = typeof insightsDays.$inferSelect;
export const KIND_GAVE = 1;
export const KIND_RECEIVED = 2;
export const KIND_OTHER = 4;

export function builtTo(db: Reader, guildId: string): number | null {
  return db.select({ at: insightsRollups.builtTo }).from(insightsRollups).where(eq(insightsRollups.guildId, guildId)).get()?.at ?? null;
}

export function setBuiltTo(db: Reader, guildId: string, at: number): void {
  db.insert(insightsRollups).values({ guildId, builtTo: at }).onConflictDoUpdate({ target: insightsRollups.guildId, set: { builtTo: at } }).run();
}

/** A server's first day in the rollup (member days or day totals), if any. */
export function earliestDay(db: Db, guildId: string): number | null {
  const members = db.$client.prepare('SELECT min(day) AS day FROM insights_member_days WHERE guild_id = ?').get(guildId) as { day: number | null };
  const days = db.$client.prepare('SELECT min(day) AS day FROM insights_days WHERE guild_id = ?').get(guildId) as { day: number | null };
  const first = Math.min(members.day ?? Infinity, days.day ?? Infinity);
  return Number.isFinite(first) ? first : null;
}

export function storedMonths(db: Reader, guildId: string): MonthCounts[] {
  return db.select().from(insightsRollupMonths).where(eq(insightsRollupMonths.guildId, guildId)).all();
}

export function saveMonth(db: Reader, row: MonthCounts): void {
  const { guildId, month, ...rest } = row;
  db.insert(insightsRollupMonths).values(row).onConflictDoUpdate({ target: [insightsRollupMonths.guildId, insightsRollupMonths.month], set: rest }).run();
}

/** Everything of a server's rollup (a build from nothing starts here). */
export function clearRollup(db: Reader, guildId: string): void {
  for (const table of [insightsMemberDays, insightsMembers, insightsDays, insightsRollupMonths, insightsRollups]) db.run(sql`DELETE FROM ${table} WHERE guild_id = ${guildId}`);
}

/** Replaces the member days of [fromDay, toDay) with `rows` ([member, day, kinds]). */
export function replaceMemberDays(db: Db, guildId: string, fromDay: number, toDay: number, rows: [string, number, number][]): void {
  db.delete(insightsMemberDays).where(and(eq(insightsMemberDays.guildId, guildId), gte(insightsMemberDays.day, fromDay), lt(insightsMemberDays.day, toDay))).run();
  const insert = db.$client.prepare('INSERT INTO insights_member_days (guild_id, member_id, day, kinds) VALUES (?, ?, ?, ?)');
  for (const [member, day, kinds] of rows) insert.run(guildId, member, day, kinds);
}

/** Replaces the day rows of [fromDay, toDay). */
export function replaceDays(db: Db, guildId: string, fromDay: number, toDay: number, rows: Omit<DayRow, 'guildId'>[]): void {
  db.delete(insightsDays).where(and(eq(insightsDays.guildId, guildId), gte(insightsDays.day, fromDay), lt(insightsDays.day, toDay))).run();
  const insert = db.$client.prepare('INSERT INTO insights_days (guild_id, day, active, active7, kudos) VALUES (?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(guildId, r.day, r.active, r.active7, r.kudos);
}

/**
 * Works out again the first day of the members whose first day is `fromDay` or later, and of
 * `seen` (members with days from `fromDay` on): each from their earliest member day, or gone.
 */
export function refreshFirstDays(db: Db, guildId: string, fromDay: number, seen: Iterable<string>): void {
  const candidates = new Set(seen);
  for (const { memberId } of db.select({ memberId: insightsMembers.memberId }).from(insightsMembers).where(and(eq(insightsMembers.guildId, guildId), gte(insightsMembers.firstDay, fromDay))).all()) candidates.add(memberId);
  db.delete(insightsMembers).where(and(eq(insightsMembers.guildId, guildId), gte(insightsMembers.firstDay, fromDay))).run();
  const earliest = db.$client.prepare('SELECT min(day) AS day FROM insights_member_days WHERE guild_id = ? AND member_id = ?');
  const upsert = db.$client.prepare('INSERT INTO insights_members (guild_id, member_id, first_day) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET first_day = min(first_day, excluded.first_day)');
  for (const member of candidates) {
    const { day } = earliest.get(guildId, member) as { day: number | null };
    if (day !== null) upsert.run(guildId, member, day);
  }
}

/** Above this many days, a member's days in the window are many: asking "any? gave? received?" stops at the first of each. */
const PROBE_FROM_DAYS = 45;

/**
 * Who took part on a day of [fromDay, toDay), and of them who gave and who received kudos, from the
 * index on (server, member, day, kinds): a short range per member (one seek, or three for long windows).
 */
export function membersActive(db: Db, guildId: string, fromDay: number, toDay: number): { active: string[]; gave: string[]; received: string[] } {
  const days = sql`${insightsMemberDays} d WHERE d.guild_id = f.guild_id AND d.member_id = f.member_id AND d.day >= ${fromDay} AND d.day < ${toDay}`;
  const has = (kinds: number) => sql`EXISTS (SELECT 1 FROM ${days} AND (d.kinds & ${kinds}) <> 0)`;
  const kinds =
    toDay - fromDay > PROBE_FROM_DAYS
      ? sql`CASE WHEN ${has(KIND_GAVE | KIND_RECEIVED | KIND_OTHER)} THEN ${KIND_OTHER} | (${has(KIND_GAVE)} * ${KIND_GAVE}) | (${has(KIND_RECEIVED)} * ${KIND_RECEIVED}) END`
      : sql`(SELECT max(d.kinds & ${KIND_GAVE}) | max(d.kinds & ${KIND_RECEIVED}) | max(d.kinds & ${KIND_OTHER}) FROM ${days})`;
  const rows = db.all<{ m: string; k: number | null }>(sql`SELECT member_id AS m, ${kinds} AS k FROM ${insightsMembers} f WHERE f.guild_id = ${guildId} AND f.first_day < ${toDay}`);
  const result = { active: [] as string[], gave: [] as string[], received: [] as string[] };
  for (const { m, k } of rows) {
    if (!k) continue;
    result.active.push(m);
    if (k & KIND_GAVE) result.gave.push(m);
    if (k & KIND_RECEIVED) result.received.push(m);
  }
  return result;
}

/** Members whose first day of taking part is in [fromDay, toDay), with that day. */
export function firstDaysIn(db: Db, guildId: string, fromDay: number, toDay: number): Map<string, number> {
  const rows = db.select({ m: insightsMembers.memberId, d: insightsMembers.firstDay }).from(insightsMembers).where(and(eq(insightsMembers.guildId, guildId), gte(insightsMembers.firstDay, fromDay), lt(insightsMembers.firstDay, toDay))).all();
  return new Map(rows.map((r) => [r.m, r.d]));
}

export function daysIn(db: Db, guildId: string, fromDay: number, toDay: number): DayRow[] {
  return db.select().from(insightsDays).where(and(eq(insightsDays.guildId, guildId), gte(insightsDays.day, fromDay), lt(insightsDays.day, toDay))).all();
}

/** A member's days of taking part, oldest first (their export). */
export function memberDaysOf(db: Reader, guildId: string, memberId: string): number[] {
  return db
    .select({ day: insightsMemberDays.day })
    .from(insightsMemberDays)
    .where(and(eq(insightsMemberDays.guildId, guildId), eq(insightsMemberDays.memberId, memberId)))
    .orderBy(insightsMemberDays.day)
    .all()
    .map((r) => r.day);
}

/** Months whose counts can match no longer: the next refresh builds them again. */
function markMonthsStale(tx: Tx, guildId: string, which: SQL): void {
  tx.update(insightsRollupMonths).set({ votes: -1 }).where(and(eq(insightsRollupMonths.guildId, guildId), which)).run();
}

/**
 * Removes a member from the rollup. The months they took part in are checked again at the next
 * refresh (marked stale): the day totals and other members' days may follow from theirs.
 */
export function forgetRollupMember(tx: Tx, guildId: string, memberId: string, monthOf: (day: number) => number): number {
  const days = memberDaysOf(tx, guildId, memberId);
  for (const month of new Set(days.map(monthOf))) markMonthsStale(tx, guildId, eq(insightsRollupMonths.month, month));
  tx.delete(insightsMembers).where(and(eq(insightsMembers.guildId, guildId), eq(insightsMembers.memberId, memberId))).run();
  return tx.delete(insightsMemberDays).where(and(eq(insightsMemberDays.guildId, guildId), eq(insightsMemberDays.memberId, memberId))).run().changes;
}

/**
 * One batch of retention, as the features do it: the link between members and their votes and
 * answers up to `lastDay` goes (the day goes, or keeps only its kudos: kudos keep who thanked whom
 * past retention). The months touched are checked again at the next refresh, which builds them from
 * what the features kept (an open poll keeps its votes until it closes).
 */
export function retainRollup(tx: Tx, guildId: string, lastDay: number, limit: number, monthOf: (day: number) => number): RetentionBatch {
  // `(kinds & 4) <> 0` spelled as in the partial index insights_member_days_voted, so that SQLite uses it.
  const rows = tx.all<{ id: number; day: number }>(sql`
    SELECT rowid AS id, day FROM ${insightsMemberDays} WHERE guild_id = ${guildId} AND day <= ${lastDay} AND ${sql.raw('(kinds & 4) <> 0')} LIMIT ${limit}`);
  for (const month of new Set(rows.map((r) => monthOf(r.day)))) markMonthsStale(tx, guildId, eq(insightsRollupMonths.month, month));
  for (let i = 0; i < rows.length; i += 500) {
    const ids = sql.join(rows.slice(i, i + 500).map((r) => sql`${r.id}`), sql`, `);
    tx.run(sql`DELETE FROM ${insightsMemberDays} WHERE rowid IN (${ids}) AND kinds = ${KIND_OTHER}`);
    tx.run(sql`UPDATE ${insightsMemberDays} SET kinds = kinds & ${KIND_GAVE | KIND_RECEIVED} WHERE rowid IN (${ids})`);
  }
  if (rows.length < limit) {
    // The last batch: first days among the days removed move to each member's earliest day left.
    const earliest = sql`(SELECT min(d.day) FROM ${insightsMemberDays} d WHERE d.guild_id = ${insightsMembers.guildId} AND d.member_id = ${insightsMembers.memberId})`;
    tx.run(sql`DELETE FROM ${insightsMembers} WHERE guild_id = ${guildId} AND first_day <= ${lastDay} AND ${earliest} IS NULL`);
    tx.run(sql`UPDATE ${insightsMembers} SET first_day = ${earliest} WHERE guild_id = ${guildId} AND first_day <= ${lastDay}`);
  }
  return { changed: { days: rows.length }, more: rows.length >= limit };
}

export function forgetRollupServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  return removeInBatch(tx, limit, [insightsMemberDays, insightsMembers, insightsDays, insightsRollupMonths, insightsRollups].map((table) => serverRows(table, guildId)));
}

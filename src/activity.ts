// Who took part in what: the plain data every feature's `activity()` returns, which insights and
// kudos compose, and the SQL pieces the features share to build it (see docs/architecture.md,
// "Each feature's public interface").
import { and, eq, gte, isNull, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './db/open';
import type { Tx } from './db/write-tx';
import { NO_MEMBER } from './member-data';

export const ACTIVITY_KINDS = ['poll-vote', 'survey-response', 'checkin-answer', 'kudos-given', 'kudos-received'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** A named member took part in this way on this UTC day ('YYYY-MM-DD'); one row per (member, kind, day). */
export interface MemberActivity {
  memberId: string;
  kind: ActivityKind;
  day: string;
}

/**
 * Taking part that cannot be (or must not be) tied to a member: only a count for the whole window.
 * Kinds with nothing to count are left out.
 */
export interface AnonymousActivity {
  kind: ActivityKind;
  count: number;
}

export interface Activity {
  members: MemberActivity[];
  anonymous: AnonymousActivity[];
}

export const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, as 'YYYY-MM-DD'. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The same, computed by SQLite (for GROUP BY), for a column holding UTC epoch milliseconds. */
export function sqlUtcDay(column: SQLWrapper): SQL<string> {
  return sql<string>`strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`;
}

/**
 * The first UTC midnight at or after `ms`. Anonymous rows keep only their day, so they are counted
 * by day: an instant t is counted in [from, to) when its day's midnight is, that is when
 * dayCeil(from) <= t < dayCeil(to). A window finer than a day therefore tells no more than the day.
 */
export function dayCeil(ms: number): number {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

/** Several features' activity as one (rows stay distinct per member, kind and day; counts add up per kind). */
export function mergeActivity(...parts: Activity[]): Activity {
  const seen = new Set<string>();
  const members: MemberActivity[] = [];
  const counts = new Map<ActivityKind, number>();
  for (const part of parts) {
    for (const row of part.members) {
      const key = `${row.kind}\u0000${row.day}\u0000${row.memberId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      members.push(row);
    }
    for (const { kind, count } of part.anonymous) counts.set(kind, (counts.get(kind) ?? 0) + count);
  }
  return { members, anonymous: [...counts].filter(([, count]) => count > 0).map(([kind, count]) => ({ kind, count })) };
}

/**
 * Members and the UTC days of their rows, one pair per (member, day): `parent` rows of one server
 * (found by `where` through an index on the server), then their `child` rows timed by `at`. The
 * CROSS JOIN makes SQLite read the parents first whatever its statistics suggest, so the cost
 * follows the window, not the server's history; `where` also joins the two tables.
 */
export function memberDays(db: Db | Tx, parent: SQLiteTable, child: SQLiteTable, member: SQLiteColumn, at: SQLiteColumn, where: SQL | undefined): { memberId: string; day: string }[] {
  const day = sqlUtcDay(at);
  // Rows past a server's retention stay for the counts, linked to no one: they name no member.
  return db.select({ memberId: sql<string>`${member}`, day }).from(parent).crossJoin(child).where(and(where, lt(member, NO_MEMBER))).groupBy(member, day).all();
}

/** A poll or a survey (the columns they share): open from `createdAt` until `closedAt`, named or anonymous. */
interface Openable {
  id: SQLiteColumn;
  guildId: SQLiteColumn;
  anonymous: SQLiteColumn;
  createdAt: SQLiteColumn;
  closedAt: SQLiteColumn;
}

/**
 * Rows (votes, responses) timed in [from, to) under one server's named or anonymous polls or
 * surveys that were open then: created before the window ends and not closed before it starts.
 * Anonymous rows keep only their day, whose midnight can come up to a day before their poll or
 * survey was created: hence the extra day. For `memberDays` and counts (it joins the two tables).
 */
export function heldInWindow(parent: Openable, child: { parentId: SQLiteColumn; at: SQLiteColumn }, guildId: string, from: number, to: number, anonymous: boolean): SQL | undefined {
  return and(
    eq(parent.guildId, guildId),
    eq(child.parentId, parent.id),
    eq(parent.anonymous, anonymous),
    lt(parent.createdAt, to + DAY_MS),
    or(isNull(parent.closedAt), gte(parent.closedAt, from)),
    gte(child.at, from),
    lt(child.at, to),
  );
}

/** Activity rows as SQL returns them (member and day), tagged with their kind. */
export function tagged(kind: ActivityKind, rows: readonly { memberId: string; day: string }[]): MemberActivity[] {
  return rows.map((row) => ({ memberId: row.memberId, kind, day: row.day }));
}

/** The anonymous part of a feature's activity: one count, left out when zero. */
export function anonymousCount(kind: ActivityKind, count: number): AnonymousActivity[] {
  return count > 0 ? [{ kind, count }] : [];
}

import { sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/open';

/** How much due work one round takes: `limit` items in all, at most `perServer` of any one server. */
export interface Batch {
  limit: number;
  perServer: number;
}

/**
 * The ids of open rows of `table` (polls, surveys) whose `closes_at` has come, taken fairly across
 * servers: round-robin (every server's earliest first, then every server's second...), at most
 * `perServer` of one server. One server's backlog then costs every other server at most one small
 * round of waiting: the rest waits for the next round, after the other scheduled work had its turn.
 */
export function fairlyDue(db: Db, table: SQLiteTable, now: number, batch: Batch): number[] {
  return db
    .all<{ id: number }>(sql`
      SELECT id FROM (
        SELECT id, closes_at, row_number() OVER (PARTITION BY guild_id ORDER BY closes_at, id) AS place
        FROM ${table} WHERE status = 'open' AND closes_at IS NOT NULL AND closes_at <= ${now}
      ) WHERE place <= ${batch.perServer} ORDER BY place, closes_at, id LIMIT ${batch.limit}`)
    .map((row) => row.id);
}

/** Lets interactions and other work run between two items of a round. */
export const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The rows in the order of `ids` (as `fairlyDue` gave them); ids without a row are left out. */
export function inOrderOf<R extends { id: number }>(ids: readonly number[], rows: readonly R[]): R[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ServerBatch } from '../member-data';
import type { Tx } from './write-tx';

/** A step of a removal: a DELETE of at most the number of rows it is given. */
export type RemovalStep = (limit: number) => SQL;

/**
 * One batch of a removal that may be large (everything of a server): runs each step, children
 * before parents, with what is left of `limit`, until it is used up. Called again until `more` is
 * false; each batch is its own short transaction, so a crash loses nothing and other work runs
 * between batches.
 */
export function removeInBatch(tx: Tx, limit: number, steps: readonly RemovalStep[]): ServerBatch {
  let removed = 0;
  for (const step of steps) {
    if (removed >= limit) break;
    removed += tx.run(step(limit - removed)).changes;
  }
  return { removed, more: removed >= limit };
}

/** Rows of a table that carries the server's id (`guild_id`). */
export const serverRows = (table: SQLiteTable, guildId: string): RemovalStep => (n) =>
  sql`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE guild_id = ${guildId} LIMIT ${n})`;

/**
 * Rows of `child` that hang off a row of `parent` in the server (`child.<parentColumn> = parent.id`),
 * found through the parent, as their own tables need not carry the server's id.
 */
export const childRows = (parent: SQLiteTable, child: SQLiteTable, parentColumn: string, guildId: string): RemovalStep => (n) =>
  sql`DELETE FROM ${child} WHERE rowid IN (
    SELECT c.rowid FROM ${parent} p CROSS JOIN ${child} c WHERE p.guild_id = ${guildId} AND c.${sql.raw(parentColumn)} = p.id LIMIT ${n}
  )`;

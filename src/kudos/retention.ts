// Kudos under a server's retention, and removing everything kudos hold for a server.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { removeInBatch, serverRows } from '../db/batches';
import type { RetentionBatch, ServerBatch } from '../member-data';
import { kudos, kudosMilestones, kudosRoundups, kudosSettings, kudosSpent, kudosValues } from './schema';

/**
 * Empties up to `limit` kudos messages of this server written before `before`. The kudos stay,
 * with who gave them to whom, for which value and when: totals, leaderboards and roundups are
 * unchanged (members' thanks to each other are what kudos count). Call again while `more` is true.
 */
export function applyRetention(tx: Tx, guildId: string, before: number, limit: number): RetentionBatch {
  // `message <> ''` spelled out as in the partial index `kudos_with_message`, so that SQLite uses it.
  const messages = tx.run(sql`
    UPDATE ${kudos} SET message = '' WHERE id IN (
      SELECT id FROM ${kudos} WHERE guild_id = ${guildId} AND created_at < ${before} AND ${sql.raw("message <> ''")} LIMIT ${limit}
    )
  `).changes;
  return { changed: { messages }, more: messages >= limit };
}

/** Removes up to `limit` rows of this server's kudos (and counts kept for limits), values, settings, milestones and roundups. */
export function forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  return removeInBatch(tx, limit, [kudos, kudosSpent, kudosValues, kudosMilestones, kudosRoundups, kudosSettings].map((table) => serverRows(table, guildId)));
}

// Polls under a server's retention, and removing everything polls hold for a server.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { childRows, removeInBatch, serverRows } from '../db/batches';
import type { RetentionBatch, ServerBatch } from '../member-data';
import { pollChoices, polls, pollVotes } from './schema';

/**
 * Removes up to `limit` named votes stored before `before` in this server's closed polls: the
 * link between members and their votes goes, the totals stay (they are kept on the poll and its
 * choices, so results, lists and insights read the same). Votes in open polls stay until the
 * poll closes: members may still change them, and the counts are made from them. Anonymous votes
 * are linked to no one once their poll closes. Call again while `more` is true.
 */
export function applyRetention(tx: Tx, guildId: string, before: number, limit: number): RetentionBatch {
  const votes = tx.run(sql`
    DELETE FROM ${pollVotes} WHERE rowid IN (
      SELECT v.rowid FROM ${polls} p CROSS JOIN ${pollVotes} v
      WHERE p.guild_id = ${guildId} AND p.status = 'closed' AND p.anonymous = 0 AND p.created_at < ${before}
        AND v.poll_id = p.id AND v.voted_at < ${before}
      LIMIT ${limit}
    )
  `).changes;
  return { changed: { votes }, more: votes >= limit };
}

/** Removes up to `limit` rows of this server's polls (votes, then choices, then the polls). */
export function forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  return removeInBatch(tx, limit, [childRows(polls, pollVotes, 'poll_id', guildId), childRows(polls, pollChoices, 'poll_id', guildId), serverRows(polls, guildId)]);
}

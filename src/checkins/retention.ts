// Check-ins under a server's retention, and removing everything check-ins hold for a server.
import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { childRows, removeInBatch, serverRows } from '../db/batches';
import { NO_MEMBER, type RetentionBatch, type ServerBatch } from '../member-data';
import { checkinAnswers, checkinRuns, checkinSchedules, checkinSkips } from './schema';

// Spelled out as in the partial index `checkin_answers_linked`, so that SQLite uses it.
const LINKED = sql.raw(`member_id < '${NO_MEMBER}'`);

/**
 * Up to `limit` answers in this server first given before `before` and still linked to a member:
 * their note is removed and the answer is linked to no one (its member id becomes `~` and its row
 * id). Moods stay, so reports, response rates and insights count the same; streaks no longer
 * count those runs. Call again while `more` is true.
 */
export function applyRetention(tx: Tx, guildId: string, before: number, limit: number): RetentionBatch {
  const rows = tx.all<{ id: number; note: number }>(sql`
    SELECT rowid AS id, note IS NOT NULL AS note FROM ${checkinAnswers}
    WHERE guild_id = ${guildId} AND answered_at < ${before} AND ${LINKED}
    LIMIT ${limit}
  `);
  if (!rows.length) return { changed: { answers: 0, notes: 0 }, more: false };
  const answers = tx.run(sql`UPDATE ${checkinAnswers} SET member_id = ${NO_MEMBER} || rowid, note = NULL WHERE ${inArray(sql`rowid`, rows.map((r) => r.id))}`).changes;
  return { changed: { answers, notes: rows.filter((r) => r.note).length }, more: rows.length >= limit };
}

/** Removes up to `limit` rows of this server's check-ins (answers, runs, skipped dates, then the schedules). */
export function forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  const ofSchedules = (child: typeof checkinAnswers | typeof checkinRuns | typeof checkinSkips) => childRows(checkinSchedules, child, 'schedule_id', guildId);
  return removeInBatch(tx, limit, [ofSchedules(checkinAnswers), ofSchedules(checkinRuns), ofSchedules(checkinSkips), serverRows(checkinSchedules, guildId)]);
}

// A member's own kudos data: what an export shows, and what forgetting them removes.
import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { isoTime, limitKey, NO_MEMBER, type ForgetOutcome } from '../member-data';
import { kudos, kudosSpent } from './schema';
import { SPENT_COUNTS_MS } from './store';

export interface KudosMemberData {
  /** Kudos the member gave, oldest first; removed ones included, with when. */
  given: { kudosId: number; to: string; value: string; message: string; channelId: string; createdAt: string; removedAt: string | null }[];
  /** Kudos the member received, oldest first; removed ones included, with when. */
  received: { kudosId: number; from: string; value: string; message: string; channelId: string; createdAt: string; removedAt: string | null }[];
  /** Kudos the member took down as a leader. */
  removedAsLeader: { kudosId: number; removedAt: string }[];
}

/** Everything kudos store about a member in a server. */
export function memberData(db: Db, guildId: string, memberId: string): KudosMemberData {
  const rows = db
    .select()
    .from(kudos)
    .where(and(eq(kudos.guildId, guildId), or(eq(kudos.giverId, memberId), eq(kudos.recipientId, memberId), eq(kudos.removedBy, memberId))))
    .orderBy(asc(kudos.createdAt), asc(kudos.id))
    .all();
  const common = (k: (typeof rows)[number]) => ({ kudosId: k.id, value: k.value, message: k.message, channelId: k.channelId, createdAt: isoTime(k.createdAt), removedAt: isoTime(k.removedAt) });
  return {
    given: rows.filter((k) => k.giverId === memberId).map((k) => ({ ...common(k), to: k.recipientId })),
    received: rows.filter((k) => k.recipientId === memberId).map((k) => ({ ...common(k), from: k.giverId })),
    removedAsLeader: rows.filter((k) => k.removedBy === memberId).map((k) => ({ kudosId: k.id, removedAt: isoTime(k.removedAt!) })),
  };
}

/**
 * Removes every kudos the member gave or received in this server (removed ones too), inside the
 * caller's write transaction. Their shout-outs should go from Discord (follow-ups). Others'
 * leaderboards and totals lose these kudos with them; milestone roles already granted stay.
 * Kept: kudos of others that the member took down as a leader (`kept.removedAsLeader`): the
 * takedown stays on record, no longer saying who did it.
 */
export function forgetMember(tx: Tx, guildId: string, memberId: string, now: number): ForgetOutcome {
  // What they gave lately still counts toward today's limit, as a count under their limit key.
  tx.run(sql`
    INSERT INTO ${kudosSpent} (guild_id, giver_key, given_at)
    SELECT guild_id, ${limitKey(guildId, memberId)}, created_at FROM ${kudos}
    WHERE guild_id = ${guildId} AND giver_id = ${memberId} AND created_at >= ${now - SPENT_COUNTS_MS}
  `);
  const gone = tx
    .delete(kudos)
    .where(and(eq(kudos.guildId, guildId), or(eq(kudos.giverId, memberId), eq(kudos.recipientId, memberId))))
    .returning({ giverId: kudos.giverId, channelId: kudos.channelId, messageId: kudos.messageId })
    .all();
  const removedAsLeader = tx.update(kudos).set({ removedBy: NO_MEMBER }).where(and(eq(kudos.guildId, guildId), eq(kudos.removedBy, memberId))).run().changes;
  const given = gone.filter((k) => k.giverId === memberId).length;
  return {
    removed: { given, received: gone.length - given },
    kept: { removedAsLeader },
    followUps: gone.flatMap((k) => (k.messageId ? [{ kind: 'delete-message' as const, guildId, channelId: k.channelId, messageId: k.messageId }] : [])),
  };
}

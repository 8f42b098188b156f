import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { eq } from 'drizzle-orm';
import type { ForgetOutcome, RetentionBatch, ServerBatch } from '../member-data';
import { guildSettings } from './schema';

export const NO_MEMBER_SETTINGS = "Hearth keeps no settings per member: a server's settings (time zone, leader role, recognition channel, who may create polls) belong to the server.";

/** Settings hold nothing per member; said so, for a member's data export. */
export function memberData(_db: Db, _guildId: string, _memberId: string): { settings: string } {
  return { settings: NO_MEMBER_SETTINGS };
}

/** Nothing to remove: settings hold nothing per member. */
export function forgetMember(_tx: Tx, _guildId: string, _memberId: string, _now: number): ForgetOutcome {
  return { removed: {}, kept: {}, followUps: [] };
}

/** Nothing ages out: settings hold no member's text and no link to a member. */
export function applyRetention(_tx: Tx, _guildId: string, _before: number, _limit: number): RetentionBatch {
  return { changed: {}, more: false };
}

/** Removes this server's settings (one row at most). */
export function forgetServer(tx: Tx, guildId: string, _limit: number): ServerBatch {
  return { removed: tx.delete(guildSettings).where(eq(guildSettings.guildId, guildId)).run().changes, more: false };
}

// Insights keep no member data: only a server's digest settings. What privacy asks of every feature.
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { ForgetOutcome, RetentionBatch, ServerBatch } from '../member-data';
import { deleteDigestsOf } from './digest-store';

export const NO_MEMBER_INSIGHTS = 'Insights keep nothing per member: they are counted from the other features when a leader asks, and only the server\'s digest settings are stored.';

export function memberData(_db: Db, _guildId: string, _memberId: string): { insights: string } {
  return { insights: NO_MEMBER_INSIGHTS };
}

export function forgetMember(_tx: Tx, _guildId: string, _memberId: string): ForgetOutcome {
  return { removed: {}, kept: {}, followUps: [] };
}

export function applyRetention(_tx: Tx, _guildId: string, _before: number, _limit: number): RetentionBatch {
  return { changed: {}, more: false };
}

/** Removes this server's digest settings (one row at most). */
export function forgetServer(tx: Tx, guildId: string, _limit: number): ServerBatch {
  return { removed: deleteDigestsOf(tx, guildId), more: false };
}

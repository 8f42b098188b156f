// Members' preferences as member data: what an export shows, and what forgetting removes.
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { ForgetOutcome, RetentionBatch, ServerBatch } from '../member-data';
import { isoTime } from '../member-data';
import { removeDirectMessagesTo } from '../outbox/queue';
import { deletePreferences, deleteServerPreferences, findPreferences } from './store';

export interface PreferencesMemberData {
  timeZone: string | null;
  directMessages: 'on' | 'off';
  /** When Discord last refused Hearth's direct message, as the end of the pause it started. */
  unreachableUntil: string | null;
}

export function memberData(db: Db, guildId: string, memberId: string): PreferencesMemberData | null {
  const row = findPreferences(db, guildId, memberId);
  return row ? { timeZone: row.timeZone, directMessages: row.directMessages ? 'on' : 'off', unreachableUntil: isoTime(row.unreachableUntil) } : null;
}

/** Removes the member's preferences in this server, and every direct message still waiting for them there (reminders, check-ins). */
export function forgetMember(tx: Tx, guildId: string, memberId: string): ForgetOutcome {
  return { removed: { preferences: deletePreferences(tx, guildId, memberId), directMessages: removeDirectMessagesTo(tx, guildId, memberId) }, kept: {}, followUps: [] };
}

/** Nothing ages out: a preference stays until the member changes it. */
export function applyRetention(_tx: Tx, _guildId: string, _before: number, _limit: number): RetentionBatch {
  return { changed: {}, more: false };
}

export function forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  const removed = deleteServerPreferences(tx, guildId, limit);
  return { removed, more: removed === limit };
}

// What privacy asks of every feature. Insights keep each server's digest settings and the rollup of
// who took part on which UTC day (src/insights/rollup.ts): that is member data, so it is listed in
// the member's export, forgotten with them, cut by retention and removed with the server.
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import type { ForgetOutcome, RetentionBatch, ServerBatch } from '../member-data';
import { deleteDigestsOf } from './digest-store';
import { DAY_MS, dayOf, monthOf } from './rollup';
import { forgetRollupMember, forgetRollupServer, memberDaysOf, retainRollup } from './rollup-store';

export const NO_MEMBER_INSIGHTS =
  'Insights count from the other features when a leader asks. To answer quickly they keep the UTC days on which each member took part (voted in a named poll, answered a named survey or check-in, gave or received kudos), built from those features and removed with them.';

export function memberData(db: Db, guildId: string, memberId: string): { insights: string; daysTakingPart: string[] } {
  return { insights: NO_MEMBER_INSIGHTS, daysTakingPart: memberDaysOf(db, guildId, memberId).map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10)) };
}

export function forgetMember(tx: Tx, guildId: string, memberId: string): ForgetOutcome {
  return { removed: { daysTakingPart: forgetRollupMember(tx, guildId, memberId, monthOf) }, kept: {}, followUps: [] };
}

/** Links to votes and answers up to the day of `before` go at once; the months touched are built again from the features at the next refresh. */
export function applyRetention(tx: Tx, guildId: string, before: number, limit: number): RetentionBatch {
  return retainRollup(tx, guildId, dayOf(before), limit, monthOf);
}

/** Removes this server's rollup, a batch at a time, then its digest settings (one row at most). */
export function forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  const batch = forgetRollupServer(tx, guildId, limit);
  if (batch.more) return batch;
  return { removed: batch.removed + deleteDigestsOf(tx, guildId), more: false };
}

/** Who received and gave the most kudos (by period and value), and one member's kudos history. */
import type { Db } from '../db/open';
import { startOfMonth, startOfWeek } from './calendar';
import { KUDOS_LIMITS } from './limits';
import { kudosChannels, memberCounts, recentKudos, totalsByValue, type Kudos } from './store';
import { viewableChannels, type ChannelView } from '../visibility';
import { listValues, resolveValue } from './values';

export type Period = 'week' | 'month' | 'all';

export function periodStart(period: Period, timezone: string, now: number): number | null {
  if (period === 'week') return startOfWeek(timezone, now);
  if (period === 'month') return startOfMonth(timezone, now);
  return null;
}

export interface Standing {
  count: number;
  /** Competition rank (ties share a rank); null when the member has none in the period. */
  rank: number | null;
  members: number;
}

export interface Leaderboard {
  period: Period;
  since: number | null;
  value: string | null;
  recipients: { memberId: string; count: number; rank: number }[];
  givers: { memberId: string; count: number; rank: number }[];
  me: { received: Standing; given: Standing };
}

/** Most first (ties by member id, so the order is stable), with competition ranks: 1, 2, 2, 4. */
function ranked(rows: { memberId: string; count: number }[]) {
  const sorted = [...rows].sort((a, b) => b.count - a.count || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  let rank = 0;
  return sorted.map((row, index) => {
    if (index === 0 || sorted[index - 1]!.count !== row.count) rank = index + 1;
    return { ...row, rank };
  });
}

export function leaderboard(db: Db, guildId: string, callerId: string, period: Period, typedValue: string | null, timezone: string, now: number): Leaderboard {
  const value = typedValue === null ? null : resolveValue(listValues(db, guildId), typedValue).name;
  const since = periodStart(period, timezone, now);
  const side = (which: 'recipient' | 'giver') => {
    const all = ranked(memberCounts(db, guildId, which, since, value));
    const mine = all.find((row) => row.memberId === callerId);
    const standing: Standing = { count: mine?.count ?? 0, rank: mine?.rank ?? null, members: all.length };
    return { top: all.slice(0, KUDOS_LIMITS.leaderboardSize), standing };
  };
  const recipients = side('recipient');
  const givers = side('giver');
  return {
    period,
    since,
    value,
    recipients: recipients.top,
    givers: givers.top,
    me: { received: recipients.standing, given: givers.standing },
  };
}

export interface KudosHistory {
  memberId: string;
  side: 'received' | 'given';
  total: number;
  byValue: { value: string; count: number }[];
  recent: Kudos[];
}

/** Totals by value, and the latest messages from channels the one asking can view (`sees`; leaders see all). */
export function kudosHistory(db: Db, guildId: string, memberId: string, side: 'received' | 'given', sees: ChannelView, recent = 5): KudosHistory {
  const store = side === 'received' ? 'recipient' : 'giver';
  const byValue = totalsByValue(db, guildId, store, memberId);
  return {
    memberId,
    side,
    total: byValue.reduce((sum, v) => sum + v.count, 0),
    byValue,
    recent: recentKudos(db, guildId, store, memberId, recent, viewableChannels(sees, kudosChannels(db, guildId, store, memberId))),
  };
}

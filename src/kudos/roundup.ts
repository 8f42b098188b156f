/** The weekly roundup: when each server's is due, claiming each week once, and what it says. */
import type { Db } from '../db/open';
import { addDays, isoDate, localToUtc, mondayOf } from './calendar';
import { writeTx } from '../db/write-tx';
import { queueEffect } from '../outbox/queue';
import { activeButUnthanked, roundupGuilds } from './roundup-reads';
import { claimRoundup, finishRoundup, roundupStatus, firstTimeRecipients, kudosBetween, roundupClaimed, topRecipientsBetween } from './store';

/** The roundup goes out on Monday at this local hour, for the week (Monday to Sunday) just ended. */
export const ROUNDUP_HOUR = 9;
/** If Hearth was down at that moment it catches up within this window, and skips the week after it. */
export const ROUNDUP_CATCH_UP_MS = 24 * 3_600_000;
const THIRTY_DAYS_MS = 30 * 86_400_000;

export interface RoundupSlot {
  guildId: string;
  channelId: string;
  timezone: string;
  /** The Monday's local date, the key that makes each week's roundup happen once. */
  week: string;
  /** When it is due (Monday, ROUNDUP_HOUR local time). */
  dueAt: number;
}

/** This server's latest roundup moment at or before `now`, and the one after it. */
function roundupMoments(timezone: string, now: number): { latest: { week: string; at: number }; next: { week: string; at: number } } {
  const monday = mondayOf(timezone, now);
  const thisWeek = localToUtc(timezone, monday, ROUNDUP_HOUR);
  if (thisWeek <= now) {
    const nextMonday = addDays(monday, 7);
    return { latest: { week: isoDate(monday), at: thisWeek }, next: { week: isoDate(nextMonday), at: localToUtc(timezone, nextMonday, ROUNDUP_HOUR) } };
  }
  const previous = addDays(monday, -7);
  return { latest: { week: isoDate(previous), at: localToUtc(timezone, previous, ROUNDUP_HOUR) }, next: { week: isoDate(monday), at: thisWeek } };
}

/**
 * Roundups due now (unclaimed, within the catch-up window), the earliest moment one is or will be
 * due, and the earliest moment one will be due that is not due yet (`laterAt`).
 */
export function roundupSchedule(db: Db, now: number): { due: RoundupSlot[]; nextAt: number | null; laterAt: number | null } {
  const due: RoundupSlot[] = [];
  let nextAt: number | null = null;
  let laterAt: number | null = null;
  for (const guild of roundupGuilds(db)) {
    const { latest, next } = roundupMoments(guild.timezone, now);
    if (now - latest.at < ROUNDUP_CATCH_UP_MS && !roundupClaimed(db, guild.guildId, latest.week)) {
      due.push({ guildId: guild.guildId, channelId: guild.channelId, timezone: guild.timezone, week: latest.week, dueAt: latest.at });
      nextAt = Math.min(nextAt ?? latest.at, latest.at);
    } else {
      nextAt = Math.min(nextAt ?? next.at, next.at);
      laterAt = Math.min(laterAt ?? next.at, next.at);
    }
  }
  return { due, nextAt, laterAt };
}

/** The outbox effect that posts a server's roundup for one week. */
export const KUDOS_ROUNDUP = 'kudos.roundup';

/**
 * Claims a week for a server and queues its post, in one transaction: true for exactly one caller,
 * however many timers or processes try; the outbox then posts it (and retries) once.
 */
export function queueRoundup(db: Db, slot: RoundupSlot, now: number): boolean {
  return writeTx(db, (tx) => {
    if (!claimRoundup(tx, slot.guildId, slot.week, now)) return false;
    queueEffect(tx, { key: `${KUDOS_ROUNDUP}:${slot.guildId}:${slot.week}`, guildId: slot.guildId, kind: KUDOS_ROUNDUP, payload: { ...slot } }, now);
    return true;
  });
}

/** Whether the week's roundup was already posted or skipped (a delivery repeated after a crash). */
export function roundupFinished(db: Db, slot: RoundupSlot): boolean {
  const status = roundupStatus(db, slot.guildId, slot.week);
  return status === 'posted' || status === 'skipped';
}

export function recordRoundup(db: Db, slot: RoundupSlot, outcome: 'posted' | 'skipped' | 'failed', messageId: string | null = null): void {
  finishRoundup(db, slot.guildId, slot.week, outcome, messageId);
}

export interface Roundup {
  week: string;
  from: number;
  to: number;
  total: number;
  top: { memberId: string; count: number }[];
  firstTime: string[];
  /** Active in the last 30 days (gave kudos, voted in a poll or checked in, never anonymously) but not thanked in them. */
  unthanked: string[];
}

export function buildRoundup(db: Db, slot: RoundupSlot): Roundup {
  const [year, month, day] = slot.week.split('-').map(Number) as [number, number, number];
  const to = localToUtc(slot.timezone, { year, month, day });
  const from = localToUtc(slot.timezone, addDays({ year, month, day }, -7));
  return {
    week: slot.week,
    from,
    to,
    total: kudosBetween(db, slot.guildId, from, to),
    top: topRecipientsBetween(db, slot.guildId, from, to, 5),
    firstTime: firstTimeRecipients(db, slot.guildId, from, to),
    unthanked: activeButUnthanked(db, slot.guildId, slot.dueAt - THIRTY_DAYS_MS, slot.dueAt),
  };
}


// A member's own preferences in a server, and whether Hearth may send them a direct message.
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { UserError } from '../user-error';
import { canonicalTimeZone } from '../settings';
import { countUnreachableAmong, findPreferences, timeZonesOf, upsertPreferences } from './store';

/** After Discord refuses a direct message (closed DMs), Hearth does not try that member again for this long. */
export const UNREACHABLE_FOR_MS = 7 * 24 * 60 * 60_000;

export interface MemberPreferences {
  /** IANA zone, or null: each schedule's own zone is used. */
  timeZone: string | null;
  directMessages: boolean;
  /** Until when Discord's refusal stands (epoch ms), or null when Hearth can reach the member. */
  unreachableUntil: number | null;
}

export function preferencesOf(db: Db | Tx, guildId: string, userId: string, now: number): MemberPreferences {
  const row = findPreferences(db, guildId, userId);
  const until = row?.unreachableUntil ?? null;
  return { timeZone: row?.timeZone ?? null, directMessages: row?.directMessages ?? true, unreachableUntil: until !== null && until > now ? until : null };
}

/** Sets the member's zone (any spelling Intl knows, stored canonical), or clears it with null. */
export function setMemberTimeZone(db: Db, guildId: string, userId: string, typed: string | null, now: number): string | null {
  let zone: string | null = null;
  if (typed !== null) {
    zone = canonicalTimeZone(typed);
    if (!zone) {
      throw new UserError(`"${typed.slice(0, 64)}" is not a time zone Hearth knows. Pick one from the list as you type (an IANA name such as Europe/Berlin or America/New_York), or leave \`zone\` out to clear yours.`);
    }
  }
  writeTx(db, (tx) => upsertPreferences(tx, guildId, userId, { timeZone: zone }, now));
  return zone;
}

/** However often a member turns direct messages on, Discord is tried at most this often after it refused them. */
export const RETRY_UNREACHABLE_AFTER_MS = 24 * 60 * 60_000;

/**
 * On also lifts an unreachable mark: the member says they can be reached (they may have opened
 * their DMs). A mark less than a day old is only shortened to that day, so toggling cannot make
 * Hearth knock on closed DMs again and again. Returns until when the member stays unreachable.
 */
export function setDirectMessages(db: Db, guildId: string, userId: string, on: boolean, now: number): { unreachableUntil: number | null } {
  return writeTx(db, (tx) => {
    if (!on) {
      upsertPreferences(tx, guildId, userId, { directMessages: false }, now);
      return { unreachableUntil: null };
    }
    const marked = preferencesOf(tx, guildId, userId, now).unreachableUntil;
    const retryAt = marked === null ? null : marked - UNREACHABLE_FOR_MS + RETRY_UNREACHABLE_AFTER_MS;
    const unreachableUntil = retryAt !== null && retryAt > now ? retryAt : null;
    upsertPreferences(tx, guildId, userId, { directMessages: true, unreachableUntil }, now);
    return { unreachableUntil };
  });
}

export type Reachability = 'yes' | 'turned off' | 'unreachable';

/** May Hearth send this member a direct message from this server now (the member asked for it elsewhere)? */
export function mayDirectMessage(db: Db | Tx, guildId: string, userId: string, now: number): Reachability {
  const prefs = preferencesOf(db, guildId, userId, now);
  if (!prefs.directMessages) return 'turned off';
  if (prefs.unreachableUntil !== null) return 'unreachable';
  return 'yes';
}

/** Discord refused a direct message to this member (closed DMs): no more tries for a week. */
export function markUnreachable(db: Db, guildId: string, userId: string, now: number): void {
  writeTx(db, (tx) => upsertPreferences(tx, guildId, userId, { unreachableUntil: now + UNREACHABLE_FOR_MS }, now));
}

/** How many of these members (a check-in's subscribers) Hearth cannot reach by direct message now. */
export function unreachableAmong(db: Db, guildId: string, userIds: readonly string[], now: number): number {
  return countUnreachableAmong(db, guildId, userIds, now);
}

/** The zones these members set, in one read (a run to thousands of subscribers); members without one are left out. */
export function memberTimeZones(db: Db, guildId: string, userIds: readonly string[]): Map<string, string> {
  return timeZonesOf(db, guildId, userIds);
}

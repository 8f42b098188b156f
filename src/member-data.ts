// What every feature's `memberData()` and `forgetMember()` share (see docs/architecture.md,
// "Each feature's public interface"). Plain data only: the privacy feature composes these.
import { createHash } from 'node:crypto';

/**
 * A Discord change the caller must queue, as an outbox effect in the same transaction as
 * `forgetMember()`: the feature changed stored data that a public message shows.
 */
export type FollowUp =
  /** An open poll's counts went down: its message should show the new counts. */
  | { kind: 'refresh-poll'; guildId: string; pollId: number }
  /** A survey's response count went down: its card should show the new count. */
  | { kind: 'refresh-survey-card'; guildId: string; surveyId: number }
  /** A message about the member (a kudos shout-out) should go. */
  | { kind: 'delete-message'; guildId: string; channelId: string; messageId: string };

export interface ForgetOutcome {
  /** Rows removed, per kind (e.g. `votes`, `answers`); every kind the feature knows is listed, zeros too. */
  removed: Record<string, number>;
  /**
   * Rows about the member that stay, per kind, because other members' data hangs on them (a poll
   * they created holds everyone's votes) or they record a leader's act; see each feature's index.
   */
  kept: Record<string, number>;
  followUps: FollowUp[];
}

/** UTC ISO 8601, for exports people read; null stays null. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

// ------------------------------------------------------------------ links that are gone

/**
 * Stands in for a member id that was removed from a row that stays (a poll a forgotten member
 * created, a vote or an answer past the server's retention). Discord ids are digits, and anonymous
 * keys letters, digits, `-` and `_`: all sort before `~`, so "still a member" is `id < '~'`.
 */
export const NO_MEMBER = '~';

/** A row's stand-in when it must stay unique per member (one answer per member and run): `~` and its row id. */

/** Whether a stored member id still names a member (not a stand-in for a removed link). */
export const isMemberId = (id: string): boolean => id < NO_MEMBER;

/**
 * What stands for a forgotten member, for a short while, in the few rows that keep a limit they
 * used in force: the open polls they created (until each closes), the kudos they gave in the last
 * 26 hours (counted, nothing else kept), and their answer to a check-in run still open. Without
 * it, deleting one's data would lift the limits. One-way, and gone with the rows it marks; like
 * any hash of an id, whoever holds the file and a list of member ids could test it meanwhile.
 * Sorts after `~`, so it is never taken for a member.
 */
export function limitKey(guildId: string, memberId: string): string {
  return `${LIMIT_KEY_PREFIX}${createHash('sha256').update(`hearth-limit:${guildId}:${memberId}`).digest('hex').slice(0, 32)}`;
}
export const LIMIT_KEY_PREFIX = '~l';
/** Limit keys sort from here (inclusive) to LIMIT_KEYS_END (exclusive): range scans find them. */
export const LIMIT_KEYS_END = '~m';

/**
 * One batch of a retention pass over a server (`applyRetention`): what changed, per kind (every
 * kind the feature knows is listed, zeros too), and whether the batch was full, so there may be more.
 */
export interface RetentionBatch {
  changed: Record<string, number>;
  more: boolean;
}

/** One batch of removing everything a feature holds for a server (`forgetServer`): rows removed, and whether there may be more. */
export interface ServerBatch {
  removed: number;
  more: boolean;
}

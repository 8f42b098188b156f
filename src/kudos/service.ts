import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { mondayOf, addDays, isoDate, localToUtc, nextMidnight, startOfDay, startOfMonth, startOfWeek } from './calendar';
import {
  activeButUnthanked,
  claimRoundup,
  deleteKudos,
  deleteMilestone,
  findKudos,
  finishRoundup,
  firstTimeRecipients,
  givenSince,
  insertKudos,
  kudosBetween,
  lastKudosBetween,
  markRemoved,
  memberCounts,
  milestonesOf,
  putMilestone,
  receivedCount,
  recentKudos,
  releaseRoundup,
  renameValueInHistory,
  replaceValues,
  roundupClaimed,
  roundupGuilds,
  setShoutOut,
  settingsRow,
  topRecipientsBetween,
  totalsByValue,
  valuesOf,
  writeKudosSettings,
  type Kudos,
} from './store';

export type { Kudos };

export const KUDOS_LIMITS = {
  messageLength: 500,
  valueNameLength: 32,
  valueDescriptionLength: 100,
  minValues: 1,
  maxValues: 25,
  defaultDailyLimit: 5,
  minDailyLimit: 1,
  maxDailyLimit: 100,
  maxMilestone: 100_000,
  /** Enough for any real ladder, and keeps `/kudos values` within Discord's field size. */
  maxMilestones: 15,
  pairCooldownMs: 3_600_000,
  leaderboardSize: 10,
} as const;

/** What a new server starts with: what makes a good community member, one sentence each. */
export const DEFAULT_VALUES: readonly KudosValue[] = [
  { name: 'Generosity', description: 'Gave their time, knowledge or things freely to others.' },
  { name: 'Kindness', description: 'Treated someone with warmth and care.' },
  { name: 'Helpfulness', description: 'Stepped in to help someone get unstuck.' },
  { name: 'Inspiration', description: 'Sparked new ideas or motivated others to try.' },
  { name: 'Wisdom', description: 'Shared good judgement or a thoughtful perspective.' },
  { name: 'Positivity', description: 'Lifted the mood and kept spirits up.' },
  { name: 'Dedication', description: 'Showed up consistently and followed through.' },
  { name: 'Teaching', description: 'Explained something patiently so others could learn.' },
  { name: 'Humility', description: 'Listened, admitted mistakes and gave others credit.' },
  { name: 'Welcoming', description: 'Made a newcomer feel at home.' },
];

export interface KudosValue {
  name: string;
  description: string;
}

const ts = (ms: number, style: 'R' | 'f' | 't' = 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

// ------------------------------------------------------------ values

export function listValues(db: Db, guildId: string): KudosValue[] {
  const stored = valuesOf(db, guildId);
  return stored.length ? stored : [...DEFAULT_VALUES];
}

/** The server's value matching what a member typed or picked (any case), or a refusal listing them. */
export function resolveValue(values: readonly KudosValue[], typed: string): KudosValue {
  const wanted = typed.trim().replace(/\s+/g, ' ').toLocaleLowerCase();
  const found = values.find((v) => v.name.toLocaleLowerCase() === wanted);
  if (!found) {
    throw new UserError(
      `"${typed.trim().slice(0, 40)}" is not one of this server's values. Pick one from the list as you type: ${values.map((v) => v.name).join(', ')}.`,
    );
  }
  return found;
}

function cleanName(typed: string): string {
  const name = typed.trim().replace(/\s+/g, ' ');
  if (!name) throw new UserError('The value name is empty. Give it a short name, e.g. "Patience".');
  if (name.length > KUDOS_LIMITS.valueNameLength) {
    throw new UserError(`A value name can be at most ${KUDOS_LIMITS.valueNameLength} characters; "${name.slice(0, 40)}" has ${name.length}. Use a shorter name.`);
  }
  return name;
}

function cleanDescription(typed: string): string {
  const description = typed.trim().replace(/\s+/g, ' ');
  if (!description) throw new UserError('The description is empty. Describe the value in one short sentence.');
  if (description.length > KUDOS_LIMITS.valueDescriptionLength) {
    throw new UserError(`A value's description can be at most ${KUDOS_LIMITS.valueDescriptionLength} characters (this one has ${description.length}). Shorten it to one sentence.`);
  }
  return description;
}

/** Changes the server's values in one transaction, starting from the defaults on the first change. */
function changeValues(db: Db, guildId: string, change: (values: KudosValue[], tx: Tx) => KudosValue[]): KudosValue[] {
  return writeTx(db, (tx) => {
    const stored = valuesOf(tx, guildId);
    const next = change(stored.length ? stored : [...DEFAULT_VALUES], tx);
    replaceValues(tx, guildId, next);
    return next;
  });
}

const sameName = (a: string, b: string) => a.toLocaleLowerCase() === b.toLocaleLowerCase();

export function addValue(db: Db, guildId: string, typedName: string, typedDescription: string): KudosValue[] {
  const name = cleanName(typedName);
  const description = cleanDescription(typedDescription);
  return changeValues(db, guildId, (values) => {
    if (values.some((v) => sameName(v.name, name))) throw new UserError(`This server already has a value called **${name}**. Pick a different name.`);
    if (values.length >= KUDOS_LIMITS.maxValues) {
      throw new UserError(`A server can have at most ${KUDOS_LIMITS.maxValues} values, and this one has ${values.length}. Remove or rename one first.`);
    }
    return [...values, { name, description }];
  });
}

export function removeValue(db: Db, guildId: string, typedName: string): KudosValue[] {
  return changeValues(db, guildId, (values) => {
    const target = resolveValue(values, typedName);
    if (values.length <= KUDOS_LIMITS.minValues) {
      throw new UserError(`A server needs at least ${KUDOS_LIMITS.minValues} value, so **${target.name}** cannot be removed. Add another value first, or rename this one.`);
    }
    return values.filter((v) => v !== target);
  });
}

/** Renames a value (and the kudos already given for it), optionally with a new description. */
export function renameValue(db: Db, guildId: string, typedFrom: string, typedTo: string, typedDescription: string | null): KudosValue[] {
  const to = cleanName(typedTo);
  const description = typedDescription === null ? null : cleanDescription(typedDescription);
  return changeValues(db, guildId, (values, tx) => {
    const target = resolveValue(values, typedFrom);
    if (values.some((v) => v !== target && sameName(v.name, to))) throw new UserError(`This server already has a value called **${to}**. Pick a different name.`);
    if (target.name !== to) renameValueInHistory(tx, guildId, target.name, to);
    return values.map((v) => (v === target ? { name: to, description: description ?? v.description } : v));
  });
}

export function valueSuggestions(db: Db, guildId: string, typed: string): { name: string; value: string }[] {
  const needle = typed.trim().toLocaleLowerCase();
  return listValues(db, guildId)
    .filter((v) => v.name.toLocaleLowerCase().includes(needle))
    .sort((a, b) => Number(!a.name.toLocaleLowerCase().startsWith(needle)) - Number(!b.name.toLocaleLowerCase().startsWith(needle)))
    .slice(0, 25)
    .map((v) => {
      const label = `${v.name}: ${v.description}`;
      return { name: label.length > 100 ? `${label.slice(0, 99)}…` : label, value: v.name };
    });
}

// ------------------------------------------------------------ settings

export interface KudosSettings {
  dailyLimit: number;
  roundupEnabled: boolean;
  milestones: { count: number; roleId: string }[];
}

export function getKudosSettings(db: Db, guildId: string): KudosSettings {
  const row = settingsRow(db, guildId);
  return {
    dailyLimit: row?.dailyLimit ?? KUDOS_LIMITS.defaultDailyLimit,
    roundupEnabled: row?.roundupEnabled ?? true,
    milestones: milestonesOf(db, guildId),
  };
}

export function setDailyLimit(db: Db, guildId: string, limit: number, now: number): KudosSettings {
  if (!Number.isInteger(limit) || limit < KUDOS_LIMITS.minDailyLimit || limit > KUDOS_LIMITS.maxDailyLimit) {
    throw new UserError(`The daily limit must be a whole number from ${KUDOS_LIMITS.minDailyLimit} to ${KUDOS_LIMITS.maxDailyLimit} (you gave ${limit}). The default is ${KUDOS_LIMITS.defaultDailyLimit}.`);
  }
  writeKudosSettings(db, guildId, { dailyLimit: limit }, now);
  return getKudosSettings(db, guildId);
}

export function setRoundup(db: Db, guildId: string, enabled: boolean, now: number): KudosSettings {
  writeKudosSettings(db, guildId, { roundupEnabled: enabled }, now);
  return getKudosSettings(db, guildId);
}

/** Sets (or with no role, removes) the role granted at `count` kudos received. */
export function setMilestone(db: Db, guildId: string, milestoneCount: number, role: { id: string; managed: boolean } | null): KudosSettings {
  if (!Number.isInteger(milestoneCount) || milestoneCount < 1 || milestoneCount > KUDOS_LIMITS.maxMilestone) {
    throw new UserError(`The milestone count must be a whole number from 1 to ${KUDOS_LIMITS.maxMilestone} (you gave ${milestoneCount}).`);
  }
  if (role === null) {
    if (!deleteMilestone(db, guildId, milestoneCount)) {
      throw new UserError(`There is no milestone at ${milestoneCount} kudos to remove. To add one, give a role as well.`);
    }
  } else {
    if (role.id === guildId) throw new UserError('@everyone cannot be a milestone role: every member already has it. Pick another role.');
    if (role.managed) throw new UserError('That role is managed by an integration (a bot or a subscription), so nobody can grant it. Pick a role you created.');
    const existing = milestonesOf(db, guildId);
    if (existing.length >= KUDOS_LIMITS.maxMilestones && !existing.some((m) => m.count === milestoneCount)) {
      throw new UserError(
        `A server can have at most ${KUDOS_LIMITS.maxMilestones} milestones, and this one has ${existing.length}. Remove one first with \`/settings kudos-milestone count\` (no role), or change the role of an existing count.`,
      );
    }
    putMilestone(db, guildId, milestoneCount, role.id);
  }
  return getKudosSettings(db, guildId);
}

// ------------------------------------------------------------ giving

export interface KudosRequest {
  guildId: string;
  giverId: string;
  /** Null when the member is no longer in the server. */
  recipient: { id: string; bot: boolean } | null;
  /** The channel the shout-out will be posted in. */
  channelId: string;
  value: string;
  message: string;
  timezone: string;
}

export interface KudosOutcome {
  kudos: Kudos;
  /** The recipient's kudos for this value, this one included. */
  valueCount: number;
  totalReceived: number;
  givenToday: number;
  dailyLimit: number;
  resetsAt: number;
  /**
   * Every milestone at or below the recipient's total: the roles they should hold. Granting the
   * missing ones each time means a failed grant is retried, and a milestone added later still
   * reaches members already past it.
   */
  milestones: { count: number; roleId: string }[];
}

/** Checks everything that does not depend on earlier kudos; throws a refusal that says how to fix it. */
export function checkKudosRequest(db: Db, request: Omit<KudosRequest, 'timezone'>): { value: KudosValue; message: string; recipientId: string } {
  const recipientId = checkRecipient(request.giverId, request.recipient);
  const value = resolveValue(listValues(db, request.guildId), request.value);
  const message = request.message.trim();
  if (!message) throw new UserError('The message is empty. Say in a sentence why you are thanking them.');
  if (message.length > KUDOS_LIMITS.messageLength) {
    throw new UserError(`The message is ${message.length} characters; the most is ${KUDOS_LIMITS.messageLength}. Shorten it and try again.`);
  }
  return { value, message, recipientId };
}

/** Who may receive kudos from `giverId`: a member still in the server, not themselves, not a bot. */
export function checkRecipient(giverId: string, recipient: { id: string; bot: boolean } | null): string {
  if (!recipient) {
    throw new UserError('That member is no longer in this server, so they cannot receive kudos. Pick someone who is still here.');
  }
  if (recipient.id === giverId) {
    throw new UserError('You cannot give kudos to yourself. Kudos are for thanking someone else: who helped you lately?');
  }
  if (recipient.bot) throw new UserError('Bots cannot receive kudos: thank the people who made or run it instead.');
  return recipient.id;
}

/**
 * Gives kudos, in one short transaction: the daily limit (which resets at midnight in the server's
 * time zone) and the once-an-hour rule per pair are checked against what is stored.
 */
export function giveKudos(db: Db, request: KudosRequest, now: number): KudosOutcome {
  return giveCheckedKudos(db, request, checkKudosRequest(db, request), now);
}

/** As giveKudos, for a request already through checkKudosRequest (no need to check it twice). */
export function giveCheckedKudos(db: Db, request: KudosRequest, checked: ReturnType<typeof checkKudosRequest>, now: number): KudosOutcome {
  const { value, message, recipientId } = checked;
  const { dailyLimit, milestones } = getKudosSettings(db, request.guildId);
  const dayStart = startOfDay(request.timezone, now);
  const resetsAt = nextMidnight(request.timezone, now);

  return writeTx(db, (tx) => {
    const givenToday = givenSince(tx, request.guildId, request.giverId, dayStart);
    if (givenToday >= dailyLimit) {
      throw new UserError(
        `You have given all ${dailyLimit} of today's kudos. The limit resets at midnight (${request.timezone}), ${ts(resetsAt)}: try again then.`,
      );
    }
    const last = lastKudosBetween(tx, request.guildId, request.giverId, recipientId, now - KUDOS_LIMITS.pairCooldownMs);
    if (last !== null) {
      const again = last + KUDOS_LIMITS.pairCooldownMs;
      throw new UserError(`You thanked <@${recipientId}> ${ts(last)}. You can thank the same member once an hour: try again ${ts(again)} (${ts(again, 't')}).`);
    }
    const stored = insertKudos(tx, {
      guildId: request.guildId,
      giverId: request.giverId,
      recipientId,
      value: value.name,
      message,
      channelId: request.channelId,
      createdAt: now,
    });
    const totalReceived = receivedCount(tx, request.guildId, recipientId);
    return {
      kudos: stored,
      valueCount: receivedCount(tx, request.guildId, recipientId, value.name),
      totalReceived,
      givenToday: givenToday + 1,
      dailyLimit,
      resetsAt,
      milestones: milestones.filter((m) => m.count <= totalReceived),
    };
  });
}

/** The shout-out is posted: remember where, so a leader's removal can take it down. */
export function attachShoutOut(db: Db, guildId: string, kudosId: number, messageId: string): void {
  setShoutOut(db, guildId, kudosId, messageId);
}

/** Posting the shout-out failed: the kudos never happened for anyone. */
export function discardKudos(db: Db, guildId: string, kudosId: number): void {
  deleteKudos(db, guildId, kudosId);
}

// ------------------------------------------------------------ removal

/**
 * Takes down a kudos (leaders only). Another server's id is refused exactly like a missing one.
 * An already removed kudos is returned as such (not refused), so that a leader can retry taking
 * its shout-out down when that failed the first time.
 */
export function removeKudos(db: Db, actor: { guildId: string; memberId: string; isLeader: boolean }, kudosId: number, now: number): { kudos: Kudos; alreadyRemoved: boolean } {
  if (!actor.isLeader) throw new UserError('Only leaders can remove kudos. If a kudos looks abusive, tell a leader its number (shown in `/kudos received`).');
  const found = findKudos(db, actor.guildId, kudosId);
  if (!found) throw new UserError(`There is no kudos #${kudosId} in this server. Find the number in \`/kudos received\` or \`/kudos given\`.`);
  const alreadyRemoved = !markRemoved(db, actor.guildId, kudosId, actor.memberId, now);
  return { kudos: findKudos(db, actor.guildId, kudosId)!, alreadyRemoved };
}

// ------------------------------------------------------------ reading

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

export function kudosHistory(db: Db, guildId: string, memberId: string, side: 'received' | 'given', recent = 5): KudosHistory {
  const store = side === 'received' ? 'recipient' : 'giver';
  const byValue = totalsByValue(db, guildId, store, memberId);
  return {
    memberId,
    side,
    total: byValue.reduce((sum, v) => sum + v.count, 0),
    byValue,
    recent: recentKudos(db, guildId, store, memberId, recent),
  };
}

// ------------------------------------------------------------ weekly roundup

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

/** Claims a week for a server: true for exactly one caller, however many timers or processes try. */
export function claimRoundupWeek(db: Db, slot: RoundupSlot, now: number): boolean {
  return claimRoundup(db, slot.guildId, slot.week, now);
}

export function recordRoundup(db: Db, slot: RoundupSlot, outcome: 'posted' | 'skipped' | 'failed', messageId: string | null = null): void {
  finishRoundup(db, slot.guildId, slot.week, outcome, messageId);
}

/** A failure worth retrying (Discord hiccup): give the week back so the next look tries again. */
export function releaseRoundupWeek(db: Db, slot: RoundupSlot): void {
  releaseRoundup(db, slot.guildId, slot.week);
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

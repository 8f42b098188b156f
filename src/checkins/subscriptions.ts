/**
 * Check-ins by direct message: members subscribe, and each run is queued as one direct message per
 * subscriber, due at the run's wall-clock time in the subscriber's own zone (when they set one).
 * Answers from a direct message are the same answers, in the same reports and streaks.
 */
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { queueDirectMessages, queueEffect } from '../outbox/queue';
import { UserError } from '../user-error';
import type { ChannelView } from '../visibility';
import { instantOf, localDate, wallTime } from '../zoned-time';
import { compileRule, nextRuns } from './schedule';
import type { Member } from './answers';
import type { RunToPost } from './runs';
import { memberTimeZones } from '../preferences';
import { claimNoLaterThan, findSchedule, laterPostedRun, latestPostedRun, listSchedules, queuedRuns, type NextRun, type Schedule } from './store';
import { DISCORD_LIMITS, timestamp } from '../format';
import { addSubscription, isSubscribed, markDirectRunSent, removeMemberSubscriptions, removeSubscription, runById, scheduleById, subscribedSchedules, subscribersOf } from './subscription-store';

export const CHECKIN_DIRECT_MESSAGE = 'checkin.direct-message';
export const CHECKIN_ANNOUNCEMENT = 'checkin.announcement';

/** The channel post of a new direct-message check-in (its Subscribe button), posted once by the outbox. */
export function queueAnnouncement(tx: Tx, guildId: string, scheduleId: number, now: number): void {
  queueEffect(tx, { key: `${CHECKIN_ANNOUNCEMENT}:${scheduleId}`, guildId, kind: CHECKIN_ANNOUNCEMENT, payload: { scheduleId } }, now);
}

const noSuchCheckin = (id: number) => `There is no check-in #${id} in this server. Pick one from the list as you type.`;

/** A direct-message check-in of this server that the member can see (its announcement's channel). */
function requireDirectCheckin(db: Db, guildId: string, id: number, sees: ChannelView): Schedule {
  const schedule = findSchedule(db, guildId, id);
  if (!schedule || !sees.canView(schedule.channelId)) throw new UserError(noSuchCheckin(id));
  if (schedule.delivery !== 'direct-message') {
    throw new UserError(`Check-in #${id} **${schedule.name}** is posted in <#${schedule.channelId}>, not sent by direct message: answer it there. Only direct-message check-ins take subscribers.`);
  }
  return schedule;
}

/**
 * Subscribes a member. A run already on its way to the others whose time for this member is still
 * to come (queued ahead of its moment, or posted with their western time ahead) is queued for them
 * too, and the next run is claimed earlier if their own time for it comes first. `nextAt`: when
 * the next one reaches them.
 */
export function subscribe(db: Db, member: Member, id: number, now: number): { schedule: Schedule; added: boolean; nextAt: number | null } {
  const found = requireDirectCheckin(db, member.guildId, id, member.sees);
  if (found.status !== 'active') throw new UserError(`Check-in #${id} **${found.name}** is paused by a leader, so it takes no subscribers now. Try again once it is resumed.`);
  const zone = memberTimeZones(db, member.guildId, [member.memberId]).get(member.memberId) ?? null;
  // Read inside the transaction: a run claimed meanwhile is either seen here or queued with this member in it.
  return writeTx(db, (tx) => {
    const schedule = findSchedule(tx, member.guildId, id)!;
    const moment = (run: { scheduledFor: number; manual: boolean }) => momentFor(schedule, run.scheduledFor, zone, !run.manual && followsMemberZones(schedule, run.scheduledFor));
    const current = latestPostedRun(tx, schedule.id);
    const onTheirWay = [...(current && moment(current) > now ? [current] : []), ...queuedRuns(tx, schedule.id)];
    const upcoming = [...onTheirWay.map((run) => Math.max(now, moment(run))), ...(schedule.nextRunAt === null ? [] : [Math.max(now, moment({ scheduledFor: schedule.nextRunAt, manual: false }))])];
    const nextAt = upcoming.length ? Math.min(...upcoming) : null;
    if (!addSubscription(tx, schedule, member.memberId, now)) return { schedule, added: false, nextAt };
    for (const run of onTheirWay) queueDirectMessages(tx, { ...directRunBatch(schedule, run.id), recipients: [member.memberId], dueAt: Math.max(now, moment(run)) }, now);
    claimSoonerFor(tx, schedule, zone);
    return { schedule, added: true, nextAt };
  });
}

/** Claims a schedule's next run sooner if this member's zone needs a longer lead than planned. */
function claimSoonerFor(tx: Tx, schedule: Schedule, zone: string | null): void {
  const next = zone && nextClaim(schedule, schedule.nextRunAt, [zone]);
  if (next) claimNoLaterThan(tx, schedule.id, next);
}

/**
 * A member set or changed their time zone: the next run of each direct-message check-in they
 * follow in that server is claimed soon enough to reach them at their new time (runs already on
 * their way keep the time they were queued for).
 */
export function memberZoneChanged(db: Db, guildId: string, memberId: string, zone: string | null): void {
  if (!zone) return;
  writeTx(db, (tx) => {
    for (const scheduleId of subscribedSchedules(tx, guildId, memberId)) {
      const schedule = findSchedule(tx, guildId, scheduleId);
      if (schedule?.status === 'active') claimSoonerFor(tx, schedule, zone);
    }
  });
}

/** A subscriber may always leave, even after losing sight of the announcement's channel. */
export function unsubscribe(db: Db, member: Member, id: number): { schedule: Schedule; removed: boolean } {
  const found = findSchedule(db, member.guildId, id);
  if (found && writeTx(db, (tx) => removeSubscription(tx, found.id, member.memberId))) return { schedule: found, removed: true };
  return { schedule: requireDirectCheckin(db, member.guildId, id, member.sees), removed: false };
}

/**
 * **Stop these messages** on a run's direct message (or a forged click anywhere): the check-in may
 * be gone since. Only a subscriber learns its name; in a server it must be that server's.
 */
export function stopFromDirectMessage(db: Db, scheduleId: number, memberId: string, inGuild: string | null): Schedule | null {
  const schedule = scheduleById(db, scheduleId);
  if (!schedule || (inGuild !== null && schedule.guildId !== inGuild)) return null;
  return writeTx(db, (tx) => removeSubscription(tx, schedule.id, memberId)) ? schedule : null;
}

/** Between a direct-message check-in's last run and a manual one: each is a message to every subscriber. */
export const MANUAL_DIRECT_RUN_COOLDOWN_MS = 60 * 60_000;

/** `/checkin run` of a direct-message check-in: refused within an hour of its last run, so runs do not stack up in members' direct messages. */
export function assertManualDirectRunAllowed(db: Db, schedule: Schedule, now: number): void {
  const onItsWay = queuedRuns(db, schedule.id).at(-1);
  if (onItsWay) {
    throw new UserError(
      `Check-in #${schedule.id} **${schedule.name}**'s run of ${timestamp(onItsWay.scheduledFor, 'f')} is already on its way to its subscribers (members east of ${schedule.timezone} get it first): each run is a direct message to every one of them, so a manual run waits an hour after it. Try again ${timestamp(onItsWay.scheduledFor + MANUAL_DIRECT_RUN_COOLDOWN_MS, 'R')}.`,
    );
  }
  const last = latestPostedRun(db, schedule.id);
  if (!last || now - last.scheduledFor >= MANUAL_DIRECT_RUN_COOLDOWN_MS) return;
  throw new UserError(
    `Check-in #${schedule.id} **${schedule.name}** last went to its subscribers ${timestamp(last.scheduledFor, 'R')}: each run is a direct message to every one of them, so a manual run waits an hour after the last. Try again ${timestamp(last.scheduledFor + MANUAL_DIRECT_RUN_COOLDOWN_MS, 'R')}.`,
  );
}

// Runs this far apart leave a member far west of the check-in's zone time to answer theirs.
const ZONE_SHIFT_MIN_GAP_MS = 20 * 60 * 60_000;

/**
 * Do members' own zones move this check-in's messages? Only when its runs are most of a day apart
 * or more: for one asked every few hours, a far-west member's message would come after a newer run
 * had replaced it, so everyone gets each run at once.
 */
export function followsMemberZones(schedule: Schedule, from: number): boolean {
  const runs = nextRuns(compileRule({ cron: schedule.cron, everyWeeks: schedule.everyWeeks }, schedule.anchorWeek), schedule.timezone, from - 1, 4);
  return runs.every((at, i) => i === 0 || at - runs[i - 1]! >= ZONE_SHIFT_MIN_GAP_MS);
}

/**
 * When a subscriber gets a run: the run's wall-clock time on its date, in their zone (when `shift`,
 * see followsMemberZones). East of the check-in's zone that comes before the run's moment, which
 * is why such runs are claimed ahead (see `claimLead`).
 */
export function momentFor(schedule: Schedule, scheduledFor: number, zone: string | null, shift: boolean): number {
  if (!shift || !zone || zone === schedule.timezone) return scheduledFor;
  const wall = wallTime(schedule.timezone, scheduledFor);
  return instantOf(zone, localDate(schedule.timezone, scheduledFor), wall.hour, wall.minute);
}

/**
 * As momentFor, but a zone that can no longer be computed (zone data changed under a stored one)
 * counts as none: one member's zone must not stop a run for everyone.
 */
function zonedMoment(schedule: Schedule, scheduledFor: number, zone: string | null, shift: boolean): number {
  try {
    return momentFor(schedule, scheduledFor, zone, shift);
  } catch {
    return scheduledFor;
  }
}

/** The time zones set by a direct-message check-in's subscribers (none for a channel check-in). */
export function subscriberZones(db: Db, schedule: Schedule): string[] {
  if (schedule.delivery !== 'direct-message') return [];
  return [...new Set(memberTimeZones(db, schedule.guildId, subscribersOf(db, schedule.id)).values())];
}

/**
 * How long before its moment the run at `at` is claimed: as long as its earliest subscriber's own
 * time for it comes first (0 for a channel check-in, or when nobody is east of its zone).
 */
export function claimLead(schedule: Schedule, at: number, zones: readonly string[]): number {
  if (!zones.length || !followsMemberZones(schedule, at)) return 0;
  // A member's zone that cannot be computed (zone data changed under it) is left out: it must not pause a leader's check-in.
  const leadFor = (zone: string) => {
    try {
      return at - momentFor(schedule, at, zone, true);
    } catch {
      return 0;
    }
  };
  return Math.max(0, ...zones.map(leadFor));
}

/** A schedule's next run at `at` and when to claim it. */
export function nextClaim(schedule: Schedule, at: number | null, zones: readonly string[]): NextRun {
  return at === null ? null : { at, claimAt: at - claimLead(schedule, at, zones) };
}

/** A run's direct messages: one per run and member (keyed so), whoever queues it. */
const directRunBatch = (schedule: Schedule, runId: number) => ({
  guildId: schedule.guildId,
  kind: CHECKIN_DIRECT_MESSAGE,
  keyPrefix: `${CHECKIN_DIRECT_MESSAGE}:${runId}:`,
  payload: { runId, scheduleId: schedule.id },
});

/**
 * Queues a claimed run's direct messages, one per subscriber, in one transaction with marking the
 * run sent: a restart either finds the run still to queue or every message queued, never half.
 */
export function queueDirectRun(db: Db, { schedule, runId }: RunToPost, zonesOf: (memberIds: string[]) => Map<string, string>, now: number): number {
  // Subscribers are read inside the transaction, so one subscribing meanwhile is in this run either way.
  return writeTx(db, (tx) => {
    const run = runById(tx, runId);
    if (!run || !markDirectRunSent(tx, runId, now)) return 0;
    const subscribers = subscribersOf(tx, schedule.id);
    const zones = zonesOf(subscribers);
    const shift = !run.manual && followsMemberZones(schedule, run.scheduledFor);
    // Members in one zone share a moment: one statement per moment, however many members.
    const byMoment = new Map<number, string[]>();
    const momentOfZone = new Map<string | null, number>();
    for (const memberId of subscribers) {
      const zone = zones.get(memberId) ?? null;
      let moment = momentOfZone.get(zone);
      if (moment === undefined) momentOfZone.set(zone, (moment = zonedMoment(schedule, run.scheduledFor, zone, shift)));
      const members = byMoment.get(moment);
      if (members) members.push(memberId);
      else byMoment.set(moment, [memberId]);
    }
    let queued = 0;
    for (const [dueAt, recipients] of byMoment) queued += queueDirectMessages(tx, { ...directRunBatch(schedule, runId), recipients, dueAt }, now);
    return queued;
  });
}

/** A subscriber Discord says is no longer in the server: their subscriptions there end, so later runs cost nothing for them. */
export function forgetLeaver(db: Db, guildId: string, memberId: string): void {
  writeTx(db, (tx) => removeMemberSubscriptions(tx, guildId, memberId));
}

/** What a run's direct message shows when it is sent, or null when it should not go any more. */
export function directRunToSend(db: Db, runId: number, memberId: string): { schedule: Schedule; runId: number } | null {
  const run = runById(db, runId);
  const schedule = run && scheduleById(db, run.scheduleId);
  if (!run || !schedule || schedule.delivery !== 'direct-message' || schedule.status !== 'active') return null;
  if (run.status !== 'queued' && run.status !== 'posted') return null; // called off (skipped, or paused before its time)
  if (!isSubscribed(db, schedule.id, memberId)) return null;
  if (laterPostedRun(db, run)) return null; // a newer run took its place: its answers would be refused
  return { schedule, runId };
}

/** Said to anyone answering a direct-message run they have no subscription for: it names nothing. */
export const NOT_SUBSCRIBED = 'Hearth keeps no answer from this message: you are not subscribed to this check-in, or it no longer exists. Subscribe with `/checkin subscribe` in its server.';

/**
 * The direct-message check-in a click answers, from the stored run: only for its subscribers (a
 * forged click from anyone else learns and changes nothing), and in a server only that server's.
 * A run claimed ahead of its moment exists for a member only from their own time for it: a forged
 * click cannot tell that it was claimed early, nor so how far east its earliest subscriber lives.
 * The caller still checks the member is in the server and can view its channel.
 */
export function directRunOf(db: Db, runId: number, memberId: string, inGuild: string | null, now: number): Schedule {
  const run = runById(db, runId);
  const schedule = run && scheduleById(db, run.scheduleId);
  if (!run || !schedule || schedule.delivery !== 'direct-message' || (inGuild !== null && schedule.guildId !== inGuild) || !isSubscribed(db, schedule.id, memberId)) {
    throw new UserError(NOT_SUBSCRIBED);
  }
  if (run.status === 'queued') {
    const zone = memberTimeZones(db, schedule.guildId, [memberId]).get(memberId) ?? null;
    if (now < momentFor(schedule, run.scheduledFor, zone, followsMemberZones(schedule, run.scheduledFor))) throw new UserError(NOT_SUBSCRIBED);
  }
  return schedule;
}

/** The direct-message check-ins a member may subscribe to, for autocomplete. */
export function directCheckinSuggestions(db: Db, guildId: string, typed: string, sees: ChannelView): { name: string; value: number }[] {
  const needle = typed.trim().toLowerCase();
  return listSchedules(db, guildId)
    .filter((s) => s.delivery === 'direct-message' && sees.canView(s.channelId) && (!needle || `${s.id} ${s.name}`.toLowerCase().includes(needle)))
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((s) => ({ name: `#${s.id} · ${s.name}${s.status === 'paused' ? ' (paused)' : ''}`.slice(0, DISCORD_LIMITS.autocompleteName), value: s.id }));
}

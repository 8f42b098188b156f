// The digest: a server's overview of the period just ended, posted on its schedule through the
// outbox, exactly once per period (the claim on insights_digests.last_period, and the effect's key).
import type { Db } from '../db/open';
import type { ChannelView } from '../visibility';
import { writeTx } from '../db/write-tx';
import { queueEffect } from '../outbox/queue';
import { UserError } from '../user-error';
import { failedCheckins } from '../checkins';
import { pollsClosingBetween } from '../polls';
import { getSettings } from '../settings';
import { surveysClosingBetween } from '../surveys';
import { digestMoments, WEEKDAYS, type DigestMoment, type DigestSchedule } from './digest-calendar';
import { claimPeriod, deleteDigest, dueDigests, earliestDigestDue, findDigest, finishPeriod, saveDigest, setNextDue, type Digest, type DigestSettings } from './digest-store';
import { overviewBetween, type Overview } from './overview';

/** A digest Hearth could not post at its time is still posted up to this late; after that the period is skipped. */
export const DIGEST_CATCH_UP_MS = 24 * 3_600_000;
const ATTENTION_AHEAD_MS = 48 * 3_600_000;
/** The outbox effect that posts one period's digest (payload: the DigestMoment). */
export const INSIGHTS_DIGEST = 'insights.digest';
/** One post per period of a digest switched on at `since`: switched off and on again, it is a new digest. */
export const digestKey = (guildId: string, period: string, since: number) => `${INSIGHTS_DIGEST}:${guildId}:${since}:${period}`;

export type { Digest, DigestMoment };

/** Checks what a leader typed for `/settings digest`: the weekday and an HH:MM time. */
export function validDigest(input: { channelId: string; every: string | null; day: string | null; time: string | null }): DigestSettings {
  const every = input.every ?? 'week';
  if (every !== 'week' && every !== 'month') throw new UserError('`every` must be `week` or `month`. Pick one from the list.');
  const dayName = (input.day ?? 'mon').trim().toLowerCase();
  const day = (WEEKDAYS as readonly string[]).indexOf(dayName);
  if (day < 0) throw new UserError(`\`day\` must be one of ${WEEKDAYS.join(', ')}; "${input.day}" is not. Pick one from the list.`);
  const time = (input.time ?? '09:00').trim();
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new UserError(`\`time\` must be a time of day as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30; "${input.time}" is not.`);
  return { channelId: input.channelId, every, day, minute: Number(match[1]) * 60 + Number(match[2]) };
}

export function switchDigestOn(db: Db, guildId: string, settings: DigestSettings, now: number): Digest {
  saveDigest(db, guildId, settings, now);
  return findDigest(db, guildId)!;
}

export function switchDigestOff(db: Db, guildId: string): boolean {
  return deleteDigest(db, guildId);
}

export function digestOf(db: Db, guildId: string): Digest | undefined {
  return findDigest(db, guildId);
}

/** What one step of a round did: how many due digests it looked at, and the periods it recorded as skipped. */
export interface DigestStep {
  looked: number;
  skipped: { guildId: string; period: string }[];
}

/**
 * One step of a scheduler round: up to `limit` digests due at `now` (a range of the
 * insights_digests_due index), in one short transaction. Each one's latest period is queued, or
 * recorded as skipped when more than a day late, unless it was claimed already; then its next look
 * moves to its next delivery, computed in the server's time zone now. Servers sharing a time zone
 * and schedule share the calendar work through `moments` (keep one per round).
 */
export function settleDueDigests(db: Db, now: number, limit: number, moments: Map<string, ReturnType<typeof digestMoments>>): DigestStep {
  return writeTx(db, (tx) => {
    const step: DigestStep = { looked: 0, skipped: [] };
    for (const digest of dueDigests(tx, now, limit)) {
      step.looked++;
      const zone = getSettings(db, digest.guildId).timezone;
      const key = `${zone}|${digest.every}|${digest.day}|${digest.minute}`;
      let found = moments.get(key);
      if (!found) moments.set(key, (found = digestMoments(zone, digest, now)));
      const { latest, next } = found;
      const unclaimed = latest.at >= digest.since && (digest.lastPeriod === null || digest.lastPeriod < latest.period);
      if (unclaimed && now - latest.at < DIGEST_CATCH_UP_MS) {
        if (claimPeriod(tx, digest.guildId, latest.period, 'queued', now, null)) {
          queueEffect(tx, { key: digestKey(digest.guildId, latest.period, digest.since), guildId: digest.guildId, kind: INSIGHTS_DIGEST, payload: { ...latest } }, now);
        }
      } else if (unclaimed) {
        const hours = Math.floor((now - latest.at) / 3_600_000);
        const reason = `Hearth was not running when it was due, and ${hours} hours is more than a day late, so it was skipped`;
        if (claimPeriod(tx, digest.guildId, latest.period, 'skipped', now, reason)) step.skipped.push({ guildId: digest.guildId, period: latest.period });
      }
      setNextDue(tx, digest.guildId, next.at);
    }
    return step;
  });
}

/** The earliest moment a digest is due (null: none is on). */
export function nextDigestDueAt(db: Db): number | null {
  return earliestDigestDue(db);
}

/** The server's time zone changed: its digest is worked out again in the next round. */
export function rescheduleDigest(db: Db, guildId: string): void {
  setNextDue(db, guildId, 0);
}

export function recordDigestPosted(db: Db, guildId: string, period: string, messageId: string, now: number): void {
  finishPeriod(db, guildId, period, { status: 'posted', messageId, at: now });
}

export function recordDigestFailed(db: Db, guildId: string, period: string, problem: string, now: number): void {
  finishPeriod(db, guildId, period, { status: 'failed', problem, at: now });
}

export interface DigestReport {
  overview: Overview;
  attention: {
    closingSoon: { kind: 'poll' | 'survey'; id: number; name: string; closesAt: number }[];
    withoutFollowUp: { kind: 'poll' | 'survey'; id: number; name: string; closedAt: number }[];
    failedCheckins: { name: string; failedAt: number; reason: string | null }[];
    unthanked: number;
  };
}

/**
 * The digest of one period: the overview, and what needs attention now, of the channels `sees`
 * includes (everyone who reads the digest's channel can view them: see digestAudience).
 */
export function buildDigest(db: Db, guildId: string, moment: DigestMoment, now: number, memberCount: number | null, sees: ChannelView): DigestReport {
  const overview = overviewBetween(db, guildId, moment, now, memberCount, moment.label, sees);
  const shown = <T extends { channelId: string | null }>(items: T[]) => items.filter((item) => sees.canView(item.channelId));
  const closingSoon = [
    ...shown(pollsClosingBetween(db, guildId, now, now + ATTENTION_AHEAD_MS)).map((p) => ({ kind: 'poll' as const, id: p.pollId, name: p.question, closesAt: p.closesAt })),
    ...shown(surveysClosingBetween(db, guildId, now, now + ATTENTION_AHEAD_MS)).map((s) => ({ kind: 'survey' as const, id: s.surveyId, name: s.title, closesAt: s.closesAt })),
  ].sort((a, b) => a.closesAt - b.closesAt);
  const withoutFollowUp = [
    ...overview.current.listened.polls.filter((p) => !p.followedUp).map((p) => ({ kind: 'poll' as const, id: p.pollId, name: p.question, closedAt: p.closedAt })),
    ...overview.current.listened.surveys.filter((s) => !s.followedUp).map((s) => ({ kind: 'survey' as const, id: s.surveyId, name: s.title, closedAt: s.closedAt })),
  ].sort((a, b) => a.closedAt - b.closedAt);
  return {
    overview,
    attention: { closingSoon, withoutFollowUp, failedCheckins: shown(failedCheckins(db, guildId)), unthanked: overview.current.recognition.unthanked },
  };
}

/** The period a leader previews with `/insights digest`: the last complete one on the server's schedule (weekly on Mondays without one). */
export function lastCompletePeriod(db: Db, guildId: string, now: number): DigestMoment {
  const schedule: DigestSchedule = findDigest(db, guildId) ?? { every: 'week', day: 0, minute: 0 };
  const { latest } = digestMoments(getSettings(db, guildId).timezone, { ...schedule, minute: 0 }, now);
  return latest;
}

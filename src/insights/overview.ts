// `/insights overview`: one period's numbers across every feature, beside the previous period's.
import type { Db } from '../db/open';
import { WHOLE_SERVER, type ChannelView } from '../visibility';
import { listening, pollCounts, type KudosSummary, type Listening } from './sources';
import { refreshRollup } from './rollup';
import { kudosBetween, newAmong, peopleIn } from './taking-part';
import { observations } from './observations';
import { series, WEEK_MS, type Series } from './weekly';

export const DAY_MS = 86_400_000;
export const PERIODS = { '7d': 7, '30d': 30, '90d': 90, '365d': 365 } as const;
export type Period = keyof typeof PERIODS;

/** Share in whole percent; null when there is nothing to share out of. */
const share = (count: number, of: number | null): number | null => (of ? Math.round((count / of) * 100) : null);
const average = (values: readonly number[]): number | null => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

export interface PeriodNumbers {
  from: number;
  to: number;
  people: {
    /** Named members who voted in a non-anonymous poll, answered a named survey or check-in, or gave or received kudos. */
    active: number;
    /** Of them, taking part for the first time ever. */
    new: number;
    returning: number;
    /** Active members as a share of the server's members (percent), when the member count is known. */
    activeShare: number | null;
  };
  listening: {
    pollsClosed: number;
    /** Average of voters / server members over the polls whose counts may show (not role-limited, anonymous ones from 3 voters). */
    pollTurnout: number | null;
    surveysClosed: number;
    /** Average of completed / server members over the surveys whose counts may show. */
    surveyResponseRate: number | null;
    /** Completed out of started, over those surveys. */
    surveyCompletionRate: number | null;
    /** Runs whose answers may show (anonymous ones from 3 moods, once the next run is out). */
    runs: number;
    /** Average of answers / server members per run. */
    checkinResponseRate: number | null;
    /** Every mood of those runs, averaged (1 to 5). */
    averageMood: number | null;
    /** Moods 1 to 5, counted. */
    moods: number[];
  };
  recognition: KudosSummary & {
    /** Active members who were thanked, as a share of active members (percent). */
    thankedShare: number | null;
    /** Active members who received no kudos. */
    unthanked: number;
  };
  followThrough: { closed: number; followedUp: number; share: number | null };
  /** Who was active, and what closed and ran: for the observations. */
  active: Set<string>;
  listened: Listening;
}

/**
 * The numbers of [from, to). `memberCount` is the server's member count now (null when Discord did
 * not say). Who took part is read from the rollup, which the caller brought up to date. Kudos' top
 * values are read only for a period `shown` (the one before is only compared with).
 */
export function periodNumbers(db: Db, guildId: string, from: number, to: number, memberCount: number | null, sees: ChannelView = WHOLE_SERVER, shown = true): PeriodNumbers {
  const people = peopleIn(db, guildId, from, to);
  const active = people.active;
  const fresh = newAmong(db, guildId, active, from);
  const heard = listening(db, guildId, from, to, sees);
  const kudos = kudosBetween(db, guildId, from, to, people, shown);

  const turnoutPolls = heard.polls.filter((p) => pollCounts(p) && p.roleId === null);
  const countedSurveys = heard.surveys.filter((s) => s.started !== null);
  const shownRuns = heard.runs.filter((r) => !r.hidden);
  const moods = [0, 0, 0, 0, 0];
  for (const run of shownRuns) run.distribution!.forEach((n, i) => (moods[i]! += n));
  const moodCount = moods.reduce((a, b) => a + b, 0);
  const started = countedSurveys.reduce((a, s) => a + s.started!, 0);
  const completed = countedSurveys.reduce((a, s) => a + s.completed, 0);
  const closed = heard.polls.length + heard.surveys.length;
  const followedUp = heard.polls.filter((p) => p.followedUp).length + heard.surveys.filter((s) => s.followedUp).length;
  const rate = (values: number[]) => (memberCount ? average(values.map((v) => (v / memberCount) * 100)) : null);
  const round = (value: number | null) => (value === null ? null : Math.round(value));

  return {
    from,
    to,
    people: { active: active.size, new: fresh, returning: active.size - fresh, activeShare: share(active.size, memberCount) },
    listening: {
      pollsClosed: heard.polls.length,
      pollTurnout: round(rate(turnoutPolls.map((p) => p.voters))),
      surveysClosed: heard.surveys.length,
      surveyResponseRate: round(rate(countedSurveys.map((s) => s.completed))),
      surveyCompletionRate: share(completed, started),
      runs: heard.runs.length, // hidden anonymous runs count as run, adding nothing to rates or moods
      checkinResponseRate: round(rate(shownRuns.map((r) => r.answered!))),
      averageMood: moodCount ? moods.reduce((a, n, i) => a + n * (i + 1), 0) / moodCount : null,
      moods,
    },
    // Receiving kudos is taking part, so every recipient is an active member.
    recognition: { ...kudos, thankedShare: share(kudos.recipients, active.size), unthanked: Math.max(0, active.size - kudos.recipients) },
    followThrough: { closed, followedUp, share: share(followedUp, closed) },
    active,
    listened: heard,
  };
}

export interface Overview {
  /** "the last 30 days", "the week of 2 March 2026" */
  label: string;
  /** Days per period (for a month, the month's). */
  days: number;
  memberCount: number | null;
  current: PeriodNumbers;
  previous: PeriodNumbers;
  observations: string[];
  /** Weekly (daily for 7 days or fewer) points of both periods, for the dashboard. */
  points: { current: Series; previous: Series; size: number };
}

/** The first UTC midnight after `now`: periods are whole UTC days, today included. */
export const endOfToday = (now: number) => Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;

/**
 * The overview of [from, to) beside [previousFrom, from). `memberCount` is the server's member
 * count (null when unknown); `label` names the period in sentences; polls, surveys and check-ins
 * count (and are named) only from the channels `sees` includes.
 */
export function overviewBetween(db: Db, guildId: string, window: { previousFrom: number; from: number; to: number }, now: number, memberCount: number | null, label: string, sees: ChannelView = WHOLE_SERVER): Overview {
  const { previousFrom, from, to } = window;
  refreshRollup(db, guildId, now);
  const previous = periodNumbers(db, guildId, previousFrom, from, memberCount, sees, false);
  const current = periodNumbers(db, guildId, from, to, memberCount, sees);
  const days = Math.round((to - from) / DAY_MS);
  const size = days <= 7 ? DAY_MS : WEEK_MS;
  return {
    label,
    days,
    memberCount,
    current,
    previous,
    observations: observations(current, previous, now, label),
    points: { current: series(db, guildId, from, to, size, memberCount, current.listened), previous: series(db, guildId, previousFrom, from, size, memberCount, previous.listened), size },
  };
}

/** The overview of the last `period` (whole UTC days, today included) beside the same number of days before it. */
export function buildOverview(db: Db, guildId: string, period: Period, now: number, memberCount: number | null): Overview {
  const days = PERIODS[period];
  const to = endOfToday(now);
  const from = to - days * DAY_MS;
  return overviewBetween(db, guildId, { previousFrom: from - days * DAY_MS, from, to }, now, memberCount, `the last ${days} days`);
}

// What insights read from the other features, through their public interfaces only.
import type { Db } from '../db/open';
import { mergeActivity, type Activity } from '../activity';
import { activity as checkinActivity, answerTimes, runSummaries, type RunSummary } from '../checkins';
import { activity as kudosActivity, kudosSummary, kudosTimes, type KudosSummary } from '../kudos';
import { isMemberId } from '../member-data';
import { WHOLE_SERVER, type ChannelView } from '../visibility';
import { activity as pollActivity, ANONYMOUS_MIN_VOTERS, closedPolls, followedUpPolls, voteTimes, type ClosedPoll } from '../polls';
import { activity as surveyActivity, closedSurveys, followedUpSurveys, responseTimes, type ClosedSurvey } from '../surveys';

export type { ClosedPoll, ClosedSurvey, KudosSummary, RunSummary };

/** Who took part in [from, to), across every feature. */
export function everyActivity(db: Db, guildId: string, from: number, to: number): Activity {
  return mergeActivity(pollActivity(db, guildId, from, to), surveyActivity(db, guildId, from, to), checkinActivity(db, guildId, from, to), kudosActivity(db, guildId, from, to));
}

/**
 * Each time a named member took part in [from, to), as [member, moment]: the same taking part as
 * `everyActivity` names, read as raw rows (counting distinct members per window or week in memory
 * is far cheaper than grouping by member and day in SQL over months of kudos).
 */
export function memberMoments(db: Db, guildId: string, from: number, to: number, visit: (memberId: string, at: number) => void): void {
  for (const [member, at] of voteTimes(db, guildId, from, to)) visit(member, at);
  for (const [member, at] of responseTimes(db, guildId, from, to)) visit(member, at);
  for (const [member, at] of answerTimes(db, guildId, from, to)) visit(member, at);
  for (const [giver, recipient, at] of kudosTimes(db, guildId, from, to)) {
    if (isMemberId(giver)) visit(giver, at);
    if (isMemberId(recipient)) visit(recipient, at);
  }
}

/**
 * The same rows with the way each member took part (1 gave kudos, 2 received kudos, 4 voted or
 * answered, as the rollup stores them), and each standing kudos' moment for the day totals.
 */
export function memberMomentsByKind(db: Db, guildId: string, from: number, to: number, visit: (memberId: string, at: number, kind: number) => void, kudosGiven: (at: number) => void): void {
  for (const [member, at] of voteTimes(db, guildId, from, to)) visit(member, at, 4);
  for (const [member, at] of responseTimes(db, guildId, from, to)) visit(member, at, 4);
  for (const [member, at] of answerTimes(db, guildId, from, to)) visit(member, at, 4);
  for (const [giver, recipient, at] of kudosTimes(db, guildId, from, to)) {
    kudosGiven(at);
    if (isMemberId(giver)) visit(giver, at, 1);
    if (isMemberId(recipient)) visit(recipient, at, 2);
  }
}

/** Named members who took part in [from, to), as a set. */
export function activeMembers(db: Db, guildId: string, from: number, to: number): Set<string> {
  const members = new Set<string>();
  memberMoments(db, guildId, from, to, (member) => members.add(member));
  return members;
}

export interface Listening {
  polls: (ClosedPoll & { followedUp: boolean })[];
  surveys: (ClosedSurvey & { followedUp: boolean })[];
  runs: RunSummary[];
}

/**
 * The polls and surveys closed in [from, to) (with whether each got a follow-up) and the check-in
 * runs scheduled in it, of the channels `sees` includes: a digest posted in a channel counts only
 * what everyone there can see (leaders reading privately see the whole server).
 */
export function listening(db: Db, guildId: string, from: number, to: number, sees: ChannelView = WHOLE_SERVER): Listening {
  const polls = closedPolls(db, guildId, from, to).filter((p) => sees.canView(p.channelId));
  const surveys = closedSurveys(db, guildId, from, to).filter((s) => sees.canView(s.channelId));
  const pollsFollowed = followedUpPolls(db, guildId, polls.map((p) => p.pollId));
  const surveysFollowed = followedUpSurveys(db, guildId, surveys.map((s) => s.surveyId));
  return {
    polls: polls.map((p) => ({ ...p, followedUp: pollsFollowed.has(p.pollId) })),
    surveys: surveys.map((s) => ({ ...s, followedUp: surveysFollowed.has(s.surveyId) })),
    runs: runSummaries(db, guildId, from, to).filter((r) => sees.canView(r.channelId)),
  };
}

/** Whether a closed poll's counts may show in insights: named, or anonymous with enough voters. */
export const pollCounts = (poll: ClosedPoll) => !poll.anonymous || poll.voters >= ANONYMOUS_MIN_VOTERS;

export function kudosIn(db: Db, guildId: string, from: number, to: number): KudosSummary {
  return kudosSummary(db, guildId, from, to, 3);
}

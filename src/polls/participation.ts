// What polls tell other features about taking part: per-member activity and closed-poll summaries.
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { anonymousCount, heldInWindow, memberDays, tagged, type Activity } from '../activity';
import { polls, pollVotes } from './schema';

/**
 * Votes stored in [from, to) in one server's polls that were open then: the polls by index, then
 * their votes by poll, so the server's vote history is never read.
 */
const votesOfWindow = (guildId: string, from: number, to: number, anonymous: boolean) =>
  heldInWindow(polls, { parentId: pollVotes.pollId, at: pollVotes.votedAt }, guildId, from, to, anonymous);

/**
 * Who voted in this server's polls in [from, to) (UTC epoch ms).
 * - Named polls: each voter, per UTC day on which a vote of theirs is stored. Rows hold members'
 *   current votes, so a moved vote counts on the day it was moved to.
 * - Anonymous polls: one count of ballots (a poll and one hashed voter) with a vote in the window.
 *   Their votes keep only their day, so they count when that day's midnight lies in the window.
 *   (A poll's message already shows how many voted, live, so the count gives nothing away.)
 */
export function activity(db: Db | Tx, guildId: string, from: number, to: number): Activity {
  const named = memberDays(db, polls, pollVotes, pollVotes.voter, pollVotes.votedAt, votesOfWindow(guildId, from, to, false));
  const ballots = db
    .select({ pollId: pollVotes.pollId })
    .from(polls)
    .crossJoin(pollVotes)
    .where(votesOfWindow(guildId, from, to, true))
    .groupBy(pollVotes.pollId, pollVotes.voter)
    .as('ballots');
  const { count } = db.select({ count: sql<number>`count(*)` }).from(ballots).get()!;
  return { members: tagged('poll-vote', named), anonymous: anonymousCount('poll-vote', count) };
}

export interface ClosedPoll {
  pollId: number;
  question: string;
  /** Where it was posted: insights name it only to readers who can view that channel. */
  channelId: string;
  anonymous: boolean;
  /** Only members with this role could vote (turnout is then out of that role's members). */
  roleId: string | null;
  closedAt: number;
  /** Members who voted: the turnout's numerator. Kept as history, also after a voter is forgotten. */
  voters: number;
}

/** This server's polls that closed in [from, to), oldest close first. */
export function closedPolls(db: Db | Tx, guildId: string, from: number, to: number): ClosedPoll[] {
  return db
    .select({ pollId: polls.id, question: polls.question, channelId: polls.channelId, anonymous: polls.anonymous, roleId: polls.roleId, closedAt: sql<number>`${polls.closedAt}`, voters: polls.voters })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'closed'), gte(polls.closedAt, from), lt(polls.closedAt, to)))
    .orderBy(asc(polls.closedAt), asc(polls.id))
    .all();
}

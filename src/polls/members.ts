// A member's own poll data: what an export shows, and what forgetting them removes.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { anonymousKey } from '../anonymity';
import { isoTime, type FollowUp, type ForgetOutcome } from '../member-data';
import { pollChoices, polls, pollVotes } from './schema';
import { choicesOf, countVoter, removeVotes, unlinkVotes } from './store';

export const ANONYMOUS_VOTES_LEFT_OUT =
  'Votes in anonymous polls are filed under a keyed hash of your id, not your id, and the key is deleted when the poll closes: ' +
  'they cannot be linked to you, so they are not part of this export.';

export interface PollMemberData {
  pollsCreated: { pollId: number; question: string; choices: string[]; anonymous: boolean; status: 'open' | 'closed'; createdAt: string; closedAt: string | null; channelId: string }[];
  /** Votes in named (non-anonymous) polls, oldest first. */
  votes: { pollId: number; question: string; choice: string; votedAt: string }[];
  anonymousVotes: string;
}

/** Everything polls store about a member in a server: the polls they created, their named votes. */
export function memberData(db: Db, guildId: string, memberId: string): PollMemberData {
  const created = db
    .select()
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.creatorId, memberId)))
    .orderBy(asc(polls.id))
    .all();
  const votes = db
    .select({ pollId: polls.id, question: polls.question, choice: pollChoices.label, votedAt: pollVotes.votedAt })
    .from(polls)
    .innerJoin(pollVotes, and(eq(pollVotes.pollId, polls.id), eq(pollVotes.voter, memberId)))
    .innerJoin(pollChoices, and(eq(pollChoices.pollId, polls.id), eq(pollChoices.position, pollVotes.choice)))
    .where(and(eq(polls.guildId, guildId), eq(polls.anonymous, false)))
    .orderBy(asc(pollVotes.votedAt), asc(polls.id), asc(pollVotes.choice))
    .all();
  return {
    pollsCreated: created.map((p) => ({
      pollId: p.id,
      question: p.question,
      choices: choicesOf(db, p.id),
      anonymous: p.anonymous,
      status: p.status,
      createdAt: isoTime(p.createdAt),
      closedAt: isoTime(p.closedAt),
      channelId: p.channelId,
    })),
    votes: votes.map((v) => ({ ...v, votedAt: isoTime(v.votedAt) })),
    anonymousVotes: ANONYMOUS_VOTES_LEFT_OUT,
  };
}

/**
 * Removes a member's votes in this server, inside the caller's write transaction.
 * - Open named polls: their votes go and the kept counts (`poll_choices.votes`, `polls.voters`) go
 *   down with them; the poll's message must then be refreshed (a follow-up).
 * - Open anonymous polls: the member's votes (found by computing their key with the poll's secret)
 *   are unlinked, not removed: they move to a key that stands for nobody and stay counted, since a
 *   count going down would show everyone what the member had chosen. Nothing reports them.
 * - Closed polls: named votes go, the totals stay as the poll's history (and its final message
 *   does not change). Anonymous votes of a closed poll cannot be found any more: their key is gone.
 * - Kept: the polls the member created, with everyone's votes on them (`kept.pollsCreated`).
 */
export function forgetMember(tx: Tx, guildId: string, memberId: string): ForgetOutcome {
  const removed = { votes: 0 };
  const followUps: FollowUp[] = [];
  const open = tx
    .select({ id: polls.id, anonymous: polls.anonymous, voterSecret: polls.voterSecret })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'open')))
    .all();
  for (const poll of open) {
    if (poll.anonymous) {
      if (poll.voterSecret) unlinkVotes(tx, poll.id, anonymousKey(poll.voterSecret, memberId));
      continue;
    }
    const n = removeVotes(tx, poll.id, memberId);
    if (n === 0) continue;
    countVoter(tx, poll.id, -1);
    removed.votes += n;
    followUps.push({ kind: 'refresh-poll', guildId, pollId: poll.id });
  }
  const closedNamed = tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'closed'), eq(polls.anonymous, false)));
  removed.votes += tx.delete(pollVotes).where(and(inArray(pollVotes.pollId, closedNamed), eq(pollVotes.voter, memberId))).run().changes;
  const { n: pollsCreated } = tx
    .select({ n: count() })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.creatorId, memberId)))
    .get()!;
  return { removed, kept: { pollsCreated }, followUps };
}


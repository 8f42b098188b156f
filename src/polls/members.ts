// A member's own poll data: what an export shows, and what forgetting them removes.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { anonymousKey, forgottenKey } from '../anonymity';
import { isoTime, limitKey, NO_MEMBER, type FollowUp, type ForgetOutcome } from '../member-data';
import { pollChoices, polls, pollVotes } from './schema';
import { choicesOf, countVoter, unlinkVotes } from './store';

export const ANONYMOUS_VOTES_LEFT_OUT =
  'Votes in anonymous polls are filed under a keyed hash of your id, not your id, and the key is deleted when the poll closes: ' +
  'they cannot be linked to you, so they are not part of this export.';

/**
 * The outbox effect that shows an open poll's current counts on its message at once, for a
 * `refresh-poll` follow-up (payload `{ pollId }`); its handler is in messages.ts.
 */
export const POLL_REFRESH = 'poll.refresh';

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
 * - Kept: the polls the member created, with everyone's votes on them (`kept.pollsCreated`), no
 *   longer linked to them: their creator becomes no one (only leaders can close them then).
 */
export function forgetMember(tx: Tx, guildId: string, memberId: string, _now: number): ForgetOutcome {
  const removed = { votes: 0 };
  const followUps: FollowUp[] = [];
  const open = tx
    .select({ id: polls.id, anonymous: polls.anonymous, voterSecret: polls.voterSecret })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'open')))
    .all();
  // Open named polls: the member's votes go (one statement a few hundred polls at a time), and each
  // vote takes one off its choice's count.
  const named = open.filter((p) => !p.anonymous).map((p) => p.id);
  const gone: { pollId: number; choice: number }[] = [];
  for (let i = 0; i < named.length; i += 500) {
    gone.push(...tx.delete(pollVotes).where(and(inArray(pollVotes.pollId, named.slice(i, i + 500)), eq(pollVotes.voter, memberId))).returning({ pollId: pollVotes.pollId, choice: pollVotes.choice }).all());
  }
  const choicesByPoll = new Map<number, number[]>();
  for (const { pollId, choice } of gone) choicesByPoll.set(pollId, [...(choicesByPoll.get(pollId) ?? []), choice]);
  for (const [pollId, choices] of choicesByPoll) {
    tx.update(pollChoices).set({ votes: sql`${pollChoices.votes} - 1` }).where(and(eq(pollChoices.pollId, pollId), inArray(pollChoices.position, choices))).run();
    countVoter(tx, pollId, -1);
    removed.votes += choices.length;
    followUps.push({ kind: 'refresh-poll', guildId, pollId });
  }
  // Open anonymous polls: unlinked, still counted, and not reported (see above).
  for (const poll of open) {
    if (poll.anonymous && poll.voterSecret) unlinkVotes(tx, poll.id, anonymousKey(poll.voterSecret, memberId), forgottenKey(poll.voterSecret, memberId));
  }
  const closedNamed = tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.guildId, guildId), eq(polls.status, 'closed'), eq(polls.anonymous, false)));
  removed.votes += tx.delete(pollVotes).where(and(inArray(pollVotes.pollId, closedNamed), eq(pollVotes.voter, memberId))).run().changes;
  // Their open polls still count toward their limit of open polls until each closes (see limitKey).
  const created = and(eq(polls.guildId, guildId), eq(polls.creatorId, memberId));
  const pollsCreated =
    tx.update(polls).set({ creatorId: limitKey(guildId, memberId) }).where(and(created, eq(polls.status, 'open'))).run().changes +
    tx.update(polls).set({ creatorId: NO_MEMBER }).where(created).run().changes;
  return { removed, kept: { pollsCreated }, followUps };
}


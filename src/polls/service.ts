import { randomBytes } from 'node:crypto';
import { ALREADY_COUNTED, anonymousKey, anonymousTime, forgottenKey } from '../anonymity';
import { UserError } from '../user-error';
import { forgetDeletedData, type Db } from '../db/open';
import { pendingWritten, savedWriteTx, writeTx, type Tx } from '../db/write-tx';
import { parseDuration } from '../durations';
import {
  addVote,
  allVotes,
  choicesOf,
  findPollAndChoices,
  countVoter,
  deletePoll,
  deleteUnpostedPolls,
  findPoll,
  insertPoll,
  listPolls,
  pollById,
  searchPolls,
  setPollMessage,
  pollChannels,
  removeVotes,
  tally,
  votersByChoice,
  votesOf,
  type Poll,
} from './store';
import { plural, timestamp, truncate } from '../format';
import { closeAndQueueFinalResults } from './closing';
import { assertRoomForPoll, type OpenPollLimits } from './limits';
import { viewableChannels, type ChannelView } from '../visibility';

export type { Poll };
export { closeDuePolls, finalResultsKey, nextPollClose, POLL_FINAL_RESULTS } from './closing';

/** An anonymous poll shows counts only from this many voters on: fewer would give voters away. */
export const ANONYMOUS_MIN_VOTERS = 3;

/** Whether counts may be shown at all: hidden results wait for the close; anonymous ones for enough voters. */
export function countsVisible(summary: { poll: Poll; voters: number }, now: number): boolean {
  if (summary.poll.hideResults && isOpen(summary.poll, now)) return false;
  return !summary.poll.anonymous || summary.voters >= ANONYMOUS_MIN_VOTERS;
}

export const POLL_LIMITS = {
  questionLength: 300,
  choiceLength: 80,
  minChoices: 2,
  maxChoices: 20,
  minDurationMs: 60_000,
  maxDurationMs: 60 * 86_400_000,
} as const;

export interface PollRequest {
  question: string;
  /** As typed: choices separated by `|`. */
  choices: string;
  multi: boolean;
  maxChoices: number | null;
  anonymous: boolean;
  hideResults: boolean;
  /** As typed, e.g. `1d12h`; null for no closing time. */
  closesIn: string | null;
  roleId: string | null;
}

export interface ValidPoll {
  question: string;
  choices: string[];
  multi: boolean;
  maxChoices: number | null;
  anonymous: boolean;
  hideResults: boolean;
  durationMs: number | null;
  roleId: string | null;
}

/** Checks everything a leader typed; every problem is reported at once, with how to fix it. */
export function validatePoll(request: PollRequest): ValidPoll {
  const problems: string[] = [];
  const question = request.question.trim();
  if (!question) problems.push('The question is empty. Write the question members will answer.');
  if (question.length > POLL_LIMITS.questionLength) {
    problems.push(`The question is ${question.length} characters; the most is ${POLL_LIMITS.questionLength}. Shorten it.`);
  }

  const choices = request.choices.split('|').map((c) => c.trim());
  const nonEmpty = choices.filter(Boolean);
  if (choices.length !== nonEmpty.length && nonEmpty.length >= POLL_LIMITS.minChoices) {
    problems.push('One of the choices is empty. Separate choices with a single | and put text in each, e.g. `Yes | No | Maybe`.');
  }
  if (nonEmpty.length < POLL_LIMITS.minChoices) {
    problems.push(`A poll needs at least ${POLL_LIMITS.minChoices} choices, separated by |, e.g. \`Yes | No | Maybe\`.`);
  }
  if (nonEmpty.length > POLL_LIMITS.maxChoices) {
    problems.push(`A poll can have at most ${POLL_LIMITS.maxChoices} choices; this one has ${nonEmpty.length}.`);
  }
  const tooLong = nonEmpty.filter((c) => c.length > POLL_LIMITS.choiceLength);
  if (tooLong.length) {
    problems.push(`Each choice can be at most ${POLL_LIMITS.choiceLength} characters; shorten "${truncate(tooLong[0]!, 31)}".`);
  }
  const seen = new Map<string, string>();
  for (const choice of nonEmpty) {
    const key = choice.toLocaleLowerCase();
    if (seen.has(key)) {
      problems.push(`"${choice}" is listed twice. Each choice must be different.`);
      break;
    }
    seen.set(key, choice);
  }

  if (request.maxChoices !== null) {
    if (!request.multi) {
      problems.push('`max-choices` only applies when `multi` is on. Turn on multi, or leave max-choices out.');
    } else if (request.maxChoices < 1 || request.maxChoices > Math.max(nonEmpty.length, 1)) {
      problems.push(`\`max-choices\` must be between 1 and the number of choices (${nonEmpty.length}).`);
    }
  }

  let durationMs: number | null = null;
  if (request.closesIn !== null) {
    const parsed = parseDuration(request.closesIn, { minMs: POLL_LIMITS.minDurationMs, maxMs: POLL_LIMITS.maxDurationMs });
    if (parsed.ok) durationMs = parsed.ms;
    else problems.push(`\`closes-in\`: ${parsed.problem} A poll can stay open from 1 minute to 60 days.`);
  }

  if (problems.length) throw new UserError(`The poll was not created:\n- ${problems.join('\n- ')}`);
  return {
    question,
    choices: nonEmpty,
    multi: request.multi,
    maxChoices: request.multi ? (request.maxChoices ?? null) : null,
    anonymous: request.anonymous,
    hideResults: request.hideResults,
    durationMs,
    roleId: request.roleId,
  };
}

/** Stores a validated poll, open from `now`, within `limits` when given (a refusal stores nothing); the caller then posts its message. */
export function createPoll(db: Db, place: { guildId: string; channelId: string; creatorId: string }, poll: ValidPoll, now: number, limits?: OpenPollLimits): Poll {
  const id = insertPoll(
    db,
    {
      ...place,
      question: poll.question,
      multi: poll.multi,
      maxChoices: poll.maxChoices,
      anonymous: poll.anonymous,
      hideResults: poll.hideResults,
      roleId: poll.roleId,
      status: 'open',
      createdAt: now,
      closesAt: poll.durationMs === null ? null : now + poll.durationMs,
      voterSecret: poll.anonymous ? randomBytes(32).toString('hex') : null,
    },
    poll.choices,
    (tx) => limits && assertRoomForPoll(tx, place.guildId, place.creatorId, limits, now),
  );
  return findPoll(db, place.guildId, id)!;
}

/** For background work that already holds a poll's id from this server. */
export function findPollById(db: Db, pollId: number): Poll | undefined {
  return pollById(db, pollId);
}

/** A posted poll of this server in a channel the member can view; any other id is refused alike. */
export function requirePoll(db: Db, guildId: string, pollId: number, sees: ChannelView): Poll {
  const poll = findPoll(db, guildId, pollId);
  if (!poll || poll.messageId === null || !sees.canView(poll.channelId)) {
    throw new UserError(`There is no poll #${pollId} in this server. Pick one from the list as you type, or see \`/poll list\`.`);
  }
  return poll;
}

/** Open means not closed *and* not past its closing time, even if the closing run is still to come. */
export function isOpen(poll: Poll, now: number): boolean {
  return poll.status === 'open' && (poll.closesAt === null || poll.closesAt > now);
}

function assertOpen(poll: Poll, now: number): void {
  if (!isOpen(poll, now)) {
    const when = poll.closedAt ?? poll.closesAt ?? now;
    throw new UserError(`This poll closed ${timestamp(when)}, so votes are no longer counted. See the results on the poll message.`);
  }
}

/** What a member's votes are filed under: their id, or in an anonymous poll a key only the open poll can compute. */
function voterKey(poll: Poll, memberId: string): string {
  if (!poll.anonymous) return memberId;
  if (!poll.voterSecret) throw new UserError('This anonymous poll is closed: Hearth no longer knows which vote was yours.');
  return anonymousKey(poll.voterSecret, memberId);
}

const voteTime = (poll: Poll, now: number) => (poll.anonymous ? anonymousTime(now) : now);

export interface Voter {
  guildId: string;
  memberId: string;
  roleIds: readonly string[];
  /** A poll in a channel the member cannot view does not exist for them. */
  sees: ChannelView;
}

/** The voter's poll, refused alike when it is gone, from another server or in a channel they cannot view. */
function pollFor(db: Db | Tx, voter: Voter, pollId: number): Poll {
  const poll = findPoll(db, voter.guildId, pollId);
  if (!poll || !voter.sees.canView(poll.channelId)) throw new UserError(POLL_GONE);
  return poll;
}

/** As pollFor, with the labels of the poll's choices (what a vote and My vote show), in one read. */
function pollAndChoicesFor(db: Db | Tx, voter: Voter, pollId: number): { poll: Poll; choices: string[] } {
  const found = findPollAndChoices(db, voter.guildId, pollId);
  if (!found || !voter.sees.canView(found.poll.channelId)) throw new UserError(POLL_GONE);
  return found;
}

const POLL_GONE = 'This poll no longer exists.';

export interface VoteOutcome {
  poll: Poll;
  choices: string[];
  /** The member's choices after the vote, by position. */
  mine: number[];
  change: 'added' | 'moved' | 'removed' | 'unchanged';
}

/**
 * Records a click on a choice, in one short transaction. Single choice: picks it (moving an
 * earlier vote). Multi: toggles it, within the poll's maximum.
 */
export function recordVote(db: Db, voter: Voter, pollId: number, choice: number, now: number): VoteOutcome {
  return writeTx(db, (tx) => vote(tx, voter, pollId, choice, now));
}

/** As recordVote, in the group commit of this turn (a rush of votes): resolves once the vote is stored. */
export function recordVoteGrouped(db: Db, voter: Voter, pollId: number, choice: number, now: number): Promise<VoteOutcome> {
  return savedWriteTx(db, (tx) => vote(tx, voter, pollId, choice, now));
}

function vote(tx: Tx, voter: Voter, pollId: number, choice: number, now: number): VoteOutcome {
  const { poll, choices } = pollAndChoicesFor(tx, voter, pollId);
  assertOpen(poll, now);
  if (poll.roleId && !voter.roleIds.includes(poll.roleId)) {
    throw new UserError(`Only members with the <@&${poll.roleId}> role can vote in this poll. Ask a leader if you think you should have it.`);
  }
  if (!Number.isInteger(choice) || choice < 0 || choice >= choices.length) throw new UserError('That choice is not part of this poll.');

  const key = voterKey(poll, voter.memberId);
  if (poll.anonymous && votesOf(tx, pollId, forgottenKey(poll.voterSecret!, voter.memberId)).length) throw new UserError(ALREADY_COUNTED);
  const before = votesOf(tx, pollId, key);
  // The member's choices after the change follow from those before it (kept in choice order,
  // as they are read), so a vote does not read them back.
  let change: VoteOutcome['change'];
  let mine: number[];
  if (!poll.multi) {
    mine = [choice];
    if (before.length === 1 && before[0] === choice) {
      change = 'unchanged';
    } else {
      if (before.length) removeVotes(tx, pollId, key);
      addVote(tx, pollId, key, choice, voteTime(poll, now));
      change = before.length ? 'moved' : 'added';
    }
  } else if (before.includes(choice)) {
    removeVotes(tx, pollId, key, choice);
    mine = before.filter((c) => c !== choice);
    change = 'removed';
  } else {
    const max = poll.maxChoices ?? choices.length;
    if (before.length >= max) {
      throw new UserError(
        `You can pick at most ${plural(max, 'choice')} in this poll, and you have: ${before.map((c) => `**${choices[c]}**`).join(', ')}. Click one of them to remove it first.`,
      );
    }
    addVote(tx, pollId, key, choice, voteTime(poll, now));
    mine = [...before, choice].sort((a, b) => a - b);
    change = 'added';
  }
  if (before.length === 0 && mine.length > 0) countVoter(tx, pollId, 1);
  if (before.length > 0 && mine.length === 0) countVoter(tx, pollId, -1);
  return { poll, choices, mine, change };
}

export function retractVote(db: Db, voter: Voter, pollId: number, now: number): { poll: Poll; removed: number } {
  return writeTx(db, (tx) => {
    const poll = pollFor(tx, voter, pollId);
    assertOpen(poll, now);
    const removed = removeVotes(tx, pollId, voterKey(poll, voter.memberId));
    if (removed > 0) countVoter(tx, pollId, -1);
    return { poll, removed };
  });
}

/** My vote from a button: after the votes of this turn are committed, so it never shows one that was not stored. */
export async function myVoteSaved(db: Db, voter: Voter, pollId: number): Promise<{ poll: Poll; choices: string[]; mine: number[] }> {
  await pendingWritten(db);
  return myVote(db, voter, pollId);
}

export function myVote(db: Db, voter: Voter, pollId: number): { poll: Poll; choices: string[]; mine: number[] } {
  const { poll, choices } = pollAndChoicesFor(db, voter, pollId);
  return { poll, choices, mine: votesOf(db, pollId, voterKey(poll, voter.memberId)) };
}

export interface PollResults {
  poll: Poll;
  choices: { position: number; label: string; count: number }[];
  /** Members who voted. */
  voters: number;
  /** Votes cast (more than voters in a multi-choice poll). */
  votes: number;
  /** Positions with the most votes; more than one is a tie; none when nobody voted. */
  winners: number[];
}

export function results(db: Db, poll: Poll): PollResults {
  const { counts, voters } = tally(db, poll.id);
  const choices = choicesOf(db, poll.id).map((label, position) => ({ position, label, count: counts.get(position) ?? 0 }));
  const top = Math.max(0, ...choices.map((c) => c.count));
  return {
    poll,
    choices,
    voters,
    votes: choices.reduce((sum, c) => sum + c.count, 0),
    winners: top > 0 ? choices.filter((c) => c.count === top).map((c) => c.position) : [],
  };
}

/** Closes a poll by command: its creator or a leader only. */
export function closePoll(db: Db, actor: { guildId: string; memberId: string; isLeader: boolean; sees: ChannelView }, pollId: number, now: number): PollResults {
  const poll = requirePoll(db, actor.guildId, pollId, actor.sees);
  // Without naming the creator: poll messages never do, so a refusal must not either.
  if (poll.creatorId !== actor.memberId && !actor.isLeader) throw new UserError(`Only the member who created poll #${poll.id} or a leader can close it.`);
  if (!closeAndQueueFinalResults(db, poll, now)) throw new UserError(`Poll #${poll.id} is already closed.`);
  if (poll.anonymous) forgetDeletedData(db);
  return results(db, findPoll(db, actor.guildId, poll.id)!);
}

/** What `/poll results` may show now: hidden results stay hidden until the poll closes, for everyone. */
export function visibleResults(db: Db, guildId: string, pollId: number, sees: ChannelView, now: number): PollResults {
  const poll = requirePoll(db, guildId, pollId, sees);
  if (poll.hideResults && isOpen(poll, now)) {
    const closing = poll.closesAt ? ` It closes ${timestamp(poll.closesAt)}.` : '';
    throw new UserError(`The results of poll #${poll.id} are hidden until it closes, for everyone, leaders included.${closing}`);
  }
  const summary = results(db, poll);
  if (!countsVisible(summary, now)) {
    throw new UserError(
      `Poll #${poll.id} is anonymous and fewer than ${ANONYMOUS_MIN_VOTERS} members voted: ` +
        `its results show only once at least ${ANONYMOUS_MIN_VOTERS} have, so that no one's vote can be worked out.`,
    );
  }
  return summary;
}

/** Some of the members behind each choice, for non-anonymous polls only (none for anonymous ones). */
export function sampleVoters(db: Db, poll: Poll, perChoice: number): { memberId: string; choice: number }[] {
  if (poll.anonymous) return [];
  return votersByChoice(db, poll.id, perChoice).map((v) => ({ memberId: v.voter, choice: v.choice }));
}

/** Who voted what, for non-anonymous polls only. */
export function namedVotes(db: Db, poll: Poll): { memberId: string; choice: number; votedAt: number }[] {
  if (poll.anonymous) return [];
  return allVotes(db, poll.id).map((v) => ({ memberId: v.voter, choice: v.choice, votedAt: v.votedAt }));
}


/**
 * The export a leader downloads: the choices with their counts, then (non-anonymous polls only)
 * one row per vote with the member id. Hidden results are not exported before the poll closes.
 */
export function exportPoll(db: Db, guildId: string, pollId: number, sees: ChannelView, now: number): { filename: string; rows: (string | number | null)[][] } {
  const summary = visibleResults(db, guildId, pollId, sees, now);
  const { poll } = summary;
  const rows: (string | number | null)[][] = [
    ['poll', 'question', 'status', 'anonymous', 'voters', 'created_at', 'closed_at'],
    [poll.id, poll.question, isOpen(poll, now) ? 'open' : 'closed', poll.anonymous ? 'yes' : 'no', summary.voters, iso(poll.createdAt), poll.closedAt ? iso(poll.closedAt) : null],
    [],
    ['choice', 'label', 'votes', 'percent_of_voters'],
    ...summary.choices.map((c) => [c.position + 1, c.label, c.count, summary.voters ? round1((c.count / summary.voters) * 100) : 0]),
  ];
  if (!poll.anonymous) {
    rows.push([], ['member_id', 'choice', 'label', 'voted_at']);
    for (const vote of namedVotes(db, poll)) rows.push([vote.memberId, vote.choice + 1, summary.choices[vote.choice]?.label ?? '', iso(vote.votedAt)]);
  }
  return { filename: `poll-${poll.id}.csv`, rows };
}

const iso = (ms: number) => new Date(ms).toISOString();
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The message is posted: the poll is live. */
export function attachPollMessage(db: Db, poll: Poll, messageId: string): void {
  setPollMessage(db, poll.guildId, poll.id, messageId);
}

/** Posting failed: the poll never existed for anyone. */
export function discardPoll(db: Db, poll: Poll): void {
  deletePoll(db, poll.guildId, poll.id);
}

/**
 * A poll is stored, then posted, then linked to its message. If Hearth stopped between the first
 * and the last step, nobody can vote on it: at start such polls (older than the start) are removed.
 */
export function discardUnpostedPolls(db: Db, startedAt: number): number {
  return deleteUnpostedPolls(db, startedAt);
}

/** The server's polls the member can see (a leader: all of them), newest first. */
export function pollsForList(db: Db, guildId: string, status: 'open' | 'closed' | 'all', sees: ChannelView, limit = 20) {
  const list = listPolls(db, guildId, status, viewableChannels(sees, pollChannels(db, guildId)), limit);
  return { total: list.total, polls: list.polls.map((poll) => ({ ...poll, voters: tally(db, poll.id).voters })) };
}

export function pollSuggestions(db: Db, guildId: string, typed: string, which: 'open' | 'any', sees: ChannelView): { name: string; value: number }[] {
  return searchPolls(db, guildId, typed, which, viewableChannels(sees, pollChannels(db, guildId))).map((poll) => {
    const suffix = ` (${poll.status})`;
    const prefix = `#${poll.id} · `;
    const room = 100 - prefix.length - suffix.length;
    const question = truncate(poll.question, room);
    return { name: `${prefix}${question}${suffix}`, value: poll.id };
  });
}

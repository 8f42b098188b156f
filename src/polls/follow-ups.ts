// "You said, we did" for polls: a leader's follow-up to a closed poll, stored, then posted (and on
// later runs edited) through the outbox; once posted, the poll's own message links to it.
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { queueEffect } from '../outbox/queue';
import { UserError } from '../user-error';
import type { ChannelView } from '../visibility';
import { POLL_FINAL_RESULTS } from './closing';
import { findFollowUp, setFollowUpMessage, upsertFollowUp, type PollFollowUp } from './follow-up-store';
import { requirePoll, type Poll } from './service';

/** The outbox effect that posts or edits a poll's follow-up (payload `{ pollId }`); its handler is in messages.ts. */
export const POLL_FOLLOW_UP = 'poll.follow-up';
/** One effect per run of the command: each revision is delivered once. */
export const followUpKey = (pollId: number, revision: number) => `${POLL_FOLLOW_UP}:${pollId}:${revision}`;
/** What every revision's post shares, so that Discord sees one post however many deliveries try it. */
export const followUpPostKey = (pollId: number) => `${POLL_FOLLOW_UP}:${pollId}`;
/** The poll's message shown again with the follow-up's link, once. */
export const followUpLinkKey = (pollId: number) => `${POLL_FINAL_RESULTS}:${pollId}:follow-up`;

/** A closed poll of this server, for its follow-up; an open one is refused with what to do first. */
function requireClosedPoll(db: Db, guildId: string, pollId: number, sees: ChannelView): Poll {
  const poll = requirePoll(db, guildId, pollId, sees);
  if (poll.status !== 'closed') {
    throw new UserError(`Poll #${poll.id} is still open: close it first with \`/poll close\`, then post its follow-up, so that it quotes the final result.`);
  }
  return poll;
}

/** Checks that the poll can take a follow-up, before anything is stored. */
export function pollForFollowUp(db: Db, guildId: string, pollId: number, sees: ChannelView): Poll {
  return requireClosedPoll(db, guildId, pollId, sees);
}

/** Stores the follow-up's text (a new revision on every run) and queues its post or edit, in one transaction. */
export function savePollFollowUp(db: Db, guildId: string, pollId: number, sees: ChannelView, message: string, now: number): { poll: Poll; revision: number; key: string } {
  return writeTx(db, (tx) => {
    const poll = requireClosedPoll(db, guildId, pollId, sees);
    const revision = upsertFollowUp(tx, guildId, poll.id, message, now);
    const key = followUpKey(poll.id, revision);
    queueEffect(tx, { key, guildId, kind: POLL_FOLLOW_UP, payload: { pollId: poll.id } }, now);
    return { poll, revision, key };
  });
}

/** Records the posted follow-up and, the first time, queues the poll's message gaining its link. */
export function recordPollFollowUpPosted(db: Db, guildId: string, pollId: number, messageId: string, now: number): void {
  writeTx(db, (tx) => {
    if (!setFollowUpMessage(tx, guildId, pollId, messageId)) return;
    queueEffect(tx, { key: followUpLinkKey(pollId), guildId, kind: POLL_FINAL_RESULTS, payload: { pollId } }, now);
  });
}

export function pollFollowUp(db: Db, guildId: string, pollId: number): PollFollowUp | undefined {
  return findFollowUp(db, guildId, pollId);
}

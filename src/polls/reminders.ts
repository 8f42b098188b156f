// "Remind me" on a poll with a closing time: one direct message an hour before it closes (at once
// when less remains), unless the member has voted by then. The reminder is the outbox row itself.
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { cancelEffect, directMessagePayload, queueOrRequeueEffect } from '../outbox/queue';
import { anonymousKey } from '../anonymity';
import { UserError } from '../user-error';
import { timestamp } from '../format';
import type { ChannelView } from '../visibility';
import { isOpen, requirePoll, type Poll } from './service';
import { pollById, votesOf } from './store';

export const POLL_REMINDER = 'poll.reminder';
export const REMIND_BEFORE_CLOSE_MS = 60 * 60_000;

const reminderKey = (pollId: number, memberId: string) => `${POLL_REMINDER}:${pollId}:${memberId}`;

export interface ReminderRequest {
  guildId: string;
  memberId: string;
  roleIds: readonly string[];
  sees: ChannelView;
}

/** Sets the member's reminder; says when it will come, or that one is already set or was sent. */
export function requestReminder(db: Db, member: ReminderRequest, pollId: number, now: number): { poll: Poll; at: number; state: 'queued' | 'pending' | 'delivered' } {
  const poll = requirePoll(db, member.guildId, pollId, member.sees);
  if (poll.closesAt === null) {
    throw new UserError(`Poll #${poll.id} has no closing time, so there is no deadline to remind you of. Vote whenever you like: it stays open until someone closes it.`);
  }
  if (!isOpen(poll, now)) throw new UserError(`Poll #${poll.id} closed ${timestamp(poll.closedAt ?? poll.closesAt)}, so there is nothing left to remind you of.`);
  if (poll.roleId && !member.roleIds.includes(poll.roleId)) {
    throw new UserError(`Only members with the <@&${poll.roleId}> role can vote in poll #${poll.id}, so Hearth will not remind you of it.`);
  }
  const at = Math.max(now, poll.closesAt - REMIND_BEFORE_CLOSE_MS);
  const state = writeTx(db, (tx) =>
    queueOrRequeueEffect(tx, { key: reminderKey(poll.id, member.memberId), guildId: poll.guildId, kind: POLL_REMINDER, payload: directMessagePayload(member.memberId, { pollId: poll.id }), dueAt: at }, now),
  );
  return { poll, at, state };
}

/** Stops the member's reminder about a poll (from the confirmation or the direct message); false when none was waiting. */
export function cancelReminder(db: Db, pollId: number, memberId: string, now: number): boolean {
  return writeTx(db, (tx) => cancelEffect(tx, reminderKey(pollId, memberId), now));
}

/** What the reminder needs at send time: the poll while it is still open and the member has not voted, else null. */
export function pollToRemind(db: Db, guildId: string, pollId: number, memberId: string, now: number): Poll | null {
  const poll = pollById(db, pollId);
  if (!poll || poll.guildId !== guildId || !poll.messageId || !isOpen(poll, now)) return null;
  const key = poll.anonymous ? (poll.voterSecret ? anonymousKey(poll.voterSecret, memberId) : null) : memberId;
  if (key === null || votesOf(db, poll.id, key).length > 0) return null;
  return poll;
}

/**
 * Closing polls: by command, or at their stored time a fair round at a time. Closing an anonymous
 * poll deletes its key and writes its votes again in a random order, so neither a key nor an
 * order of arrival is left behind to tie a vote to a member.
 */
import { forgetDeletedData, type Db } from '../db/open';
import { changeWithEffect } from '../outbox/queue';
import { yieldTurn, type Batch } from '../scheduler/fair';
import { markClosed, nextClosingTime, pollsDueToClose, rewriteVotesInRandomOrder, type Poll } from './store';

/** The outbox effect that shows a closed poll's final results on its message. */
export const POLL_FINAL_RESULTS = 'poll.final-results';
export const finalResultsKey = (pollId: number) => `${POLL_FINAL_RESULTS}:${pollId}`;

/**
 * Closing, forgetting the order of an anonymous poll's votes and queueing the final edit are one
 * transaction: a closed poll always gets its final results, and never keeps its order of arrival.
 * False when it was already closed. After closing anonymous polls, call `forgetDeletedData`.
 */
export function closeAndQueueFinalResults(db: Db, poll: Poll, now: number): boolean {
  const effect = { key: finalResultsKey(poll.id), guildId: poll.guildId, kind: POLL_FINAL_RESULTS, payload: { pollId: poll.id } };
  return changeWithEffect(
    db,
    (tx) => {
      if (!markClosed(tx, poll.guildId, poll.id, now)) return false;
      if (poll.anonymous) rewriteVotesInRandomOrder(tx, poll.id);
      return true;
    },
    effect,
    now,
  );
}

/** One round of the closing task: at most 20 polls, at most 5 of any one server. */
export const CLOSING_ROUND: Batch = { limit: 20, perServer: 5 };

/**
 * Closes one round of timed polls whose stored closing time has passed, fairly across servers, and
 * gives other work a turn between polls. A stop is honoured between polls; whatever is left stays
 * due, for the next round (after the other scheduled work) or the next start. The log is emptied
 * once per round that closed an anonymous poll. Returns how many it closed.
 */
export async function closeDuePolls(db: Db, now: number, stopping: () => boolean = () => false, round: Batch = CLOSING_ROUND): Promise<number> {
  let closed = 0;
  let anonymous = false;
  for (const poll of pollsDueToClose(db, now, round)) {
    if (stopping()) break;
    if (closeAndQueueFinalResults(db, poll, now)) {
      closed += 1;
      anonymous ||= poll.anonymous;
    }
    await yieldTurn();
  }
  if (anonymous) forgetDeletedData(db);
  return closed;
}

/** The next stored closing time of a timed poll. */
export function nextPollClose(db: Db): number | null {
  return nextClosingTime(db);
}

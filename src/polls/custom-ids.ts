import { customId, field } from '../bot/custom-id';
import { POLL_LIMITS } from './service';

const poll = { pollId: field.rowId };

/** The custom ids on poll messages; they hold all a click needs, so they work after restarts. */
export const pollIds = {
  vote: customId('poll', 'vote', { ...poll, choice: field.int(0, POLL_LIMITS.maxChoices - 1) }),
  mine: customId('poll', 'mine', poll),
  retract: customId('poll', 'retract', poll),
};

/** "Remind me" on a poll with a closing time, and stopping that reminder (on the confirmation and on the direct message). */
export const pollReminderIds = {
  remind: customId('poll', 'remind', poll),
  stop: customId('poll', 'remind-stop', poll),
};

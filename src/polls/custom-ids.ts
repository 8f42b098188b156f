import { customId } from '../bot/custom-id';

/** The custom ids on poll messages; they hold all a click needs, so they work after restarts. */
export const pollIds = {
  vote: customId('poll', 'vote', { pollId: 'int', choice: 'int' }),
  mine: customId('poll', 'mine', { pollId: 'int' }),
  retract: customId('poll', 'retract', { pollId: 'int' }),
};

import { customId } from '../bot/custom-id';

/** The custom ids on check-in posts; they hold all a click needs, so they work after restarts. */
export const checkinIds = {
  mood: customId('checkin', 'mood', { runId: 'int', mood: 'int' }),
  note: customId('checkin', 'note', { runId: 'int' }),
  saveNote: customId('checkin', 'save-note', { runId: 'int' }),
};

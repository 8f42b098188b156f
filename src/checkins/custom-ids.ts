import { customId, field } from '../bot/custom-id';
import { MOODS } from './limits';

const run = { runId: field.rowId };

/** The custom ids on check-in posts; they hold all a click needs, so they work after restarts. */
export const checkinIds = {
  mood: customId('checkin', 'mood', { ...run, mood: field.int(Math.min(...MOODS.map((m) => m.value)), Math.max(...MOODS.map((m) => m.value))) }),
  note: customId('checkin', 'note', run),
  saveNote: customId('checkin', 'save-note', run),
};

const schedule = { scheduleId: field.rowId };

/** Direct-message check-ins: the announcement's Subscribe button, and the controls on each run's direct message. */
export const checkinDirectIds = {
  subscribe: customId('checkin', 'subscribe', schedule),
  stop: customId('checkin', 'dm-stop', schedule),
  mood: customId('checkin', 'dm-mood', { ...run, mood: checkinIds.mood.fields.mood }),
  note: customId('checkin', 'dm-note', run),
  saveNote: customId('checkin', 'dm-save-note', run),
};

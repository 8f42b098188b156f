/** Notes for leaders about milestone roles Hearth could not grant: queued, at most one a day per role. */
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { lastQueuedAt, queueEffect } from '../outbox/queue';

/** The outbox effect that posts the note in the channel the shout-out went to. */
export const KUDOS_MILESTONE_NOTE = 'kudos.milestone-note';

// At most one note per role and server a day, so a broken role does not turn every kudos into a notice.
const NOTE_EVERY_MS = 24 * 3_600_000;

export interface MilestoneNote {
  channelId: string;
  roleId: string;
  count: number;
  why: string;
}

/** Queues a note for each role not noted in the last day; returns the keys queued. */
export function queueMilestoneNotes(db: Db, guildId: string, notes: MilestoneNote[], now: number): string[] {
  return writeTx(db, (tx) =>
    notes.flatMap((note) => {
      const prefix = `${KUDOS_MILESTONE_NOTE}:${guildId}:${note.roleId}:`;
      if (lastQueuedAt(tx, prefix, now - NOTE_EVERY_MS + 1) !== null) return [];
      const key = `${prefix}${now}`;
      return queueEffect(tx, { key, guildId, kind: KUDOS_MILESTONE_NOTE, payload: { ...note } }, now) ? [key] : [];
    }),
  );
}

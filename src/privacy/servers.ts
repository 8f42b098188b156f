// A server's data leaves with Hearth: kept 30 days after Hearth is removed (an invitation back calls
// the deletion off), then deleted once; or deleted at once when the server's owner asks.
import type { Db } from '../db/open';
import { forgetDeletedData } from '../db/open';
import { writeTx } from '../db/write-tx';
import type { Logger } from '../logger';
import { forgetServerEffects } from '../outbox/queue';
import { UserError } from '../user-error';
import { FEATURE_NAMES, FEATURES } from './features';
import { PRIVACY_DELETE_MESSAGE } from './erasure';
import { addCounts, checkpointed, inSteps, type Pace } from './steps';
import { finishServerDeletion, forgetServerRows, markDeleting, markForDeletion, markLeft, markPresent, nextServerDeletionAt, readServer, serversDue, serversPresent, type ServerRow } from './store';

/** How long a server's data is kept after Hearth was removed from it. */
export const KEEP_AFTER_REMOVAL_MS = 30 * 24 * 3_600_000;

/** Hearth was removed from a server (not a passing outage): its data goes in 30 days. */
export function serverLeft(db: Db, guildId: string, now: number): void {
  markLeft(db, guildId, now, now + KEEP_AFTER_REMOVAL_MS);
}

/** Hearth is in a server (invited, or back): true when this called off a deletion (not one the owner asked for, nor one under way). */
export function serverJoined(db: Db, guildId: string): boolean {
  return writeTx(db, (tx) => markPresent(tx, guildId));
}

/**
 * At start, with the servers Discord says Hearth is in: those are present (an invitation back while
 * Hearth was offline calls their deletion off), and a known server missing from the list was left
 * while Hearth was offline, counted from now.
 */
export function reconcileServers(db: Db, present: readonly string[], now: number): { back: string[]; left: string[] } {
  return writeTx(db, (tx) => {
    const here = new Set(present);
    const left = serversPresent(tx).filter((id) => !here.has(id));
    for (const id of left) markLeft(tx, id, now, now + KEEP_AFTER_REMOVAL_MS);
    return { back: present.filter((id) => markPresent(tx, id)), left };
  });
}

/**
 * `/settings delete-all-data`, after the form: the server's owner typed its name exactly (outer
 * spaces aside). Marks everything for deletion at once; `deleteServerData` does it.
 */
export function requestServerDeletion(db: Db, guild: { id: string; name: string }, typedName: string, isOwner: boolean, now: number): void {
  if (!isOwner) throw new UserError('Only the server owner can delete all of Hearth\'s data for this server. Nothing was changed.');
  if (typedName.trim() !== guild.name) {
    throw new UserError(`That is not this server's name exactly (it is case-sensitive), so nothing was deleted. Run \`/settings delete-all-data\` again and type **${guild.name}**.`);
  }
  markForDeletion(db, guild.id, now);
}

/** One step: one batch in the first feature (then the outbox, then privacy's rows) that still holds something. */
function deletionStep(db: Db, guildId: string, limit: number, total: Record<string, number>): boolean {
  for (const name of FEATURE_NAMES) {
    const batch = writeTx(db, (tx) => FEATURES[name].forgetServer(tx, guildId, limit));
    addCounts(total, { [name]: batch.removed });
    if (batch.more) return true;
  }
  // A deletion a member asked for still has to happen on Discord: those effects stay.
  const effects = writeTx(db, (tx) => forgetServerEffects(tx, guildId, [PRIVACY_DELETE_MESSAGE], limit));
  addCounts(total, { outbox: effects });
  if (effects >= limit) return true;
  addCounts(total, { privacy: writeTx(db, (tx) => forgetServerRows(tx, guildId)) });
  return false;
}

/**
 * Deletes everything of one server whose deletion is due, in steps; true once done (and recorded,
 * once: a second runner finding it done reports nothing).
 */
export async function deleteServerData(db: Db, row: ServerRow, pace: Pace, logger: Logger, progress: Record<string, number> = {}): Promise<boolean> {
  if (!row.deleting) markDeleting(db, row.guildId);
  const done = await inSteps(checkpointed(db, (limit) => deletionStep(db, row.guildId, limit, progress)), pace);
  if (!done) return false;
  forgetDeletedData(db); // recent rows may be in the write-ahead log: it is emptied (once per server deleted)
  if (finishServerDeletion(db, row)) {
    const why = row.ownerAsked ? 'the server owner asked for it' : 'Hearth was removed from the server 30 days ago';
    logger.info({ guild: row.guildId, leftAt: row.leftAt, ...progress }, `deleted everything Hearth held for a server: ${why}`);
  }
  return true;
}

/**
 * The scheduled deletions: each due server in steps, within the round's budget. A server Hearth is
 * in again (invited back while the event was missed) is called off instead.
 */
export function serverDeletions(db: Db, logger: Logger, isPresent: (guildId: string) => boolean) {
  const progress = new Map<string, Record<string, number>>();
  return {
    nextDueAt: () => nextServerDeletionAt(db),
    async runDue(now: number, pace: Pace): Promise<void> {
      const started = performance.now();
      for (const [i, due] of serversDue(db, now).entries()) {
        const left = pace.budgetMs - (performance.now() - started);
        if (pace.stopping() || (i > 0 && left <= 0)) return; // each round moves at least one step on
        let row = due;
        if (row.leftAt !== null && isPresent(row.guildId)) {
          if (serverJoined(db, row.guildId)) {
            logger.info({ guild: row.guildId }, 'Hearth is back in a server it was removed from: its data stays');
            continue;
          }
          row = readServer(db, row.guildId) ?? row; // back, but the deletion goes on
        }
        const total = progress.get(row.guildId) ?? {};
        progress.set(row.guildId, total);
        if (!(await deleteServerData(db, row, { ...pace, budgetMs: left }, logger, total))) return;
        progress.delete(row.guildId);
      }
    },
  };
}

export { readServer };

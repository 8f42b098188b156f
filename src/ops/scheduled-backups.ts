import { join } from 'node:path';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { backupTakenAt, listBackups, prepareBackupDir, takeBackup } from './backup';

// After a failed backup (a full disk, say), try again within the hour rather than a day later.
const RETRY_AFTER_FAILURE_MS = 60 * 60_000;
// The bot's own connection copies in steps of this many pages (4 MB), so interactions go on between steps.
const PAGES_PER_STEP = 1000;

/**
 * Backups on a schedule inside the bot (BACKUP_DIR, BACKUP_EVERY, BACKUP_KEEP). The time of the
 * newest backup in the folder decides the next one, so restarts neither skip nor repeat one.
 */
export function scheduledBackupsTask(ctx: Pick<AppContext, 'config' | 'db' | 'clock' | 'logger'>): DueTask {
  const { backupDir, backupEveryMs, backupKeep } = ctx.config;
  if (!backupDir) throw new Error('scheduled backups need BACKUP_DIR');
  // Checked at start, so a folder Hearth cannot write is reported now, not when the first backup is due.
  prepareBackupDir(backupDir);
  const newest = listBackups(backupDir)[0];
  let nextAt = newest ? backupTakenAt(newest)! + backupEveryMs : ctx.clock.now();
  return {
    name: 'scheduled backups',
    nextDueAt: () => nextAt,
    async runDue(now, stopping) {
      if (now < nextAt) return;
      try {
        const result = await takeBackup(ctx.db.$client, { dir: backupDir, keep: backupKeep, now, pagesPerStep: PAGES_PER_STEP, stopping });
        nextAt = now + backupEveryMs;
        ctx.logger.info({ backup: result.path, bytes: result.bytes, removed: result.removed.map((name) => join(backupDir, name)), next: new Date(nextAt).toISOString() }, 'backup taken');
      } catch (error) {
        if (stopping()) return; // abandoned for the stop; the next start finds it still due
        nextAt = now + Math.min(backupEveryMs, RETRY_AFTER_FAILURE_MS);
        throw error;
      }
    },
  };
}

// What needs a leader's attention, for insights' digest.
import type { Db } from '../db/open';
import { latestRun, listSchedules } from './store';

/** This server's active check-ins whose latest run failed to post, with Hearth's reason. */
export function failedCheckins(db: Db, guildId: string): { scheduleId: number; name: string; channelId: string; failedAt: number; reason: string | null }[] {
  return listSchedules(db, guildId).flatMap((schedule) => {
    if (schedule.status !== 'active') return [];
    const run = latestRun(db, schedule.id);
    return run?.status === 'failed' ? [{ scheduleId: schedule.id, name: schedule.name, channelId: schedule.channelId, failedAt: run.scheduledFor, reason: run.reason }] : [];
  });
}

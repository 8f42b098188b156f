import type { Db } from '../db/open';
import { checkinSchedules } from './schema';

/** Where check-ins post, paused ones included (for `npm run doctor`). */
export function channelsInUse(db: Db): { guildId: string; channelId: string; use: string }[] {
  return db
    .select({ guildId: checkinSchedules.guildId, channelId: checkinSchedules.channelId, name: checkinSchedules.name, status: checkinSchedules.status })
    .from(checkinSchedules)
    .all()
    .map((row) => ({ guildId: row.guildId, channelId: row.channelId, use: `check-in "${row.name}"${row.status === 'paused' ? ' (paused)' : ''}` }));
}

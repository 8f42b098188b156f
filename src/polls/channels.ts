import { eq } from 'drizzle-orm';
import type { Db } from '../db/open';
import { polls } from './schema';

/** Where open polls are: their messages are edited until they close (for `npm run doctor`). */
export function channelsInUse(db: Db): { guildId: string; channelId: string; use: string }[] {
  return db
    .select({ guildId: polls.guildId, channelId: polls.channelId, id: polls.id })
    .from(polls)
    .where(eq(polls.status, 'open'))
    .all()
    .map((row) => ({ guildId: row.guildId, channelId: row.channelId, use: `open poll #${row.id}` }));
}

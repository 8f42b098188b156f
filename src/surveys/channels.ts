import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/open';
import { surveys } from './schema';

/** Where open surveys' cards are: they are edited when the survey closes (for `npm run doctor`). */
export function channelsInUse(db: Db): { guildId: string; channelId: string; use: string }[] {
  return db
    .select({ guildId: surveys.guildId, channelId: surveys.channelId, id: surveys.id })
    .from(surveys)
    .where(and(eq(surveys.status, 'open'), isNotNull(surveys.channelId)))
    .all()
    .map((row) => ({ guildId: row.guildId, channelId: row.channelId!, use: `open survey #${row.id}` }));
}

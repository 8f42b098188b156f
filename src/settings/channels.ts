import { isNotNull } from 'drizzle-orm';
import type { Db } from '../db/open';
import { guildSettings } from './schema';

/** Each server's recognition channel, where kudos shout-outs and roundups go (for `npm run doctor`). */
export function channelsInUse(db: Db): { guildId: string; channelId: string; use: string }[] {
  return db
    .select({ guildId: guildSettings.guildId, channelId: guildSettings.recognitionChannelId })
    .from(guildSettings)
    .where(isNotNull(guildSettings.recognitionChannelId))
    .all()
    .map((row) => ({ guildId: row.guildId, channelId: row.channelId!, use: 'recognition channel' }));
}

import { isNotNull } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { guildSettings } from './schema';

/** Every server with a recognition channel set, with its time zone (for the kudos roundup). */
export function recognitionChannels(db: Db | Tx): { guildId: string; timezone: string; channelId: string }[] {
  return db
    .select({ guildId: guildSettings.guildId, timezone: guildSettings.timezone, channelId: guildSettings.recognitionChannelId })
    .from(guildSettings)
    .where(isNotNull(guildSettings.recognitionChannelId))
    .all() as { guildId: string; timezone: string; channelId: string }[];
}

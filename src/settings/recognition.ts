import { isNotNull } from 'drizzle-orm';
import type { Reader } from '../db/tx';
import { guildSettings } from './schema';

/** Every server with a recognition channel set, with its time zone (for the kudos roundup). */
export function recognitionChannels(db: Reader): { guildId: string; timezone: string; channelId: string }[] {
  return db
    .select({ guildId: guildSettings.guildId, timezone: guildSettings.timezone, channelId: guildSettings.recognitionChannelId })
    .from(guildSettings)
    .where(isNotNull(guildSettings.recognitionChannelId))
    .all() as { guildId: string; timezone: string; channelId: string }[];
}

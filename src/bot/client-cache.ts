// What discord.js keeps in memory for Hearth.
import { Options } from 'discord.js';

/**
 * Members and users are not kept between interactions, but for Hearth itself. Without the members
 * intent Discord sends no change to a member, so a kept one only grows stale: Hearth asks Discord
 * when it needs one (before a direct message, a milestone role). Kept, every member who ever
 * clicked stayed in memory for good, and their objects filled the old generation in a rush.
 */
export const membersNotKept = Options.cacheWithLimits({
  ...Options.DefaultMakeCacheSettings,
  GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user?.id },
  UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user?.id },
});

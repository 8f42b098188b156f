import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/** One row per server that has changed a setting; a server with no row uses the defaults. */
export const guildSettings = sqliteTable('guild_settings', {
  guildId: text('guild_id').primaryKey(),
  leaderRoleId: text('leader_role_id'),
  timezone: text('timezone').notNull().default('UTC'),
  recognitionChannelId: text('recognition_channel_id'),
  /** When on, any member may create polls, not only leaders. */
  pollsByMembers: integer('polls_by_members', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at').notNull(),
});

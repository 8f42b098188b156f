import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A member's own choices in one server (their time zone, direct messages on or off), and whether
 * Discord lets Hearth reach them there. A member with no row has no zone and direct messages on
 * (they still get one only for what they asked for).
 */
export const memberPreferences = sqliteTable(
  'member_preferences',
  {
    guildId: text('guild_id').notNull(),
    userId: text('user_id').notNull(),
    /** IANA zone, or null to use each schedule's own. */
    timeZone: text('time_zone'),
    /** False: no direct message at all from this server (subscriptions and reminders are kept, paused). */
    directMessages: integer('direct_messages', { mode: 'boolean' }).notNull().default(true),
    /** UTC epoch ms: Discord refused a direct message (closed DMs); none is tried before then. */
    unreachableUntil: integer('unreachable_until'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.userId] }), index('member_preferences_unreachable').on(t.guildId, t.unreachableUntil)],
);

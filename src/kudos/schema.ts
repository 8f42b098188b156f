import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One row per kudos given. Removed kudos stay, marked, so the takedown itself is on record. */
export const kudos = sqliteTable(
  'kudos',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    giverId: text('giver_id').notNull(),
    recipientId: text('recipient_id').notNull(),
    /** The value's name as it is now (renaming a value renames it here too). */
    value: text('value').notNull(),
    message: text('message').notNull(),
    /** Where the shout-out is posted. */
    channelId: text('channel_id').notNull(),
    /** Null only between storing the kudos and posting its shout-out. */
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
    removedAt: integer('removed_at'),
    removedBy: text('removed_by'),
  },
  (t) => [
    // Leaderboards, totals and roundups count standing kudos only. Each of these queries is one
    // range scan of a covering index that never touches the table (removed_at is listed so that
    // SQLite sees the partial indexes as covering).
    index('kudos_live_time').on(t.guildId, t.createdAt, t.recipientId, t.giverId, t.value, t.removedAt).where(sql`removed_at IS NULL`),
    index('kudos_live_recipient').on(t.guildId, t.recipientId, t.createdAt, t.value, t.removedAt).where(sql`removed_at IS NULL`),
    // Not partial: the daily limit and the hourly pair rule count removed kudos too.
    index('kudos_guild_giver_time').on(t.guildId, t.giverId, t.createdAt, t.value, t.removedAt),
    // A server's retention finds the messages still kept by age; an emptied one leaves this index.
    index('kudos_with_message').on(t.guildId, t.createdAt).where(sql`message <> ''`),
  ],
);

/**
 * Kudos a forgotten member gave in the last two days, kept only as a count under their limit key
 * (see limitKey in src/member-data.ts) so that deleting one's data does not reset the daily limit.
 * Rows go after 26 hours (SPENT_COUNTS_MS), longer than any day.
 */
export const kudosSpent = sqliteTable(
  'kudos_spent',
  {
    guildId: text('guild_id').notNull(),
    giverKey: text('giver_key').notNull(),
    givenAt: integer('given_at').notNull(),
  },
  (t) => [index('kudos_spent_giver').on(t.guildId, t.giverKey, t.givenAt), index('kudos_spent_time').on(t.givenAt)],
);

/** A server's values. A server with no rows uses the defaults; the first change stores them. */
export const kudosValues = sqliteTable(
  'kudos_values',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [uniqueIndex('kudos_values_guild_name').on(t.guildId, t.name)],
);

/** Kudos rules a leader changed; a server with no row uses the defaults. */
export const kudosSettings = sqliteTable('kudos_settings', {
  guildId: text('guild_id').primaryKey(),
  dailyLimit: integer('daily_limit').notNull().default(5),
  roundupEnabled: integer('roundup_enabled', { mode: 'boolean' }).notNull().default(true),
  updatedAt: integer('updated_at').notNull(),
});

/** A role granted to a member once they have received `count` kudos. */
export const kudosMilestones = sqliteTable(
  'kudos_milestones',
  {
    guildId: text('guild_id').notNull(),
    count: integer('count').notNull(),
    roleId: text('role_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.count] })],
);

/**
 * One row per server and week once its roundup has been claimed. The primary key is what makes
 * a second timer, a restart or a second process unable to post the same week twice.
 */
export const kudosRoundups = sqliteTable(
  'kudos_roundups',
  {
    guildId: text('guild_id').notNull(),
    /** The local date (YYYY-MM-DD) of the Monday the roundup belongs to. */
    week: text('week').notNull(),
    status: text('status', { enum: ['posting', 'posted', 'skipped', 'failed'] }).notNull(),
    messageId: text('message_id'),
    claimedAt: integer('claimed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.week] })],
);

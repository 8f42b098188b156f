import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A server's digest: where and when the overview of the period just ended is posted, and how the
 * last period went. `last_period` is also the claim: a period is queued, or recorded as skipped,
 * only by the one update that moves it forward.
 */
export const insightsDigests = sqliteTable(
  'insights_digests',
  {
    guildId: text('guild_id').primaryKey(),
    channelId: text('channel_id').notNull(),
    every: text('every', { enum: ['week', 'month'] }).notNull(),
    /** The weekday it goes out, 0 = Monday … 6 = Sunday (for a month: the first such day of the month). */
    day: integer('day').notNull(),
    /** Minutes after local midnight, in the server's time zone. */
    minute: integer('minute').notNull(),
    /** When it was switched on or last changed: no period due before this counts. */
    since: integer('since').notNull(),
    /** The last period claimed ('YYYY-MM-DD' for a week, by its first day; 'YYYY-MM' for a month). */
    lastPeriod: text('last_period'),
    lastStatus: text('last_status', { enum: ['queued', 'posted', 'skipped', 'failed'] }),
    lastAt: integer('last_at'),
    lastMessageId: text('last_message_id'),
    /** Why the last period was skipped or failed, in a leader's words. */
    lastProblem: text('last_problem'),
    /**
     * When the scheduler looks at this digest next (UTC epoch ms): its next delivery, computed in the
     * server's time zone. 0 (a digest just saved, a time zone changed, an upgrade) means now: the
     * round works it out again.
     */
    nextDueAt: integer('next_due_at').notNull().default(0),
  },
  // A scheduler round reads only the digests due, earliest first, through this index.
  (t) => [index('insights_digests_due').on(t.nextDueAt)],
);

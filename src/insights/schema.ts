import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

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

// The rollup: who took part on which UTC day, kept from the other features' public readers so that
// an overview or a trend reads a few small indexed tables instead of two years of raw rows. It is
// member data (forgotten with the member, cut by retention, listed in the member's export).

/** A named member took part on a UTC day (days since 1970-01-01); `kinds`: 1 gave kudos, 2 received kudos, 4 voted or answered. */
export const insightsMemberDays = sqliteTable(
  'insights_member_days',
  {
    guildId: text('guild_id').notNull(),
    memberId: text('member_id').notNull(),
    day: integer('day').notNull(),
    kinds: integer('kinds').notNull(),
  },
  // One row per member and day (built that way). The first index answers "did this member take part
  // in these days, and how" from the index alone, one seek per member.
  (t) => [
    index('insights_member_days_member').on(t.guildId, t.memberId, t.day, t.kinds),
    index('insights_member_days_day').on(t.guildId, t.day),
    // Days linked to votes or answers, which retention unlinks: a row it dealt with leaves this index.
    index('insights_member_days_voted').on(t.guildId, t.day).where(sql`(kinds & 4) <> 0`),
  ],
);

/** Each member's first day of taking part (for "new"); one row per member with any day above. */
export const insightsMembers = sqliteTable(
  'insights_members',
  {
    guildId: text('guild_id').notNull(),
    memberId: text('member_id').notNull(),
    firstDay: integer('first_day').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.memberId] }), index('insights_members_first').on(t.guildId, t.firstDay)],
);

/** Per server and UTC day: members who took part that day, in the 7 days ending that day, and kudos given that day. */
export const insightsDays = sqliteTable(
  'insights_days',
  {
    guildId: text('guild_id').notNull(),
    day: integer('day').notNull(),
    active: integer('active').notNull(),
    active7: integer('active7').notNull(),
    kudos: integer('kudos').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.day] })],
);

/**
 * How many raw rows each feature's reader had in a UTC month (up to `until`) when the rollup was
 * built: a month whose counts differ now (a vote moved, kudos removed, a check-in deleted) is
 * built again from the readers. `derived_to` on the server's row says up to when the rollup is built.
 */
export const insightsRollupMonths = sqliteTable(
  'insights_rollup_months',
  {
    guildId: text('guild_id').notNull(),
    month: integer('month').notNull(),
    until: integer('until').notNull(),
    votes: integer('votes').notNull(),
    responses: integer('responses').notNull(),
    answers: integer('answers').notNull(),
    kudos: integer('kudos').notNull(),
  },
  (t) => [primaryKey({ columns: [t.guildId, t.month] })],
);

/** Up to which UTC midnight a server's rollup is built (later days are built again on each refresh). */
export const insightsRollups = sqliteTable('insights_rollups', {
  guildId: text('guild_id').primaryKey(),
  builtTo: integer('built_to').notNull(),
});

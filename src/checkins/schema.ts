import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const checkinSchedules = sqliteTable(
  'checkin_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    channelId: text('channel_id').notNull(),
    name: text('name').notNull(),
    prompt: text('prompt').notNull(),
    /** As the leader typed it, for showing back. */
    whenText: text('when_text').notNull(),
    /** 5-field cron, read in `timezone`. */
    cron: text('cron').notNull(),
    everyWeeks: integer('every_weeks').notNull().default(1),
    /** Every-N-weeks only: the Monday-based week number (since 1970) of the first run. */
    anchorWeek: integer('anchor_week'),
    timezone: text('timezone').notNull(),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull(),
    status: text('status', { enum: ['active', 'paused'] }).notNull().default('active'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    /** UTC epoch ms of the next scheduled run; null while paused. */
    nextRunAt: integer('next_run_at'),
    /**
     * When that run is claimed: its moment, or earlier for a direct-message check-in whose
     * subscribers east of its zone get it at the same wall-clock time in theirs (see `claimLead`).
     */
    claimAt: integer('claim_at'),
    /** channel: each run is posted in the channel; direct-message: sent to each subscriber (the channel gets the announcement). */
    delivery: text('delivery', { enum: ['channel', 'direct-message'] }).notNull().default('channel'),
  },
  (t) => [
    index('checkin_schedules_guild').on(t.guildId, t.id),
    index('checkin_schedules_claim').on(t.claimAt).where(sql`status = 'active' AND claim_at IS NOT NULL`),
  ],
);

export const checkinRuns = sqliteTable(
  'checkin_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scheduleId: integer('schedule_id').notNull().references(() => checkinSchedules.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    /** The run's moment (UTC epoch ms): the scheduled time, or when a leader ran it by hand. */
    scheduledFor: integer('scheduled_for').notNull(),
    manual: integer('manual', { mode: 'boolean' }).notNull().default(false),
    /**
     * posting: claimed, message on its way; queued: a direct-message run claimed ahead of its moment,
     * its messages queued (members east of the check-in's zone may already answer), "posted" once
     * its moment comes; missed: due more than an hour before Hearth got to it (one row stands for
     * every firing missed in a row, see `reason`); skipped: a leader skipped the date.
     */
    status: text('status', { enum: ['posting', 'queued', 'posted', 'failed', 'missed', 'skipped'] }).notNull(),
    messageId: text('message_id'),
    /** Why a run failed or was not posted, in words a leader can act on. */
    reason: text('reason'),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [
    // One row per firing: a second timer or a restart cannot post the same run twice. `manual` is
    // part of the key so that a leader's "post now" never collides with a scheduled run.
    uniqueIndex('checkin_runs_once').on(t.scheduleId, t.scheduledFor, t.manual),
    index('checkin_runs_guild').on(t.guildId, t.id),
    // Runs left half-posted by a crash are found at start without scanning every run.
    index('checkin_runs_posting').on(t.recordedAt).where(sql`status = 'posting'`),
    // Runs claimed ahead of their moment, found when it comes.
    index('checkin_runs_queued').on(t.scheduleId, t.scheduledFor).where(sql`status = 'queued'`),
    // A mood click's streak reads a schedule's runs newest first: in this order, with no sort.
    index('checkin_runs_newest').on(t.scheduleId, t.scheduledFor, t.id).where(sql`status IN ('posted', 'queued')`),
  ],
);

export const checkinAnswers = sqliteTable(
  'checkin_answers',
  {
    runId: integer('run_id').notNull().references(() => checkinRuns.id, { onDelete: 'cascade' }),
    memberId: text('member_id').notNull(),
    scheduleId: integer('schedule_id').notNull(),
    guildId: text('guild_id').notNull(),
    /** 1 (rough) to 5 (great); null while a member has only left a note. */
    mood: integer('mood'),
    note: text('note'),
    answeredAt: integer('answered_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.memberId] }),
    index('checkin_answers_by_member').on(t.scheduleId, t.memberId, t.runId),
    index('checkin_answers_by_mood').on(t.runId, t.mood),
    // The kudos roundup asks who checked in during one window: a range per schedule, not every answer ever.
    index('checkin_answers_by_time').on(t.scheduleId, t.answeredAt, t.memberId),
    // A server's retention finds the answers still linked to a member by age; an answer it has
    // dealt with (linked to no one, `~` and its row id) leaves this index, so no pass reads it again.
    index('checkin_answers_linked').on(t.guildId, t.answeredAt).where(sql`member_id < '~'`),
  ],
);

/** Dates a leader skipped (e.g. a holiday), as YYYY-MM-DD in the schedule's time zone. */
export const checkinSkips = sqliteTable(
  'checkin_skips',
  {
    scheduleId: integer('schedule_id').notNull().references(() => checkinSchedules.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    date: text('date').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.date] })],
);

/** Members who asked for a direct-message check-in's runs by direct message. */
export const checkinSubscriptions = sqliteTable(
  'checkin_subscriptions',
  {
    scheduleId: integer('schedule_id').notNull().references(() => checkinSchedules.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    memberId: text('member_id').notNull(),
    subscribedAt: integer('subscribed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.memberId] }), index('checkin_subscriptions_member').on(t.guildId, t.memberId)],
);

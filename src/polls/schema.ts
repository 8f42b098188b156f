import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const polls = sqliteTable(
  'polls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    channelId: text('channel_id').notNull(),
    /** Null only for the moment between storing the poll and posting its message. */
    messageId: text('message_id'),
    creatorId: text('creator_id').notNull(),
    question: text('question').notNull(),
    multi: integer('multi', { mode: 'boolean' }).notNull(),
    maxChoices: integer('max_choices'),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull(),
    hideResults: integer('hide_results', { mode: 'boolean' }).notNull(),
    roleId: text('role_id'),
    status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
    createdAt: integer('created_at').notNull(),
    /** UTC epoch ms; null for a poll that stays open until someone closes it. */
    closesAt: integer('closes_at'),
    closedAt: integer('closed_at'),
    /**
     * Anonymous polls only: the key that turns a member id into their vote key. Deleted when the
     * poll closes, after which no one, the database's owner included, can link a vote to a member.
     */
    voterSecret: text('voter_secret'),
    /** Members with at least one vote; kept in step with poll_votes inside each vote's transaction. */
    voters: integer('voters').notNull().default(0),
  },
  (t) => [
    index('polls_guild_status').on(t.guildId, t.status, t.id),
    // Insights read the polls closed in a window.
    index('polls_guild_closed').on(t.guildId, t.status, t.closedAt),
    index('polls_open_closing').on(t.closesAt).where(sql`status = 'open' AND closes_at IS NOT NULL`),
  ],
);

export const pollChoices = sqliteTable(
  'poll_choices',
  {
    pollId: integer('poll_id').notNull().references(() => polls.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    /** Votes for this choice; kept in step with poll_votes, so results cost the same at any size. */
    votes: integer('votes').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.position] })],
);

export const pollVotes = sqliteTable(
  'poll_votes',
  {
    pollId: integer('poll_id').notNull().references(() => polls.id, { onDelete: 'cascade' }),
    /** The member id, or for anonymous polls a keyed hash of it (see polls.voter_secret). */
    voter: text('voter').notNull(),
    choice: integer('choice').notNull(),
    votedAt: integer('voted_at').notNull(),
  },
  // Counts live on poll_choices and polls; the second index lists the first voters of a choice.
  (t) => [primaryKey({ columns: [t.pollId, t.voter, t.choice] }), index('poll_votes_by_choice').on(t.pollId, t.choice, t.votedAt)],
);

/**
 * "You said, we did": a leader's public follow-up to a closed poll, one per poll. Running the
 * command again raises `revision` (each revision is one outbox effect) and edits the posted message.
 */
export const pollFollowUps = sqliteTable(
  'poll_follow_ups',
  {
    pollId: integer('poll_id').primaryKey().references(() => polls.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    message: text('message').notNull(),
    revision: integer('revision').notNull(),
    /** Null until the follow-up is posted in the poll's channel. */
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Insights count a server's follow-ups.
  (t) => [index('poll_follow_ups_guild').on(t.guildId, t.pollId)],
);

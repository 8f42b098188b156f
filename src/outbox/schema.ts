import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Discord side effects that must eventually happen (a poll's final results, a survey's closed
 * card, a roundup, a note for leaders, a direct message). A row is written in the same
 * transaction as the change that causes it; its unique key makes it happen once.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Unique per effect (`poll.final-results:12`): queueing the same key again does nothing. */
    key: text('key').notNull().unique(),
    guildId: text('guild_id').notNull(),
    /** Which handler delivers it (registered by the feature that queues it). */
    kind: text('kind').notNull(),
    /** What the handler needs, as JSON (ids, not rendered messages: delivery renders the latest state). */
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'dropped'] }).notNull().default('pending'),
    /**
     * UTC epoch ms: not before then. Taking a row for delivery moves it past the lease, so a second
     * timer or process leaves it alone, and a crash mid-delivery only delays it; a passing failure
     * moves it to the next try.
     */
    dueAt: integer('due_at').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    /** When it was delivered or dropped; such rows are pruned after a while. */
    doneAt: integer('done_at'),
  },
  (t) => [
    // What is due now and when the next falls due, read without the rows waiting for later.
    index('outbox_pending_due').on(t.dueAt, t.guildId, t.kind).where(sql`status = 'pending'`),
    // A server's next effect of a kind, a seek however long that server's backlog.
    index('outbox_pending_queue').on(t.guildId, t.kind, t.dueAt).where(sql`status = 'pending'`),
    index('outbox_done').on(t.doneAt).where(sql`status <> 'pending'`),
    // One server's effects: what failed there lately (for its leaders), and forgetting a server.
    index('outbox_guild').on(t.guildId, t.status, t.doneAt),
  ],
);

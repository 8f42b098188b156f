import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A request to delete a member's data (`/privacy delete`, or a leader's `/privacy forget`) waiting
 * for its confirmation button. The button carries only the id: who asked, for whom and when are
 * read from here, so a forged or late click changes nothing. Removed when confirmed, cancelled,
 * expired (after 5 minutes) or when the member's data is deleted.
 */
export const privacyRequests = sqliteTable(
  'privacy_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    requestedBy: text('requested_by').notNull(),
    memberId: text('member_id').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('privacy_requests_created').on(t.createdAt), index('privacy_requests_member').on(t.guildId, t.memberId)],
);

/**
 * Members who deleted their own data in the last day (`/privacy delete` works once a day). A hash
 * of the server and member ids is kept, not the id, and only for that day; whoever holds the file
 * and a list of member ids could still test which of them deleted their data that day.
 */
export const privacyErasures = sqliteTable(
  'privacy_erasures',
  {
    key: text('key').primaryKey(),
    guildId: text('guild_id').notNull(),
    erasedAt: integer('erased_at').notNull(),
  },
  (t) => [index('privacy_erasures_time').on(t.erasedAt), index('privacy_erasures_guild').on(t.guildId)],
);

/** A server's retention (`/settings retention`): member-written text and member links older than `months` go every day. */
export const privacyRetention = sqliteTable(
  'privacy_retention',
  {
    guildId: text('guild_id').primaryKey(),
    months: integer('months').notNull(),
    /** UTC epoch ms of the next daily pass (the first is due as soon as retention is switched on). */
    nextRunAt: integer('next_run_at').notNull(),
    /** When the last pass finished; null until the first one after switching retention on. */
    lastRunAt: integer('last_run_at'),
  },
  (t) => [index('privacy_retention_due').on(t.nextRunAt)],
);

/**
 * The servers Hearth is in or has been removed from, so that a removal is noticed (also one that
 * happened while Hearth was offline) and each server's data is deleted once, when it is due.
 */
export const privacyServers = sqliteTable(
  'privacy_servers',
  {
    guildId: text('guild_id').primaryKey(),
    /** When Hearth was removed from the server (kicked, or the server deleted); null while it is in it. */
    leftAt: integer('left_at'),
    /**
     * When everything Hearth holds for the server is to be deleted: 30 days after it was removed,
     * or at once when the owner asked (`/settings delete-all-data`). Null: nothing to delete.
     */
    deleteAt: integer('delete_at'),
    /** The owner asked for the deletion: an invitation back does not call it off. */
    ownerAsked: integer('owner_asked', { mode: 'boolean' }).notNull().default(false),
    /** The deletion has begun: it is finished even if Hearth is invited back, never left half done. */
    deleting: integer('deleting', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [index('privacy_servers_delete').on(t.deleteAt).where(sql`delete_at IS NOT NULL`)],
);

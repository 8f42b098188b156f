// Queueing a Discord side effect: plain data, no discord.js, so services can queue inside their
// own write transactions.
import { and, eq, gte, inArray, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { preparedOnce, sqlWord } from '../db/prepared';
import { outbox } from './schema';
import { CANCELLED } from './store';


export interface Effect<P = Record<string, unknown>> {
  /** Unique for this effect: queueing the same key twice does nothing. */
  key: string;
  guildId: string;
  kind: string;
  payload: P;
  /** Not before this moment (default: now). */
  dueAt?: number;
}

const rowOf = (effect: Effect, now: number) => ({
  key: effect.key,
  guildId: effect.guildId,
  kind: effect.kind,
  payload: JSON.stringify(effect.payload),
  dueAt: effect.dueAt ?? now,
  createdAt: now,
});

// One statement for every effect queued, prepared once: every click that queues an effect runs it.
const inserting = preparedOnce((db) =>
  db
    .insert(outbox)
    .values({
      key: sql.placeholder('key'),
      guildId: sql.placeholder('guildId'),
      kind: sql.placeholder('kind'),
      payload: sql.placeholder('payload'),
      dueAt: sql.placeholder('dueAt'),
      createdAt: sql.placeholder('createdAt'),
    })
    .onConflictDoNothing({ target: outbox.key })
    .prepare(),
);

/**
 * Stores an effect to be delivered, inside the write transaction of the change that causes it;
 * false when one with the same key was already queued.
 */
export function queueEffect(db: Tx, effect: Effect, now: number): boolean {
  return inserting(db).run(rowOf(effect, now)).changes === 1;
}

/** Stores many effects at once (a member's erasure); returns how many were new. */
export function queueEffects(db: Tx, effects: readonly Effect[], now: number): number {
  const insert = inserting(db);
  let queued = 0;
  for (const effect of effects) queued += insert.run(rowOf(effect, now)).changes;
  return queued;
}

/** Direct messages of one kind from one server, due together, one to each recipient. */
export interface DirectMessageBatch {
  guildId: string;
  kind: string;
  /** Each message's key is this followed by its recipient's id. */
  keyPrefix: string;
  /** What every message's payload holds besides its recipient. */
  payload: Record<string, unknown>;
  recipients: readonly string[];
  dueAt: number;
}

// A direct message to each recipient of a JSON list, in one statement: SQLite builds each row (its
// key, its payload with the recipient set in place). drizzle checks that the columns are the table's,
// in order. `WHERE true` is SQLite's own rule: without it, `ON CONFLICT` after a SELECT would be read
// as the ON of a join.
const insertingDirect = preparedOnce((db) =>
  db
    .insert(outbox)
    .select(
      db
        .select({
          id: sql<number>`null`.as('id'),
          key: sql<string>`${sql.placeholder('keyPrefix')} || value`.as('key'),
          guildId: sql<string>`${sql.placeholder('guildId')}`.as('guild_id'),
          kind: sql<string>`${sql.placeholder('kind')}`.as('kind'),
          payload: sql<string>`json_set(${sql.placeholder('template')}, '$.userId', value)`.as('payload'),
          status: sql<'pending'>`${sqlWord('pending')}`.as('status'),
          dueAt: sql<number>`${sql.placeholder('dueAt')}`.as('due_at'),
          attempts: sql<number>`0`.as('attempts'),
          lastError: sql<string | null>`null`.as('last_error'),
          createdAt: sql<number>`${sql.placeholder('now')}`.as('created_at'),
          doneAt: sql<number | null>`null`.as('done_at'),
        })
        .from(sql`json_each(${sql.placeholder('recipients')})`)
        .where(sql`true`),
    )
    .onConflictDoNothing({ target: outbox.key })
    .prepare(),
);

/**
 * Stores a direct message to each recipient (a check-in run's thousands, or one late subscriber).
 * An effect object, its JSON and its bound values for each row were most of a large run's queueing
 * time and left megabytes of garbage for the collector to take while members click. Returns how
 * many were new (a key queued already is left alone).
 */
export function queueDirectMessages(tx: Tx, batch: DirectMessageBatch, now: number): number {
  if (!batch.recipients.length) return 0;
  const { keyPrefix, guildId, kind, dueAt } = batch;
  // The recipient keeps its place in the payload (json_set replaces it), as directMessagePayload orders it.
  const template = JSON.stringify(directMessagePayload('', batch.payload));
  return insertingDirect(tx).run({ keyPrefix, guildId, kind, template, dueAt, now, recipients: JSON.stringify(batch.recipients) }).changes;
}

/**
 * Runs `change` in one write transaction and, when it changed something, queues `effect` in the
 * same one: a change and the Discord effect it causes happen together or not at all.
 */
export function changeWithEffect(db: Db, change: (tx: Tx) => boolean, effect: Effect, now: number): boolean {
  return writeTx(db, (tx) => {
    if (!change(tx)) return false;
    queueEffect(tx, effect, now);
    return true;
  });
}

/** When an effect whose key starts with `prefix` was last queued and not given up on, or null (for "at most once a day" notes). */
export function lastQueuedAt(db: Tx, prefix: string, since: number): number | null {
  // A range over the unique key's index: every key that starts with `prefix`.
  const row = db
    .select({ at: sql<number | null>`max(${outbox.createdAt})` })
    .from(outbox)
    .where(and(gte(outbox.key, prefix), lt(outbox.key, `${prefix}\uffff`), gte(outbox.createdAt, since), ne(outbox.status, 'dropped')))
    .get();
  return row?.at ?? null;
}

/**
 * Removes up to `limit` of a server's effects, pending or finished, but for pending ones of the
 * kinds in `keep` (a deletion a member asked for still has to happen on Discord). Returns how many.
 */
export function forgetServerEffects(tx: Tx, guildId: string, keep: readonly string[], limit: number): number {
  const ids = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.guildId, guildId), keep.length ? or(sql`${outbox.status} <> 'pending'`, notInArray(outbox.kind, [...keep])) : undefined))
    .limit(limit);
  return tx.delete(outbox).where(inArray(outbox.id, ids)).run().changes;
}

/**
 * Queues an effect, or queues it again when the earlier one with its key was cancelled (a member
 * asks for a reminder again after stopping it). An effect pending or delivered is left alone.
 * Returns 'queued', or the state of the one already there.
 */
export function queueOrRequeueEffect(tx: Tx, effect: Effect, now: number): 'queued' | 'pending' | 'delivered' {
  if (queueEffect(tx, effect, now)) return 'queued';
  const again = tx
    .update(outbox)
    .set({ status: 'pending', dueAt: effect.dueAt ?? now, payload: JSON.stringify(effect.payload), attempts: 0, lastError: null, createdAt: now, doneAt: null })
    .where(and(eq(outbox.key, effect.key), eq(outbox.status, 'dropped'), eq(outbox.lastError, CANCELLED)))
    .run().changes;
  if (again) return 'queued';
  const row = tx.select({ status: outbox.status }).from(outbox).where(eq(outbox.key, effect.key)).get();
  return row?.status === 'pending' ? 'pending' : 'delivered';
}

/** Cancels a pending effect (a reminder the member stopped); true when there was one to cancel. */
export function cancelEffect(tx: Tx, key: string, now: number): boolean {
  return tx.update(outbox).set({ status: 'dropped', doneAt: now, lastError: CANCELLED }).where(and(eq(outbox.key, key), eq(outbox.status, 'pending'))).run().changes === 1;
}

/** The payload of a direct-message effect: its recipient, marked so that forgetting them finds it. */
export function directMessagePayload(userId: string, rest: Record<string, unknown>): Record<string, unknown> {
  return { ...rest, userId, directMessage: true };
}

/** Removes every direct message to a member in a server, sent or not (the member is forgotten: each row pairs them with a poll, survey or check-in); returns how many. */
export function removeDirectMessagesTo(tx: Tx, guildId: string, userId: string): number {
  return tx
    .delete(outbox)
    .where(
      and(
        eq(outbox.guildId, guildId),
        sql`json_extract(${outbox.payload}, '$.directMessage') = 1`,
        sql`json_extract(${outbox.payload}, '$.userId') = ${userId}`,
      ),
    )
    .run().changes;
}

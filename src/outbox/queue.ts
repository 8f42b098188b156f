// Queueing a Discord side effect: plain data, no discord.js, so services can queue inside their
// own write transactions.
import { and, eq, gte, inArray, lt, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { preparedOnce } from '../db/prepared';
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

// One statement for every effect queued: a check-in run queues thousands in one transaction, and a
// multi-row insert built by drizzle for each batch took most of that transaction's time and garbage.
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

/** Stores many effects at once (a check-in run's direct messages); returns how many were new. */
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

/**
 * Stores a direct message to each recipient in one statement (a check-in run's thousands): SQLite
 * builds each row from the list, where an effect object, its JSON and its bound values for each row
 * were most of that transaction's time and left megabytes of garbage for the collector to take
 * while members click. Returns how many were new (a key queued already is left alone).
 */
export function queueDirectMessages(tx: Tx, batch: DirectMessageBatch, now: number): number {
  if (!batch.recipients.length) return 0;
  // The recipient's place in the payload is kept (json_set replaces it), as directMessagePayload orders it.
  const template = JSON.stringify(directMessagePayload('', batch.payload));
  return tx.run(sql`
    INSERT INTO ${outbox} (key, guild_id, kind, payload, due_at, created_at)
    SELECT ${batch.keyPrefix} || recipient.value, ${batch.guildId}, ${batch.kind}, json_set(${template}, '$.userId', recipient.value), ${batch.dueAt}, ${now}
    FROM json_each(${JSON.stringify(batch.recipients)}) AS recipient
    WHERE true
    ON CONFLICT (key) DO NOTHING`).changes;
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

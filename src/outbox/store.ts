// The delivery side of the outbox: taking due effects, and recording how each delivery ended.
import { and, desc, eq, gte, inArray, lte, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { outbox } from './schema';

export interface StoredEffect {
  id: number;
  key: string;
  guildId: string;
  kind: string;
  payload: Record<string, unknown>;
  /** Tries so far, this one included: also the lease's token (a settle names the try it ends). */
  attempts: number;
  createdAt: number;
}

type Row = typeof outbox.$inferSelect;
const toEffect = (row: Row): StoredEffect => ({
  id: row.id,
  key: row.key,
  guildId: row.guildId,
  kind: row.kind,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  attempts: row.attempts,
  createdAt: row.createdAt,
});

const pending = eq(outbox.status, 'pending');

/** Why an effect a member stopped (a reminder) ended: not a failure, so leaders are not told of it. */
export const CANCELLED = 'cancelled by the member';
/** A direct message Discord refused (closed DMs): the member is counted as unreachable, not listed as a leader's problem. */
export const REFUSED_BY_MEMBER = 'the member does not accept direct messages from this server';

/** Which kinds to leave out (those paced and waiting for their pace), or to look at only. */
export interface KindFilter {
  without?: readonly string[];
  only?: readonly string[];
}

const kindsMatching = (kinds: KindFilter = {}) =>
  and(kinds.without?.length ? notInArray(outbox.kind, [...kinds.without]) : undefined, kinds.only ? inArray(outbox.kind, [...kinds.only]) : undefined);

/** The earliest moment a pending effect of a server not in `busy` is due (epoch ms), or null. */
export function nextEffectDueAt(db: Db, busy: string[] = [], kinds: KindFilter = {}): number | null {
  return (
    db
      .select({ at: sql<number | null>`min(${outbox.dueAt})` })
      .from(outbox)
      .where(and(pending, busy.length ? notInArray(outbox.guildId, busy) : undefined, kindsMatching(kinds)))
      .get()?.at ?? null
  );
}

/**
 * Servers with an effect due, at most `limit`, leaving out `busy` ones, in turn after `after` (a
 * round robin: a server with a long backlog gets one delivery at a time like any other).
 */
export function serversWithDueEffects(db: Db, now: number, busy: string[], after: string, limit: number, without: readonly string[] = []): string[] {
  return db
    .selectDistinct({ guildId: outbox.guildId })
    .from(outbox)
    .where(and(pending, lte(outbox.dueAt, now), busy.length ? notInArray(outbox.guildId, busy) : undefined, kindsMatching({ without })))
    .orderBy(sql`${outbox.guildId} <= ${after}`, outbox.guildId)
    .limit(limit)
    .all()
    .map((r) => r.guildId);
}

/**
 * Takes a server's earliest due effect and leases it until `leaseUntil`: its due time moves past
 * the lease, so another timer or process leaves it alone, and a crash only delays it.
 */
export function takeDueEffect(db: Db, guildId: string, now: number, leaseUntil: number, without: readonly string[] = []): StoredEffect | null {
  const skip = without.length ? sql`AND kind NOT IN (${sql.join(without.map((kind) => sql`${kind}`), sql`, `)})` : sql``;
  const row = db.get<Row>(sql`
    UPDATE ${outbox} SET due_at = ${leaseUntil}, attempts = attempts + 1
    WHERE id = (SELECT id FROM ${outbox} WHERE guild_id = ${guildId} AND status = 'pending' AND due_at <= ${now} ${skip} ORDER BY due_at, id LIMIT 1)
    RETURNING id, key, guild_id AS guildId, kind, payload, status, due_at AS dueAt, attempts, last_error AS lastError, created_at AS createdAt, done_at AS doneAt
  `);
  return row ? toEffect(row) : null;
}

/** Takes one effect by key if it is pending and due (a command that wants to report how it went). */
export function takeEffect(db: Db, key: string, now: number, leaseUntil: number): StoredEffect | null {
  const row = db
    .update(outbox)
    .set({ dueAt: leaseUntil, attempts: sql`${outbox.attempts} + 1` })
    .where(and(eq(outbox.key, key), pending, lte(outbox.dueAt, now)))
    .returning()
    .get();
  return row ? toEffect(row) : null;
}

// Every settle names the try it ends: a worker whose lease ran out (another took the effect since)
// changes nothing.
const held = (effect: StoredEffect) => and(eq(outbox.id, effect.id), pending, eq(outbox.attempts, effect.attempts));

/** An effect its handler found nothing to do for: gone without a trace, so the same key may be queued again. */
export function removeSkippedEffect(db: Db, effect: StoredEffect): void {
  db.delete(outbox).where(held(effect)).run();
}

export function markDelivered(db: Db, effect: StoredEffect, now: number): void {
  db.update(outbox).set({ status: 'delivered', doneAt: now, lastError: null }).where(held(effect)).run();
}

export function markDropped(db: Db, effect: StoredEffect, now: number, reason: string): void {
  db.update(outbox).set({ status: 'dropped', doneAt: now, lastError: reason }).where(held(effect)).run();
}

/** Due again at `dueAt`; `counted` false gives the try back (a rate limit is not a failure). */
export function retryEffectAt(db: Db, effect: StoredEffect, dueAt: number, reason: string, counted = true): void {
  db.update(outbox)
    .set({ dueAt, lastError: reason, attempts: counted ? effect.attempts : effect.attempts - 1 })
    .where(held(effect))
    .run();
}

/** Effects of one server dropped since `since`, newest first, with why. */
export function droppedEffects(db: Db, guildId: string, since: number, limit: number): { effect: StoredEffect; reason: string; at: number }[] {
  return db
    .select()
    .from(outbox)
    .where(and(eq(outbox.guildId, guildId), eq(outbox.status, 'dropped'), gte(outbox.doneAt, since), notInArray(outbox.lastError, [CANCELLED, REFUSED_BY_MEMBER])))
    .orderBy(desc(outbox.doneAt), desc(outbox.id))
    .limit(limit)
    .all()
    .map((row) => ({ effect: toEffect(row), reason: row.lastError ?? 'unknown', at: row.doneAt ?? since }));
}

/** Forgets delivered and dropped effects finished before `before`, a batch at a time. */
export function pruneFinishedEffects(db: Db, before: number, batch = 1000): number {
  return db.run(sql`
    DELETE FROM ${outbox} WHERE id IN (
      SELECT id FROM ${outbox} WHERE status <> 'pending' AND done_at < ${before} ORDER BY done_at LIMIT ${batch}
    )
  `).changes;
}

/** How many effects are in each state: pending is the queue still to deliver (for the metrics). */
export function countEffects(db: Db): { status: string; count: number }[] {
  return db.select({ status: outbox.status, count: sql<number>`count(*)` }).from(outbox).groupBy(outbox.status).all();
}

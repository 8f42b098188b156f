// The delivery side of the outbox: taking due effects, and recording how each delivery ended.
import { and, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { outbox } from './schema';

export interface StoredEffect {
  id: number;
  key: string;
  guildId: string;
  kind: string;
  payload: Record<string, unknown>;
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

/** The earliest moment a pending effect is due (epoch ms), or null. */
export function nextEffectDueAt(db: Db): number | null {
  return db.select({ at: sql<number | null>`min(${outbox.dueAt})` }).from(outbox).where(pending).get()?.at ?? null;
}

/**
 * Takes up to `limit` due effects, at most `perGuild` of any one server so that a busy or failing
 * server cannot crowd out the others, and leases them until `leaseUntil`.
 */
export function takeDueEffects(db: Db, now: number, leaseUntil: number, limit: number, perGuild: number): StoredEffect[] {
  const rows = db.all<Row>(sql`
    UPDATE ${outbox} SET due_at = ${leaseUntil}, attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY guild_id ORDER BY due_at, id) AS place
        FROM (SELECT id, guild_id, due_at FROM ${outbox} WHERE status = 'pending' AND due_at <= ${now} ORDER BY due_at LIMIT ${limit * 20})
      ) WHERE place <= ${perGuild} LIMIT ${limit}
    )
    RETURNING id, key, guild_id AS guildId, kind, payload, status, due_at AS dueAt, attempts, last_error AS lastError, created_at AS createdAt, done_at AS doneAt
  `);
  return rows.map(toEffect).sort((a, b) => a.id - b.id);
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

export function markDelivered(db: Db, id: number, now: number): void {
  db.update(outbox).set({ status: 'delivered', doneAt: now, lastError: null }).where(and(eq(outbox.id, id), pending)).run();
}

export function markDropped(db: Db, id: number, now: number, reason: string): void {
  db.update(outbox).set({ status: 'dropped', doneAt: now, lastError: reason }).where(and(eq(outbox.id, id), pending)).run();
}

export function retryEffectAt(db: Db, id: number, dueAt: number, reason: string): void {
  db.update(outbox).set({ dueAt, lastError: reason }).where(and(eq(outbox.id, id), pending)).run();
}

/** Gives back effects taken but not tried (a stop came first): due again at once, the try not counted. */
export function releaseEffects(db: Db, ids: number[], now: number): void {
  if (!ids.length) return;
  db.update(outbox)
    .set({ dueAt: now, attempts: sql`max(${outbox.attempts} - 1, 0)` })
    .where(and(sql`${outbox.id} IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`, pending))
    .run();
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

// The delivery side of the outbox: taking due effects, and recording how each delivery ended.
import { and, desc, eq, gt, gte, lte, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { preparedOnce, sqlWord } from '../db/prepared';
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

/** Why an effect a member stopped (a reminder) ended: not a failure, so leaders are not told of it. */
export const CANCELLED = 'cancelled by the member';
/** A direct message Discord refused (closed DMs): the member is counted as unreachable, not listed as a leader's problem. */
export const REFUSED_BY_MEMBER = 'the member does not accept direct messages from this server';

// 'pending' written into the SQL (not bound), so SQLite plans with the partial index once.
const pending = sql`${outbox.status} = ${sqlWord('pending')}`;

// The delivery side reads the pending rows through two indexes: (due time, server, kind) to list
// what is due now and the next moment something falls due, and (server, kind, due time) to take a
// server's next effect of a kind, seeks however long that server's backlog (a direct-message
// check-in). Neither read grows with rows waiting for later (reminders in a thousand servers).

// Each read of one row runs with `.get()`, which stops at the first row: no LIMIT, which drizzle
// would bind and SQLite would then plan again on every run.
const statements = preparedOnce((db) => ({
  dueKinds: db
    .select({ guildId: outbox.guildId, kind: outbox.kind, first: sql<number>`min(${outbox.dueAt})` })
    .from(outbox)
    .where(and(pending, lte(outbox.dueAt, sql.placeholder('now'))))
    // `+`: grouped from the due rows' index, not by walking every pending row in server order.
    .groupBy(sql`+${outbox.guildId}`, sql`+${outbox.kind}`)
    .prepare(),
  nextDue: db
    .select({ at: outbox.dueAt })
    .from(outbox)
    .where(and(pending, gt(outbox.dueAt, sql.placeholder('now'))))
    .orderBy(outbox.dueAt)
    .prepare(),
  nextServer: db
    .select({ guildId: outbox.guildId })
    .from(outbox)
    .where(and(pending, gt(outbox.guildId, sql.placeholder('after'))))
    .orderBy(outbox.guildId)
    .prepare(),
  nextKind: db
    .select({ kind: outbox.kind, dueAt: outbox.dueAt })
    .from(outbox)
    .where(and(pending, eq(outbox.guildId, sql.placeholder('guildId')), gt(outbox.kind, sql.placeholder('after'))))
    .orderBy(outbox.kind, outbox.dueAt)
    .prepare(),
  take: db
    .update(outbox)
    .set({ dueAt: sql`${sql.placeholder('leaseUntil')}`, attempts: sql`${outbox.attempts} + 1` })
    .where(
      eq(
        outbox.id,
        sql`(SELECT id FROM ${outbox} WHERE ${pending} AND guild_id = ${sql.placeholder('guildId')} AND kind = ${sql.placeholder('kind')} AND due_at <= ${sql.placeholder('now')} ORDER BY due_at, id LIMIT 1)`,
      ),
    )
    .returning()
    .prepare(),
  delivered: db
    .update(outbox)
    .set({ status: 'delivered', doneAt: sql`${sql.placeholder('now')}`, lastError: null })
    .where(and(eq(outbox.id, sql.placeholder('id')), pending, eq(outbox.attempts, sql.placeholder('attempts'))))
    .prepare(),
}));

/**
 * Every server with effects due at `now`, with the kinds due there, earliest first. With a few
 * servers holding anything pending (the usual case, a long backlog in one of them included): server
 * by server, one seek per server and one per kind it has. With many: one read of the due rows
 * (rows waiting for later, such as reminders in a thousand servers, are not read).
 */
export function dueEffectKinds(db: Db, now: number): Map<string, string[]> {
  const { dueKinds, nextServer } = statements(db);
  const few: string[] = [];
  for (let server = nextServer.get({ after: '' }); server && few.length <= FEW_SERVERS; server = nextServer.get({ after: server.guildId })) few.push(server.guildId);
  if (few.length <= FEW_SERVERS) return dueServerByServer(db, few, now);
  const due = new Map<string, string[]>();
  for (const { guildId, kind } of dueKinds.all({ now }).sort((a, b) => a.first - b.first)) {
    const kinds = due.get(guildId);
    if (kinds) kinds.push(kind);
    else due.set(guildId, [kind]);
  }
  return due;
}

const FEW_SERVERS = 32;

function dueServerByServer(db: Db, servers: readonly string[], now: number): Map<string, string[]> {
  const { nextKind } = statements(db);
  const due = new Map<string, string[]>();
  for (const guildId of servers) {
    const kinds: { kind: string; dueAt: number }[] = [];
    for (let row = nextKind.get({ guildId, after: '' }); row; row = nextKind.get({ guildId, after: row.kind })) if (row.dueAt <= now) kinds.push(row);
    if (kinds.length) due.set(guildId, kinds.sort((a, b) => a.dueAt - b.dueAt).map((k) => k.kind));
  }
  return due;
}

/** The first moment after `now` when a pending effect falls due, or null. */
export function nextEffectDueAfter(db: Db, now: number): number | null {
  return statements(db).nextDue.get({ now })?.at ?? null;
}

/**
 * Takes a server's earliest due effect of one kind and leases it until `leaseUntil`: its due time
 * moves past the lease, so another timer or process leaves it alone, and a crash only delays it.
 */
export function takeDueEffect(db: Db, guildId: string, kind: string, now: number, leaseUntil: number): StoredEffect | null {
  const row = statements(db).take.get({ guildId, kind, now, leaseUntil });
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
  statements(db).delivered.run({ id: effect.id, attempts: effect.attempts, now });
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

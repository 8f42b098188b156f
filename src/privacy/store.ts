// Privacy's own rows: pending confirmations, the once-a-day record, retention, and servers left.
import { createHash } from 'node:crypto';
import { and, eq, isNotNull, isNull, lt, lte, min, or, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { privacyErasures, privacyRequests, privacyRetention, privacyServers } from './schema';

type Reader = Db | Tx;
export type PrivacyRequest = typeof privacyRequests.$inferSelect;
export type Retention = typeof privacyRetention.$inferSelect;
export type ServerRow = typeof privacyServers.$inferSelect;

// ------------------------------------------------------------------ requests

export function insertRequest(db: Reader, row: Omit<PrivacyRequest, 'id'>): PrivacyRequest {
  return db.insert(privacyRequests).values(row).returning().get();
}

export function findRequest(db: Reader, guildId: string, id: number): PrivacyRequest | undefined {
  return db.select().from(privacyRequests).where(and(eq(privacyRequests.id, id), eq(privacyRequests.guildId, guildId))).get();
}

export function deleteRequest(db: Reader, id: number): boolean {
  return db.delete(privacyRequests).where(eq(privacyRequests.id, id)).run().changes === 1;
}

/** Every pending request in this server made by or for the member (their id must not outlive their data). */
export function deleteRequestsAbout(tx: Tx, guildId: string, memberId: string): void {
  tx.delete(privacyRequests).where(and(eq(privacyRequests.guildId, guildId), or(eq(privacyRequests.memberId, memberId), eq(privacyRequests.requestedBy, memberId)))).run();
}

// ------------------------------------------------------------------ once a day

/** The one-way key a member's erasure is remembered by for a day. */
export const erasureKey = (guildId: string, memberId: string) => createHash('sha256').update(`hearth-erasure:${guildId}:${memberId}`).digest('hex');

export function lastErasureAt(db: Reader, guildId: string, memberId: string): number | null {
  return db.select({ at: privacyErasures.erasedAt }).from(privacyErasures).where(eq(privacyErasures.key, erasureKey(guildId, memberId))).get()?.at ?? null;
}

export function recordErasure(tx: Tx, guildId: string, memberId: string, now: number): void {
  const key = erasureKey(guildId, memberId);
  tx.insert(privacyErasures).values({ key, guildId, erasedAt: now }).onConflictDoUpdate({ target: privacyErasures.key, set: { erasedAt: now } }).run();
}

/** Forgets requests older than `requestsBefore` and erasure records older than `erasuresBefore`. */
export function pruneExpired(db: Reader, requestsBefore: number, erasuresBefore: number): { requests: number; erasures: number } {
  return {
    requests: db.delete(privacyRequests).where(lt(privacyRequests.createdAt, requestsBefore)).run().changes,
    erasures: db.delete(privacyErasures).where(lt(privacyErasures.erasedAt, erasuresBefore)).run().changes,
  };
}

/** The earliest of: the next retention pass, the oldest request lapsing, the oldest erasure record lapsing (one read). */
export function nextPrivacyDueAt(db: Reader, requestsLapseAfter: number, erasuresLapseAfter: number): number | null {
  return (
    db.get<{ at: number | null }>(sql`
      SELECT min(at) AS at FROM (
        SELECT min(${privacyRetention.nextRunAt}) AS at FROM ${privacyRetention}
        UNION ALL SELECT min(${privacyRequests.createdAt}) + ${requestsLapseAfter + 1} FROM ${privacyRequests}
        UNION ALL SELECT min(${privacyErasures.erasedAt}) + ${erasuresLapseAfter + 1} FROM ${privacyErasures}
      )`)?.at ?? null
  );
}

// ------------------------------------------------------------------ retention

export function readRetention(db: Reader, guildId: string): Retention | undefined {
  return db.select().from(privacyRetention).where(eq(privacyRetention.guildId, guildId)).get();
}

/** Switches retention on (the first pass due at `now`) or changes its length (the daily time stays). */
export function writeRetention(db: Reader, guildId: string, months: number, now: number): void {
  db.insert(privacyRetention).values({ guildId, months, nextRunAt: now }).onConflictDoUpdate({ target: privacyRetention.guildId, set: { months } }).run();
}

export function deleteRetention(db: Reader, guildId: string): boolean {
  return db.delete(privacyRetention).where(eq(privacyRetention.guildId, guildId)).run().changes === 1;
}

export function dueRetention(db: Reader, now: number): Retention[] {
  return db.select().from(privacyRetention).where(lte(privacyRetention.nextRunAt, now)).orderBy(privacyRetention.nextRunAt).all();
}

/** Records a finished pass, unless retention was switched off or changed meanwhile (then the new setting decides). */
export function finishRetention(db: Reader, pass: Retention, now: number, nextRunAt: number): void {
  db.update(privacyRetention)
    .set({ lastRunAt: now, nextRunAt })
    .where(and(eq(privacyRetention.guildId, pass.guildId), eq(privacyRetention.months, pass.months), eq(privacyRetention.nextRunAt, pass.nextRunAt)))
    .run();
}

// ------------------------------------------------------------------ servers

/**
 * Hearth is in the server: a removal waiting for its 30 days is called off (true), unless the
 * owner asked for the deletion or it has begun (then it goes on; Hearth stays known as present).
 */
export function markPresent(db: Reader, guildId: string): boolean {
  const row = readServer(db, guildId);
  if (!row) {
    db.insert(privacyServers).values({ guildId }).onConflictDoNothing().run();
    return false;
  }
  if (row.leftAt === null) return false;
  const callOff = !row.ownerAsked && !row.deleting;
  db.update(privacyServers)
    .set(callOff ? { leftAt: null, deleteAt: null } : { leftAt: null })
    .where(eq(privacyServers.guildId, guildId))
    .run();
  return callOff;
}

/** Hearth was removed from the server at `now`: its data is due for deletion at `deleteAt`. */
export function markLeft(db: Reader, guildId: string, now: number, deleteAt: number): void {
  db.insert(privacyServers)
    .values({ guildId, leftAt: now, deleteAt })
    // A deletion already due sooner (the owner asked for it) keeps its time.
    .onConflictDoUpdate({ target: privacyServers.guildId, set: { leftAt: now, deleteAt: sql`min(coalesce(${privacyServers.deleteAt}, ${deleteAt}), ${deleteAt})` }, setWhere: isNull(privacyServers.leftAt) })
    .run();
}

/** The owner asked for everything to go now: due at once, whether or not Hearth is still there. */
export function markForDeletion(db: Reader, guildId: string, now: number): void {
  db.insert(privacyServers).values({ guildId, deleteAt: now, ownerAsked: true }).onConflictDoUpdate({ target: privacyServers.guildId, set: { deleteAt: now, ownerAsked: true } }).run();
}

/** A deletion's first step is about to run: from now on it is finished, whatever happens. */
export function markDeleting(db: Reader, guildId: string): void {
  db.update(privacyServers).set({ deleting: true }).where(eq(privacyServers.guildId, guildId)).run();
}

export function readServer(db: Reader, guildId: string): ServerRow | undefined {
  return db.select().from(privacyServers).where(eq(privacyServers.guildId, guildId)).get();
}

export function serversPresent(db: Reader): string[] {
  return db.select({ guildId: privacyServers.guildId }).from(privacyServers).where(isNull(privacyServers.leftAt)).all().map((r) => r.guildId);
}

export function serversDue(db: Reader, now: number): ServerRow[] {
  return db.select().from(privacyServers).where(and(isNotNull(privacyServers.deleteAt), lte(privacyServers.deleteAt, now))).orderBy(privacyServers.deleteAt).all();
}

export function nextServerDeletionAt(db: Reader): number | null {
  return db.select({ at: min(privacyServers.deleteAt) }).from(privacyServers).where(isNotNull(privacyServers.deleteAt)).get()?.at ?? null;
}

/**
 * The deletion of `row` is done: a server Hearth left is forgotten altogether, one it is still in
 * stays known. Conditional on the row being as it was, so only one finisher reports it.
 */
export function finishServerDeletion(db: Reader, row: ServerRow): boolean {
  const same = and(eq(privacyServers.guildId, row.guildId), sql`${privacyServers.deleteAt} IS ${row.deleteAt}`, sql`${privacyServers.leftAt} IS ${row.leftAt}`);
  if (row.leftAt !== null) return db.delete(privacyServers).where(same).run().changes === 1;
  return db.update(privacyServers).set({ deleteAt: null, ownerAsked: false, deleting: false }).where(same).run().changes === 1;
}

/** Privacy's own rows of a server (its requests, erasure records and retention), for deleting all its data. */
export function forgetServerRows(tx: Tx, guildId: string): number {
  return (
    tx.delete(privacyRequests).where(eq(privacyRequests.guildId, guildId)).run().changes +
    tx.delete(privacyErasures).where(eq(privacyErasures.guildId, guildId)).run().changes +
    tx.delete(privacyRetention).where(eq(privacyRetention.guildId, guildId)).run().changes
  );
}

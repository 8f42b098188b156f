// Queueing a Discord side effect: plain data, no discord.js, so services can queue inside their
// own write transactions.
import { and, gte, lt, ne, sql } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { outbox } from './schema';


export interface Effect<P = Record<string, unknown>> {
  /** Unique for this effect: queueing the same key twice does nothing. */
  key: string;
  guildId: string;
  kind: string;
  payload: P;
  /** Not before this moment (default: now). */
  dueAt?: number;
}

/**
 * Stores an effect to be delivered, inside the write transaction of the change that causes it;
 * false when one with the same key was already queued.
 */
export function queueEffect(db: Tx, effect: Effect, now: number): boolean {
  const inserted = db
    .insert(outbox)
    .values({
      key: effect.key,
      guildId: effect.guildId,
      kind: effect.kind,
      payload: JSON.stringify(effect.payload),
      dueAt: effect.dueAt ?? now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outbox.key })
    .run();
  return inserted.changes === 1;
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

import type { Db } from './open';

/** The transaction `writeTx` hands to its function; store functions that only make sense inside one take it. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Runs `fn` in one write transaction begun with `BEGIN IMMEDIATE` and returns its result (a throw
 * rolls everything back). Several processes may share one WAL file: a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in between, and
 * busy_timeout cannot help it; taking the write lock at the start waits its turn instead.
 * `fn` is synchronous, with nothing awaited inside: the lock must not be held across the event loop
 * (better-sqlite3 refuses a function that returns a promise).
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}

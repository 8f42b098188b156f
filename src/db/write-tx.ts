import type { Db } from './open';

/** The transaction `writeTx` hands to its function; store functions that only make sense inside one take it. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

interface Writer {
  tx: Tx;
  immediate: (work: () => unknown) => unknown;
}

// One per database: drizzle builds a new transaction object (with a query builder for every table
// of the schema) and better-sqlite3 a new transaction function on every call, about 20 µs a click
// in a rush; neither holds any state of its own between transactions.
const writers = new WeakMap<Db, Writer>();

function writerFor(db: Db): Writer {
  let writer = writers.get(db);
  if (!writer) {
    // drizzle's transaction object, taken from an empty transaction: a view of the same connection.
    const tx = db.transaction((t) => t);
    const immediate = db.$client.transaction((work: () => unknown) => work()).immediate;
    writers.set(db, (writer = { tx, immediate }));
  }
  return writer;
}

/**
 * Runs `fn` in one write transaction begun with `BEGIN IMMEDIATE` and returns its result (a throw
 * rolls everything back). Several processes may share one WAL file: a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in between, and
 * busy_timeout cannot help it; taking the write lock at the start waits its turn instead.
 * `fn` is synchronous, with nothing awaited inside: the lock must not be held across the event loop
 * (better-sqlite3 refuses a function that returns a promise). Called inside another, it runs in a
 * savepoint of the outer transaction, as drizzle's own transactions do.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  const { tx, immediate } = writerFor(db);
  return immediate(() => fn(tx)) as T;
}

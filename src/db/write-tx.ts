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
  // Clicks of this turn still waiting (group commit) are written first: a write that comes after
  // them in time (a member's erasure, a poll's close) never lands before them.
  if (!db.$client.inTransaction && pendingWrites.has(db)) writePending(db);
  return immediate(() => fn(tx)) as T;
}

/**
 * A click's write waiting for the end of this turn of the event loop, with whoever waits to answer.
 */
interface Queued {
  fn: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The clicks of this turn not yet written, and the promise kept for reads that answer from them. */
interface Pending {
  queued: Queued[];
  written: Promise<void>;
  done: () => void;
}

const pendingWrites = new WeakMap<Db, Pending>();

/**
 * One transaction holds at most this many clicks: a rush's turn of the event loop can bring
 * hundreds, and the write lock (which another process sharing the file waits for) is held only
 * while one batch is written, a few milliseconds.
 */
export const GROUP_MAX_WRITES = 200;

/**
 * Group commit, for the clicks of a rush (a vote, a mood, a survey answer, a kudos): `fn` waits for
 * the end of this turn of the event loop (setImmediate), and then every click that came in the turn
 * is written in one `BEGIN IMMEDIATE` transaction, each in a savepoint of its own: one BEGIN and one
 * COMMIT for a whole turn's clicks instead of one each, and fewer pages written to the log. Resolves
 * with `fn`'s result once the COMMIT succeeded, so a member is told their answer is stored only when
 * it is; a throw in `fn` rolls back only its savepoint and rejects only its caller; a failed COMMIT
 * rejects every click of that transaction (none of it is stored). The transaction is opened and
 * committed within one synchronous step: nothing else runs inside it, no other write joins it, and no
 * read ever sees a click that is not committed. `fn` is synchronous, like writeTx's.
 */
export function savedWriteTx<T>(db: Db, fn: (tx: Tx) => T): Promise<T> {
  let pending = pendingWrites.get(db);
  if (!pending) {
    let done!: () => void;
    const written = new Promise<void>((resolve) => (done = resolve));
    pendingWrites.set(db, (pending = { queued: [], written, done }));
    setImmediate(() => writePending(db));
  }
  const queued = pending.queued;
  return new Promise<T>((resolve, reject) => queued.push({ fn, resolve: resolve as (value: unknown) => void, reject }));
}

/** Resolves once the clicks waiting now (if any) are written: for a read that answers from them (My vote). */
export function pendingWritten(db: Db): Promise<void> {
  return pendingWrites.get(db)?.written ?? Promise.resolve();
}

/** Writes the clicks waiting now, in transactions of GROUP_MAX_WRITES, and answers each (also before the database closes). */
export function writePending(db: Db): void {
  const pending = pendingWrites.get(db);
  if (!pending) return;
  pendingWrites.delete(db);
  try {
    for (let i = 0; i < pending.queued.length; i += GROUP_MAX_WRITES) writeGroup(db, pending.queued.slice(i, i + GROUP_MAX_WRITES));
  } finally {
    pending.done();
  }
}

function writeGroup(db: Db, group: readonly Queued[]): void {
  const { tx, immediate } = writerFor(db);
  const sqlite = db.$client;
  const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
  try {
    immediate(() => {
      for (const click of group) {
        // SQLite itself dropped the transaction (a full disk): the clicks before were lost with it.
        if (!sqlite.inTransaction) throw new Error('The grouped write transaction was rolled back before its commit.');
        try {
          outcomes.push({ ok: true, value: immediate(() => click.fn(tx)) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    // Nothing of this transaction is stored: every click in it is told so, with its own error if it had one.
    group.forEach((click, i) => click.reject(outcomes[i]?.ok === false ? outcomes[i].error : error));
    return;
  }
  group.forEach((click, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) click.resolve(outcome.value);
    else click.reject(outcome.error);
  });
}

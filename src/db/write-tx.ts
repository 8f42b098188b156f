import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import type { Db } from './open';

/** The transaction `writeTx` hands to its function; store functions that only make sense inside one take it. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The clicks of one turn of the event loop, written in one transaction committed at the turn's end. */
interface Group {
  saved: Promise<void>;
  settle: (error?: unknown) => void;
  /** Grouped writes in it so far. */
  writes: number;
}

/**
 * A group is committed once it holds this many writes, without waiting for the turn's end: the
 * write lock (which another process sharing the file waits for) and the log's pages of one
 * transaction stay bounded however many clicks one turn of the event loop handles.
 */
export const GROUP_MAX_WRITES = 200;

interface Writer {
  tx: Tx;
  immediate: (work: () => unknown) => unknown;
  begin: Statement;
  commit: Statement;
  rollback: Statement;
  /** The group transaction open on this connection, if any. */
  group: Group | null;
  /** How many grouped functions are running now (a writeTx inside one is part of its click). */
  inGroupedFn: number;
}

// One per database: drizzle builds a new transaction object (with a query builder for every table
// of the schema) and better-sqlite3 a new transaction function on every call, about 20 µs a click
// in a rush; neither holds any state of its own between transactions.
const writers = new WeakMap<Db, Writer>();

/** The open groups, by connection: a write outside them commits them first (see guardWrites). */
const groupsOpen = new Map<Database.Database, () => void>();

function writerFor(db: Db): Writer {
  let writer = writers.get(db);
  if (!writer) {
    guardWrites(db.$client);
    // drizzle's transaction object, taken from an empty transaction: a view of the same connection.
    const tx = db.transaction((t) => t);
    const sqlite = db.$client;
    const immediate = sqlite.transaction((work: () => unknown) => work()).immediate;
    writer = { tx, immediate, begin: sqlite.prepare('BEGIN IMMEDIATE'), commit: sqlite.prepare('COMMIT'), rollback: sqlite.prepare('ROLLBACK'), group: null, inGroupedFn: 0 };
    writers.set(db, writer);
  }
  return writer;
}

/**
 * Runs `fn` in one write transaction begun with `BEGIN IMMEDIATE` and returns its result (a throw
 * rolls everything back). Several processes may share one WAL file: a deferred transaction that
 * reads and then writes fails at once with SQLITE_BUSY when another process wrote in between, and
 * busy_timeout cannot help it; taking the write lock at the start waits its turn instead.
 * `fn` is synchronous, with nothing awaited inside: the lock must not be held across the event loop
 * (better-sqlite3 refuses a function that returns a promise). Called inside another (or inside a
 * grouped function), it runs in a savepoint of the outer transaction, as drizzle's own transactions
 * do. Called while a group is open, it commits the group first: nothing else runs inside the
 * clicks' transaction, and a throw here cannot roll them back.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  const writer = writerFor(db);
  if (writer.group && writer.inGroupedFn === 0) commitGroup(db, writer);
  return writer.immediate(() => fn(writer.tx)) as T;
}

/** What `groupedWriteTx` returns: the function's result now, and when it is committed. */
export interface Grouped<T> {
  value: T;
  /** Resolves once the group's COMMIT succeeded; rejects when it failed (then nothing of it was stored). */
  saved: Promise<void>;
}

/**
 * Runs `fn` now, in a savepoint of the transaction shared by every grouped write of this turn of
 * the event loop, committed once the turn ends (setImmediate): one BEGIN and one COMMIT for a whole
 * rush of clicks instead of one each, and fewer pages written to the log. A throw in `fn` rolls
 * back only its own savepoint and is rethrown here; the other writes of the group stay. `value` is
 * what `fn` returned; nothing may tell the member their answer is stored before `saved` resolves,
 * and a rejected `saved` means none of the group was stored. `fn` is synchronous, like writeTx's.
 * Reads on this connection see the open group's rows before they are committed.
 */
export function groupedWriteTx<T>(db: Db, fn: (tx: Tx) => T): Grouped<T> {
  const writer = writerFor(db);
  const sqlite = db.$client;
  // Inside a writeTx (its savepoint then): committed when that returns, before anyone can await.
  if (sqlite.inTransaction && !writer.group) return { value: writeTx(db, fn), saved: Promise.resolve() };
  // SQLite rolled the whole transaction back itself (a full disk, say): that group is lost. A
  // full group is committed now.
  if (writer.group && (!sqlite.inTransaction || writer.group.writes >= GROUP_MAX_WRITES) && writer.inGroupedFn === 0) commitGroup(db, writer);
  const group = writer.group ?? openGroup(db, writer);
  group.writes++;
  writer.inGroupedFn++;
  try {
    return { value: writer.immediate(() => fn(writer.tx)) as T, saved: group.saved };
  } finally {
    writer.inGroupedFn--;
  }
}

/** Commits the open group now, if any (before the database closes); its clicks are then answered. */
export function commitOpenGroup(db: Db): void {
  const writer = writers.get(db);
  if (writer?.group) commitGroup(db, writer);
}

/** Resolves once the group open now (if any) is settled: for a read that answers from what the group wrote. */
export function groupSettled(db: Db): Promise<void> {
  const saved = writers.get(db)?.group?.saved;
  return saved ? saved.then(noop, noop) : Promise.resolve();
}

const noop = () => {};

const GUARDED = Symbol('hearth: writes commit an open group first');

/**
 * Not every write goes through writeTx: a single statement (an outbox delivery marked done, a
 * shout-out's message id) runs on its own. While a group is open such a write would silently join
 * the clicks' transaction, to be lost with it if its COMMIT failed or the process stopped first.
 * So any statement that writes, run outside a grouped function while a group is open, commits the
 * group first. This wraps better-sqlite3's statement methods once per process; when no group is
 * open the cost is one check of a map's size.
 */
function guardWrites(sqlite: Database.Database): void {
  const prototype = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Record<string | symbol, unknown>;
  if (prototype[GUARDED]) return;
  prototype[GUARDED] = true;
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = prototype[method] as (this: Statement, ...args: unknown[]) => unknown;
    prototype[method] = function (this: Statement, ...args: unknown[]) {
      if (groupsOpen.size > 0 && !this.readonly) groupsOpen.get(this.database)?.();
      return original.apply(this, args);
    };
  }
}

function openGroup(db: Db, writer: Writer): Group {
  writer.begin.run();
  let settle!: Group['settle'];
  const saved = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  saved.catch(noop); // each member of the group awaits it; none left unhandled when a click threw
  const group = { saved, settle, writes: 0 };
  writer.group = group;
  groupsOpen.set(db.$client, () => {
    if (writer.inGroupedFn === 0 && writer.group) commitGroup(db, writer);
  });
  setImmediate(() => {
    if (writer.group === group) commitGroup(db, writer);
  });
  return group;
}

function commitGroup(db: Db, writer: Writer): void {
  const group = writer.group!;
  writer.group = null;
  const sqlite = db.$client;
  groupsOpen.delete(sqlite);
  try {
    if (!sqlite.inTransaction) throw new Error('The grouped write transaction was rolled back before its commit.');
    writer.commit.run();
  } catch (error) {
    // A failed COMMIT can leave the transaction open: roll it back so the next write starts clean.
    if (sqlite.open && sqlite.inTransaction) writer.rollback.run();
    group.settle(error instanceof Error ? error : new Error(String(error)));
    return;
  }
  group.settle();
}

/** `groupedWriteTx` for a caller that answers only once its write is stored: `fn`'s result, after the group's COMMIT. */
export async function savedWriteTx<T>(db: Db, fn: (tx: Tx) => T): Promise<T> {
  const { value, saved } = groupedWriteTx(db, fn);
  await saved;
  return value;
}

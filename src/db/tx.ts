import type { Db } from './open';

/** A drizzle better-sqlite3 transaction: what `db.transaction((tx) => ...)` hands its callback. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Reads work the same on the database and inside a transaction. */
export type Reader = Db | Tx;

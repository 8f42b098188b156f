import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './open';
import type { Tx } from './write-tx';

type Reader = Db | Tx;

/**
 * The queries a member's click runs every time (a vote, a mood, a survey answer), built by drizzle
 * and prepared by SQLite once per database connection instead of once per click: building and
 * preparing them again took about 40% of a vote's time in a rush. `build` gets the connection (or a
 * transaction on it) and returns drizzle queries ending in `.prepare()`, with `sql.placeholder(name)`
 * where values go; the returned function hands back the same statements for that connection on
 * every call. A statement prepared on a connection runs inside its transactions too.
 */
export function preparedOnce<T>(build: (db: Reader) => T): (db: Reader) => T {
  const byConnection = new WeakMap<object, T>();
  return (db) => {
    const connection = connectionOf(db);
    let statements = byConnection.get(connection);
    if (statements === undefined) byConnection.set(connection, (statements = build(db)));
    return statements;
  };
}

/**
 * A drizzle database and the transactions begun on it share one session (drizzle hands its own to
 * every transaction), so the session stands for the connection either way. drizzle keeps it out of
 * its public types, hence the cast.
 */
function connectionOf(db: Reader): object {
  const session = (db as unknown as { session?: object }).session;
  if (!session) throw new Error('preparedOnce: this is not a drizzle database or transaction');
  return session;
}

/**
 * A fixed word of the code (a status such as 'posted') written into a prepared statement's SQL
 * instead of bound as a value. When a bound value is compared with a column that a partial index's
 * condition names (`status = ?` next to an index `WHERE status = 'posting'`), SQLite plans the
 * statement again on every run in case the value makes that index usable: about 10 µs a run.
 */
export function sqlWord(word: string): SQL {
  if (!/^[a-z][a-z-]*$/.test(word)) throw new Error(`sqlWord: only plain lower-case words, not ${JSON.stringify(word)}`);
  return sql.raw(`'${word}'`);
}

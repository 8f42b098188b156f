import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema';
import { stopCheckpointer } from './checkpointer';
import { writePending } from './write-tx';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

// The project's migrations/ folder, from the compiled programs in dist/ (npm start) or from the
// sources in src/db/ (tests, npm run dev): the nearest one that holds drizzle's journal.
export const MIGRATIONS_FOLDER = ['../migrations', '../../migrations']
  .map((relative) => fileURLToPath(new URL(relative, import.meta.url)))
  .find((folder) => existsSync(join(folder, 'meta', '_journal.json'))) ?? fileURLToPath(new URL('../../migrations', import.meta.url));

/** Drizzle over a connection opened elsewhere (the doctor's look at a file): no pragmas, no migrations. */
export function wrapConnection(sqlite: Database.Database): Db {
  return drizzle(sqlite, { schema });
}

/**
 * Opens (or creates) the database file, sets the pragmas Hearth relies on and applies every
 * pending migration. Pass ':memory:' for a throwaway database.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') ownerOnly(resolve(path));
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  // Waiting longer than this for a lock would also hold up the 3-second interaction answers.
  sqlite.pragma('busy_timeout = 2000');
  // Deleted data (a closed anonymous poll's key) is overwritten, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  const db = drizzle(sqlite, { schema });
  runMigrations(db);
  sqlite.pragma('foreign_keys = ON');
  return db;
}

/** Only the file's owner may read or write it: it holds every member id and the keys of open anonymous polls and surveys. */
const OWNER_ONLY = 0o600;

/**
 * Creates the database file (and its folder, if missing) readable by its owner only, and tightens
 * an existing file and its log to the same. SQLite gives the `-wal` and `-shm` files it creates
 * the mode of the database file, so they are owner-only too.
 */
function ownerOnly(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', OWNER_ONLY));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, OWNER_ONLY);
}

/**
 * drizzle-kit rebuilds a table to change it (copy, drop, rename); with foreign keys on, the drop
 * would cascade-delete child rows. So keys are off while migrating and checked right after.
 */
export function runMigrations(db: Db): void {
  const sqlite = db.$client;
  sqlite.pragma('foreign_keys = OFF');
  try {
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const broken = sqlite.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) {
      throw new Error(`A migration left ${broken.length} rows pointing at missing rows: ${JSON.stringify(broken.slice(0, 5))}`);
    }
  } finally {
    sqlite.pragma('foreign_keys = ON');
  }
}

/**
 * After a secret was deleted (a closed anonymous poll's or survey's key): secure_delete has zeroed
 * it in the database pages, and a TRUNCATE checkpoint copies the log into the file and empties the
 * log, where older copies of the page would otherwise remain. If another connection is reading at
 * that moment (a backup, say) this waits up to busy_timeout; while another connection checkpoints,
 * it tries again every 5 ms for up to 2 s. False if the log could still not be emptied: a later
 * checkpoint does it, at the latest at shutdown. Closing anonymous polls is rare enough to afford it.
 */
export function forgetDeletedData(db: Db): boolean {
  // Busy at once (no busy_timeout) while another connection checkpoints: the background one of a
  // retention pass, say. Its checkpoint is short; wait for it rather than leave the log as it is.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + 2_000; // a reader (a backup) makes each try wait busy_timeout: count time, not tries
  for (;;) {
    const [result] = db.$client.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (!result?.busy) return true;
    if (performance.now() >= deadline) return false;
    Atomics.wait(pause, 0, 0, 5);
  }
}

/** Writes the clicks waiting for the end of the turn, folds the WAL back into the main file and closes; safe to call twice. */
export function closeDatabase(db: Db): void {
  const sqlite = db.$client;
  if (!sqlite.open) return;
  writePending(db);
  stopCheckpointer(db);
  sqlite.pragma('optimize');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}

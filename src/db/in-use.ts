import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SetupError } from '../config';
import { openDatabase, type Db } from './open';

/**
 * Whether a Hearth is running on a database, told by a lock that the operating system holds for
 * the running process and drops when it ends, crash or not (no stale pid files). Each running
 * Hearth holds a shared lock on a small file beside the database (`hearth.sqlite.lock`), so that
 * several shard processes could share one database; a restore needs the lock alone.
 * SQLite's own file locks do the locking, so it works wherever SQLite's locking does.
 */
export function lockPathOf(databasePath: string): string {
  return `${databasePath}.lock`;
}

/** Held from start to stop of the bot; the returned function lets go. */
export function holdRunningLock(databasePath: string): () => void {
  if (databasePath === ':memory:') return () => {};
  mkdirSync(dirname(resolve(databasePath)), { recursive: true });
  const lock = new Database(lockPathOf(databasePath), { timeout: 0 });
  try {
    lock.exec('BEGIN');
    lock.prepare('SELECT count(*) FROM sqlite_master').get(); // a read: the shared lock is taken now
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new SetupError(`The database ${databasePath} is being restored right now (npm run restore). Start Hearth again once the restore has finished.`);
  }
  return () => {
    if (lock.open) lock.close();
  };
}

/** The lock alone, for a restore; null while any Hearth runs on this database. */
export function takeLockAlone(databasePath: string): (() => void) | null {
  mkdirSync(dirname(resolve(databasePath)), { recursive: true });
  const lock = new Database(lockPathOf(databasePath), { timeout: 0 });
  try {
    lock.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return null;
    throw error;
  }
  return () => {
    lock.exec('ROLLBACK');
    lock.close();
  };
}

/** The bot's database: the running lock first (a restore under way keeps Hearth out), then open and migrate. */
export function openLockedDatabase(databasePath: string): { db: Db; release: () => void } {
  const release = holdRunningLock(databasePath);
  try {
    return { db: openDatabase(databasePath), release };
  } catch (error) {
    release();
    throw error;
  }
}

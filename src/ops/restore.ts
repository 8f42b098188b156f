import Database from 'better-sqlite3';
import { chmodSync, closeSync, copyFileSync, constants, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SetupError } from '../config';
import { takeLockAlone } from '../db/in-use';
import { migrationState } from '../db/migration-state';
import { checkedStandalone } from './backup';

const SQLITE_HEADER = 'SQLite format 3\0';
const SIDE_FILES = ['-wal', '-shm', '-journal'];

export interface RestoreResult {
  /** Where the database that was replaced now is, or null when there was none. */
  keptAs: string | null;
  /** Migrations this version will apply when Hearth next starts (a backup from an older version). */
  pending: string[];
}

/**
 * Puts a backup in place of the database. Refuses, changing nothing, a file that is not a Hearth
 * database, one that fails its integrity check or comes from a newer Hearth, and any restore while
 * Hearth runs. The replaced database (with its write-ahead log) is kept beside it, renamed.
 */
export function restoreBackup(options: { databasePath: string; file: string; now: number }): RestoreResult {
  const { databasePath, file } = options;
  const unchanged = 'Nothing was changed.';
  if (!existsSync(file)) throw new SetupError(`There is no file ${file}. ${unchanged}`);
  if (!startsLikeSqlite(file)) throw new SetupError(`${file} is not a Hearth database (it is not an SQLite file). ${unchanged}`);
  if (resolve(file) === resolve(databasePath)) throw new SetupError(`${file} is the database itself (DATABASE_PATH). ${unchanged}`);

  // The exact bytes that will be restored are checked, in a copy beside the database.
  mkdirSync(dirname(resolve(databasePath)), { recursive: true });
  const incoming = `${databasePath}.restoring`;
  copyFileSync(file, incoming);
  let release: (() => void) | null = null;
  try {
    chmodSync(incoming, 0o600);
    const problems = checkedStandalone(incoming);
    if (problems.length) {
      throw new SetupError(`${file} fails SQLite's integrity check (${problems.slice(0, 3).join('; ')}), so it cannot be restored. Try an older backup. ${unchanged}`);
    }
    const state = readMigrationState(incoming);
    if (!state.isHearth) throw new SetupError(`${file} is an SQLite database, but not Hearth's (it has none of Hearth's tables). ${unchanged}`);
    if (state.fromNewerVersion) throw new SetupError(`${file} was made by a newer version of Hearth than this one. Upgrade Hearth first, then restore. ${unchanged}`);

    release = takeLockAlone(databasePath);
    if (!release) {
      throw new SetupError(`Hearth is running on ${databasePath}. Stop it first (Ctrl-C, systemctl stop hearth, or docker compose stop), then run the restore again. ${unchanged}`);
    }
    const keptAs = existsSync(databasePath) ? setAside(databasePath, options.now) : null;
    renameSync(incoming, databasePath);
    return { keptAs, pending: state.pending };
  } finally {
    release?.();
    for (const path of [incoming, ...SIDE_FILES.map((side) => incoming + side)]) rmSync(path, { force: true });
  }
}

function startsLikeSqlite(file: string): boolean {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, constants.O_RDONLY);
  try {
    return readSync(fd, header, 0, header.length, 0) === header.length && header.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

function readMigrationState(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return migrationState(db);
  } finally {
    db.close();
  }
}

/** hearth.sqlite -> hearth.sqlite.replaced-2026-11-29T09-00-00.000Z, its -wal beside it (SQLite finds it by name). */
function setAside(databasePath: string, now: number): string {
  const aside = `${databasePath}.replaced-${new Date(now).toISOString().replace(/:/g, '-')}`;
  renameSync(databasePath, aside);
  if (existsSync(`${databasePath}-wal`)) renameSync(`${databasePath}-wal`, `${aside}-wal`);
  rmSync(`${databasePath}-shm`, { force: true });
  return aside;
}

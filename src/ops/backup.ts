import Database from 'better-sqlite3';
import { accessSync, chmodSync, constants, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SetupError } from '../config';

// hearth-2026-11-29T09-00-00.000Z.sqlite: UTC, so names sort in the order they were taken.
const BACKUP_NAME = /^hearth-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z\.sqlite$/;

export function backupFileName(at: number): string {
  return `hearth-${new Date(at).toISOString().replace(/:/g, '-')}.sqlite`;
}

/** When a backup file was taken, read from its name; null for a file that is not one of ours. */
export function backupTakenAt(name: string): number | null {
  if (!BACKUP_NAME.test(name)) return null;
  const iso = name.slice('hearth-'.length, -'.sqlite'.length).replace(/T(\d{2})-(\d{2})-(\d{2})/, 'T$1:$2:$3');
  return Date.parse(iso);
}

/** Hearth's backups in a folder, newest first (other files there are left alone). */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((name) => backupTakenAt(name) !== null).sort().reverse();
}

/** Creates the folder (readable by its owner only) if needed and makes sure backups can be written there. */
export function prepareBackupDir(dir: string): void {
  const refuse = (why: string) => new SetupError(`Backups cannot be written to ${dir}: ${why}. Choose a folder that the user running Hearth can write to (--dir, or BACKUP_DIR).`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw refuse('permission denied');
    if (code === 'EROFS') throw refuse('the file system is read-only');
    if (code === 'ENOTDIR' || code === 'EEXIST') throw refuse('it, or a folder above it, is a file');
    throw refuse((error as Error).message);
  }
  if (!statSync(dir).isDirectory()) throw refuse('it is a file, not a folder');
}

export interface BackupOptions {
  dir: string;
  /** How many backups to keep in the folder, counting this one; older ones are deleted. */
  keep: number;
  now: number;
  /**
   * Pages copied per step. A connection of its own (the backup command) copies everything in one
   * step, one consistent read, because SQLite restarts a step-wise copy whenever another
   * connection writes. The bot's own connection can go in small steps: its writes reach the copy.
   */
  pagesPerStep: number;
  /** Checked between steps: a stop abandons the copy. */
  stopping?: () => boolean;
}

export interface BackupResult {
  path: string;
  bytes: number;
  /** Older backups deleted to keep the newest `keep`. */
  removed: string[];
}

/**
 * An online backup of a live database with SQLite's backup API: written under a temporary name,
 * checked with `PRAGMA integrity_check`, readable by its owner only, then given its final name;
 * then only the newest `keep` backups stay.
 */
export async function takeBackup(source: Database.Database, options: BackupOptions): Promise<BackupResult> {
  if (!Number.isInteger(options.keep) || options.keep < 1) throw new SetupError('Keep at least 1 backup (--keep 1 or more).');
  prepareBackupDir(options.dir);
  const name = backupFileName(options.now);
  const path = join(options.dir, name);
  const partial = join(options.dir, `.${name}.partial`);
  // Created empty and private first, so the copy is never readable by others, even for a moment.
  writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
  try {
    await source.backup(partial, {
      progress: () => {
        if (options.stopping?.()) throw new Error('Hearth is stopping: the backup was abandoned');
        return options.pagesPerStep;
      },
    });
    const problems = checkedStandalone(partial);
    if (problems.length) {
      throw new SetupError(`The backup copy failed SQLite's integrity check (${problems.slice(0, 3).join('; ')}), so it was not kept. The live database may be damaged: run npm run doctor.`);
    }
    chmodSync(partial, 0o600);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  const removed = listBackups(options.dir).slice(options.keep);
  for (const old of removed) rmSync(join(options.dir, old), { force: true });
  return { path, bytes: statSync(path).size, removed };
}

/**
 * Makes a copy one self-contained file (rollback journal instead of write-ahead log, so nothing
 * is left beside it) and runs `PRAGMA integrity_check` on it: the problems found, empty when it
 * is sound. A file SQLite cannot read at all is one problem.
 */
export function checkedStandalone(file: string): string[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('journal_mode = DELETE');
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).filter((text) => text !== 'ok');
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  } finally {
    db?.close();
  }
}

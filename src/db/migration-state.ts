import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS_FOLDER } from './open';

export interface MigrationState {
  /** Has Hearth's migration record and its first table (any database made by Hearth has both). */
  isHearth: boolean;
  /** Migrations of this version not applied yet (they run when Hearth starts). */
  pending: string[];
  /** The database has a migration this version does not know: it was used by a newer Hearth. */
  fromNewerVersion: boolean;
}

const hasTable = (sqlite: Database.Database, name: string) =>
  sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

/** Compares a database with this version's migrations, the way drizzle's migrator does (by time). */
export function migrationState(sqlite: Database.Database): MigrationState {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number; tag: string }[] };
  if (!hasTable(sqlite, '__drizzle_migrations') || !hasTable(sqlite, 'guild_settings')) {
    return { isHearth: false, pending: journal.entries.map((entry) => entry.tag), fromNewerVersion: false };
  }
  const row = sqlite.prepare('SELECT max(created_at) AS last FROM __drizzle_migrations').get() as { last: number | null };
  const last = Number(row.last ?? 0);
  return {
    isHearth: true,
    pending: journal.entries.filter((entry) => entry.when > last).map((entry) => entry.tag),
    fromNewerVersion: last > Math.max(0, ...journal.entries.map((entry) => entry.when)),
  };
}

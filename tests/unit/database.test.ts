import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, MIGRATIONS_FOLDER, openDatabase, runMigrations } from '../../src/db/open';

const migrationCount = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;

describe('database', () => {
  it('creates a fresh database with every migration applied and the pragmas Hearth relies on', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-db-')), 'sub', 'fresh.sqlite');
    const db = openDatabase(path);
    const sqlite = db.$client;
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(2000);
    expect(sqlite.pragma('secure_delete', { simple: true })).toBe(1);
    const applied = sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(migrationCount);
    const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => (r as { name: string }).name);
    expect(tables).toContain('guild_settings');
    closeDatabase(db);
    closeDatabase(db); // twice is harmless
  });

  it('opens an already migrated database without applying anything again and keeps its rows', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-db-')), 'again.sqlite');
    const first = openDatabase(path);
    first.$client.prepare("INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES ('1', 'Europe/Paris', 0)").run();
    closeDatabase(first);

    const second = openDatabase(path);
    runMigrations(second);
    const applied = second.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number };
    expect(applied.n).toBe(migrationCount);
    expect(second.$client.prepare('SELECT timezone FROM guild_settings').get()).toEqual({ timezone: 'Europe/Paris' });
    closeDatabase(second);
  });

  it('works in memory for unit tests', () => {
    const db = openDatabase(':memory:');
    expect(db.$client.prepare('SELECT count(*) AS n FROM guild_settings').get()).toEqual({ n: 0 });
  });
});

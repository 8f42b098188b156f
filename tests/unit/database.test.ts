import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, MIGRATIONS_FOLDER, openDatabase, runMigrations } from '../../src/db/open';
import { writeTx } from '../../src/db/write-tx';

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

  it('takes the write lock when a write transaction begins, so another process waits its turn, and undoes it all on a throw', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-db-')), 'shared.sqlite');
    const one = openDatabase(path);
    const other = openDatabase(path);
    other.$client.pragma('busy_timeout = 0');
    const insert = (db: typeof one, guild: string) => db.$client.prepare("INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, 'UTC', 0)").run(guild);

    const result = writeTx(one, () => {
      // Nothing written yet, and still the other connection cannot write in between.
      expect(() => insert(other, 'b')).toThrow(/locked|busy/i);
      insert(one, 'a');
      return 'done';
    });
    expect(result).toBe('done');
    expect(() =>
      writeTx(one, () => {
        insert(one, 'c');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(other.$client.prepare('SELECT guild_id FROM guild_settings').all()).toEqual([{ guild_id: 'a' }]);
    closeDatabase(other);
    closeDatabase(one);
  });
});

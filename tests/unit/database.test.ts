import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { closeDatabase, MIGRATIONS_FOLDER, openDatabase, runMigrations } from '../../src/db/open';
import { sql } from 'drizzle-orm';
import { writeTx, type Tx } from '../../src/db/write-tx';
import { claimDueRuns } from '../../src/checkins/runs';

const migrationCount = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;

/** A database file migrated up to (not including) migration `idx`, as an older release left it. */
function databaseBefore(idx: number): { path: string; sqlite: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-db-'));
  const older = join(dir, 'migrations');
  cpSync(MIGRATIONS_FOLDER, older, { recursive: true });
  const journalPath = join(older, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number; tag: string }[] };
  for (const entry of journal.entries.filter((e) => e.idx >= idx)) {
    rmSync(join(older, `${entry.tag}.sql`));
    rmSync(join(older, 'meta', `${entry.tag.slice(0, 4)}_snapshot.json`), { force: true });
  }
  journal.entries = journal.entries.filter((e) => e.idx < idx);
  writeFileSync(journalPath, JSON.stringify(journal));
  const path = join(dir, 'old.sqlite');
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: older });
  return { path, sqlite };
}

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

  it('writes each transaction to its own database, and a write transaction inside another undoes only its own part on a throw', () => {
    const one = openDatabase(':memory:');
    const other = openDatabase(':memory:');
    const guilds = (db: typeof one) => db.$client.prepare('SELECT guild_id FROM guild_settings ORDER BY guild_id').all();
    const insert = (tx: Tx, guild: string) => tx.run(sql`INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (${guild}, 'UTC', 0)`);

    writeTx(one, (tx) => {
      insert(tx, 'a');
      expect(() =>
        writeTx(one, (inner) => {
          insert(inner, 'b');
          throw new Error('refused');
        }),
      ).toThrow('refused');
      writeTx(one, (inner) => insert(inner, 'c'));
    });
    writeTx(other, (tx) => insert(tx, 'z'));
    expect(() => writeTx(one, () => Promise.resolve())).toThrow(/promise/i); // nothing may be awaited inside

    expect(guilds(one)).toEqual([{ guild_id: 'a' }, { guild_id: 'c' }]);
    expect(guilds(other)).toEqual([{ guild_id: 'z' }]);
    expect(one.$client.inTransaction).toBe(false);
  });

  it('moves the final edits, card edits and roundups the old retry columns were waiting on into the outbox', () => {
    // A database as the release before the outbox left it: every migration up to 0011.
    const recent = Date.now() - 3_600_000; // a roundup a crash left half-posted an hour ago
    const { path, sqlite } = databaseBefore(12);
    sqlite.exec(`
      INSERT INTO guild_settings (guild_id, timezone, recognition_channel_id, updated_at) VALUES ('g1', 'Europe/Berlin', 'wall', 0);
      INSERT INTO polls (id, guild_id, channel_id, message_id, creator_id, question, multi, anonymous, hide_results, status, created_at, final_edit_due_at)
        VALUES (7, 'g1', 'c1', 'm1', 'u1', 'Lunch?', 0, 0, 0, 'closed', 0, 5000), (8, 'g1', 'c1', 'm2', 'u1', 'Done?', 0, 0, 0, 'closed', 0, NULL);
      INSERT INTO surveys (id, guild_id, creator_id, title, anonymous, status, channel_id, message_id, created_at, card_edit_due_at)
        VALUES (3, 'g1', 'u1', 'Pulse', 0, 'closed', 'c1', 'm3', 0, 6000);
      INSERT INTO kudos_roundups (guild_id, week, status, claimed_at) VALUES ('g1', '2026-11-30', 'posting', ${recent}), ('g1', '2026-11-23', 'posted', 1000), ('g1', '2026-11-16', 'posting', 2000);
    `);
    sqlite.close();

    const db = openDatabase(path);
    const effects = db.$client.prepare('SELECT key, guild_id AS guildId, kind, payload, status, due_at AS dueAt FROM outbox ORDER BY key').all();
    expect(effects).toEqual([
      { key: 'kudos.roundup:g1:2026-11-30', guildId: 'g1', kind: 'kudos.roundup', payload: JSON.stringify({ guildId: 'g1', channelId: 'wall', timezone: 'Europe/Berlin', week: '2026-11-30', dueAt: recent }), status: 'pending', dueAt: recent },
      { key: 'poll.final-results:7', guildId: 'g1', kind: 'poll.final-results', payload: JSON.stringify({ pollId: 7 }), status: 'pending', dueAt: 5000 },
      { key: 'survey.closed-card:3', guildId: 'g1', kind: 'survey.closed-card', payload: JSON.stringify({ surveyId: 3 }), status: 'pending', dueAt: 6000 },
    ]);
    // A half-posted roundup from long ago may be out already: it is not posted again.
    const roundups = db.$client.prepare('SELECT week, status FROM kudos_roundups ORDER BY week').all();
    expect(roundups).toEqual([
      { week: '2026-11-16', status: 'failed' },
      { week: '2026-11-23', status: 'posted' },
      { week: '2026-11-30', status: 'posting' },
    ]);
    closeDatabase(db);
  });

  it('keeps every check-in scheduled before runs could be claimed ahead: each is claimed at its next run', () => {
    const { path, sqlite } = databaseBefore(19);
    const next = Date.UTC(2026, 10, 26, 9);
    sqlite.exec(`
      INSERT INTO checkin_schedules (id, guild_id, channel_id, name, prompt, when_text, cron, timezone, anonymous, status, created_by, created_at, next_run_at, delivery)
        VALUES (1, 'g1', 'c1', 'Daily', 'How are you?', 'daily 09:00', '0 9 * * *', 'UTC', 0, 'active', 'u1', 0, ${next}, 'channel'),
               (2, 'g1', 'c1', 'Paused', 'How are you?', 'daily 09:00', '0 9 * * *', 'UTC', 0, 'paused', 'u1', 0, NULL, 'direct-message');
    `);
    sqlite.close();
    const db = openDatabase(path);
    expect(db.$client.prepare('SELECT id, claim_at AS claimAt FROM checkin_schedules ORDER BY id').all()).toEqual([{ id: 1, claimAt: next }, { id: 2, claimAt: null }]);
    expect(claimDueRuns(db, next - 1).toPost).toEqual([]);
    expect(claimDueRuns(db, next).toPost.map((r) => r.schedule.id)).toEqual([1]);
    closeDatabase(db);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDatabase, openDatabase, type Db } from '../../src/db/open';
import { GROUP_MAX_WRITES, groupedWriteTx, groupSettled, writeTx, type Tx } from '../../src/db/write-tx';

const insert = (tx: Tx, guild: string) => tx.run(sql`INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (${guild}, 'UTC', 0)`);
const guilds = (db: Db) => (db.$client.prepare('SELECT guild_id FROM guild_settings ORDER BY guild_id').all() as { guild_id: string }[]).map((r) => r.guild_id);
const fileDatabase = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'hearth-group-')), 'hearth.sqlite'));

/**
 * Makes the next COMMIT fail: a deferred foreign key is only checked at COMMIT, so a row written
 * in the group that points nowhere fails the whole commit (and leaves the transaction open).
 */
function failNextCommit(db: Db): void {
  db.$client.exec(`
    CREATE TEMP TABLE IF NOT EXISTS commit_parent (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE IF NOT EXISTS commit_child (parent INTEGER REFERENCES commit_parent(id) DEFERRABLE INITIALLY DEFERRED);
  `);
  groupedWriteTx(db, (tx) => tx.run(sql`INSERT INTO commit_child (parent) VALUES (1)`));
}

describe('group commit (groupedWriteTx)', () => {
  it('commits every write of one turn of the event loop in one transaction, once the turn ends', async () => {
    const db = fileDatabase();
    const other = openDatabase(db.$client.name); // another connection sees only what is committed
    const a = groupedWriteTx(db, (tx) => (insert(tx, 'a'), 'first'));
    const b = groupedWriteTx(db, (tx) => (insert(tx, 'b'), 'second'));
    expect([a.value, b.value]).toEqual(['first', 'second']);
    expect(guilds(other)).toEqual([]); // not committed yet
    expect(guilds(db)).toEqual(['a', 'b']); // the same connection sees the open group
    await Promise.all([a.saved, b.saved]);
    expect(guilds(other)).toEqual(['a', 'b']);
    expect(db.$client.inTransaction).toBe(false);
    closeDatabase(other);
    closeDatabase(db);
  });

  it('commits a full group at once, without waiting for the end of the turn', async () => {
    const db = fileDatabase();
    const other = openDatabase(db.$client.name);
    const writes = Array.from({ length: GROUP_MAX_WRITES + 1 }, (_, i) => groupedWriteTx(db, (tx) => insert(tx, `g${String(i).padStart(3, '0')}`)));
    expect(guilds(other)).toHaveLength(GROUP_MAX_WRITES); // the first group, committed when the next write came
    await Promise.all(writes.map((w) => w.saved));
    expect(guilds(other)).toHaveLength(GROUP_MAX_WRITES + 1);
    closeDatabase(other);
    closeDatabase(db);
  });

  it('rolls back only the write that threw, rethrown to its caller; the others of the group are committed', async () => {
    const db = openDatabase(':memory:');
    const first = groupedWriteTx(db, (tx) => insert(tx, 'a'));
    expect(() =>
      groupedWriteTx(db, (tx) => {
        insert(tx, 'b');
        throw new Error('refused');
      }),
    ).toThrow('refused');
    const third = groupedWriteTx(db, (tx) => insert(tx, 'c'));
    await Promise.all([first.saved, third.saved]);
    expect(guilds(db)).toEqual(['a', 'c']);
  });

  it('runs a writeTx inside a grouped write as a savepoint of it, and commits the group before a writeTx outside it', async () => {
    const db = openDatabase(':memory:');
    const grouped = groupedWriteTx(db, (tx) => {
      insert(tx, 'a');
      expect(() =>
        writeTx(db, (inner) => {
          insert(inner, 'b');
          throw new Error('refused');
        }),
      ).toThrow('refused');
      writeTx(db, (inner) => insert(inner, 'c'));
    });
    let committed = false;
    void grouped.saved.then(() => (committed = true));
    // A plain write after it: the group is committed first, so this one's throw cannot undo it.
    expect(() =>
      writeTx(db, (tx) => {
        insert(tx, 'd');
        throw new Error('refused too');
      }),
    ).toThrow('refused too');
    expect(db.$client.inTransaction).toBe(false);
    await grouped.saved;
    expect(committed).toBe(true);
    expect(guilds(db)).toEqual(['a', 'c']);
  });

  it('rejects saved for every write of a group whose COMMIT fails, and stores none of them', async () => {
    const db = openDatabase(':memory:');
    db.$client.pragma('foreign_keys = ON');
    const a = groupedWriteTx(db, (tx) => insert(tx, 'a'));
    failNextCommit(db);
    const b = groupedWriteTx(db, (tx) => insert(tx, 'b'));
    await expect(a.saved).rejects.toThrow(/FOREIGN KEY/i);
    await expect(b.saved).rejects.toThrow(/FOREIGN KEY/i);
    expect(db.$client.inTransaction).toBe(false);
    expect(guilds(db)).toEqual([]);
    // The next group starts clean.
    const c = groupedWriteTx(db, (tx) => insert(tx, 'c'));
    await c.saved;
    expect(guilds(db)).toEqual(['c']);
  });

  it('commits an open group when the database closes, and waits for it before a read that answers from it', async () => {
    const db = fileDatabase();
    const path = db.$client.name;
    const a = groupedWriteTx(db, (tx) => insert(tx, 'a'));
    const settled = groupSettled(db);
    closeDatabase(db);
    await a.saved;
    await settled;
    const again = openDatabase(path);
    expect(guilds(again)).toEqual(['a']);
    await groupSettled(again); // no group open: settled at once
    closeDatabase(again);
  });
});

describe('a write of its own while a group is open', () => {
  it('commits the group first: a single statement outside writeTx never joins the clicks\' transaction', async () => {
    const db = fileDatabase();
    const other = openDatabase(db.$client.name);
    const grouped = groupedWriteTx(db, (tx) => insert(tx, 'a'));
    // A statement of its own (autocommit), as a store function run outside writeTx does.
    db.$client.prepare("INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES ('b', 'UTC', 0)").run();
    expect(db.$client.inTransaction).toBe(false);
    expect(guilds(other)).toEqual(['a', 'b']); // both committed, each in its own transaction
    // A read does not end the group.
    const next = groupedWriteTx(db, (tx) => insert(tx, 'c'));
    expect(guilds(db)).toEqual(['a', 'b', 'c']);
    expect(db.$client.inTransaction).toBe(true);
    await Promise.all([grouped.saved, next.saved]);
    expect(guilds(other)).toEqual(['a', 'b', 'c']);
    closeDatabase(other);
    closeDatabase(db);
  });
});

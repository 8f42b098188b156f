import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { closeDatabase, openDatabase, type Db } from '../../src/db/open';
import { GROUP_MAX_WRITES, pendingWritten, savedWriteTx, writeTx, type Tx } from '../../src/db/write-tx';

const insert = (tx: Tx, guild: string) => tx.run(sql`INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (${guild}, 'UTC', 0)`);
const guilds = (db: Db) => (db.$client.prepare('SELECT guild_id FROM guild_settings ORDER BY guild_id').all() as { guild_id: string }[]).map((r) => r.guild_id);
const fileDatabase = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'hearth-group-')), 'hearth.sqlite'));
/**
 * A click whose transaction cannot commit: a deferred foreign key is only checked at COMMIT, so a
 * row pointing nowhere fails the COMMIT of every click written with it.
 */
function failingClick(db: Db): Promise<unknown> {
  db.$client.exec(`
    CREATE TEMP TABLE IF NOT EXISTS commit_parent (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE IF NOT EXISTS commit_child (parent INTEGER REFERENCES commit_parent(id) DEFERRABLE INITIALLY DEFERRED);
  `);
  return savedWriteTx(db, (tx) => tx.run(sql`INSERT INTO commit_child (parent) VALUES (1)`));
}

describe('group commit (savedWriteTx)', () => {
  it('writes the clicks of one turn of the event loop together at its end, and answers each after the COMMIT', async () => {
    const db = fileDatabase();
    const other = openDatabase(db.$client.name); // another connection sees only what is committed
    const a = savedWriteTx(db, (tx) => (insert(tx, 'a'), 'first'));
    const b = savedWriteTx(db, (tx) => (insert(tx, 'b'), 'second'));
    expect(guilds(db)).toEqual([]); // nothing written during the turn: no read sees a click before its COMMIT
    expect(db.$client.inTransaction).toBe(false); // and no transaction is held across the turn
    expect(await Promise.all([a, b])).toEqual(['first', 'second']);
    expect(guilds(other)).toEqual(['a', 'b']);
    closeDatabase(other);
    closeDatabase(db);
  });

  it('writes a turn\'s clicks in transactions of at most GROUP_MAX_WRITES', async () => {
    const db = fileDatabase();
    const other = openDatabase(db.$client.name);
    const seen: number[] = []; // what another connection sees committed as each click is written
    const writes = Array.from({ length: GROUP_MAX_WRITES + 1 }, (_, i) =>
      savedWriteTx(db, (tx) => {
        seen.push(guilds(other).length);
        insert(tx, `g${String(i).padStart(3, '0')}`);
      }),
    );
    await Promise.all(writes);
    expect(seen.slice(0, GROUP_MAX_WRITES)).toEqual(Array<number>(GROUP_MAX_WRITES).fill(0)); // one transaction
    expect(seen[GROUP_MAX_WRITES]).toBe(GROUP_MAX_WRITES); // the next click in the next one
    expect(guilds(other)).toHaveLength(GROUP_MAX_WRITES + 1);
    closeDatabase(other);
    closeDatabase(db);
  });

  it('rolls back only the click that threw, rejected to its caller; the others of the turn are stored', async () => {
    const db = openDatabase(':memory:');
    const first = savedWriteTx(db, (tx) => insert(tx, 'a'));
    const refused = savedWriteTx(db, (tx) => {
      insert(tx, 'b');
      throw new Error('refused');
    });
    const third = savedWriteTx(db, (tx) => insert(tx, 'c'));
    await expect(refused).rejects.toThrow('refused');
    await Promise.all([first, third]);
    expect(guilds(db)).toEqual(['a', 'c']);
  });

  it('writes the waiting clicks before a writeTx that comes after them in the same turn', async () => {
    const db = openDatabase(':memory:');
    const click = savedWriteTx(db, (tx) => insert(tx, 'a'));
    const seenByLater = writeTx(db, (tx) => (insert(tx, 'b'), guilds(db)));
    expect(seenByLater).toEqual(['a', 'b']); // the click first, in its own transaction
    await click;
    expect(guilds(db)).toEqual(['a', 'b']);
  });

  it('runs a writeTx inside a click as a savepoint of it; a writeTx outside never joins the clicks', async () => {
    const db = openDatabase(':memory:');
    const click = savedWriteTx(db, (tx) => {
      insert(tx, 'a');
      expect(() =>
        writeTx(db, (inner) => {
          insert(inner, 'b');
          throw new Error('refused');
        }),
      ).toThrow('refused');
      writeTx(db, (inner) => insert(inner, 'c'));
    });
    expect(() =>
      writeTx(db, (tx) => {
        insert(tx, 'd');
        throw new Error('refused too');
      }),
    ).toThrow('refused too');
    await click;
    expect(guilds(db)).toEqual(['a', 'c']);
  });

  it('rejects every click of a transaction whose COMMIT fails, stores none of them, and the next turn starts clean', async () => {
    const db = openDatabase(':memory:');
    db.$client.pragma('foreign_keys = ON');
    const a = savedWriteTx(db, (tx) => insert(tx, 'a'));
    const failing = failingClick(db);
    const b = savedWriteTx(db, (tx) => insert(tx, 'b'));
    await expect(a).rejects.toThrow(/FOREIGN KEY/i);
    await expect(failing).rejects.toThrow(/FOREIGN KEY/i);
    await expect(b).rejects.toThrow(/FOREIGN KEY/i);
    expect(db.$client.inTransaction).toBe(false);
    expect(guilds(db)).toEqual([]);
    await savedWriteTx(db, (tx) => insert(tx, 'c'));
    expect(guilds(db)).toEqual(['c']);
  });

  it('writes the waiting clicks when the database closes; a read that answers from them waits for them', async () => {
    const db = fileDatabase();
    const path = db.$client.name;
    const a = savedWriteTx(db, (tx) => insert(tx, 'a'));
    let readAfter: string[] | null = null;
    const read = pendingWritten(db).then(() => (readAfter = guilds(db)));
    expect(readAfter).toBeNull();
    await read;
    expect(readAfter).toEqual(['a']); // My vote: the click of the same turn is already there
    const b = savedWriteTx(db, (tx) => insert(tx, 'b'));
    closeDatabase(db); // before the turn's end: written now, not lost
    await Promise.all([a, b]);
    const again = openDatabase(path);
    expect(guilds(again)).toEqual(['a', 'b']);
    await pendingWritten(again); // nothing waiting: at once
    closeDatabase(again);
  });
});

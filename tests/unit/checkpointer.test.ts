import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src/db/open';
import { checkpointerFor, stopCheckpointer } from '../../src/db/checkpointer';

const opened: Db[] = [];
function fileDb(): { db: Db; wal: string; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'hearth-checkpoint-')), 'hearth.sqlite');
  const db = openDatabase(file);
  db.$client.pragma('wal_autocheckpoint = 0'); // only the checkpointer moves pages here
  opened.push(db);
  return { db, wal: `${file}-wal`, file };
}
const write = (db: Db, text: string) => db.$client.prepare("INSERT INTO kudos_settings (guild_id, updated_at) VALUES (?, 0)").run(text);
const walBytes = (wal: string) => (existsSync(wal) ? statSync(wal).size : 0);

afterEach(() => {
  for (const db of opened.splice(0)) closeDatabase(db);
});

describe('the background checkpointer', () => {
  it('copies the log into the database file on its own connection', async () => {
    const { db, wal, file } = fileDb();
    write(db, 'guild-written-before-the-checkpoint');
    expect(walBytes(wal)).toBeGreaterThan(0);
    expect(readFileSync(file).includes('guild-written-before-the-checkpoint')).toBe(false); // still only in the log

    const checkpointer = checkpointerFor(db);
    checkpointer.request('PASSIVE');
    await checkpointer.idle();
    expect(readFileSync(file).includes('guild-written-before-the-checkpoint')).toBe(true);

    write(db, 'guild-two');
    checkpointer.request('PASSIVE');
    write(db, 'guild-three');
    checkpointer.request('PASSIVE'); // asked while the first runs: done after it
    await checkpointer.idle();
    expect(readFileSync(file).includes('guild-three')).toBe(true);
    expect(checkpointerFor(db)).toBe(checkpointer); // one per connection
  });

  it('once stopped, checkpoints run on the connection itself, so none is lost', async () => {
    const { db, file } = fileDb();
    const checkpointer = checkpointerFor(db);
    stopCheckpointer(db);
    write(db, 'guild-after-stop');
    const fresh = checkpointerFor(db);
    expect(fresh).not.toBe(checkpointer);
    stopCheckpointer(db);
    fresh.request('PASSIVE');
    await fresh.idle();
    expect(readFileSync(file).includes('guild-after-stop')).toBe(true);
  });
});

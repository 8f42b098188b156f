import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DiscordDouble, eventually, isEphemeral, ManualClock, TestHearth, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { runCli } from '../support/programs';

const scratches: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-backup-'));
  scratches.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratches) rmSync(dir, { recursive: true, force: true });
});
const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const backupsIn = (dir: string) => readdirSync(dir).filter((name) => /^hearth-.*\.sqlite$/.test(name)).sort();

function votesIn(path: string): Set<string> {
  const db = new Database(path, { readonly: true });
  try {
    return new Set((db.prepare('SELECT voter FROM poll_votes').all() as { voter: string }[]).map((row) => row.voter));
  } finally {
    db.close();
  }
}

async function postPoll(hearth: TestHearth, question: string): Promise<StoredMessage> {
  const known = new Set(hearth.double.messages.keys());
  await hearth.leader('host').run('poll create', { question, choices: 'Yes | No' });
  return [...hearth.double.messages.values()].find((m) => !known.has(m.id) && !isEphemeral(m))!;
}

// Each test starts several processes; on a busy machine that alone can take seconds.
describe('npm run backup and npm run restore, while Hearth runs', { timeout: 60_000 }, () => {
  const world = useHearth();

  it('a backup taken during a burst of votes restores to a database holding every vote acknowledged before it began', async () => {
    const { hearth } = world;
    const poll = await postPoll(hearth, 'Backed up?');
    const members = Array.from({ length: 6000 }, (_, i) => hearth.member(`voter${i}`));
    const acknowledged: string[] = [];
    let backupDone = false;
    const lane = async (first: number) => {
      for (let i = first; i < members.length && !backupDone; i += 8) {
        await members[i]!.click(poll, i % 2 ? 'Yes' : 'No');
        acknowledged.push(members[i]!.id);
      }
    };
    const lanes = Array.from({ length: 8 }, (_, i) => lane(i));
    while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));

    const dir = join(scratch(), 'backups');
    const beforeBackup = [...acknowledged];
    const backup = await runCli('backup', ['--dir', dir, '--keep', '3'], { DATABASE_PATH: hearth.databasePath });
    const duringBackup = acknowledged.length - beforeBackup.length;
    backupDone = true;
    await Promise.all(lanes);

    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const [file] = backupsIn(dir);
    expect(backup.stdout).toContain(`Backed up ${hearth.databasePath} to ${join(dir, file!)}`);
    expect(backup.stdout).toContain('its integrity check passed');
    expect(duringBackup).toBeGreaterThan(0); // the bot went on acknowledging votes while the backup ran
    expect(statSync(join(dir, file!)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual([file]); // no leftovers beside it

    const restoredPath = join(scratch(), 'restored.sqlite');
    const restore = await runCli('restore', [join(dir, file!)], { DATABASE_PATH: restoredPath });
    expect(restore).toMatchObject({ code: 0, stderr: '' });
    expect(restore.stdout).toContain('There was no database there before.');
    const restored = votesIn(restoredPath);
    expect(beforeBackup.filter((id) => !restored.has(id))).toEqual([]);
  });

  it('keeps only the newest --keep backups, and refuses --keep 0 and a folder it cannot write, changing nothing', async () => {
    const { hearth } = world;
    const dir = join(scratch(), 'kept');
    for (let i = 0; i < 3; i++) expect((await runCli('backup', ['--dir', dir, '--keep', '2'], { DATABASE_PATH: hearth.databasePath })).code).toBe(0);
    const kept = backupsIn(dir);
    expect(kept).toHaveLength(2);

    const zero = await runCli('backup', ['--dir', dir, '--keep', '0'], { DATABASE_PATH: hearth.databasePath });
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('--keep must be a whole number of 1 or more');
    expect(zero.stderr).not.toMatch(/\n\s+at /);
    expect(backupsIn(dir)).toEqual(kept);

    const file = join(scratch(), 'not-a-folder');
    writeFileSync(file, 'notes\n');
    const blocked = await runCli('backup', ['--dir', join(file, 'backups')], { DATABASE_PATH: hearth.databasePath });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`Backups cannot be written to ${join(file, 'backups')}`);
    expect(blocked.stderr).toContain('Choose a folder');
    expect(readFileSync(file, 'utf8')).toBe('notes\n');
  });

  it('refuses to restore while Hearth runs, a file that is not a Hearth database, and a damaged backup, changing nothing', async () => {
    const { hearth } = world;
    const dir = join(scratch(), 'for-restore');
    expect((await runCli('backup', ['--dir', dir], { DATABASE_PATH: hearth.databasePath })).code).toBe(0);
    const good = join(dir, backupsIn(dir)[0]!);
    const env = { DATABASE_PATH: hearth.databasePath };
    const databaseFiles = () => readdirSync(join(hearth.databasePath, '..')).sort();
    const before = databaseFiles();

    const running = await runCli('restore', [good], env);
    expect(running.code).toBe(1);
    expect(running.stderr).toContain(`Hearth is running on ${hearth.databasePath}. Stop it first`);

    const text = join(scratch(), 'notes.sqlite');
    writeFileSync(text, 'not a database at all\n');
    const notSqlite = await runCli('restore', [text], env);
    expect(notSqlite.code).toBe(1);
    expect(notSqlite.stderr).toContain('is not a Hearth database (it is not an SQLite file)');

    const other = join(scratch(), 'other.sqlite');
    const otherDb = new Database(other);
    otherDb.exec('CREATE TABLE recipes (name TEXT)');
    otherDb.close();
    const notHearth = await runCli('restore', [other], env);
    expect(notHearth.code).toBe(1);
    expect(notHearth.stderr).toContain("is an SQLite database, but not Hearth's");

    const damaged = join(scratch(), 'damaged.sqlite');
    const bytes = readFileSync(good);
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0xa5, pageSize * 2, pageSize * 2 + 512); // scribble over the third page's b-tree header and cells
    writeFileSync(damaged, bytes);
    const broken = await runCli('restore', [damaged], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain("fails SQLite's integrity check");
    expect(broken.stderr).toContain('Try an older backup');

    for (const run of [running, notSqlite, notHearth, broken]) {
      expect(run.stderr).toContain('Nothing was changed.');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(databaseFiles()).toEqual(before);
    expect(existsSync(`${hearth.databasePath}.restoring`)).toBe(false);
  });
});

describe('restoring with Hearth stopped', { timeout: 60_000 }, () => {
  it('puts the backup in place, keeps the replaced database aside, and Hearth starts on the restored data', async () => {
    const hearth = await TestHearth.start();
    try {
      await postPoll(hearth, 'Before the backup');
      const dir = join(scratch(), 'backups');
      expect((await runCli('backup', ['--dir', dir], { DATABASE_PATH: hearth.databasePath })).code).toBe(0);
      await postPoll(hearth, 'After the backup');
      await hearth.stopBot();
      const replaced = digest(hearth.databasePath);

      const restore = await runCli('restore', [join(dir, backupsIn(dir)[0]!)], { DATABASE_PATH: hearth.databasePath });
      expect(restore.code).toBe(0);
      const keptAs = /kept as (\S+);/.exec(restore.stdout)?.[1];
      expect(keptAs).toMatch(/hearth\.sqlite\.replaced-/);
      expect(digest(keptAs!)).toBe(replaced);

      await hearth.startBot();
      const { reply } = await hearth.leader('host').run('poll list', { status: 'all' });
      const listed = JSON.stringify(reply);
      expect(listed).toContain('Before the backup');
      expect(listed).not.toContain('After the backup');
    } finally {
      await hearth.stop();
    }
  });
});

describe('scheduled backups (BACKUP_DIR, BACKUP_EVERY, BACKUP_KEEP)', () => {
  it('backs up at start when none is recent, then every interval, keeping the newest few, and not again after a restart', async () => {
    const dir = join(scratch(), 'scheduled');
    const clock = new ManualClock();
    const hearth = await TestHearth.start({ clock, env: { BACKUP_DIR: dir, BACKUP_EVERY: '6h', BACKUP_KEEP: '2' } });
    try {
      const first = backupsIn(dir);
      expect(first).toEqual([`hearth-${new Date(clock.now()).toISOString().replace(/:/g, '-')}.sqlite`]);
      await clock.advance(6 * 3_600_000);
      await eventually(() => backupsIn(dir).length === 2, 'the second backup');
      await clock.advance(6 * 3_600_000);
      await eventually(() => !backupsIn(dir).includes(first[0]!), 'the oldest backup to be removed');
      const kept = backupsIn(dir);
      expect(kept).toHaveLength(2);
      await hearth.restart();
      expect(backupsIn(dir)).toEqual(kept);
      for (const name of kept) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
      expect(votesIn(join(dir, kept[1]!)).size).toBe(0); // a Hearth database: it has the votes table
    } finally {
      await hearth.stop();
    }
  });

  it('refuses to start with a BACKUP_DIR it cannot write, saying which folder', async () => {
    const file = join(scratch(), 'a-file');
    writeFileSync(file, '');
    const double = await DiscordDouble.start();
    try {
      await expect(TestHearth.start({ double, env: { BACKUP_DIR: join(file, 'backups') } })).rejects.toThrow(`Backups cannot be written to ${join(file, 'backups')}`);
    } finally {
      await double.close();
    }
  });
});

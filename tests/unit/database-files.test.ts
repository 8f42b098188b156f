import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/open';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('database files', () => {
  it('are created readable and writable by their owner only: the database, its -wal and its -shm', () => {
    const previous = process.umask(0o022); // the usual umask, which would leave new files readable by everyone
    try {
      const dir = join(mkdtempSync(join(tmpdir(), 'hearth-files-')), 'data');
      const path = join(dir, 'hearth.sqlite');
      const db = openDatabase(path);
      db.$client.exec("CREATE TABLE t (x); INSERT INTO t VALUES ('a member id')");
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect(mode(file).toString(8), file).toBe('600');
      }
      expect(mode(dir).toString(8)).toBe('700');
      closeDatabase(db);
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a database and log left readable by others (made by an older version, or copied in)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'hearth-files-')), 'hearth.sqlite');
    closeDatabase(openDatabase(path));
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, '');
    chmodSync(`${path}-wal`, 0o666);
    const db = openDatabase(path);
    expect(mode(path).toString(8)).toBe('600');
    expect(mode(`${path}-wal`).toString(8)).toBe('600');
    expect(mode(`${path}-shm`).toString(8)).toBe('600');
    closeDatabase(db);
  });
});

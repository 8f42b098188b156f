// `npm run backup [-- --dir backups --keep 14]`: an online backup of the live database; Hearth may be running.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { loadStorageConfig, SetupError } from '../config';
import { takeBackup } from '../ops/backup';
import { sizeText } from '../ops/size-text';
import { loadEnvFile, readOptions, runProgram } from './program';

// Everything in one step: one consistent read, which SQLite does not restart when Hearth writes meanwhile.
const ALL_PAGES = 2 ** 31 - 1;

await runProgram(async () => {
  loadEnvFile();
  const storage = loadStorageConfig(process.env, 'back up');
  const options = readOptions('npm run backup -- [--dir FOLDER] [--keep N]', { dir: 'string', keep: 'string' });
  const dir = options.values.dir ?? storage.backupDir ?? 'backups';
  const keepText = options.values.keep ?? String(storage.backupKeep);
  if (!/^\d+$/.test(keepText) || Number(keepText) < 1) {
    throw new SetupError(`--keep must be a whole number of 1 or more: how many backups to keep in ${dir} (got ${keepText}). Nothing was changed.`);
  }
  if (!existsSync(storage.databasePath)) {
    throw new SetupError(`There is no database at ${storage.databasePath} to back up. Check DATABASE_PATH (it is created when Hearth first starts).`);
  }
  const source = new Database(storage.databasePath, { readonly: true, fileMustExist: true });
  try {
    const result = await takeBackup(source, { dir, keep: Number(keepText), now: Date.now(), pagesPerStep: ALL_PAGES });
    console.log(`Backed up ${storage.databasePath} to ${result.path} (${sizeText(result.bytes)}); its integrity check passed.`);
    if (result.removed.length) console.log(`Removed ${result.removed.length} older backup${result.removed.length === 1 ? '' : 's'} to keep the newest ${keepText}: ${result.removed.join(', ')}`);
  } finally {
    source.close();
  }
  return 0;
});

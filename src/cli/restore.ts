// `npm run restore -- FILE`: puts a backup in place of the database, with Hearth stopped.
import { loadStorageConfig, SetupError } from '../config';
import { restoreBackup } from '../ops/restore';
import { loadEnvFile, readOptions, runProgram } from './program';

await runProgram(async () => {
  loadEnvFile();
  const storage = loadStorageConfig(process.env, 'restore');
  const usage = 'npm run restore -- FILE (a backup made by npm run backup)';
  const { positionals } = readOptions(usage, {});
  if (positionals.length !== 1) throw new SetupError(`Name one backup file to restore: ${usage}.`);
  const file = positionals[0]!;
  const result = restoreBackup({ databasePath: storage.databasePath, file, now: Date.now() });
  console.log(`Restored ${file} to ${storage.databasePath}.`);
  console.log(result.keptAs ? `The database it replaced is kept as ${result.keptAs}; delete it once Hearth runs well.` : 'There was no database there before.');
  if (result.pending.length) console.log(`The backup is from an older version: Hearth brings it up to date (${result.pending.length} migrations) when it starts.`);
  console.log('Start Hearth again.');
  return 0;
});

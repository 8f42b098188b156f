import Database from 'better-sqlite3';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { wrapConnection } from '../db/open';
import { existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { POSTING } from '../bot/permissions';
import { channelsInUse as checkinChannels } from '../checkins';
import { ConfigError, loadConfig, loadStorageConfig, type Config, type StorageConfig } from '../config';
import { migrationState } from '../db/migration-state';
import { channelsInUse as pollChannels } from '../polls';
import { channelsInUse as settingsChannels } from '../settings';
import { channelsInUse as surveyChannels } from '../surveys';
import { discordChecks, type ChannelInUse } from './doctor-discord';
import { nodeVersionSupported, SUPPORTED_NODE } from './runtime';
import { sizeText } from './size-text';

export type Verdict = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's report: what was checked, how it went, and what to do about it. */
export interface Finding {
  check: string;
  verdict: Verdict;
  detail: string;
  fix?: string;
}

// Where each feature posts or edits, and what Hearth needs there (check-in reports attach charts).
const CHANNEL_USES = [
  [settingsChannels, POSTING],
  [checkinChannels, [...POSTING, PermissionFlagsBits.AttachFiles]],
  [pollChannels, POSTING],
  [surveyChannels, POSTING],
] as const;

// Backups and SQLite's own housekeeping (VACUUM, a checkpoint) need about the database's size again.
const MIN_FREE_BYTES = 200 * 1024 * 1024;
// Longer than any write of Hearth's own takes: waiting this long for the lock means someone holds it.
const LOCK_WAIT_MS = 3000;

/**
 * `npm run doctor`: checks everything Hearth needs, each finding with a fix in plain words. It
 * changes nothing: the database is only read (the write lock is taken and given back at once)
 * and Discord is only asked.
 */
export async function runDoctor(env: NodeJS.ProcessEnv, report: (finding: Finding) => void): Promise<Finding[]> {
  const findings: Finding[] = [];
  const add = (finding: Finding) => {
    findings.push(finding);
    report(finding);
  };

  add(
    nodeVersionSupported(process.versions.node)
      ? { check: 'Node', verdict: 'ok', detail: `${process.version} is one Hearth is tested on (${SUPPORTED_NODE})` }
      : {
          check: 'Node',
          verdict: 'fail',
          detail: `${process.version} is not one Hearth is tested on (${SUPPORTED_NODE})`,
          fix: 'Use Node 22 (LTS) or 24.18.0 (.nvmrc), then reinstall: rm -rf node_modules && npm install. From Node 24.19 on, the SQLite driver compiled against it can abort Hearth during garbage collection.',
        },
  );

  let config: Config | null = null;
  let storage: StorageConfig | null = null;
  try {
    config = loadConfig(env, 'run');
    storage = config;
    add({ check: 'Settings', verdict: 'ok', detail: `read; commands go to ${config.guildId ? `server ${config.guildId}` : 'every server (global)'}` });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    add({ check: 'Settings', verdict: 'fail', detail: error.problems.join(' '), fix: 'Set them in .env (see .env.example and the README\'s Settings).' });
    storage = tryStorage(env);
  }

  let channels: ChannelInUse[] = [];
  if (storage) {
    const database = checkDatabase(storage.databasePath);
    add(database.finding);
    channels = database.channels;
    add(checkDisk(storage.databasePath));
  } else {
    add({ check: 'Database', verdict: 'skip', detail: 'DATABASE_PATH could not be read' });
  }

  if (config) for (const finding of await discordChecks(config, channels)) add(finding);
  else add({ check: 'Discord', verdict: 'skip', detail: 'needs the settings above' });
  return findings;
}

function tryStorage(env: NodeJS.ProcessEnv): StorageConfig | null {
  try {
    return loadStorageConfig(env, 'run');
  } catch (error) {
    if (error instanceof ConfigError) return null;
    throw error;
  }
}

/** Opens, checks integrity and migrations, and tries the write lock; reads the channels Hearth uses. */
function checkDatabase(path: string): { finding: Finding; channels: ChannelInUse[] } {
  const check = 'Database';
  if (!existsSync(path)) {
    return { finding: { check, verdict: 'warn', detail: `there is no database at ${path} yet`, fix: 'Hearth creates it when it first starts. If Hearth has run before, DATABASE_PATH points at the wrong place.' }, channels: [] };
  }
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(path, { fileMustExist: true, timeout: LOCK_WAIT_MS });
    const problems = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check).filter((text) => text !== 'ok');
    if (problems.length) {
      return { finding: { check, verdict: 'fail', detail: `${path} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`, fix: 'Stop Hearth and restore the newest good backup (npm run restore -- FILE).' }, channels: [] };
    }
    const state = migrationState(sqlite);
    if (!state.isHearth) return { finding: { check, verdict: 'fail', detail: `${path} is not a Hearth database`, fix: 'Point DATABASE_PATH at Hearth\'s database.' }, channels: [] };
    if (state.fromNewerVersion) return { finding: { check, verdict: 'fail', detail: `${path} was last used by a newer version of Hearth`, fix: 'Upgrade Hearth (git pull, npm install).' }, channels: [] };
    sqlite.exec('BEGIN IMMEDIATE');
    sqlite.exec('ROLLBACK');
    const size = statSync(path).size;
    const db = wrapConnection(sqlite);
    const channels = CHANNEL_USES.flatMap(([read, needs]) => read(db).map((use) => ({ ...use, needs })));
    const pending = state.pending.length ? `; ${state.pending.length} migrations of this version wait for the next start` : '; every migration applied';
    return { finding: { check, verdict: 'ok', detail: `${path} (${sizeText(size)}) opens, passes integrity_check and can be written${pending}` }, channels };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      return { finding: { check, verdict: 'fail', detail: `${path} is locked: another program held it for more than ${LOCK_WAIT_MS / 1000} s`, fix: 'Close whatever holds it (a sqlite3 shell left open, a second copy of Hearth, a backup tool), then run the doctor again.' }, channels: [] };
    }
    return { finding: { check, verdict: 'fail', detail: `${path} cannot be read: ${error instanceof Error ? error.message : String(error)}`, fix: 'Check the file\'s owner and permissions, or restore a backup (npm run restore -- FILE).' }, channels: [] };
  } finally {
    sqlite?.close();
  }
}

function checkDisk(databasePath: string): Finding {
  // The database's folder, or the nearest folder above it that exists (before the first start).
  let where = dirname(resolve(databasePath));
  while (!existsSync(where)) where = dirname(where);
  const stats = statfsSync(where);
  const free = stats.bavail * stats.bsize;
  const database = existsSync(databasePath) ? statSync(databasePath).size : 0;
  const needed = Math.max(MIN_FREE_BYTES, database * 2);
  if (free < needed) {
    return { check: 'Disk space', verdict: 'fail', detail: `${sizeText(free)} free where the database lives (${where})`, fix: `Free at least ${sizeText(needed)}: backups and SQLite's housekeeping need room. Old backups are a good place to start.` };
  }
  return { check: 'Disk space', verdict: 'ok', detail: `${sizeText(free)} free where the database lives` };
}

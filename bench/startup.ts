/**
 * Start-up of the real bot (`src/main.ts`, as `npm start` runs it) in 1,000 servers with 10,000
 * stored check-in schedules: from process start to "ready" (every server received, due work
 * caught up, timers armed), and the resident memory then.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiscordDouble } from '../tests/support/discord-double';
import { seedSchedules } from './checkins';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const SERVERS = 1000;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

async function startOnce(double: DiscordDouble, databasePath: string): Promise<{ readyMs: number; appMs: number; rss: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', DISCORD_TOKEN: double.token, DISCORD_API_URL: double.apiUrl, DATABASE_PATH: databasePath },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const appMs = await new Promise<number>((done) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('"msg":"ready'));
      if (line) done((JSON.parse(line) as { ms: number }).ms);
    });
  });
  const readyMs = performance.now() - started;
  const rss = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
  return { readyMs, appMs, rss };
}

export async function benchStartup(): Promise<string[]> {
  const double = await DiscordDouble.start();
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  try {
    const servers = Array.from({ length: SERVERS }, (_, i) => {
      const guild = double.addGuild(`Server ${i}`);
      return { guildId: guild.id, channelId: [...guild.channels.keys()][0]! };
    });
    const databasePath = join(dir, 'startup.sqlite');
    const emptyPath = join(dir, 'empty.sqlite');
    seedSchedules(databasePath, servers);
    const empty = await startOnce(double, emptyPath);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await startOnce(double, databasePath));
    const best = runs.sort((a, b) => a.readyMs - b.readyMs)[0]!;
    return [
      `## Start-up of the real bot in ${SERVERS} servers (process start -> ready, through the double)`,
      `| database | process start -> ready | inside startHearth (database, login, ${SERVERS} servers, catch-up, timers) | RSS at ready |`,
      `|---|---|---|---|`,
      `| empty | ${empty.readyMs.toFixed(0)} ms | ${empty.appMs} ms | ${empty.rss.toFixed(0)} MB |`,
      `| 10,000 check-in schedules | ${best.readyMs.toFixed(0)} ms (best of 3) | ${best.appMs} ms | ${best.rss.toFixed(0)} MB |`,
      'Process start includes Node loading the TypeScript sources through tsx.',
    ];
  } finally {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Start-up of the real bot in 1,000 servers with 10,000 stored check-in schedules, started the way
 * `npm start` does (the build in dist/, plain node) and the way `npm run dev` does (the TypeScript
 * sources through tsx): from process start to "ready" (every server received, due work caught up,
 * timers armed), and the resident memory then.
 */
import { execFileSync, spawn } from 'node:child_process';
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

const WAYS = {
  'npm start (dist/, plain node)': [join(ROOT, 'dist/main.js')],
  'npm run dev (tsx, no build)': ['--import', TSX, join(ROOT, 'src/main.ts')],
};

async function startOnce(double: DiscordDouble, databasePath: string, args: string[]): Promise<{ readyMs: number; appMs: number; rss: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
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
    seedSchedules(databasePath, servers);
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const rows: string[] = [];
    for (const [way, args] of Object.entries(WAYS)) {
      // Best of 3 each, alternating nothing else: the machine's load moves single runs by a lot.
      const best = async (path: () => string) => {
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await startOnce(double, path(), args));
        return runs.sort((a, b) => a.readyMs - b.readyMs)[0]!;
      };
      let fresh = 0;
      const empty = await best(() => join(dir, `empty-${way.length}-${fresh++}.sqlite`));
      const seeded = await best(() => databasePath);
      rows.push(`| ${way} | empty | ${empty.readyMs.toFixed(0)} ms | ${empty.appMs} ms | ${empty.rss.toFixed(0)} MB |`);
      rows.push(`| ${way} | 10,000 check-in schedules | ${seeded.readyMs.toFixed(0)} ms | ${seeded.appMs} ms | ${seeded.rss.toFixed(0)} MB |`);
    }
    return [
      `## Start-up of the real bot in ${SERVERS} servers (process start -> ready, through the double; best of 3)`,
      `| started by | database | process start -> ready | inside startHearth (database, login, ${SERVERS} servers, catch-up, timers) | RSS at ready |`,
      `|---|---|---|---|---|`,
      ...rows,
    ];
  } finally {
    await double.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starting a bot as its own process for a benchmark, and reading its memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');
const PROFILER = pathToFileURL(join(ROOT, 'bench/cpu-profile.mjs')).href;
const HEAP_PROBE = pathToFileURL(join(ROOT, 'bench/heap-probe.mjs')).href;

/** The bots the benchmarks start, built from the sources as `npm start` runs Hearth (see `startBot`). */
const BOTS = { main: 'src/main.ts', 'baseline-bot': 'bench/baseline-bot.ts' } as const;
const BUILT = '.bench-build';

/** Compiles the bots into .bench-build/ (run once by bench/run.ts, before any benchmark starts one). */
export async function buildBots(): Promise<void> {
  // @ts-expect-error: the build script is plain JavaScript, without types
  const { buildHearth } = (await import('../scripts/build.mjs')) as { buildHearth(outdir: string, programs: Record<string, string>): Promise<unknown> };
  await buildHearth(BUILT, BOTS);
  // Windows noted by an earlier run would match a bot of this run that got the same process id.
  if (process.env.BENCH_PROFILE) rmSync(join(process.env.BENCH_PROFILE, 'windows.jsonl'), { force: true });
}

/**
 * Starts a bot, Hearth (`main`) or the baseline; `ready` resolves at its "connected to Discord" line.
 * Both run the way `npm start` runs Hearth: compiled from the current sources by the build's own
 * esbuild settings (once per benchmark run, into .bench-build/), on plain node. Through tsx they
 * would pay for what `npm start` never does, unevenly: tsx names every function as it is made (one
 * property definition for each closure, on every click), and its module hook runs on each of
 * discord.js's lazy `require` calls (on every reply). With `BENCH_PROFILE=<folder>` set, the bot
 * writes a CPU profile there when it stops (see bench/cpu-profile.mjs). With `heapFile`, the bot can
 * be asked for its heap after a full collection (`heapAfterGc`, see bench/heap-probe.mjs;
 * `BENCH_HEAP_SNAPSHOTS=<folder>` adds a heap snapshot to each reading).
 */
export function startBot(bot: keyof typeof BOTS, env: Record<string, string>, options: { heapFile?: string } = {}): { child: ChildProcess; ready: Promise<void> } {
  const profiling = process.env.BENCH_PROFILE ? ['--import', PROFILER] : [];
  const probing = options.heapFile ? ['--expose-gc', '--import', HEAP_PROBE] : [];
  const built = join(ROOT, BUILT, `${bot}.js`);
  if (!existsSync(built)) throw new Error('The bots are not built: bench/run.ts builds them first (buildBots).');
  const child = spawn(process.execPath, [...probing, ...profiling, built], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'info',
      ...(profiling.length ? { BENCH_PROFILE: process.env.BENCH_PROFILE! } : {}),
      ...(options.heapFile ? { BENCH_HEAP_FILE: options.heapFile, ...(process.env.BENCH_HEAP_SNAPSHOTS ? { BENCH_HEAP_SNAPSHOTS: process.env.BENCH_HEAP_SNAPSHOTS } : {}) } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((done) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('connected to Discord')) done();
    });
  });
  return { child, ready };
}

/**
 * With `BENCH_PROFILE`, notes that the bot `pid` was measured from `startedAt` (process.hrtime, the
 * same monotonic clock as its CPU profile's) until now, so that `bench/profile-summary.ts` can count
 * only what the bot did while it was measured, leaving out start-up, set-up and warm-up.
 */
export function noteProfileWindow(pid: number, startedAt: bigint): void {
  const folder = process.env.BENCH_PROFILE;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  appendFileSync(join(folder, 'windows.jsonl'), `${JSON.stringify({ pid, fromUs: Number(startedAt / 1000n), toUs: Number(process.hrtime.bigint() / 1000n) })}\n`);
}

export async function stopBot(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** Counts Hearth's "interaction failed" log lines, whole lines only (a chunk of output may end mid-line). */
export function countFailures(child: ChildProcess): () => number {
  let failures = 0;
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.includes('"msg":"interaction failed"')) failures++;
  });
  return () => failures;
}

/** CPU time (user and system) a process has used so far, in ms; /proc counts it in 10 ms ticks. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime and stime, fields 14 and 15 of stat
}

export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

export interface HeapReading {
  /** Resident memory and V8 heap in use right after a full garbage collection, in MB. */
  rssMb: number;
  heapUsedMb: number;
}

/** Asks a bot started with `heapFile` for a full collection and its memory right after (see bench/heap-probe.mjs). */
export async function heapAfterGc(pid: number, heapFile: string): Promise<HeapReading> {
  const lines = () => (existsSync(heapFile) ? readFileSync(heapFile, 'utf8').trim().split('\n').filter(Boolean) : []);
  const before = lines().length;
  process.kill(pid, 'SIGUSR2');
  const started = performance.now();
  while (lines().length === before) {
    if (performance.now() - started > 120_000) throw new Error('no heap reading from the bot within 2 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
  const { rss, heapUsed } = JSON.parse(lines().at(-1)!) as { rss: number; heapUsed: number };
  return { rssMb: rss / 1024 / 1024, heapUsedMb: heapUsed / 1024 / 1024 };
}

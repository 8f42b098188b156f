/** Starting a bot as its own process for a benchmark, and reading its memory. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const PROFILER = pathToFileURL(join(ROOT, 'bench/cpu-profile.mjs')).href;

/**
 * Starts `script` (Hearth's `src/main.ts` or the baseline bot) through tsx; `ready` resolves at its
 * "connected to Discord" line. With `BENCH_PROFILE=<folder>` set, Hearth writes a CPU profile there
 * when it stops (see bench/cpu-profile.mjs).
 */
export function startBot(script: string, env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const profiling = process.env.BENCH_PROFILE && script === 'src/main.ts' ? ['--import', PROFILER] : [];
  const child = spawn(process.execPath, ['--import', TSX, ...profiling, join(ROOT, script)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...(profiling.length ? { BENCH_PROFILE: process.env.BENCH_PROFILE! } : {}), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((done) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('connected to Discord')) done();
    });
  });
  return { child, ready };
}

export async function stopBot(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

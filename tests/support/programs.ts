/**
 * Runs Hearth's programs as real processes: the bot (`src/main.ts`) and the command-line programs
 * (npm run backup, restore, doctor, deploy-commands) from the sources through tsx, as `npm start`
 * and `npm run <name>` run them from dist/ after a build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Node's arguments that load TypeScript through tsx, before the file to run. */
export const WITH_TSX = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href];

export interface Running {
  child: ChildProcess;
  /** The exit code, once every process holding its output open has ended. */
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

// One empty folder per test process for programs that need no folder of their own (no .env, no data).
let emptyFolder: string | undefined;
const anEmptyFolder = () => (emptyFolder ??= mkdtempSync(join(tmpdir(), 'hearth-run-')));

/** Starts a process with only PATH (and HOME) from this environment, capturing what it prints. */
export function startProcess(command: string, args: string[], options: { env?: Record<string, string>; cwd?: string; detached?: boolean } = {}): Running {
  const child = spawn(command, args, {
    cwd: options.cwd ?? anEmptyFolder(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

export interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `program` is a file of src/cli/ without .ts; settings come only from `env` (and a .env in `cwd`). */
export async function runCli(program: string, args: string[], env: Record<string, string>, cwd?: string): Promise<ProgramRun> {
  const run = startProcess(process.execPath, [...WITH_TSX, join(ROOT, 'src/cli', `${program}.ts`), ...args], { env, cwd });
  const code = await run.exited;
  return { code, ...run.output() };
}

/**
 * Runs Hearth's command-line programs (npm run backup, restore, doctor, deploy-commands) as real
 * processes, from the sources through tsx, as `npm run <name>` runs them from dist/ after a build.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `program` is a file of src/cli/ without .ts; settings come only from `env` (and a .env in `cwd`). */
export function runCli(program: string, args: string[], env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), 'hearth-cli-'))): Promise<ProgramRun> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli', `${program}.ts`), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

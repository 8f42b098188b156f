// What every command-line program of Hearth shares: settings from .env, and one way to end.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, SetupError } from '../config';

/** Settings come from the environment, topped up from .env in the current folder if there is one. */
export function loadEnvFile(): void {
  if (existsSync('.env')) process.loadEnvFile('.env');
}

/**
 * Runs a program and exits with its code. A problem the person can fix (a setting, the machine)
 * is printed as its message alone; anything unexpected also gets its stack, for a bug report.
 */
export async function runProgram(program: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await program();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof SetupError) console.error(error.message);
    else console.error('Unexpected failure:', error);
    code = 1;
  }
  process.exit(code);
}

/** The command line's --options and plain arguments; anything unknown is refused with the usage. */
export function readOptions<const T extends Record<string, 'string' | 'boolean'>>(usage: string, options: T) {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      options: Object.fromEntries(Object.entries(options).map(([name, type]) => [name, { type }])) as { [K in keyof T]: { type: T[K] } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new SetupError(`${error instanceof Error ? error.message : String(error)}. Use: ${usage}`);
  }
}


// What every command-line program of Hearth shares: settings from .env, and one way to end.
import { existsSync } from 'node:fs';
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


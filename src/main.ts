import { existsSync } from 'node:fs';
import { disableValidators } from 'discord.js';
import { ConfigError, loadConfig, SetupError, type Config } from './config';
import { createLogger } from './logger';
import { startHearth, type Hearth } from './app';
import { explainConnectionError } from './connection-errors';
import { onStopSignal } from './shutdown';

// Settings come from the environment, topped up from .env in the current folder if there is one.
if (existsSync('.env')) process.loadEnvFile('.env');

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config);

// Hearth's views already fit every text to Discord's limits (src/format.ts), and the test suite
// runs with discord.js's builder checks on. Repeating those checks on every setter of every
// message cost about 0.15 ms per rendered embed in a rush of clicks, so the running bot skips them.
disableValidators();
let hearth: Hearth | null = null;
let stopping = false;
const startup = new AbortController();

// Installed before connecting, so a signal during start-up is honoured too.
const shutdown = onStopSignal({
  logger,
  exit: (code) => process.exit(code),
  begin: () => {
    stopping = true;
    if (hearth) void stopAndExit(hearth);
    else startup.abort(); // still starting: end the catch-up early; the stop follows when start returns
  },
});

async function stopAndExit(running: Hearth): Promise<never> {
  try {
    await running.stop();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}

process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'));

try {
  hearth = await startHearth({ config, logger, signal: startup.signal });
  if (stopping) await stopAndExit(hearth);
} catch (error) {
  const known = explainConnectionError(error, config.apiUrl) ?? (error instanceof SetupError ? error.message : null);
  if (known) {
    // An expected failure: the sentence says what to do; the stack is only for debugging.
    logger.fatal({ reason: known, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }, 'Hearth could not start');
    logger.debug({ err: error }, 'start-up failure in detail');
  } else {
    logger.fatal({ err: error }, 'Hearth could not start');
  }
  console.error(`Hearth could not start: ${known ?? (error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
}

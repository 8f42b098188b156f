import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startHearth } from './app';

// Settings come from the environment, topped up from .env in the current folder if there is one.
if (existsSync('.env')) process.loadEnvFile('.env');

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger(config);
const FORCED_EXIT_MS = 10_000;

try {
  const hearth = await startHearth({ config, logger });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took longer than 10 s: exiting anyway');
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    hearth.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
} catch (error) {
  logger.fatal({ err: error }, 'Hearth could not start');
  console.error(`Hearth could not start: ${startupHint(error)}`);
  process.exit(1);
}

function startupHint(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/TokenInvalid|invalid token|401/i.test(message)) {
    return 'Discord refused DISCORD_TOKEN. Copy a fresh token from https://discord.com/developers/applications -> your application -> Bot -> Reset Token.';
  }
  if (/disallowed intents/i.test(message)) return message;
  return message;
}

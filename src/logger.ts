import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config';

export type { Logger };

/**
 * JSON lines by default (for log collectors); `LOG_FORMAT=pretty` for people reading a terminal.
 * Every line passes through one filter that removes the bot token, wherever it would appear
 * (a field, an error message, a stack trace), so no code path can leak it into a log.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat' | 'token'>,
  destination?: DestinationStream,
): Logger {
  const target = destination ?? (config.logFormat === 'pretty' ? pretty({ colorize: true }) : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      level: config.logLevel,
      base: { app: 'hearth' },
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    withoutSecret(target, config.token),
  );
}

function withoutSecret(target: DestinationStream, secret: string): DestinationStream {
  if (!secret) return target;
  return {
    write(line: string) {
      target.write(line.includes(secret) ? line.split(secret).join('[redacted]') : line);
    },
  };
}

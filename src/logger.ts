import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './config';

export type { Logger };

/**
 * JSON lines by default (for log collectors); `LOG_FORMAT=pretty` for people reading a terminal.
 * Anything that looks like a credential is redacted, wherever it appears in a log object.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat' | 'token'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { app: 'hearth' },
    redact: {
      paths: ['token', '*.token', '*.*.token', 'authorization', '*.authorization', 'headers.authorization', 'config.token'],
      censor: '[redacted]',
    },
    hooks: {
      // Belt and braces: a token pasted into an error message must not reach the log either.
      logMethod(args: unknown[], method: (...a: unknown[]) => void) {
        method.apply(this, args.map((arg) => scrub(arg, config.token)));
      },
    },
  };
  if (destination) return pino(options, destination);
  if (config.logFormat === 'pretty') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

function scrub(value: unknown, token: string): unknown {
  if (!token) return value;
  if (typeof value === 'string') return value.split(token).join('[redacted]');
  if (value instanceof Error && value.message.includes(token)) {
    const copy = new Error(value.message.split(token).join('[redacted]'));
    copy.name = value.name;
    copy.stack = value.stack?.split(token).join('[redacted]');
    return copy;
  }
  return value;
}

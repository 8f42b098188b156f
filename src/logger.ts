import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config';

export type { Logger };

/**
 * JSON lines by default (for log collectors); `LOG_FORMAT=pretty` for people reading a terminal.
 * What a log line may never hold, filtered here so that no code path can leak it:
 * - the bot token, wherever it would appear (a field, an error message, a stack trace);
 * - interaction tokens (15 minutes of acting as the bot towards a member), which sit in the
 *   paths of interaction callbacks and webhook edits that errors carry;
 * - what members wrote: errors are logged through `safeError`, which keeps what helps a host
 *   (type, message, stack, codes, the request's method and path) and drops request bodies,
 *   Discord's echo of them, query parameters and validation details, where members' words ride.
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
      serializers: { err: safeError },
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
    },
    withoutSecrets(target, config.token),
  );
}

// `/interactions/{id}/{token}/callback` and `/webhooks/{application}/{token}/...`: the token goes.
const INTERACTION_TOKEN = /\/(interactions|webhooks)\/(\d+)\/[^/\s"'?#\\]+/g;

/** The text with every interaction token taken out of the paths it sits in. */
export function withoutInteractionTokens(text: string): string {
  return text.replace(INTERACTION_TOKEN, '/$1/$2/[redacted]');
}

function withoutSecrets(target: DestinationStream, secret: string): DestinationStream {
  return {
    write(line: string) {
      const clean = withoutInteractionTokens(line);
      target.write(secret && clean.includes(secret) ? clean.split(secret).join('[redacted]') : clean);
    },
  };
}

// drizzle puts a failed query's parameters (a survey answer, a note) into its error message.
const QUERY_PARAMETERS = /\nparams: [\s\S]*?(?=\n\s+at |$)/;

/** An error's message (and stack) without the values a failed query was given. */
export function safeMessage(error: unknown): string {
  return error instanceof Error ? error.message.replace(QUERY_PARAMETERS, '\nparams: [left out]') : String(error);
}

/** What an error may show in a log line; see createLogger. */
export function safeError(error: unknown, depth = 0): Record<string, unknown> | string {
  if (!(error instanceof Error)) return typeof error === 'string' ? error : String(error);
  const out: Record<string, unknown> = { type: error.constructor.name, message: safeMessage(error) };
  if (error.stack) out.stack = error.stack.replace(QUERY_PARAMETERS, '\nparams: [left out]');
  const fields = error as unknown as Record<string, unknown>;
  for (const key of ['code', 'status', 'method', 'url', 'query', 'retryAfter']) {
    if (typeof fields[key] === 'string' || typeof fields[key] === 'number') out[key] = fields[key];
  }
  // A request's query string can carry values a member chose: the path is enough.
  if (typeof out.url === 'string') out.url = out.url.replace(/\?.*$/s, '');
  if (error.cause !== undefined && depth < 3) out.cause = safeError(error.cause, depth + 1);
  return out;
}

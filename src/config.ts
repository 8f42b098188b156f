import { z } from 'zod';
import { formatDuration, parseDuration } from './durations';

const PORTAL = 'https://discord.com/developers/applications';

const snowflake = (what: string, where: string) =>
  z
    .string()
    .regex(/^\d{17,20}$/, `${what} must be a Discord id (17 to 20 digits). ${where}`);

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const count = (name: string, max: number, fallback: number) =>
  optional(
    z.coerce
      .number({ error: `${name} must be a whole number from 1 to ${max} (or leave it out for ${fallback}).` })
      .int(`${name} must be a whole number from 1 to ${max} (or leave it out for ${fallback}).`)
      .min(1, `${name} must be a whole number from 1 to ${max} (or leave it out for ${fallback}).`)
      .max(max, `${name} must be a whole number from 1 to ${max} (or leave it out for ${fallback}).`),
  ).transform((value) => value ?? fallback);

const wholeNumber = (problem: string, min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, problem).transform(Number).pipe(z.number().min(min, problem).max(max, problem));

const BACKUP_EVERY_LIMITS = { minMs: 60 * 60_000, maxMs: 90 * 24 * 60 * 60_000 };
const backupEvery = z.string().transform((text, context) => {
  const read = parseDuration(text, BACKUP_EVERY_LIMITS);
  if (read.ok) return read.ms;
  context.addIssue({ code: 'custom', message: `BACKUP_EVERY is not a usable interval: ${read.problem} For example 24h or 7d (at least ${formatDuration(BACKUP_EVERY_LIMITS.minMs)}).` });
  return z.NEVER;
});

// Where the database and its backups live: all that `npm run backup` and `npm run restore` need.
const storage = {
  DATABASE_PATH: optional(z.string().trim().min(1)).transform((value) => value ?? './data/hearth.sqlite'),
  BACKUP_DIR: optional(z.string().trim().min(1)),
  BACKUP_EVERY: optional(backupEvery),
  BACKUP_KEEP: optional(wholeNumber('BACKUP_KEEP must be a whole number from 1 to 1000: how many backups to keep.', 1, 1000)).transform((value) => value ?? 14),
};

/** Every setting Hearth reads from the environment (and `.env`), with the help a self-hoster needs. */
const schema = z.object({
  DISCORD_TOKEN: z
    .string({ error: `DISCORD_TOKEN is missing. Open ${PORTAL}, choose your application, then Bot -> Reset Token, and put the token in .env.` })
    .trim()
    .min(1, `DISCORD_TOKEN is empty. Open ${PORTAL}, choose your application, then Bot -> Reset Token, and put the token in .env.`)
    .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, `DISCORD_TOKEN does not look like a bot token (three parts separated by dots). Copy it again from ${PORTAL} -> your application -> Bot.`),
  DISCORD_CLIENT_ID: optional(
    snowflake('DISCORD_CLIENT_ID', `It is the Application ID on the General Information page of ${PORTAL}.`),
  ),
  DISCORD_GUILD_ID: optional(
    snowflake('DISCORD_GUILD_ID', 'Enable Developer Mode in Discord, right-click your server and choose Copy Server ID.'),
  ),
  ...storage,
  DISCORD_API_URL: optional(
    z.url({ error: 'DISCORD_API_URL must be a full URL such as https://discord.com/api (or leave it out).' }),
  ).transform((value) => (value ?? 'https://discord.com/api').replace(/\/+$/, '')),
  LOG_LEVEL: optional(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent.',
    }),
  ).transform((value) => value ?? 'info'),
  LOG_FORMAT: optional(
    z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty.' }),
  ).transform((value) => value ?? 'json'),
  POLLS_OPEN_PER_MEMBER: count('POLLS_OPEN_PER_MEMBER', 1000, 3),
  POLLS_OPEN_PER_SERVER: count('POLLS_OPEN_PER_SERVER', 100_000, 50),
  DM_RATE: count('DM_RATE', 1000, 5),
  HEALTH_PORT: optional(wholeNumber('HEALTH_PORT must be a port number from 1 to 65535 (or leave it out to turn the health server off).', 1, 65_535)),
  HEALTH_HOST: optional(z.string().trim().min(1)).transform((value) => value ?? '127.0.0.1'),
});

export type Config = Readonly<{
  token: string;
  clientId: string | undefined;
  guildId: string | undefined;
  databasePath: string;
  apiUrl: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: 'json' | 'pretty';
  /** Open polls at once: per member who is not a leader, and per server. */
  pollLimits: Readonly<{ openPerMember: number; openPerServer: number }>;
  /** Direct messages sent at most this many per second, across every server. */
  directMessagesPerSecond: number;
  /** The health and metrics server's port; undefined leaves it off. */
  healthPort: number | undefined;
  healthHost: string;
}> &
  StorageConfig;

export type StorageConfig = Readonly<{
  databasePath: string;
  /** Scheduled backups go here; undefined leaves them off. */
  backupDir: string | undefined;
  backupEveryMs: number;
  backupKeep: number;
}>;

/** A setting is missing or wrong; the message is meant for the person starting the bot. */
export class ConfigError extends Error {
  constructor(
    readonly problems: string[],
    doing = 'start',
  ) {
    super(
      `Hearth cannot ${doing} because of its settings:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Settings come from the environment or from a .env file in the folder you start Hearth from ' +
        '(copy .env.example to .env to begin). The README lists every setting.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * A problem with the machine Hearth runs on rather than with a setting's form (a port taken, a
 * folder that cannot be written, a database in use): the message says what to do, no stack needed.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}

export function loadConfig(env: NodeJS.ProcessEnv, doing = 'start'): Config {
  const v = parse(schema, env, doing);
  return Object.freeze({
    token: v.DISCORD_TOKEN,
    clientId: v.DISCORD_CLIENT_ID,
    guildId: v.DISCORD_GUILD_ID,
    apiUrl: v.DISCORD_API_URL,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    pollLimits: Object.freeze({ openPerMember: v.POLLS_OPEN_PER_MEMBER, openPerServer: v.POLLS_OPEN_PER_SERVER }),
    directMessagesPerSecond: v.DM_RATE,
    healthPort: v.HEALTH_PORT,
    healthHost: v.HEALTH_HOST,
    ...storageFrom(v),
  });
}

/** Only the database and backup settings: the backup and restore commands need no token. */
export function loadStorageConfig(env: NodeJS.ProcessEnv, doing: string): StorageConfig {
  return Object.freeze(storageFrom(parse(z.object(storage), env, doing)));
}

function parse<T extends z.ZodType>(settings: T, env: NodeJS.ProcessEnv, doing: string): z.output<T> {
  const parsed = settings.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  // Catching this here, not at the first scheduled backup a day later.
  if (env.BACKUP_EVERY && !env.BACKUP_DIR) problems.push('BACKUP_EVERY is set but BACKUP_DIR is not: scheduled backups need a folder to go to. Set BACKUP_DIR (for example ./backups), or remove BACKUP_EVERY.');
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems, doing);
  return parsed.data;
}

function storageFrom(v: z.output<z.ZodObject<typeof storage>>): StorageConfig {
  return {
    databasePath: v.DATABASE_PATH,
    backupDir: v.BACKUP_DIR,
    backupEveryMs: v.BACKUP_EVERY ?? 24 * 60 * 60_000,
    backupKeep: v.BACKUP_KEEP,
  };
}

import { z } from 'zod';

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
  DATABASE_PATH: optional(z.string().trim().min(1)).transform((value) => value ?? './data/hearth.sqlite'),
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

export function loadConfig(env: NodeJS.ProcessEnv, doing = 'start'): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message), doing);
  }
  const v = parsed.data;
  return Object.freeze({
    token: v.DISCORD_TOKEN,
    clientId: v.DISCORD_CLIENT_ID,
    guildId: v.DISCORD_GUILD_ID,
    databasePath: v.DATABASE_PATH,
    apiUrl: v.DISCORD_API_URL,
    logLevel: v.LOG_LEVEL,
    logFormat: v.LOG_FORMAT,
    pollLimits: Object.freeze({ openPerMember: v.POLLS_OPEN_PER_MEMBER, openPerServer: v.POLLS_OPEN_PER_SERVER }),
  });
}

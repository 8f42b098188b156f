// From discord.js, not @discordjs/rest: importing that package directly loads a second copy whose
// error classes discord.js's own checks (instanceof) do not recognise.
import { REST } from 'discord.js';
import { Routes, type RESTGetAPIApplicationCommandsResult, type RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { isDeepStrictEqual } from 'node:util';
import { commands } from '../commands';
import { ConfigError, type Config } from './config';
import { httpStatusOf } from './bot/discord-errors';

export interface DeployOptions {
  config: Pick<Config, 'token' | 'clientId' | 'guildId' | 'apiUrl'>;
  dryRun?: boolean;
  /** Remove every Hearth command from the target instead (e.g. a development server's copies). */
  clear?: boolean;
  print?: (line: string) => void;
}

export type DeployResult = { target: 'guild' | 'global'; sent: boolean; payload: RESTPostAPIApplicationCommandsJSONBody[] };

export function commandPayload(): RESTPostAPIApplicationCommandsJSONBody[] {
  return commands.map((command) => command.data.toJSON());
}

/**
 * Registers every command with Discord: to one server when DISCORD_GUILD_ID is set (instant, for
 * development), else globally. Compares with what is registered first and sends nothing when
 * they already match.
 */
export async function deployCommands({ config, dryRun = false, clear = false, print = console.log }: DeployOptions): Promise<DeployResult> {
  const payload = clear ? [] : commandPayload();
  const target = config.guildId ? 'guild' : 'global';
  const where = config.guildId ? `server ${config.guildId}` : 'every server (global commands can take up to an hour to appear)';

  if (dryRun) {
    print(JSON.stringify(payload, null, 2));
    print(clear ? `Dry run: would remove every Hearth command from ${where}. Nothing was sent.` : `Dry run: would register ${payload.length} commands for ${where}. Nothing was sent.`);
    return { target, sent: false, payload };
  }
  if (!config.clientId) {
    throw new ConfigError(
      ['DISCORD_CLIENT_ID is missing: deploying commands needs the application id. It is the Application ID on the General Information page of https://discord.com/developers/applications.'],
      'deploy its commands',
    );
  }

  const rest = new REST({ api: config.apiUrl }).setToken(config.token);
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.clientId, config.guildId)
    : Routes.applicationCommands(config.clientId);

  const current = await registeredCommands(rest, route, print);
  if (current && sameCommands(current, payload)) {
    print(`Commands for ${where} are already up to date (${payload.length}): nothing sent.`);
    return { target, sent: false, payload };
  }
  await rest.put(route, { body: payload });
  if (clear) {
    print(`Removed every Hearth command from ${where}.`);
    return { target, sent: true, payload };
  }
  print(`Registered ${payload.length} commands for ${where}:`);
  for (const command of payload) print(`  /${command.name}${describeOptions(command)}`);
  return { target, sent: true, payload };
}

/**
 * What is registered now, or null when the server cannot list commands (404 or 405: some
 * Discord-compatible servers and proxies only take the PUT): then the full list is sent.
 */
async function registeredCommands(rest: REST, route: `/${string}`, print: (line: string) => void): Promise<RESTGetAPIApplicationCommandsResult | null> {
  try {
    return (await rest.get(route)) as RESTGetAPIApplicationCommandsResult;
  } catch (error) {
    const status = httpStatusOf(error);
    if (status !== 404 && status !== 405) throw error;
    print(`The server answered ${status} when asked which commands are registered; sending the full list instead of comparing.`);
    return null;
  }
}

function describeOptions(command: RESTPostAPIApplicationCommandsJSONBody): string {
  const options = 'options' in command ? (command.options ?? []) : [];
  return options.length ? ` (${options.map((o) => o.name).join(', ')})` : '';
}

function sameCommands(current: RESTGetAPIApplicationCommandsResult, wanted: RESTPostAPIApplicationCommandsJSONBody[]): boolean {
  const { missing, changed, extra } = commandDifferences(current, wanted);
  return missing.length + changed.length + extra.length === 0;
}

/**
 * How the registered commands differ from this version's, by name. Discord echoes back extra
 * fields (ids, versions, defaults) and leaves out fields that are false or empty (an optional
 * option has no `required`), so only what Hearth sends is compared, reading those as equal.
 */
export function commandDifferences(current: RESTGetAPIApplicationCommandsResult, wanted: RESTPostAPIApplicationCommandsJSONBody[]) {
  const sameKind = (a: { name: string; type?: number }, b: { name: string; type?: number }) => a.name === b.name && (a.type ?? 1) === (b.type ?? 1);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const command of wanted) {
    const registered = current.find((c) => sameKind(c, command));
    if (!registered) missing.push(command.name);
    else if (!covers(registered, command)) changed.push(command.name);
  }
  const extra = current.filter((c) => !wanted.some((w) => sameKind(c, w))).map((c) => c.name);
  return { missing, changed, extra };
}

function covers(registered: unknown, wanted: unknown): boolean {
  if (registered === undefined && (wanted === false || (Array.isArray(wanted) && wanted.length === 0))) return true;
  if (Array.isArray(wanted)) {
    return Array.isArray(registered) && registered.length === wanted.length && wanted.every((w, i) => covers(registered[i], w));
  }
  if (wanted && typeof wanted === 'object') {
    if (!registered || typeof registered !== 'object') return false;
    return Object.entries(wanted).every(([key, value]) => value === undefined || covers((registered as Record<string, unknown>)[key], value));
  }
  return isDeepStrictEqual(registered, wanted);
}

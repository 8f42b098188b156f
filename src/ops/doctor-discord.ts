import { REST, Routes } from 'discord.js';
import {
  PermissionFlagsBits,
  type APIApplication,
  type APIGuild,
  type APIGuildMember,
  type APIOverwrite,
  type APIUser,
  type RESTGetAPIApplicationCommandsResult,
  type RESTGetAPICurrentUserGuildsResult,
} from 'discord-api-types/v10';
import type { Config } from '../config';
import { permissionName } from '../bot/permissions';
import { httpStatusOf } from '../bot/discord-errors';
import { describeRequestFailure, explainConnectionError } from '../connection-errors';
import { commandDifferences, commandPayload } from '../deploy';
import type { Finding } from './doctor';

/** What the doctor reads of a server's channel. */
type GuildChannel = { id: string; name: string; permission_overwrites?: APIOverwrite[] };

/** A channel Hearth posts in or edits in, and the permissions it needs there. */
export interface ChannelInUse {
  guildId: string;
  channelId: string;
  /** What it is used for, for people: "recognition channel", `open poll #12`. */
  use: string;
  needs: readonly bigint[];
}

const PORTAL = 'https://discord.com/developers/applications';

/** The token, the application id, the registered commands, and Hearth's permissions where it works. */
export async function discordChecks(config: Config, channels: ChannelInUse[]): Promise<Finding[]> {
  const rest = new REST({ api: config.apiUrl, retries: 1, timeout: 10_000 }).setToken(config.token);
  const findings: Finding[] = [];
  const failed = (check: string, error: unknown, fix?: string): Finding => {
    const known = explainConnectionError(error, config.apiUrl);
    if (known) return { check, verdict: 'fail', detail: known };
    return { check, verdict: 'fail', detail: describeRequestFailure(error) ?? (error instanceof Error ? error.message : String(error)), fix };
  };

  let bot: APIUser;
  try {
    bot = (await rest.get(Routes.user())) as APIUser;
    findings.push({ check: 'Token', verdict: 'ok', detail: `Discord accepts it: the bot is ${bot.username}` });
  } catch (error) {
    findings.push(failed('Token', error), { check: 'Discord', verdict: 'skip', detail: 'the other Discord checks need an accepted token' });
    return findings;
  }

  let applicationOk = false;
  if (!config.clientId) {
    findings.push({ check: 'Application id', verdict: 'fail', detail: 'DISCORD_CLIENT_ID is not set', fix: `It is the Application ID on the General Information page of ${PORTAL}; deploy-commands needs it.` });
  } else {
    try {
      const application = (await rest.get(Routes.currentApplication())) as APIApplication;
      applicationOk = application.id === config.clientId;
      findings.push(
        applicationOk
          ? { check: 'Application id', verdict: 'ok', detail: `${config.clientId} is this token's application ("${application.name}")` }
          : { check: 'Application id', verdict: 'fail', detail: `DISCORD_CLIENT_ID ${config.clientId} is not the application of this token (that is ${application.id}, "${application.name}")`, fix: `Set DISCORD_CLIENT_ID=${application.id}, or use the token of application ${config.clientId}.` },
      );
    } catch (error) {
      findings.push(failed('Application id', error));
    }
  }
  findings.push(applicationOk ? await checkCommands(rest, config, failed) : { check: 'Slash commands', verdict: 'skip', detail: 'needs the right DISCORD_CLIENT_ID' });
  findings.push(...(await checkServers(rest, bot.id, channels, failed)));
  return findings;
}

async function checkCommands(rest: REST, config: Config, failed: (check: string, error: unknown, fix?: string) => Finding): Promise<Finding> {
  const check = 'Slash commands';
  const where = config.guildId ? `server ${config.guildId}` : 'every server (global)';
  const route = config.guildId ? Routes.applicationGuildCommands(config.clientId!, config.guildId) : Routes.applicationCommands(config.clientId!);
  try {
    const wanted = commandPayload();
    const { missing, changed, extra } = commandDifferences((await rest.get(route)) as RESTGetAPIApplicationCommandsResult, wanted);
    if (missing.length + changed.length + extra.length === 0) return { check, verdict: 'ok', detail: `all ${wanted.length} are deployed to ${where} and up to date` };
    const parts = [missing.length && `not deployed: ${missing.join(', ')}`, changed.length && `out of date: ${changed.join(', ')}`, extra.length && `no longer Hearth's: ${extra.join(', ')}`].filter(Boolean);
    return { check, verdict: 'fail', detail: `the commands registered for ${where} differ from this version (${parts.join('; ')})`, fix: 'Run npm run deploy-commands.' };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404 || status === 405) return { check, verdict: 'warn', detail: `the server at DISCORD_API_URL cannot list commands (${status}), so they cannot be compared`, fix: 'Run npm run deploy-commands after each upgrade.' };
    return failed(check, error, 'Run npm run deploy-commands.');
  }
}

/** For each server with channels in use: is Hearth still there, do the channels exist, may it post? */
async function checkServers(rest: REST, botId: string, channels: ChannelInUse[], failed: (check: string, error: unknown) => Finding): Promise<Finding[]> {
  const byGuild = new Map<string, ChannelInUse[]>();
  for (const channel of channels) byGuild.set(channel.guildId, [...(byGuild.get(channel.guildId) ?? []), channel]);
  let joined: RESTGetAPICurrentUserGuildsResult;
  try {
    joined = await currentGuilds(rest);
  } catch (error) {
    return [failed('Servers', error)];
  }
  const findings: Finding[] = [];
  for (const [guildId, uses] of byGuild) {
    if (!joined.some((g) => g.id === guildId)) {
      findings.push({ check: `Server ${guildId}`, verdict: 'warn', detail: `Hearth is no longer in this server; ${uses.length} of its things still point there (${uses.map((u) => u.use).join(', ')})`, fix: 'Nothing to do unless you expected Hearth there: invite it again with the link in the README.' });
      continue;
    }
    try {
      const [guild, guildChannels, member] = await Promise.all([
        rest.get(Routes.guild(guildId)) as Promise<APIGuild>,
        rest.get(Routes.guildChannels(guildId)) as Promise<GuildChannel[]>,
        rest.get(Routes.guildMember(guildId, botId)) as Promise<APIGuildMember>,
      ]);
      findings.push(...checkChannels(guild, guildChannels, member, botId, uses));
    } catch (error) {
      findings.push(failed(`Server ${guildId}`, error));
    }
  }
  const idle = joined.length - joined.filter((g) => byGuild.has(g.id)).length;
  findings.push({ check: 'Servers', verdict: 'ok', detail: `Hearth is in ${joined.length} server${joined.length === 1 ? '' : 's'}; ${idle} of them use no channel yet` });
  return findings;
}

function checkChannels(guild: APIGuild, channels: GuildChannel[], member: APIGuildMember, botId: string, uses: ChannelInUse[]): Finding[] {
  const check = `Server "${guild.name}"`;
  const problems: Finding[] = [];
  for (const use of uses) {
    const channel = channels.find((c) => c.id === use.channelId);
    if (!channel) {
      problems.push({ check, verdict: 'fail', detail: `the channel of the ${use.use} (${use.channelId}) no longer exists`, fix: fixForGone(use.use) });
      continue;
    }
    const have = permissionsIn(guild, member, botId, channel);
    const missing = use.needs.filter((bit) => (have & bit) !== bit).map(permissionName);
    if (missing.length) {
      problems.push({ check, verdict: 'fail', detail: `#${channel.name} (${use.use}): Hearth lacks ${missing.join(', ')}`, fix: `Give Hearth's role ${missing.join(', ')} in #${channel.name} (Edit Channel -> Permissions).` });
    }
  }
  const places = new Set(uses.map((u) => u.channelId)).size;
  return problems.length ? problems : [{ check, verdict: 'ok', detail: `Hearth has what it needs in the ${places} channel${places === 1 ? '' : 's'} it uses` }];
}

function fixForGone(use: string): string {
  if (use === 'recognition channel') return 'Choose another with /settings recognition-channel.';
  if (use.startsWith('check-in')) return 'Delete the check-in (/checkin delete) and schedule it again in another channel.';
  return 'Nothing to do: it is finished where it can be, and the next ones go elsewhere.';
}

async function currentGuilds(rest: REST): Promise<RESTGetAPICurrentUserGuildsResult> {
  const all: RESTGetAPICurrentUserGuildsResult = [];
  for (;;) {
    const query = new URLSearchParams({ limit: '200', ...(all.length ? { after: all.at(-1)!.id } : {}) });
    const page = (await rest.get(Routes.userGuilds(), { query })) as RESTGetAPICurrentUserGuildsResult;
    all.push(...page);
    if (page.length < 200) return all;
  }
}

/** Discord's rule: @everyone and the member's roles, then the channel's overwrites for @everyone, the roles, the member. */
function permissionsIn(guild: APIGuild, member: APIGuildMember, botId: string, channel: GuildChannel): bigint {
  const all = Object.values(PermissionFlagsBits).reduce((sum, bit) => sum | bit, 0n);
  if (guild.owner_id === botId) return all;
  const roleBits = (id: string) => BigInt(guild.roles.find((r) => r.id === id)?.permissions ?? '0');
  let base = roleBits(guild.id);
  for (const id of member.roles) base |= roleBits(id);
  if (base & PermissionFlagsBits.Administrator) return all;
  const overwrites = channel.permission_overwrites ?? [];
  const apply = (bits: bigint, o: { allow: string; deny: string } | undefined) => (o ? (bits & ~BigInt(o.deny)) | BigInt(o.allow) : bits);
  let bits = apply(base, overwrites.find((o) => o.id === guild.id));
  const roles = overwrites.filter((o) => o.type === 0 && member.roles.includes(o.id));
  bits = apply(bits, { allow: String(roles.reduce((sum, o) => sum | BigInt(o.allow), 0n)), deny: String(roles.reduce((sum, o) => sum | BigInt(o.deny), 0n)) });
  return apply(bits, overwrites.find((o) => o.type === 1 && o.id === botId));
}

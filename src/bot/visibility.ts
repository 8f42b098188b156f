import { PermissionFlagsBits, type Client, type GuildBasedChannel, type GuildMember, type PermissionsBitField } from 'discord.js';
import { DiscordErrorCode, isDiscordError } from './discord-errors';
import type { Db } from '../db/open';
import type { ChannelView } from '../visibility';
import { WHOLE_SERVER } from '../visibility';
import { isLeader } from './leaders';

type Acting = { guildId: string; channelId: string | null; member: GuildMember; memberPermissions: Readonly<PermissionsBitField> };

/**
 * The member's permissions in a channel as Discord computes them. In the interaction's own channel
 * that is what Discord sent with it; anywhere else Discord sends nothing, so they are computed from
 * the cached roles and the channel's overwrites (as Discord does). Null for a channel Hearth does
 * not know (deleted, or another server's).
 */
export function permissionsIn(interaction: Acting, channelId: string | null): Readonly<PermissionsBitField> | null {
  if (!channelId) return null;
  if (channelId === interaction.channelId) return interaction.memberPermissions;
  const channel = interaction.member.guild.channels.cache.get(channelId);
  return channel?.permissionsFor(interaction.member) ?? null;
}

/** Can the member who acted view that channel? */
export function canView(interaction: Acting, channelId: string | null): boolean {
  return permissionsIn(interaction, channelId)?.has(PermissionFlagsBits.ViewChannel) ?? false;
}

/** Exactly the channels the member can view: for answering (votes, Take survey, mood clicks), leaders too. */
export function memberView(interaction: Acting): ChannelView {
  return { everything: false, canView: (channelId) => canView(interaction, channelId) };
}

/** The channels a member fetched apart from any interaction can view (a click in a direct message, a message about to go). */
export function fetchedMemberView(member: GuildMember): ChannelView {
  return {
    everything: false,
    canView: (channelId) => (channelId ? member.guild.channels.cache.get(channelId)?.permissionsFor(member)?.has(PermissionFlagsBits.ViewChannel) ?? false : false),
  };
}

/** The member as Discord knows them now, or null when they left, were banned or Hearth is not in the server. */
export async function currentMember(client: Client, guildId: string, userId: string): Promise<GuildMember | null> {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) return null;
  try {
    return await guild.members.fetch({ user: userId, force: true, cache: false });
  } catch (error) {
    if (isDiscordError(error, DiscordErrorCode.UnknownMember, DiscordErrorCode.UnknownUser)) return null;
    throw error;
  }
}

/** For reading (results, lists, suggestions, streaks): leaders keep their view of the whole server. */
export function readerView(db: Db, interaction: Acting): ChannelView {
  return isLeader(db, interaction) ? WHOLE_SERVER : memberView(interaction);
}

/**
 * What every reader of `channel` can see, for what Hearth posts there for all (the insights
 * digest): that channel, and the channels every member can view (the @everyone role may, and no
 * overwrite takes it away from a role or a member). A channel open only to some roles is left
 * out even when every reader of `channel` happens to hold one: Hearth cannot list the readers.
 */
export function audienceView(channel: GuildBasedChannel): ChannelView {
  const { guild } = channel;
  return {
    everything: false,
    canView(channelId) {
      if (channelId === channel.id) return true;
      const other = channelId ? guild.channels.cache.get(channelId) : undefined;
      if (!other || other.isThread() || !other.permissionsFor(guild.roles.everyone).has(PermissionFlagsBits.ViewChannel)) return false;
      return !other.permissionOverwrites.cache.some((overwrite) => overwrite.deny.has(PermissionFlagsBits.ViewChannel));
    },
  };
}

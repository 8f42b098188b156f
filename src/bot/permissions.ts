import { ChannelType, PermissionFlagsBits, PermissionsBitField, type GuildBasedChannel, type GuildMember } from 'discord.js';
import { UserError } from '../user-error';
import { oneOrMany } from '../format';

const NAMES: [bigint, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.AttachFiles, 'Attach Files'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History'],
  [PermissionFlagsBits.ManageRoles, 'Manage Roles'],
];

export const POSTING = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages, PermissionFlagsBits.EmbedLinks];

export function permissionName(bit: bigint): string {
  return NAMES.find(([b]) => b === bit)?.[1] ?? new PermissionsBitField(bit).toArray().join(', ');
}

/** The permissions from `needed` that Hearth lacks in a channel (by its cached roles and overrides). */
export function missingPermissions(channel: GuildBasedChannel, needed: readonly bigint[]): string[] {
  const me = channel.guild.members.me;
  const have = me ? channel.permissionsFor(me) : null;
  return needed.filter((bit) => !have?.has(bit)).map(permissionName);
}

/** Refuses early, with the fix, instead of failing halfway through posting. */
export function assertCanPost(channel: GuildBasedChannel, needed: readonly bigint[] = POSTING): void {
  if (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) {
    throw new UserError(`<#${channel.id}> is not a text channel. Pick a text or announcement channel.`);
  }
  const missing = missingPermissions(channel, needed);
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new UserError(
      `Hearth cannot post in <#${channel.id}>: it is missing ${oneOrMany(missing.length, 'the', 'these')} ${list} ${oneOrMany(missing.length, 'permission', 'permissions')} there. ` +
        `Give Hearth's role ${list} in that channel (Edit Channel -> Permissions), or pick another channel.`,
    );
  }
}

/** Hearth posts for a member only where they could post themselves: a leader cannot reach a channel they cannot write in through it. */
export function assertMemberCanPost(channel: GuildBasedChannel, member: GuildMember): void {
  if (!channel.permissionsFor(member).has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages])) {
    throw new UserError(`You cannot post in <#${channel.id}> yourself, so Hearth will not post there for you. Pick a channel you can write in.`);
  }
}

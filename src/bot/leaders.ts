import { PermissionFlagsBits, type GuildMember, type PermissionsBitField } from 'discord.js';
import { UserError } from '../user-error';
import { getSettings } from '../settings';
import type { Db } from '../db/open';

type Actor = { guildId: string; member: GuildMember; memberPermissions: Readonly<PermissionsBitField> };

/**
 * A leader is a member with Manage Server (Administrator implies it) or the server's leader role.
 * Checked here, on our side, whatever Discord's command permissions say.
 */
export function isLeader(db: Db, actor: Actor): boolean {
  if (actor.memberPermissions.has(PermissionFlagsBits.ManageGuild)) return true;
  const { leaderRoleId } = getSettings(db, actor.guildId);
  return leaderRoleId !== null && actor.member.roles.cache.has(leaderRoleId);
}

export function whoAreLeaders(db: Db, guildId: string): string {
  const { leaderRoleId } = getSettings(db, guildId);
  return leaderRoleId
    ? `Leaders are members with the Manage Server permission or the <@&${leaderRoleId}> role.`
    : 'Leaders are members with the Manage Server permission (a leader can also name a leader role with `/settings leader-role`).';
}

/** Throws a refusal that says who may do `action` (e.g. "change Hearth's settings"). */
export function assertLeader(db: Db, actor: Actor, action: string): void {
  if (!isLeader(db, actor)) {
    throw new UserError(`Only leaders can ${action}. ${whoAreLeaders(db, actor.guildId)}`);
  }
}

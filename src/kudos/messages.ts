import {
  DiscordAPIError,
  MessageFlags,
  PermissionFlagsBits,
  type Guild,
  type GuildTextBasedChannel,
  type RepliableInteraction,
} from 'discord.js';
import { UserError } from '../bot/errors';
import { assertCanPost, missingPermissions, POSTING } from '../bot/permissions';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { getSettings } from '../settings/service';
import {
  attachShoutOut,
  buildRoundup,
  checkKudosRequest,
  claimRoundupWeek,
  discardKudos,
  giveKudos,
  recordRoundup,
  releaseRoundupWeek,
  roundupSchedule,
  type Kudos,
  type KudosOutcome,
  type RoundupSlot,
} from './service';
import { renderGiverConfirmation, renderRemovalNotice, renderRoundup, renderShoutOut } from './view';

export const messageUrl = (guildId: string, channelId: string, messageId: string) => `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;

export interface GiveInput {
  /** Null when the member has left the server. */
  recipient: { id: string; bot: boolean } | null;
  value: string;
  message: string;
}

/**
 * Gives kudos from a slash command or the context-menu modal: refusals are private and change
 * nothing; on success the shout-out is public (pinging only the recipient), the giver gets a
 * private confirmation, and milestone roles are granted.
 */
export async function giveAndAnnounce(ctx: AppContext, interaction: RepliableInteraction<'cached'>, input: GiveInput): Promise<void> {
  const { db, clock } = ctx;
  const settings = getSettings(db, interaction.guildId);
  const channel = shoutOutChannel(interaction.guild, settings.recognitionChannelId, interaction.channelId ?? '');
  const request = { guildId: interaction.guildId, giverId: interaction.user.id, channelId: channel?.id ?? '', ...input };
  checkKudosRequest(db, request); // plain input mistakes first, before anything about channels
  if (!channel) throw new UserError('Hearth cannot find a channel to post the shout-out in. A leader can set one with `/settings recognition-channel`.');
  assertCanPost(channel);

  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const outcome = giveKudos(db, { ...request, timezone: settings.timezone }, clock.now());
  const allowedMentions = { parse: [] as [], users: [outcome.kudos.recipientId] };
  let posted;
  try {
    posted = await channel.send({ ...renderShoutOut(outcome, []), allowedMentions });
  } catch (error) {
    discardKudos(db, outcome.kudos.id); // nobody saw it: it does not count against anyone
    throw error;
  }
  attachShoutOut(db, outcome.kudos.id, posted.id);
  // Roles only once the kudos is public for good, so a failed post never leaves a role behind.
  const { granted, problems } = await grantMilestones(ctx, interaction.guild, outcome);
  if (granted.length) {
    await posted.edit({ ...renderShoutOut(outcome, granted), allowedMentions }).catch((error: unknown) => {
      ctx.logger.warn({ err: error, guild: interaction.guildId, kudos: outcome.kudos.id }, 'could not add the milestone to a shout-out');
    });
  }
  await interaction.editReply(renderGiverConfirmation(outcome, messageUrl(interaction.guildId, channel.id, posted.id), problems));
}

function shoutOutChannel(guild: Guild, recognitionChannelId: string | null, hereId: string): GuildTextBasedChannel | null {
  const chosen = recognitionChannelId ? guild.channels.cache.get(recognitionChannelId) : undefined;
  const channel = chosen ?? guild.channels.cache.get(hereId);
  return channel?.isTextBased() ? (channel as GuildTextBasedChannel) : null;
}

/**
 * Grants the roles of milestones this kudos crossed. A role Hearth cannot grant never stops the
 * kudos: it becomes a clear note for the giver to pass on, and a warning in the log.
 */
async function grantMilestones(ctx: AppContext, guild: Guild, outcome: KudosOutcome): Promise<{ granted: string[]; problems: string[] }> {
  const granted: string[] = [];
  const problems: string[] = [];
  const recipientId = outcome.kudos.recipientId;
  for (const milestone of outcome.milestones) {
    let failure = whyCannotGrant(guild, milestone.roleId);
    if (!failure) {
      try {
        await guild.members.addRole({ user: recipientId, role: milestone.roleId, reason: `Kudos milestone: ${milestone.count} received` });
        granted.push(milestone.roleId);
      } catch (error) {
        if (!(error instanceof DiscordAPIError)) throw error;
        failure = error.code === 50013 ? 'Discord refused: Hearth is missing a permission' : `Discord answered: ${error.message}`;
      }
    }
    if (failure) {
      ctx.logger.warn({ guild: guild.id, role: milestone.roleId, reason: failure }, 'could not grant a kudos milestone role');
      problems.push(
        `<@${recipientId}> reached ${milestone.count} kudos, but Hearth could not give them the <@&${milestone.roleId}> milestone role (${failure}). ` +
          'Please tell a leader: Hearth\'s role needs Manage Roles and must sit above that role in Server Settings → Roles.',
      );
    }
  }
  return { granted, problems };
}

function whyCannotGrant(guild: Guild, roleId: string): string | null {
  const role = guild.roles.cache.get(roleId);
  const me = guild.members.me;
  if (!role) return 'that role no longer exists';
  if (!me?.permissions.has(PermissionFlagsBits.ManageRoles)) return 'Hearth lacks the Manage Roles permission';
  if (role.comparePositionTo(me.roles.highest) >= 0) return 'the role is not below Hearth\'s own role';
  return null;
}

/** For a leader setting a milestone: why Hearth would not be able to grant that role, with the fix. */
export function kudosMilestoneWarning(guild: Guild, roleId: string): string | null {
  const why = whyCannotGrant(guild, roleId);
  return why
    ? `Hearth cannot grant <@&${roleId}> yet: ${why}. Give Hearth's role Manage Roles and drag it above <@&${roleId}> in Server Settings → Roles; until then kudos still work, and givers are told the role could not be granted.`
    : null;
}

/**
 * After a leader removes a kudos: the public shout-out comes down, and giver and recipient (only
 * they are pinged) are told in the same channel, without the message being repeated.
 */
export async function takeDownShoutOut(ctx: AppContext, guild: Guild, removed: Kudos): Promise<string> {
  const channel = guild.channels.cache.get(removed.channelId);
  if (!channel?.isTextBased()) return 'Its shout-out channel no longer exists, so there was nothing to take down.';
  if (removed.messageId) {
    try {
      await channel.messages.delete(removed.messageId);
    } catch (error) {
      if (!(error instanceof DiscordAPIError && error.code === 10008)) throw error; // already deleted by someone: fine
    }
  }
  const missing = missingPermissions(channel, POSTING.slice(0, 2));
  if (missing.length) return `Hearth could not tell them in <#${channel.id}> (missing ${missing.join(', ')}); please let them know yourself.`;
  await channel.send(renderRemovalNotice(removed));
  ctx.logger.info({ guild: guild.id, kudos: removed.id }, 'kudos removed by a leader');
  return `The shout-out is taken down and <@${removed.giverId}> and <@${removed.recipientId}> were told in <#${channel.id}> (without the message).`;
}

// Codes that will not fix themselves by retrying: record the week as failed instead of looping.
const PERMANENT = new Set([10003, 50001, 50013]);

async function postRoundup(ctx: AppContext, slot: RoundupSlot): Promise<void> {
  const guild = ctx.client.guilds.cache.get(slot.guildId);
  const channel = guild?.channels.cache.get(slot.channelId);
  if (!guild || !channel?.isTextBased() || missingPermissions(channel, POSTING).length) {
    recordRoundup(ctx.db, slot, 'failed');
    ctx.logger.warn({ guild: slot.guildId, week: slot.week }, 'kudos roundup skipped: Hearth cannot post in the recognition channel');
    return;
  }
  const roundup = buildRoundup(ctx.db, slot);
  if (roundup.total === 0 && roundup.unthanked.length === 0) {
    recordRoundup(ctx.db, slot, 'skipped'); // nothing to celebrate or notice: stay quiet
    return;
  }
  try {
    const message = await channel.send(renderRoundup(roundup));
    recordRoundup(ctx.db, slot, 'posted', message.id);
  } catch (error) {
    if (error instanceof DiscordAPIError && typeof error.code === 'number' && PERMANENT.has(error.code)) {
      recordRoundup(ctx.db, slot, 'failed');
      ctx.logger.warn({ guild: slot.guildId, week: slot.week, code: error.code }, 'kudos roundup could not be posted');
      return;
    }
    releaseRoundupWeek(ctx.db, slot);
    throw error;
  }
}

/**
 * Every Monday morning (server time) the recognition channel gets last week's roundup. Each
 * week is claimed in the database before posting, so it is posted at most once, across restarts.
 */
export function kudosRoundupTask(ctx: AppContext): DueTask {
  return {
    name: 'weekly kudos roundup',
    nextDueAt: () => roundupSchedule(ctx.db, ctx.clock.now()).nextAt,
    async runDue(now) {
      for (const slot of roundupSchedule(ctx.db, now).due) {
        if (!claimRoundupWeek(ctx.db, slot, now)) continue;
        await postRoundup(ctx, slot);
      }
    },
  };
}

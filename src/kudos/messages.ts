import {
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  type Guild,
  type GuildTextBasedChannel,
  type RepliableInteraction,
} from 'discord.js';
import { UserError } from '../user-error';
import { messageLink, oneOrMany } from '../format';
import { DiscordErrorCode, discordMessage, isDiscordError } from '../bot/discord-errors';
import { missingPermissions, POSTING } from '../bot/permissions';
import { permissionsIn } from '../bot/visibility';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { getSettings } from '../settings';
import { attachShoutOut, checkKudosRequest, discardKudos, giveCheckedKudosGrouped, type Kudos, type KudosOutcome } from './giving';
import { effectChannel, EffectImpossible, effectNonce, type EffectHandler } from '../outbox/delivery';
import { KUDOS_MILESTONE_NOTE, queueMilestoneNotes, type MilestoneNote } from './notices';
import { buildRoundup, KUDOS_ROUNDUP, queueRoundup, recordRoundup, roundupFinished, roundupSchedule, type RoundupSlot } from './roundup';
import { renderGiverConfirmation, renderMilestoneTrouble, renderRemovalDm, renderRemovalNotice, renderRoundup, renderShoutOut, shoutOutMentions } from './view';


export interface GiveInput {
  /**
   * Null when the member has left the server. `roles`: the roles Discord sent with the member (the
   * command's resolved member, or one just fetched), so a milestone needs no request of its own.
   */
  recipient: { id: string; bot: boolean; roles: readonly string[] } | null;
  value: string;
  message: string;
}


/**
 * Gives kudos from a slash command or the context-menu modal: refusals are private and change
 * nothing; on success the shout-out is public (pinging only the recipient), the giver gets a
 * private confirmation, and milestone roles are granted. Every answer here is private, so the
 * interaction is acknowledged privately first, before any check: in a rush of kudos the
 * acknowledgement then waits for nothing (a refusal replaces the "thinking" message, as privately).
 * A caller that had to do slow work first (the modal fetches the member) defers before calling.
 */
export async function giveAndAnnounce(ctx: AppContext, interaction: RepliableInteraction<'cached'>, input: GiveInput): Promise<void> {
  const { db, clock } = ctx;
  if (!interaction.deferred) await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // The acknowledgements of a rush of other members go first (at once when there is none): the
  // member has theirs, and what follows has the 15 minutes of a deferred reply. Before storing, not
  // after: a stored kudos is posted straight away, so a crash never leaves one that counts with no
  // shout-out. Posted only once stored.
  await ctx.metrics.afterAcknowledgements();
  const settings = getSettings(db, interaction.guildId);
  const channel = shoutOutChannel(interaction.guild, settings.recognitionChannelId, interaction.channelId ?? '');
  const request = { guildId: interaction.guildId, giverId: interaction.user.id, channelId: channel.id, timezone: settings.timezone, ...input };
  const checked = checkKudosRequest(db, request); // plain input mistakes first, before anything about channels
  assertGiverMayPostHere(interaction, channel);
  assertShoutOutPossible(channel);
  const outcome = await giveCheckedKudosGrouped(db, request, checked, clock.now());
  const allowedMentions = shoutOutMentions(outcome.kudos.recipientId);
  let posted;
  try {
    posted = await channel.channel!.send({ ...renderShoutOut(outcome, []), allowedMentions });
  } catch (error) {
    discardKudos(db, interaction.guildId, outcome.kudos.id); // nobody saw it: it does not count against anyone
    ctx.logger.warn({ err: error, guild: interaction.guildId, channel: channel.id }, 'could not post a kudos shout-out');
    throw new UserError(
      `Hearth could not post the shout-out in <#${channel.id}> (Discord answered: ${discordMessage(error)}), so your kudos was not given and does not count against today's limit. ` +
        'Please try again in a moment; if it keeps failing, ask a leader to check Hearth\'s permissions there.',
    );
  }
  attachShoutOut(db, interaction.guildId, outcome.kudos.id, posted.id);
  // Roles only once the kudos is public for good, so a failed post never leaves a role behind.
  const { granted, problems } = await grantMilestones(ctx, interaction.guild, outcome, input.recipient?.roles ?? []);
  if (granted.length) {
    await posted.edit({ ...renderShoutOut(outcome, granted), allowedMentions }).catch((error: unknown) => {
      ctx.logger.warn({ err: error, guild: interaction.guildId, kudos: outcome.kudos.id }, 'could not add the milestone to a shout-out');
    });
  }
  if (problems.length) await tellLeadersAboutMilestones(ctx, interaction.guild, channel.channel!, problems);
  await interaction.editReply(renderGiverConfirmation(outcome, messageLink(interaction.guildId, channel.id, posted.id), problems.map((p) => p.forGiver)));
}

interface ShoutOutTarget {
  id: string;
  channel: GuildTextBasedChannel | null;
  isRecognitionChannel: boolean;
}

/** The recognition channel, or where the kudos is given when none is set (or it was deleted). */
function shoutOutChannel(guild: Guild, recognitionChannelId: string | null, hereId: string): ShoutOutTarget {
  const chosen = recognitionChannelId ? guild.channels.cache.get(recognitionChannelId) : undefined;
  const channel = chosen ?? guild.channels.cache.get(hereId);
  const text = channel?.isTextBased() && (channel.type === ChannelType.GuildText || channel.type === ChannelType.GuildAnnouncement);
  return { id: channel?.id ?? hereId, channel: text ? (channel as GuildTextBasedChannel) : null, isRecognitionChannel: chosen !== undefined };
}

/** Refuses at once where a kudos given here would be a shout-out the giver may not post (the context menu checks before its form opens). */
export function assertMayGiveKudosHere(ctx: AppContext, interaction: RepliableInteraction<'cached'>): void {
  assertGiverMayPostHere(interaction, shoutOutChannel(interaction.guild, getSettings(ctx.db, interaction.guildId).recognitionChannelId, interaction.channelId ?? ''));
}

/**
 * Without a recognition channel the shout-out goes where the kudos is given: only where the giver
 * may send messages themselves, or kudos would be a way round the channel's rules (an announcements
 * channel, say). The recognition channel is the leaders' choice, so anyone's kudos may go there.
 */
function assertGiverMayPostHere(interaction: RepliableInteraction<'cached'>, target: ShoutOutTarget): void {
  if (target.isRecognitionChannel) return;
  const permissions = permissionsIn(interaction, target.id);
  if (permissions?.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages])) return;
  throw new UserError(
    `You cannot send messages in <#${target.id}> yourself, so Hearth will not post a shout-out there for you either, and your kudos was not given. ` +
      'Give kudos from a channel you can write in, or ask a leader to set a channel for shout-outs with `/settings recognition-channel`.',
  );
}

/** Refuses before anything is stored, in words for the member giving kudos (not a leader). */
function assertShoutOutPossible(target: ShoutOutTarget): asserts target is ShoutOutTarget & { channel: GuildTextBasedChannel } {
  const { channel, isRecognitionChannel } = target;
  if (!channel) {
    throw new UserError(
      isRecognitionChannel
        ? `The recognition channel <#${target.id}> is not a text channel, so Hearth cannot post shout-outs there. Please ask a leader to pick another one with \`/settings recognition-channel\`.`
        : 'Shout-outs cannot be posted here (threads, voice and forum channels are not supported). Give kudos from a text channel, or ask a leader to set one for shout-outs with `/settings recognition-channel`.',
    );
  }
  const missing = missingPermissions(channel, POSTING);
  if (missing.length) {
    throw new UserError(
      `Hearth cannot post the shout-out in <#${channel.id}>: it is missing ${missing.join(', ')} there, so your kudos was not given. ` +
        (isRecognitionChannel ? 'Please ask a leader to give Hearth those permissions in the recognition channel.' : 'Give kudos from another channel, or ask a leader to fix Hearth\'s permissions here.'),
    );
  }
}

interface MilestoneProblem {
  roleId: string;
  count: number;
  why: string;
  forGiver: string;
}

/**
 * Grants every milestone role the recipient should hold but does not (so a failed grant is
 * retried on their next kudos). A role Hearth cannot grant never stops the kudos: it becomes a
 * note for the giver, a note for the leaders, and a warning in the log.
 */
async function grantMilestones(ctx: AppContext, guild: Guild, outcome: KudosOutcome, knownRoles: readonly string[]): Promise<{ granted: string[]; problems: MilestoneProblem[] }> {
  const granted: string[] = [];
  const problems: MilestoneProblem[] = [];
  const recipientId = outcome.kudos.recipientId;
  if (!outcome.milestones.length) return { granted, problems };
  let held: ReadonlySet<string>;
  try {
    held = await heldRoles(guild, recipientId, outcome.milestones.map((m) => m.roleId), knownRoles);
  } catch (error) {
    ctx.logger.warn({ err: error, guild: guild.id }, 'could not read a kudos recipient\'s roles');
    return { granted, problems }; // their next kudos tries again
  }
  for (const milestone of outcome.milestones) {
    if (held.has(milestone.roleId) || granted.includes(milestone.roleId)) continue;
    let failure = whyCannotGrant(guild, milestone.roleId);
    if (!failure) {
      try {
        await guild.members.addRole({ user: recipientId, role: milestone.roleId, reason: `Kudos milestone: ${milestone.count} received` });
        granted.push(milestone.roleId);
      } catch (error) {
        failure =
          isDiscordError(error)
            ? error.code === DiscordErrorCode.MissingPermissions
              ? 'Discord refused: Hearth is missing a permission'
              : `Discord answered: ${error.message}`
            : 'an unexpected error, logged for the bot\'s host';
        if (!isDiscordError(error)) ctx.logger.error({ err: error, guild: guild.id }, 'granting a kudos milestone role failed');
      }
    }
    if (failure) {
      ctx.logger.warn({ guild: guild.id, role: milestone.roleId, reason: failure }, 'could not grant a kudos milestone role');
      problems.push({
        roleId: milestone.roleId,
        count: milestone.count,
        why: failure,
        forGiver:
          `<@${recipientId}> has reached ${milestone.count} kudos, but Hearth could not give them the <@&${milestone.roleId}> milestone role (${failure}). ` +
          'The leaders have been told; Hearth tries again with their next kudos.',
      });
    }
  }
  return { granted, problems };
}

/**
 * Which of `roleIds` the member holds. The roles Discord sent with the member are trusted when they
 * hold every one; when one is missing, Discord is asked (they may predate a grant).
 */
async function heldRoles(guild: Guild, memberId: string, roleIds: string[], knownRoles: readonly string[]): Promise<ReadonlySet<string>> {
  if (roleIds.every((id) => knownRoles.includes(id))) return new Set(roleIds);
  const member = await guild.members.fetch({ user: memberId, force: true });
  return new Set(roleIds.filter((id) => member.roles.cache.has(id)));
}

function whyCannotGrant(guild: Guild, roleId: string): string | null {
  const role = guild.roles.cache.get(roleId);
  const me = guild.members.me;
  if (!role) return 'that role no longer exists';
  if (!me?.permissions.has(PermissionFlagsBits.ManageRoles)) return 'Hearth lacks the Manage Roles permission';
  if (role.comparePositionTo(me.roles.highest) >= 0) return 'the role is not below Hearth\'s own role';
  return null;
}

/**
 * Leaders must hear about a role Hearth cannot grant when it happens: a short note goes to the
 * recognition channel (or, with none, the channel the shout-out is in, where Hearth could just
 * post), pinging only the leader role when one is set. Queued (at most one a day per role), then
 * delivered at once.
 */
async function tellLeadersAboutMilestones(ctx: AppContext, guild: Guild, channel: GuildTextBasedChannel, problems: MilestoneProblem[]): Promise<void> {
  const notes = problems.map(({ roleId, count, why }) => ({ channelId: channel.id, roleId, count, why }));
  for (const key of queueMilestoneNotes(ctx.db, guild.id, notes, ctx.clock.now())) await ctx.outbox.deliverNow(key);
}

function milestoneNote(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `the note to leaders about the <@&${String(effect.payload.roleId)}> milestone role`,
    async deliver(effect) {
      const note = effect.payload as unknown as MilestoneNote;
      const { recognitionChannelId, leaderRoleId } = getSettings(ctx.db, effect.guildId);
      const channel = effectChannel(ctx.client, effect.guildId, recognitionChannelId ?? note.channelId);
      const message = renderMilestoneTrouble([note], leaderRoleId);
      // Only a role members may @mention is pinged, even where Hearth could mention every role.
      const pingable = leaderRoleId !== null && channel.guild.roles.cache.get(leaderRoleId)?.mentionable === true;
      await channel.send({ ...(pingable ? message : { ...message, allowedMentions: { parse: [], roles: [] } }), nonce: effectNonce(effect), enforceNonce: true });
    },
  };
}

/** For a leader setting a milestone: why Hearth would not be able to grant that role, with the fix. */
export function kudosMilestoneWarning(guild: Guild, roleId: string): string | null {
  const why = whyCannotGrant(guild, roleId);
  return why
    ? `Hearth cannot grant <@&${roleId}> yet: ${why}. Give Hearth's role Manage Roles and drag it above <@&${roleId}> in Server Settings → Roles; until then kudos still work, and givers are told the role could not be granted.`
    : null;
}

/**
 * After a leader removes a kudos (or asks again for one already removed): the public shout-out
 * comes down, and, the first time, giver and recipient are told privately by direct message; only
 * those whose direct messages are closed get a short note in the channel instead. Never throws:
 * the kudos is already out of the counts, so every failure becomes a plain line for the leader.
 */
export async function takeDownShoutOut(ctx: AppContext, guild: Guild, removed: Kudos, notify: boolean): Promise<string> {
  const lines = [await deleteShoutOut(ctx, guild, removed)];
  if (notify) lines.push(await tellGiverAndRecipient(ctx, guild, removed));
  ctx.logger.info({ guild: guild.id, kudos: removed.id }, 'kudos removed by a leader');
  return lines.join('\n');
}

async function deleteShoutOut(ctx: AppContext, guild: Guild, removed: Kudos): Promise<string> {
  const channel = guild.channels.cache.get(removed.channelId);
  if (!channel?.isTextBased()) return 'Its shout-out channel no longer exists, so there was nothing to take down.';
  if (!removed.messageId) return 'It had no shout-out to take down.';
  const link = messageLink(guild.id, channel.id, removed.messageId);
  try {
    await channel.messages.delete(removed.messageId);
    return 'Its shout-out is deleted.';
  } catch (error) {
    if (isDiscordError(error, DiscordErrorCode.UnknownMessage)) return 'Its shout-out was already deleted.';
    ctx.logger.warn({ err: error, guild: guild.id, kudos: removed.id }, 'could not delete a kudos shout-out');
    return (
      `⚠️ It is removed from the counts, but Hearth could not delete the shout-out (${link}; Discord answered: ${discordMessage(error)}): please delete it. ` +
      `Running \`/kudos remove id:${removed.id}\` again retries.`
    );
  }
}

async function tellGiverAndRecipient(ctx: AppContext, guild: Guild, removed: Kudos): Promise<string> {
  const byDm: string[] = [];
  const closed: string[] = [];
  const failed: string[] = [];
  for (const [userId, role] of [[removed.giverId, 'giver'], [removed.recipientId, 'recipient']] as const) {
    try {
      await ctx.client.users.send(userId, renderRemovalDm(removed, role, guild.name));
      byDm.push(userId);
    } catch (error) {
      if (isDiscordError(error, DiscordErrorCode.CannotSendMessagesToThisUser)) closed.push(userId);
      else {
        ctx.logger.warn({ err: error, guild: guild.id, kudos: removed.id }, 'could not send a kudos removal notice');
        failed.push(userId);
      }
    }
  }
  const mention = (ids: string[]) => ids.map((id) => `<@${id}>`).join(' and ');
  const lines: string[] = [];
  if (byDm.length) lines.push(`Told by direct message: ${mention(byDm)}.`);
  if (closed.length) {
    const channel = guild.channels.cache.get(removed.channelId);
    const postable = channel?.isTextBased() && !missingPermissions(channel, POSTING.slice(0, 2)).length;
    let noted = false;
    if (postable) {
      try {
        await (channel as GuildTextBasedChannel).send(renderRemovalNotice(removed, closed));
        noted = true;
      } catch (error) {
        ctx.logger.warn({ err: error, guild: guild.id, kudos: removed.id }, 'could not post a kudos removal note');
      }
    }
    if (noted) lines.push(`${mention(closed)} ${oneOrMany(closed.length, 'has', 'have')} direct messages closed, so a short note in <#${removed.channelId}> told them (without the message).`);
    else failed.push(...closed);
  }
  if (failed.length) lines.push(`⚠️ Hearth could not tell ${mention(failed)}; please let them know yourself.`);
  return lines.join('\n');
}

/**
 * The outbox handler for a week's roundup. A quiet week is recorded and nothing is posted; a
 * channel Hearth cannot post in is a permanent failure, recorded as failed (the outbox logs it once).
 */
function roundupPost(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `the weekly kudos roundup for the week of ${String(effect.payload.week)}`,
    async deliver(effect) {
      const slot = effect.payload as unknown as RoundupSlot;
      if (slot.guildId !== effect.guildId) throw new EffectImpossible('the roundup belongs to another server');
      if (roundupFinished(ctx.db, slot)) return; // recorded before a crash kept the outbox from knowing
      // Where it goes now: a leader may have moved the recognition channel since the week was queued.
      const { recognitionChannelId } = getSettings(ctx.db, slot.guildId);
      if (!recognitionChannelId) throw new EffectImpossible('no recognition channel is set any more');
      const channel = effectChannel(ctx.client, slot.guildId, recognitionChannelId);
      const missing = missingPermissions(channel, POSTING);
      if (missing.length) throw new EffectImpossible(`Hearth is missing ${missing.join(', ')} in the recognition channel`);
      const roundup = buildRoundup(ctx.db, slot);
      if (roundup.total === 0 && roundup.unthanked.length === 0) {
        recordRoundup(ctx.db, slot, 'skipped'); // nothing to celebrate or notice: stay quiet
        return;
      }
      const message = await channel.send({ ...renderRoundup(roundup), nonce: effectNonce(effect), enforceNonce: true });
      recordRoundup(ctx.db, slot, 'posted', message.id);
    },
    dropped(effect) {
      recordRoundup(ctx.db, effect.payload as unknown as RoundupSlot, 'failed');
    },
  };
}

export const kudosEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [KUDOS_ROUNDUP]: roundupPost(ctx),
  [KUDOS_MILESTONE_NOTE]: milestoneNote(ctx),
});

/**
 * Every Monday morning (server time) the recognition channel gets last week's roundup. Each
 * week is claimed in the database before posting, so it is posted at most once, across restarts.
 * One server's failure never holds up another's.
 */
export function kudosRoundupTask(ctx: AppContext): DueTask {
  return {
    name: 'weekly kudos roundup',
    nextDueAt: () => roundupSchedule(ctx.db, ctx.clock.now()).nextAt,
    async runDue(now, stopping) {
      for (const slot of roundupSchedule(ctx.db, now).due) {
        if (stopping()) return; // nothing is lost: an unqueued week is still due at the next start
        queueRoundup(ctx.db, slot, now);
      }
    },
  };
}

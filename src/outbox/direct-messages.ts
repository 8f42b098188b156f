// Direct messages through the outbox: opened and sent at the bot's shared pace, only to members
// who asked for them, each naming its server and carrying a way to stop.
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ChannelType, type Client, type DMChannel } from 'discord.js';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { DiscordErrorCode, isDiscordError } from '../bot/discord-errors';
import { currentMember, fetchedMemberView } from '../bot/visibility';
import { buttonRows } from '../bot/components';
import { EffectImpossible, EffectNotYet, EffectSkipped, effectNonce, type EffectHandler, type StoredEffect } from './delivery';
import { Pace } from './pace';
import { REFUSED_BY_MEMBER } from './store';

/** Who may get one: the member's own choices, and Discord's word about closed DMs (kept by the preferences feature). */
export interface Recipients {
  may(guildId: string, userId: string, now: number): 'yes' | 'turned off' | 'unreachable';
  markUnreachable(guildId: string, userId: string, now: number): void;
}

/** What a feature's direct message says, rendered from the latest state when it is sent. */
export interface DirectMessage {
  /** The text under the line naming the server. */
  text: string;
  /** Buttons besides **Stop these messages** (links, answers). */
  buttons?: ButtonBuilder[];
  /** The custom id of its **Stop these messages** button (unsubscribe, cancel the reminder). */
  stopId: string;
  /** Who may still get it: a member who can view this channel (and holds this role): access may be lost since asking. */
  audience: { channelId: string; roleId?: string | null };
}

export interface DirectMessageKind {
  /** What it is, for leaders ("a reminder about poll #12"). */
  describe(effect: StoredEffect): string;
  /** The message, or null when it has no reason to go any more (voted already, cancelled, deleted). */
  render(effect: StoredEffect, now: number): DirectMessage | null;
  /** The member is no longer in the server: forget what would send them more (subscriptions). */
  memberLeft?(effect: StoredEffect): void;
}

/** The recipient of a direct-message effect: every such effect's payload names it `userId`. */
export const recipientOf = (effect: StoredEffect): string => String(effect.payload.userId);

export const STOP_LABEL = 'Stop these messages';

export class DirectMessages {
  /** Shared by every kind of direct message: Discord limits opening DMs across the bot. */
  readonly pace: Pace;
  /** Member id to DM channel id, for the channels discord.js holds. */
  private readonly dmChannelIds = new Map<string, string>();

  constructor(
    private readonly client: Client,
    private readonly clock: Clock,
    private readonly logger: Logger,
    perSecond: number,
    private readonly recipients: Recipients,
  ) {
    this.pace = new Pace(perSecond);
  }

  /** The outbox handler for one kind of direct message. */
  handler(kind: DirectMessageKind): EffectHandler {
    return {
      describe: kind.describe,
      pace: this.pace,
      deliver: (effect) => this.deliver(kind, effect),
    };
  }

  private async deliver(kind: DirectMessageKind, effect: StoredEffect): Promise<void> {
    const userId = recipientOf(effect);
    const guild = this.client.guilds.cache.get(effect.guildId);
    if (!guild) throw new EffectImpossible('Hearth is no longer in that server');
    if (!guild.available) throw new EffectNotYet('the server is unavailable right now (a Discord outage)');
    const now = this.clock.now();
    const reach = this.recipients.may(effect.guildId, userId, now);
    if (reach !== 'yes') return this.skip(effect, reach === 'turned off' ? 'the member turned direct messages off' : 'the member does not accept direct messages');
    const message = kind.render(effect, now);
    if (!message) return this.skip(effect, 'nothing to send any more');
    const member = await currentMember(this.client, effect.guildId, userId);
    if (!member) {
      kind.memberLeft?.(effect);
      return this.skip(effect, 'the member left the server');
    }
    const { channelId, roleId } = message.audience;
    if (!fetchedMemberView(member).canView(channelId) || (roleId && !member.roles.cache.has(roleId))) return this.skip(effect, 'the member no longer has access to it');
    const channel = await this.dmChannel(userId);
    const stop = new ButtonBuilder().setCustomId(message.stopId).setLabel(STOP_LABEL).setStyle(ButtonStyle.Secondary);
    const components: ActionRowBuilder<ButtonBuilder>[] = buttonRows([...(message.buttons ?? []), stop]);
    try {
      const sent = await channel.send({ content: `From **${guild.name}**\n${message.text}`, components, nonce: effectNonce(effect), enforceNonce: true, allowedMentions: { parse: [] } });
      // Nothing reads it again (a click on it brings its own copy): discord.js would keep one for each member messaged.
      channel.messages.cache.delete(sent.id);
    } catch (error) {
      // Closed DMs: no retry, and none to this member from this server for a while. Not a leader's
      // problem to list (the member's own choice, counted as unreachable): else any member could fill that list.
      if (isDiscordError(error, DiscordErrorCode.CannotSendMessagesToThisUser)) {
        this.recipients.markUnreachable(effect.guildId, userId, this.clock.now());
        throw new EffectImpossible(REFUSED_BY_MEMBER);
      }
      throw error;
    }
  }

  /**
   * The member's DM channel. discord.js finds a known one by reading every channel it holds (every
   * member messaged so far, thousands in a large check-in): the id is kept here instead, and a
   * channel not known yet is opened (Discord hands back the same one for the same member).
   */
  private async dmChannel(userId: string): Promise<DMChannel> {
    const known = this.dmChannelIds.get(userId);
    const cached = known === undefined ? undefined : this.client.channels.cache.get(known);
    if (cached?.type === ChannelType.DM && !cached.partial) return cached;
    const channel = await this.client.users.createDM(userId, { force: true });
    this.dmChannelIds.set(userId, channel.id);
    return channel;
  }

  /** Nothing sent: the outbox gives the pace slot back. The log names no member (for an anonymous poll, "voted already" would tell). */
  private skip(effect: StoredEffect, why: string): never {
    this.logger.debug({ effect: effect.kind, guild: effect.guildId, why }, 'a direct message was not sent');
    throw new EffectSkipped(why);
  }
}

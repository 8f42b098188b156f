// The public "You said, we did" message that polls and surveys post, and posting or editing it.
import { EmbedBuilder, type GuildTextBasedChannel, type MessageCreateOptions } from 'discord.js';
import { effectNonce, type StoredEffect } from '../outbox/delivery';
import { DISCORD_LIMITS, quote, truncate } from '../format';
import { HEARTH_COLOUR } from './style';

export interface FollowUpView {
  /** "Poll #12: Where should we meet?" */
  subject: string;
  /** The headline result, in a line or two. */
  headline: string;
  /** The leader's message. */
  message: string;
  /** The original poll or survey message, when it still has one. */
  originalUrl: string | null;
  updatedAt: number;
}

/** Quotes the result and the leaders' message, links the original, and pings no one. */
export function renderFollowUp(view: FollowUpView): Pick<MessageCreateOptions, 'embeds' | 'allowedMentions'> {
  const description = ['**You said**', quote(view.headline), '', '**We will**', quote(view.message)];
  if (view.originalUrl) description.push('', `[See the original](${view.originalUrl})`);
  const embed = new EmbedBuilder()
    .setColor(HEARTH_COLOUR)
    .setAuthor({ name: 'You said, we did' })
    .setTitle(truncate(view.subject, DISCORD_LIMITS.embedTitle))
    .setDescription(description.join('\n'))
    .setFooter({ text: 'From the leaders of this server' })
    .setTimestamp(view.updatedAt);
  if (view.originalUrl) embed.setURL(view.originalUrl);
  return { embeds: [embed], allowedMentions: { parse: [] } };
}

/**
 * Posts the follow-up, or edits it once posted. Every revision's effect posts with the same nonce
 * (`postKey`), so a retry after a crash between posting and recording, whichever revision makes
 * it, is answered by Discord with the message already posted: one follow-up, never two.
 */
export async function postOrEditFollowUp(
  channel: GuildTextBasedChannel,
  postedMessageId: string | null,
  postKey: string,
  effect: StoredEffect,
  view: FollowUpView,
): Promise<{ posted: string | null }> {
  const payload = renderFollowUp(view);
  if (postedMessageId) {
    await channel.messages.edit(postedMessageId, { embeds: payload.embeds, allowedMentions: payload.allowedMentions });
    return { posted: null };
  }
  const message = await channel.send({ ...payload, nonce: effectNonce({ ...effect, key: postKey }), enforceNonce: true });
  return { posted: message.id };
}

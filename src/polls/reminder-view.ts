import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { DirectMessage } from '../outbox/direct-messages';
import { messageLink, timestamp, truncate } from '../format';
import { pollReminderIds } from './custom-ids';
import type { Poll } from './service';

const pollUrl = (poll: Poll) => messageLink(poll.guildId, poll.channelId, poll.messageId!);

/** The reminder a member asked for, sent by direct message. */
export function renderReminderMessage(poll: Poll): DirectMessage {
  return {
    text: `Poll #${poll.id} closes ${timestamp(poll.closesAt!)} and you have not voted yet: **${truncate(poll.question, 300)}**\nYou asked Hearth to remind you.`,
    buttons: [new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(pollUrl(poll)).setLabel('Open the poll')],
    stopId: pollReminderIds.stop.build({ pollId: poll.id }),
    audience: { channelId: poll.channelId, roleId: poll.roleId },
  };
}

/** The private answer to **Remind me**: when it comes, and a way to cancel it. */
export function renderReminderSet(poll: Poll, at: number, state: 'queued' | 'pending' | 'delivered', now: number) {
  if (state === 'delivered') return { content: `Hearth already reminded you about poll #${poll.id}. It closes ${timestamp(poll.closesAt!)}.`, components: [] };
  const when = at <= now ? 'in a moment' : `${timestamp(at)} (an hour before it closes)`;
  const lead = state === 'pending' ? 'Your reminder is already set:' : 'Reminder set:';
  return {
    content: `${lead} Hearth will send you a direct message about poll #${poll.id} ${when}, unless you have voted by then. Direct messages must be open for this server (and on in \`/preferences\`).`,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(pollReminderIds.stop.build({ pollId: poll.id })).setLabel('Cancel the reminder').setStyle(ButtonStyle.Secondary))],
  };
}

export function renderReminderStopped(pollId: number, cancelled: boolean): string {
  return cancelled
    ? `Done: Hearth will not remind you about poll #${pollId}.`
    : `There is no reminder waiting for poll #${pollId}: Hearth sends only the one you asked for, and no other.`;
}

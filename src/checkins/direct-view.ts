// What direct-message check-ins look like: the channel announcement, each run's direct message, and the answers to subscribing.
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, type ModalBuilder } from 'discord.js';
import type { DirectMessage } from '../outbox/direct-messages';
import { HEARTH_COLOUR } from '../bot/style';
import { plural, timestamp } from '../format';
import { checkinDirectIds } from './custom-ids';
import { CHECKIN_LIMITS, MOODS } from './limits';
import { noteModal } from './view';
import type { Schedule } from './store';

/** Posted in the chosen channel instead of the runs: what it is, and a button to subscribe. */
export function renderAnnouncement(schedule: Schedule) {
  const how = [
    `**${schedule.whenText}** (${schedule.timezone}), sent privately by direct message to each member who subscribes, at that time in their own time zone when they set one with \`/preferences timezone\`.`,
    'Subscribe with the button below or `/checkin subscribe`; every message has a **Stop these messages** button.',
  ];
  if (schedule.anonymous) how.push(`🔒 **Anonymous**: reports never show who answered or wrote what, and a run with fewer than ${CHECKIN_LIMITS.anonymousMinimum} answers is not shown at all.`);
  const embed = new EmbedBuilder().setColor(HEARTH_COLOUR).setAuthor({ name: `Check-in #${schedule.id} · ${schedule.name}` }).setDescription(`### ${schedule.prompt}`).addFields({ name: 'How it works', value: how.join('\n') });
  const subscribe = new ButtonBuilder().setCustomId(checkinDirectIds.subscribe.build({ scheduleId: schedule.id })).setLabel('Subscribe').setEmoji('📬').setStyle(ButtonStyle.Primary);
  return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(subscribe)] };
}

/** A run, sent to one subscriber: the prompt, the five moods and Add a note. */
export function renderRunDirectMessage(schedule: Schedule, runId: number): DirectMessage {
  const moods = MOODS.map((m) => new ButtonBuilder().setCustomId(checkinDirectIds.mood.build({ runId, mood: m.value })).setLabel(m.label).setEmoji(m.emoji).setStyle(ButtonStyle.Secondary));
  const note = new ButtonBuilder().setCustomId(checkinDirectIds.note.build({ runId })).setLabel('Add a note').setEmoji('📝').setStyle(ButtonStyle.Primary);
  const lines = [`**Check-in · ${schedule.name}**`, `### ${schedule.prompt}`, 'Pick how you are doing; you can change it until the next check-in.'];
  if (schedule.anonymous) lines.push('🔒 Anonymous: reports never show who answered or wrote what.');
  return { text: lines.join('\n'), buttons: [...moods, note], stopId: checkinDirectIds.stop.build({ scheduleId: schedule.id }), audience: { channelId: schedule.channelId } };
}

export function renderNoteModalForDirectMessage(runId: number, current: string | null): ModalBuilder {
  return noteModal(checkinDirectIds.saveNote.build({ runId }), current);
}

export function renderSubscribed(schedule: Schedule, added: boolean, nextAt: number | null, directMessagesOff: boolean): string {
  const lines = [added ? `Subscribed to check-in #${schedule.id} **${schedule.name}**.` : `You are already subscribed to check-in #${schedule.id} **${schedule.name}**.`];
  if (nextAt !== null) lines.push(`The next one reaches you by direct message ${timestamp(nextAt, 'F')}.`);
  lines.push('Your direct messages must be open for this server (Privacy Settings). `/checkin unsubscribe` or **Stop these messages** ends it.');
  if (directMessagesOff) lines.push('⚠️ Your direct messages from Hearth are **off** in this server: nothing comes until you turn them on with `/preferences direct-messages on`.');
  return lines.join('\n');
}

export function renderUnsubscribed(schedule: Schedule, removed: boolean): string {
  return removed
    ? `Unsubscribed: Hearth sends you no more of check-in #${schedule.id} **${schedule.name}**.`
    : `You are not subscribed to check-in #${schedule.id} **${schedule.name}**, so there is nothing to stop.`;
}

/** **Stop these messages**: the name only for a subscriber (the button's id could be anyone's guess). */
export function renderStopped(schedule: Schedule | null): string {
  return schedule
    ? renderUnsubscribed(schedule, true)
    : 'You are not subscribed to this check-in, or it no longer exists: Hearth sends you nothing from it.';
}

/** The `/checkin list` line of a direct-message check-in. */
export function subscribersLine(subscribers: number, unreachable: number): string {
  const line = `📬 By direct message: **${plural(subscribers, 'subscriber')}**`;
  return unreachable ? `${line}, ${unreachable} of them not reachable (direct messages closed)` : line;
}

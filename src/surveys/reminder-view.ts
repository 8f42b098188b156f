import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import type { DirectMessage } from '../outbox/direct-messages';
import { messageLink, timestamp, truncate } from '../format';
import { surveyReminderIds } from './custom-ids';
import type { SurveyReminderWhy } from './reminders';
import type { Survey } from './store';

/** The reminder, by direct message: the card's link continues where the member stopped (answers are saved as they go). */
export function renderSurveyReminder(survey: Survey, why: SurveyReminderWhy): DirectMessage {
  const title = `**${truncate(survey.title, 100)}**`;
  const lead = why === 'later' ? `You asked Hearth to remind you about survey ${title}.` : `You started survey ${title} and have not submitted it yet.`;
  const closes = survey.closesAt !== null ? ` It closes ${timestamp(survey.closesAt)}.` : '';
  return {
    text: `${lead}${closes}\nPress **Take survey** on its card to go on where you stopped.`,
    buttons: [new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(messageLink(survey.guildId, survey.channelId!, survey.messageId!)).setLabel('Continue the survey')],
    stopId: surveyReminderIds.stop.build({ surveyId: survey.id }),
    audience: { channelId: survey.channelId! },
  };
}

export function renderLaterSet(survey: Survey, at: number, state: 'queued' | 'pending' | 'delivered', now: number) {
  if (state === 'delivered') return { content: `Hearth already reminded you about survey #${survey.id}.`, components: [] };
  const when = at <= now ? 'in a moment' : timestamp(at);
  return {
    content: `${state === 'pending' ? 'Your reminder is already set:' : 'Reminder set:'} Hearth will send you a direct message about survey #${survey.id} ${when}, unless you have submitted it by then. Direct messages must be open for this server (and on in \`/preferences\`).`,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(surveyReminderIds.stop.build({ surveyId: survey.id })).setLabel('Cancel the reminder').setStyle(ButtonStyle.Secondary))],
  };
}

export function renderSurveyRemindersStopped(surveyId: number, cancelled: boolean): string {
  return cancelled ? `Done: Hearth will not remind you about survey #${surveyId}.` : `There is no reminder waiting for survey #${surveyId}.`;
}

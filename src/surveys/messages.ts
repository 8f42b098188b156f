import type { GuildTextBasedChannel, Message } from 'discord.js';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { closeDueSurveys, findSurveyById, nextSurveyClosing, surveyWithQuestions, type Survey } from './service';
import { renderSurveyCard } from './view';

function cardPayload(ctx: AppContext, survey: Survey) {
  const { questions } = surveyWithQuestions(ctx.db, survey.guildId, survey.id);
  return renderSurveyCard(survey, questions.length, ctx.clock.now());
}

/** Posts a just-published survey's card in its channel. */
export async function postSurveyCard(ctx: AppContext, channel: GuildTextBasedChannel, survey: Survey): Promise<Message> {
  return channel.send(cardPayload(ctx, survey));
}

/** Queues a refresh of the answered count (coalesced: at most one edit per card every 3 s). */
export function refreshSurveyCard(ctx: AppContext, survey: Survey): void {
  if (!survey.messageId || !survey.channelId) return;
  ctx.refresher.request({ channelId: survey.channelId, messageId: survey.messageId }, () => {
    const current = findSurveyById(ctx.db, survey.guildId, survey.id);
    if (!current || current.status !== 'open') return null; // the closing edit takes over
    return cardPayload(ctx, current);
  });
}

/** The closing edit: final count, "closed", and the button disabled. */
export async function showClosedCard(ctx: AppContext, survey: Survey): Promise<void> {
  if (!survey.messageId || !survey.channelId) return;
  await ctx.refresher.editNow({ channelId: survey.channelId, messageId: survey.messageId }, cardPayload(ctx, survey));
}

/** Closes timed surveys when their stored closing time comes (and at start, those overdue). */
export function surveyClosingTask(ctx: AppContext): DueTask {
  return {
    name: 'close timed surveys',
    nextDueAt: () => nextSurveyClosing(ctx.db),
    async runDue(now) {
      for (const survey of closeDueSurveys(ctx.db, now)) {
        ctx.logger.info({ survey: survey.id, guild: survey.guildId }, 'survey closed on time');
        await showClosedCard(ctx, survey);
      }
    },
  };
}

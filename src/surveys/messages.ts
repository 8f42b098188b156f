import { type GuildTextBasedChannel, type Message } from 'discord.js';
import { DiscordErrorCode, isDiscordError } from '../bot/discord-errors';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { surveyWithQuestions, type Survey } from './drafts';
import { closeDueSurveys, closedCardDone, closedCardsDue, findSurveyById, nextSurveyWork, retryClosedCardAt } from './publishing';
import { minResponses } from './results';
import { renderSurveyCard } from './view';

const RETRY_CARD_EDIT_MS = 60_000;
// The card or its channel is gone: the closing edit can never be shown there.
const GONE = [DiscordErrorCode.UnknownChannel, DiscordErrorCode.UnknownMessage];

function cardPayload(ctx: AppContext, survey: Survey) {
  const { questions } = surveyWithQuestions(ctx.db, survey.guildId, survey.id);
  return renderSurveyCard(survey, questions.length, ctx.clock.now(), minResponses(ctx.db, survey.guildId));
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

export type ClosedCardEdit = 'shown' | 'message gone' | 'will retry';

/**
 * The closing edit: final count, "closed", and the button disabled. It never throws: a failed
 * edit is stored to be retried by the closing task, so no card is left looking open for good.
 */
export async function showClosedCard(ctx: AppContext, survey: Survey): Promise<ClosedCardEdit> {
  try {
    if (survey.messageId && survey.channelId) {
      await ctx.refresher.editNow({ channelId: survey.channelId, messageId: survey.messageId }, cardPayload(ctx, survey));
    }
    closedCardDone(ctx.db, survey);
    return 'shown';
  } catch (error) {
    if (isDiscordError(error, ...GONE)) {
      ctx.logger.warn({ survey: survey.id, code: error.code }, 'survey card is gone; closing edit not shown');
      closedCardDone(ctx.db, survey);
      return 'message gone';
    }
    ctx.logger.warn({ err: error, survey: survey.id }, 'could not show the closed survey card; will retry');
    retryClosedCardAt(ctx.db, survey, ctx.clock.now() + RETRY_CARD_EDIT_MS);
    ctx.scheduler.wake();
    return 'will retry';
  }
}

/** Closes timed surveys at their stored closing time (at start, those overdue) and (re)tries closing edits. */
export function surveyClosingTask(ctx: AppContext): DueTask {
  return {
    name: 'close timed surveys',
    nextDueAt: () => nextSurveyWork(ctx.db),
    async runDue(now) {
      for (const survey of closeDueSurveys(ctx.db, now)) ctx.logger.info({ survey: survey.id, guild: survey.guildId }, 'survey closed on time');
      for (const survey of closedCardsDue(ctx.db, now)) await showClosedCard(ctx, survey);
    },
  };
}

import { type GuildTextBasedChannel, type Message } from 'discord.js';
import type { AppContext } from '../context';
import { EffectImpossible, effectChannel, type EffectHandler } from '../outbox/delivery';
import { missingPermissions, POSTING } from '../bot/permissions';
import { postOrEditFollowUp } from '../bot/follow-up-message';
import { messageLink } from '../format';
import { followUpPostKey, recordSurveyFollowUpPosted, SURVEY_FOLLOW_UP, surveyFollowUp, surveyHeadline } from './follow-ups';
import type { DueTask } from '../scheduler/scheduler';
import { surveyWithQuestions, type Survey } from './drafts';
import { closeDueSurveys, findSurveyById, nextSurveyClose, SURVEY_CLOSED_CARD } from './publishing';
import { minResponses } from './results';
import { renderSurveyCard } from './view';
import { SURVEY_CARD_REFRESH } from './members';

/** A survey's card as it should look now. */
export function cardPayload(ctx: AppContext, survey: Survey) {
  const { questions } = surveyWithQuestions(ctx.db, survey.guildId, survey.id);
  const followUpId = survey.status === 'closed' && survey.channelId ? surveyFollowUp(ctx.db, survey.guildId, survey.id)?.messageId : null;
  const followUpUrl = followUpId && survey.channelId ? messageLink(survey.guildId, survey.channelId, followUpId) : null;
  return renderSurveyCard(survey, questions.length, ctx.clock.now(), minResponses(ctx.db, survey.guildId), followUpUrl);
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

/** The outbox handler for the closing edit: final count, "closed", and the button disabled. */
export function surveyClosedCard(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `marking survey #${Number(effect.payload.surveyId)}'s card closed`,
    async deliver(effect) {
      const survey = findSurveyById(ctx.db, effect.guildId, Number(effect.payload.surveyId));
      if (!survey?.messageId || !survey.channelId) return; // no card to mark closed
      effectChannel(ctx.client, survey.guildId, survey.channelId);
      await ctx.refresher.editNow({ channelId: survey.channelId, messageId: survey.messageId }, cardPayload(ctx, survey));
    },
  };
}

/** The outbox handler that shows a survey's current count on its card at once, after responses were removed. */
export function surveyCardRefresh(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `updating the count on survey #${Number(effect.payload.surveyId)}'s card`,
    async deliver(effect) {
      const survey = findSurveyById(ctx.db, effect.guildId, Number(effect.payload.surveyId));
      if (!survey?.messageId || !survey.channelId) return; // no card to update
      effectChannel(ctx.client, survey.guildId, survey.channelId);
      await ctx.refresher.editNow({ channelId: survey.channelId, messageId: survey.messageId }, cardPayload(ctx, survey));
    },
  };
}

/**
 * The outbox handler for a closed survey's follow-up: posted in the survey's channel the first
 * time, edited after; once posted, the survey's card is queued to show its link.
 */
export function surveyFollowUpPost(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `the follow-up to survey #${Number(effect.payload.surveyId)}`,
    async deliver(effect) {
      const survey = findSurveyById(ctx.db, effect.guildId, Number(effect.payload.surveyId));
      const followUp = survey ? surveyFollowUp(ctx.db, survey.guildId, survey.id) : undefined;
      if (!survey?.channelId || !followUp) return; // the survey was deleted with its server's data
      const channel = effectChannel(ctx.client, survey.guildId, survey.channelId);
      const missing = missingPermissions(channel, POSTING);
      if (missing.length) throw new EffectImpossible(`Hearth is missing ${missing.join(', ')} in <#${survey.channelId}>`);
      const { posted } = await postOrEditFollowUp(channel, followUp.messageId, followUpPostKey(survey.id), effect, {
        subject: `Survey #${survey.id}: ${survey.title}`,
        headline: surveyHeadline(ctx.db, survey),
        message: followUp.message,
        originalUrl: survey.messageId ? messageLink(survey.guildId, survey.channelId, survey.messageId) : null,
        updatedAt: followUp.updatedAt,
      });
      if (posted) {
        recordSurveyFollowUpPosted(ctx.db, survey.guildId, survey.id, posted, ctx.clock.now());
        ctx.scheduler.wake(); // the card gains its link
      }
    },
  };
}

export const surveyEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [SURVEY_CLOSED_CARD]: surveyClosedCard(ctx),
  [SURVEY_CARD_REFRESH]: surveyCardRefresh(ctx),
  [SURVEY_FOLLOW_UP]: surveyFollowUpPost(ctx),
});

/** Closes timed surveys at their stored closing time (at start, those overdue); the outbox edits their cards. */
export function surveyClosingTask(ctx: AppContext): DueTask {
  return {
    name: 'close timed surveys',
    nextDueAt: () => nextSurveyClose(ctx.db),
    async runDue(now, stopping) {
      // One fair round; what is left stays due and comes after the other tasks' turn.
      for (const survey of await closeDueSurveys(ctx.db, now, stopping)) ctx.logger.info({ survey: survey.id, guild: survey.guildId }, 'survey closed on time');
    },
  };
}

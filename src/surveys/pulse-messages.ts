// The Discord side of pulse surveys: starting due rounds, and posting each round's card through the outbox.
import type { AppContext } from '../context';
import { effectChannel, effectNonce, EffectImpossible, type EffectHandler } from '../outbox/delivery';
import type { DueTask } from '../scheduler/scheduler';
import { attachSurveyMessage, findSurveyById } from './publishing';
import { cardPayload } from './messages';
import { nextPulseAt } from './pulse-store';
import { startDueRounds, SURVEY_ROUND_CARD } from './pulses';

export const pulseEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [SURVEY_ROUND_CARD]: {
    describe: (effect) => `the card of pulse survey round #${Number(effect.payload.surveyId)}`,
    async deliver(effect) {
      const survey = findSurveyById(ctx.db, effect.guildId, Number(effect.payload.surveyId));
      if (!survey || survey.messageId || !survey.channelId) return; // gone, or already posted
      const channel = effectChannel(ctx.client, survey.guildId, survey.channelId);
      if (!channel.isSendable()) throw new EffectImpossible('the channel is not one Hearth can post in');
      const message = await channel.send({ ...cardPayload(ctx, survey), nonce: effectNonce(effect), enforceNonce: true });
      attachSurveyMessage(ctx.db, survey.guildId, survey.id, message.id);
    },
  },
});

/** Starts pulse survey rounds at their stored times; the outbox posts their cards and the closing task closes them. */
export function pulseRoundTask(ctx: AppContext): DueTask {
  return {
    name: 'start pulse survey rounds',
    nextDueAt: () => nextPulseAt(ctx.db),
    async runDue(now) {
      const started = startDueRounds(ctx.db, now);
      if (started.length) {
        ctx.logger.info({ rounds: started.length }, 'pulse survey rounds started');
        ctx.scheduler.wake(); // their closing times
      }
    },
  };
}

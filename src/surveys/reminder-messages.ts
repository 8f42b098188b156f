import type { AppContext } from '../context';
import type { EffectHandler } from '../outbox/delivery';
import { recipientOf } from '../outbox/direct-messages';
import { SURVEY_REMINDER, surveyToRemind, type SurveyReminderWhy } from './reminders';
import { renderSurveyReminder } from './reminder-view';

/** The direct message of a survey reminder: rendered when sent, so a submit or a close since stops it. */
export const surveyReminderEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [SURVEY_REMINDER]: ctx.directMessages.handler({
    describe: (effect) => `a reminder about survey #${Number(effect.payload.surveyId)}`,
    render(effect, now) {
      const survey = surveyToRemind(ctx.db, effect.guildId, Number(effect.payload.surveyId), recipientOf(effect), now);
      return survey ? renderSurveyReminder(survey, effect.payload.why === 'unfinished' ? 'unfinished' : ('later' satisfies SurveyReminderWhy)) : null;
    },
  }),
});

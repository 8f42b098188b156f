import type { AppContext } from '../context';
import type { EffectHandler } from '../outbox/delivery';
import { recipientOf } from '../outbox/direct-messages';
import { POLL_REMINDER, pollToRemind } from './reminders';
import { renderReminderMessage } from './reminder-view';

/** The direct message of a poll reminder: rendered when sent, so a vote or a close since stops it. */
export const pollReminderEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [POLL_REMINDER]: ctx.directMessages.handler({
    describe: (effect) => `a reminder about poll #${Number(effect.payload.pollId)}`,
    render(effect, now) {
      const poll = pollToRemind(ctx.db, effect.guildId, Number(effect.payload.pollId), recipientOf(effect), now);
      return poll ? renderReminderMessage(poll) : null;
    },
  }),
});

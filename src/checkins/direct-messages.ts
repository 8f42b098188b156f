// The Discord side of direct-message check-ins: the announcement, queueing each run's messages, and their outbox handler.
import type { AppContext } from '../context';
import { checkpointerFor } from '../db/checkpointer';
import { effectChannel, effectNonce, EffectImpossible, type EffectHandler } from '../outbox/delivery';
import { recipientOf } from '../outbox/direct-messages';
import { memberTimeZones, unreachableAmong } from '../preferences';
import type { RunToPost } from './runs';
import { findSchedule, type Schedule } from './store';
import { subscriberCounts, subscribersOf, interruptedDirectRuns } from './subscription-store';
import { CHECKIN_ANNOUNCEMENT, CHECKIN_DIRECT_MESSAGE, directRunToSend, forgetLeaver, queueDirectRun } from './subscriptions';
import { renderAnnouncement, renderRunDirectMessage, subscribersLine } from './direct-view';

/** A run queueing this many messages or more has its log checkpointed in the background. */
const CHECKPOINT_AFTER = 500;

/** Queues a claimed run's direct messages (each due at the subscriber's own time); the outbox sends them. */
export function sendDirectRun(ctx: AppContext, run: RunToPost): number {
  const now = ctx.clock.now();
  const queued = queueDirectRun(ctx.db, run, (memberIds) => memberTimeZones(ctx.db, run.schedule.guildId, memberIds), now);
  ctx.logger.info({ schedule: run.schedule.id, run: run.runId, guild: run.schedule.guildId, queued }, 'check-in queued for its subscribers');
  // Thousands of rows grew the write-ahead log: copied into the file off the main thread, not by the next click's commit.
  if (queued >= CHECKPOINT_AFTER) checkpointerFor(ctx.db).request('PASSIVE');
  ctx.scheduler.wake(ctx.outbox.task); // only the outbox has new work: the other tasks' times are read as they were
  return queued;
}

/** At start: direct-message runs a stop interrupted before their messages were queued are queued now. */
export function resumeDirectRuns(ctx: AppContext): number {
  const runs = interruptedDirectRuns(ctx.db);
  for (const run of runs) sendDirectRun(ctx, run);
  return runs.length;
}

/** `/checkin list`'s line per direct-message check-in (subscribers, and how many Discord will not let Hearth reach), and its subscribers for the response rate. */
export function directMessageLines(ctx: AppContext, guildId: string, schedules: Schedule[]): Map<number, { line: string; subscribers: number }> {
  const counts = subscriberCounts(ctx.db, guildId);
  const lines = new Map<number, { line: string; subscribers: number }>();
  for (const schedule of schedules) {
    if (schedule.delivery !== 'direct-message') continue;
    const unreachable = unreachableAmong(ctx.db, guildId, subscribersOf(ctx.db, schedule.id), ctx.clock.now());
    const subscribers = counts.get(schedule.id) ?? 0;
    lines.set(schedule.id, { line: subscribersLine(subscribers, unreachable), subscribers });
  }
  return lines;
}

export const checkinDirectEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [CHECKIN_ANNOUNCEMENT]: {
    describe: (effect) => `the announcement of check-in #${Number(effect.payload.scheduleId)}`,
    async deliver(effect) {
      const schedule = findSchedule(ctx.db, effect.guildId, Number(effect.payload.scheduleId));
      if (!schedule || schedule.delivery !== 'direct-message') return; // deleted meanwhile
      const channel = effectChannel(ctx.client, schedule.guildId, schedule.channelId);
      if (!channel.isSendable()) throw new EffectImpossible('the channel is not one Hearth can post in');
      await channel.send({ ...renderAnnouncement(schedule), nonce: effectNonce(effect), enforceNonce: true });
    },
  },
  [CHECKIN_DIRECT_MESSAGE]: ctx.directMessages.handler({
    describe: (effect) => `check-in #${Number(effect.payload.scheduleId)} by direct message`,
    render(effect) {
      const found = directRunToSend(ctx.db, Number(effect.payload.runId), recipientOf(effect));
      return found ? renderRunDirectMessage(found.schedule, found.runId) : null;
    },
    memberLeft: (effect) => forgetLeaver(ctx.db, effect.guildId, recipientOf(effect)),
  }),
});

import { DiscordAPIError, type GuildBasedChannel } from 'discord.js';
import { missingPermissions, POSTING } from '../bot/permissions';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { claimDueRuns, markRunFailed, markRunPosted, nextCheckinDue, type RunToPost, type Schedule } from './service';
import { renderRunMessage } from './view';

export type PostOutcome = { ok: true; messageId: string } | { ok: false; reason: string };

/** Why Hearth cannot post a schedule's runs right now (from its cached view of the channel), or null. */
export function postingProblem(ctx: AppContext, schedule: Schedule): string | null {
  const channel: GuildBasedChannel | undefined = ctx.client.guilds.cache.get(schedule.guildId)?.channels.cache.get(schedule.channelId);
  if (!channel) return `Hearth cannot find <#${schedule.channelId}> any more (deleted, or Hearth cannot see it). Delete this check-in and schedule it in another channel.`;
  const missing = missingPermissions(channel, POSTING);
  if (missing.length) return `Hearth is missing the ${missing.join(', ')} permission${missing.length === 1 ? '' : 's'} in <#${channel.id}>. Give Hearth's role ${missing.join(', ')} there.`;
  return null;
}

/**
 * Posts a claimed run. A run that cannot be posted is recorded as failed with the reason (shown
 * in `/checkin list`); the schedule has already moved on, so the next run simply tries again.
 */
export async function postRun(ctx: AppContext, { schedule, runId }: RunToPost): Promise<PostOutcome> {
  const problem = postingProblem(ctx, schedule);
  let outcome: PostOutcome;
  if (problem) {
    outcome = { ok: false, reason: problem };
  } else {
    const channel = ctx.client.guilds.cache.get(schedule.guildId)!.channels.cache.get(schedule.channelId)!;
    try {
      if (!channel.isSendable()) throw new Error('not a channel Hearth can post in');
      const message = await channel.send(renderRunMessage(schedule, runId));
      outcome = { ok: true, messageId: message.id };
    } catch (error) {
      const reason =
        error instanceof DiscordAPIError
          ? error.code === 50013
            ? `Discord refused the post: Hearth is missing a permission in <#${schedule.channelId}> (Send Messages or Embed Links).`
            : `Discord refused the post: ${error.message}.`
          : `The post failed: ${(error as Error).message}.`;
      ctx.logger.warn({ err: error, schedule: schedule.id, run: runId, guild: schedule.guildId }, 'check-in could not be posted');
      outcome = { ok: false, reason };
    }
  }
  if (outcome.ok) markRunPosted(ctx.db, runId, outcome.messageId);
  else markRunFailed(ctx.db, runId, outcome.reason);
  return outcome;
}

/** Posts check-ins when their stored next run comes (and at start, catches up by the missed-run policy). */
export function checkinRunTask(ctx: AppContext): DueTask {
  return {
    name: 'post check-ins',
    nextDueAt: () => nextCheckinDue(ctx.db),
    async runDue(now) {
      const { toPost, missed, skipped } = claimDueRuns(ctx.db, now);
      for (const m of missed) ctx.logger.info({ schedule: m.scheduleId, scheduledFor: new Date(m.scheduledFor).toISOString() }, 'check-in run missed while offline; recorded, not posted');
      for (const s of skipped) ctx.logger.info({ schedule: s.scheduleId }, 'check-in run skipped by a leader');
      for (const run of toPost) {
        const outcome = await postRun(ctx, run);
        if (outcome.ok) ctx.logger.info({ schedule: run.schedule.id, run: run.runId, guild: run.schedule.guildId }, 'check-in posted');
      }
    },
  };
}

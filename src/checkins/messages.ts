import { type GuildBasedChannel } from 'discord.js';
import { DiscordErrorCode, isDiscordError } from '../bot/discord-errors';
import { missingPermissions, permissionName, POSTING } from '../bot/permissions';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { claimDueRuns, failInterruptedRuns, markRunFailed, markRunPosted, nextCheckinDue, postRunsWhoseTimeCame, type RunToPost } from './runs';
import type { Schedule } from './scheduling';
import { renderRunMessage } from './view';
import { oneOrMany } from '../format';
import { resumeDirectRuns, sendDirectRun } from './direct-messages';

export type PostOutcome = { ok: true; messageId: string } | { ok: false; reason: string };

function permissionProblem(channel: GuildBasedChannel): string | null {
  const missing = missingPermissions(channel, POSTING);
  if (!missing.length) return null;
  const list = missing.join(', ');
  return `Hearth is missing the ${list} ${oneOrMany(missing.length, 'permission', 'permissions')} in <#${channel.id}>. Give Hearth's role ${list} there.`;
}

// Neutral on purpose: from its cache alone Hearth cannot tell a deleted channel from a hidden one.
const notSeen = (channelId: string) =>
  `Hearth cannot see <#${channelId}> right now (it may have been deleted, or Hearth may have lost View Channel there). Check the channel, or delete this check-in and schedule it in another one.`;

/** Why Hearth cannot post a schedule's runs right now, from its cached view of the channel (for `/checkin list`), or null. */
export function postingProblem(ctx: AppContext, schedule: Schedule): string | null {
  const channel = ctx.client.guilds.cache.get(schedule.guildId)?.channels.cache.get(schedule.channelId);
  return channel ? permissionProblem(channel) : notSeen(schedule.channelId);
}

/** The schedule's channel: from the cache, or asked of Discord (the cache may still be filling at start). */
async function channelFor(ctx: AppContext, schedule: Schedule): Promise<GuildBasedChannel | string> {
  const cached = ctx.client.guilds.cache.get(schedule.guildId)?.channels.cache.get(schedule.channelId);
  if (cached) return cached;
  try {
    const fetched = await ctx.client.channels.fetch(schedule.channelId);
    if (fetched && 'guild' in fetched && fetched.guild.id === schedule.guildId) return fetched;
    return notSeen(schedule.channelId);
  } catch (error) {
    if (isDiscordError(error, DiscordErrorCode.UnknownChannel)) {
      return `<#${schedule.channelId}> no longer exists. Delete this check-in and schedule it in another channel.`;
    }
    if (isDiscordError(error, DiscordErrorCode.MissingAccess)) {
      return `Hearth cannot see <#${schedule.channelId}>: it is missing View Channel there. Give Hearth's role View Channel in that channel.`;
    }
    throw error;
  }
}

/**
 * Posts a claimed run. A run that cannot be posted is recorded as failed with the reason (shown
 * in `/checkin list`); the schedule has already moved on, so the next run simply tries again.
 * Never throws: whatever happens, the run ends up posted or failed.
 */
export async function postRun(ctx: AppContext, { schedule, runId }: RunToPost): Promise<PostOutcome> {
  let outcome: PostOutcome;
  try {
    const channel = await channelFor(ctx, schedule);
    const problem = typeof channel === 'string' ? channel : permissionProblem(channel);
    if (typeof channel === 'string' || problem) {
      outcome = { ok: false, reason: problem! };
    } else if (!channel.isSendable()) {
      outcome = { ok: false, reason: `<#${channel.id}> is not a channel Hearth can post in. Delete this check-in and schedule it in a text channel.` };
    } else {
      const message = await channel.send(renderRunMessage(schedule, runId));
      outcome = { ok: true, messageId: message.id };
    }
  } catch (error) {
    let reason: string;
    if (isDiscordError(error, DiscordErrorCode.MissingPermissions)) {
      const channel = ctx.client.channels.cache.get(schedule.channelId);
      const named = channel && 'guild' in channel ? permissionProblem(channel) : null;
      reason = `Discord refused the post: ${named ?? `Hearth is missing a permission in <#${schedule.channelId}> (it needs ${POSTING.map(permissionName).join(', ')}).`}`;
    } else if (isDiscordError(error)) {
      reason = `Discord refused the post: ${error.message}.`;
    } else {
      reason = `The post failed: ${(error as Error).message}.`;
    }
    ctx.logger.warn({ err: error, schedule: schedule.id, run: runId, guild: schedule.guildId }, 'check-in could not be posted');
    outcome = { ok: false, reason };
  }
  try {
    if (outcome.ok) markRunPosted(ctx.db, schedule.guildId, runId, outcome.messageId);
    else markRunFailed(ctx.db, schedule.guildId, runId, outcome.reason);
  } catch (error) {
    // The database is the problem (busy, closed at shutdown); the run stays "posting" and is marked interrupted at the next start.
    ctx.logger.error({ err: error, schedule: schedule.id, run: runId }, 'could not record how a check-in run went');
  }
  return outcome;
}

/** Posts check-ins when their stored next run comes (and at start, catches up by the missed-run policy). */
export function checkinRunTask(ctx: AppContext): DueTask {
  let started = false;
  return {
    name: 'post check-ins',
    nextDueAt: () => nextCheckinDue(ctx.db),
    async runDue(now, stopping) {
      if (!started) {
        // Direct-message runs a stop interrupted are queued now (nothing was sent yet, nothing is sent twice).
        const resumed = resumeDirectRuns(ctx);
        if (resumed) ctx.logger.info({ runs: resumed }, 'direct-message check-in runs interrupted by the last stop are queued now');
        // Runs an earlier process claimed but never finished posting: visible as failed, not stuck.
        const interrupted = failInterruptedRuns(ctx.db, now);
        started = true;
        if (interrupted) ctx.logger.warn({ runs: interrupted }, 'check-in runs left half-posted by the last stop are recorded as failed');
      }
      // Direct-message runs claimed ahead of their moment: from it on, they replace the runs before them.
      postRunsWhoseTimeCame(ctx.db, now);
      // In batches, giving clicks and commands a turn in between (catch-up after a long stop can be thousands).
      for (let more = true; more && !stopping(); ) {
        const claimed = claimDueRuns(ctx.db, now);
        more = claimed.more;
        for (const b of claimed.broken) ctx.logger.warn({ schedule: b.scheduleId, guild: b.guildId, reason: b.reason }, 'check-in paused: its next run cannot be worked out');
        for (const m of claimed.missed) {
          ctx.logger.info({ schedule: m.scheduleId, from: new Date(m.firstMissed).toISOString(), to: new Date(m.scheduledFor).toISOString() }, 'check-in runs more than an hour late; recorded as missed, not posted');
        }
        for (const s of claimed.skipped) ctx.logger.info({ schedule: s.scheduleId }, 'check-in run skipped by a leader');
        // A claimed batch is always posted to the end: its schedules have already moved on, so a run
        // left unposted here would never be posted. Stopping waits for it, between batches.
        for (const run of claimed.toPost) {
          if (run.schedule.delivery === 'direct-message') {
            sendDirectRun(ctx, run);
            continue;
          }
          const outcome = await postRun(ctx, run);
          if (outcome.ok) ctx.logger.info({ schedule: run.schedule.id, run: run.runId, guild: run.schedule.guildId }, 'check-in posted');
        }
        if (more) await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}

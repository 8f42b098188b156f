import { PermissionFlagsBits, type GuildTextBasedChannel, type Message } from 'discord.js';
import { missingPermissions } from '../bot/permissions';
import { DiscordErrorCode, isDiscordError } from '../bot/discord-errors';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import {
  closeDuePolls,
  discardUnpostedPolls,
  finalResultsDue,
  finalResultsShown,
  findPollById,
  nextPollWork,
  results,
  retryFinalResultsAt,
  type Poll,
  type PollResults,
} from './service';
import { renderPollMessage } from './view';

const RETRY_FINAL_EDIT_MS = 60_000;
// The message or its channel is gone: the final results can never be shown there.
const GONE = [DiscordErrorCode.UnknownChannel, DiscordErrorCode.UnknownMessage];

/** Posts a stored poll's message in its channel. */
export async function postPollMessage(ctx: AppContext, channel: GuildTextBasedChannel, poll: Poll): Promise<Message> {
  const { embeds, components } = renderPollMessage(results(ctx.db, poll), ctx.clock.now());
  return channel.send({ embeds, components });
}

/** Queues a refresh of the live results (coalesced: at most one edit per message every 3 s). */
export function refreshPollMessage(ctx: AppContext, poll: Poll): void {
  if (!poll.messageId) return;
  ctx.refresher.request({ channelId: poll.channelId, messageId: poll.messageId }, () => {
    const current = findPollById(ctx.db, poll.id);
    if (!current || current.status !== 'open') return null; // the closing edit takes over
    const { embeds, components } = renderPollMessage(results(ctx.db, current), ctx.clock.now());
    return { embeds, components };
  });
}

export type FinalEdit = 'shown' | 'message gone' | 'will retry';

/**
 * Shows the final results on a closed poll's message: winner, turnout, a chart when Hearth may
 * attach files, buttons disabled. A failed edit is stored to be retried; it is never forgotten.
 */
export async function showFinalResults(ctx: AppContext, summary: PollResults): Promise<FinalEdit> {
  const { poll } = summary;
  try {
    if (poll.messageId) {
      const guild = ctx.client.guilds.cache.get(poll.guildId);
      const channel = guild?.channels.cache.get(poll.channelId);
      const canAttach = channel ? missingPermissions(channel, [PermissionFlagsBits.AttachFiles]).length === 0 : false;
      // Without the privileged members intent the cached member count is from start-up; ask Discord.
      const memberCount = await ctx.client.guilds
        .fetch({ guild: poll.guildId, force: true, withCounts: true })
        .then((fresh) => fresh.approximateMemberCount ?? fresh.memberCount)
        .catch((error: unknown) => {
          ctx.logger.debug({ err: error, guild: poll.guildId }, 'no member count for the turnout line');
          return null;
        });
      const payload = renderPollMessage(summary, ctx.clock.now(), { memberCount, chart: canAttach });
      await ctx.refresher.editNow({ channelId: poll.channelId, messageId: poll.messageId }, { ...payload, attachments: [] });
    }
    finalResultsShown(ctx.db, poll);
    return 'shown';
  } catch (error) {
    if (isDiscordError(error, ...GONE)) {
      ctx.logger.warn({ poll: poll.id, code: error.code }, 'poll message is gone; final results not shown on it');
      finalResultsShown(ctx.db, poll);
      return 'message gone';
    }
    ctx.logger.warn({ err: error, poll: poll.id }, 'could not show final poll results; will retry');
    retryFinalResultsAt(ctx.db, poll, ctx.clock.now() + RETRY_FINAL_EDIT_MS);
    ctx.scheduler.wake();
    return 'will retry';
  }
}

/** Closes timed polls at their stored time (at start, those overdue) and (re)tries final edits. */
export function pollClosingTask(ctx: AppContext): DueTask {
  const startedAt = ctx.clock.now();
  let tidied = false;
  return {
    name: 'close timed polls',
    nextDueAt: () => nextPollWork(ctx.db),
    async runDue(now) {
      if (!tidied) {
        const discarded = discardUnpostedPolls(ctx.db, startedAt);
        if (discarded) ctx.logger.warn({ polls: discarded }, 'removed polls whose creation the last stop interrupted');
        tidied = true;
      }
      const closed = closeDuePolls(ctx.db, now);
      if (closed) ctx.logger.info({ closed }, 'timed polls closed');
      for (const summary of finalResultsDue(ctx.db, now)) await showFinalResults(ctx, summary);
    },
  };
}

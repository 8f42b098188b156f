import { PermissionFlagsBits, type GuildTextBasedChannel, type Message } from 'discord.js';
import { missingPermissions } from '../bot/permissions';
import type { AppContext } from '../context';
import type { DueTask } from '../scheduler/scheduler';
import { closeDuePolls, findPollById, nextPollClosing, results, type Poll, type PollResults } from './service';
import { renderPollMessage } from './view';

/** Posts a stored poll's message in its channel. */
export async function postPollMessage(ctx: AppContext, channel: GuildTextBasedChannel, poll: Poll): Promise<Message> {
  const { files: _none, ...payload } = renderPollMessage(results(ctx.db, poll), ctx.clock.now());
  return channel.send(payload);
}

/** Queues a refresh of the live results (coalesced: at most one edit per message every 3 s). */
export function refreshPollMessage(ctx: AppContext, poll: Poll): void {
  if (!poll.messageId) return;
  ctx.refresher.request({ channelId: poll.channelId, messageId: poll.messageId }, () => {
    const current = findPollById(ctx.db, poll.id);
    if (!current || current.status !== 'open') return null; // the closing edit takes over
    const { files: _none, ...payload } = renderPollMessage(results(ctx.db, current), ctx.clock.now());
    return payload;
  });
}

/** The final edit: results, winner, turnout, a chart when Hearth may attach files, buttons disabled. */
export async function showFinalResults(ctx: AppContext, summary: PollResults): Promise<void> {
  const { poll } = summary;
  if (!poll.messageId) return;
  const guild = ctx.client.guilds.cache.get(poll.guildId);
  const channel = guild?.channels.cache.get(poll.channelId);
  const canAttach = channel ? missingPermissions(channel, [PermissionFlagsBits.AttachFiles]).length === 0 : false;
  // Without the privileged members intent the cached member count is from start-up; ask Discord.
  const memberCount = await ctx.client.guilds
    .fetch({ guild: poll.guildId, force: true, withCounts: true })
    .then((fresh) => fresh.approximateMemberCount ?? fresh.memberCount)
    .catch(() => null);
  const payload = renderPollMessage(summary, ctx.clock.now(), { memberCount, chart: canAttach });
  await ctx.refresher.editNow({ channelId: poll.channelId, messageId: poll.messageId }, { ...payload, attachments: [] });
}

/** Closes timed polls when their stored closing time comes (and at start, those overdue). */
export function pollClosingTask(ctx: AppContext): DueTask {
  return {
    name: 'close timed polls',
    nextDueAt: () => nextPollClosing(ctx.db),
    async runDue(now) {
      for (const summary of closeDuePolls(ctx.db, now)) {
        ctx.logger.info({ poll: summary.poll.id, guild: summary.poll.guildId }, 'poll closed on time');
        await showFinalResults(ctx, summary);
      }
    },
  };
}

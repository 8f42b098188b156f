import { PermissionFlagsBits, type GuildTextBasedChannel, type Message } from 'discord.js';
import { missingPermissions, POSTING } from '../bot/permissions';
import { postOrEditFollowUp } from '../bot/follow-up-message';
import { messageLink } from '../format';
import type { AppContext } from '../context';
import { EffectImpossible, effectChannel, type EffectHandler } from '../outbox/delivery';
import type { DueTask } from '../scheduler/scheduler';
import { closeDuePolls, discardUnpostedPolls, findPollById, nextPollClose, POLL_FINAL_RESULTS, results, type Poll } from './service';
import { followUpHeadline, renderPollMessage } from './view';
import { followUpPostKey, pollFollowUp, POLL_FOLLOW_UP, recordPollFollowUpPosted } from './follow-ups';
import { POLL_REFRESH } from './members';

const MEMBER_COUNT_FOR_MS = 60_000;

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

/**
 * The outbox handler for a closed poll's final results on its message: winner, turnout, a chart
 * when Hearth may attach files, buttons disabled. Queued with the close, so it is never forgotten.
 */
export function pollFinalResults(ctx: AppContext): EffectHandler {
  // One count per server a minute is plenty for a turnout line, and a backlog of closing polls
  // then costs Discord one request, not one per poll.
  const counts = new Map<string, { count: number | null; at: number }>();
  const memberCount = async (guildId: string): Promise<number | null> => {
    const cached = counts.get(guildId);
    if (cached && ctx.clock.now() - cached.at < MEMBER_COUNT_FOR_MS) return cached.count;
    // Without the privileged members intent the cached member count is from start-up; ask Discord.
    const count = await ctx.client.guilds
      .fetch({ guild: guildId, force: true, withCounts: true })
      .then((fresh) => fresh.approximateMemberCount ?? fresh.memberCount)
      .catch((error: unknown) => {
        ctx.logger.debug({ err: error, guild: guildId }, 'no member count for the turnout line');
        return null;
      });
    counts.set(guildId, { count, at: ctx.clock.now() });
    return count;
  };
  return {
    describe: (effect) => `the final results on poll #${Number(effect.payload.pollId)}`,
    async deliver(effect) {
      const poll = findPollById(ctx.db, Number(effect.payload.pollId));
      if (!poll || poll.guildId !== effect.guildId || !poll.messageId) return; // nothing left to show it on
      const channel = effectChannel(ctx.client, poll.guildId, poll.channelId);
      const canAttach = missingPermissions(channel, [PermissionFlagsBits.AttachFiles]).length === 0;
      const followUpId = pollFollowUp(ctx.db, poll.guildId, poll.id)?.messageId;
      const followUpUrl = followUpId ? messageLink(poll.guildId, poll.channelId, followUpId) : null;
      const payload = renderPollMessage(results(ctx.db, poll), ctx.clock.now(), { memberCount: await memberCount(poll.guildId), chart: canAttach, followUpUrl });
      await ctx.refresher.editNow({ channelId: poll.channelId, messageId: poll.messageId }, { ...payload, attachments: [] });
    },
  };
}

/**
 * The outbox handler that shows an open poll's current counts at once, after they changed outside a
 * vote (a member's data was removed). A closed poll is left alone: its final results stay as history.
 */
export function pollRefresh(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `updating the counts on poll #${Number(effect.payload.pollId)}`,
    async deliver(effect) {
      const poll = findPollById(ctx.db, Number(effect.payload.pollId));
      if (!poll || poll.guildId !== effect.guildId || !poll.messageId || poll.status !== 'open') return;
      effectChannel(ctx.client, poll.guildId, poll.channelId);
      const { embeds, components } = renderPollMessage(results(ctx.db, poll), ctx.clock.now());
      await ctx.refresher.editNow({ channelId: poll.channelId, messageId: poll.messageId }, { embeds, components });
    },
  };
}

/**
 * The outbox handler for a closed poll's follow-up: posted in the poll's channel the first time,
 * edited after; once posted, the poll's message is queued to show its link.
 */
export function pollFollowUpPost(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => `the follow-up to poll #${Number(effect.payload.pollId)}`,
    async deliver(effect) {
      const poll = findPollById(ctx.db, Number(effect.payload.pollId));
      const followUp = poll && poll.guildId === effect.guildId ? pollFollowUp(ctx.db, poll.guildId, poll.id) : undefined;
      if (!poll || !followUp) return; // the poll was deleted with its server's data
      const channel = effectChannel(ctx.client, poll.guildId, poll.channelId);
      const missing = missingPermissions(channel, POSTING);
      if (missing.length) throw new EffectImpossible(`Hearth is missing ${missing.join(', ')} in <#${poll.channelId}>`);
      const { posted } = await postOrEditFollowUp(channel, followUp.messageId, followUpPostKey(poll.id), effect, {
        subject: `Poll #${poll.id}: ${poll.question}`,
        headline: followUpHeadline(results(ctx.db, poll)),
        message: followUp.message,
        originalUrl: poll.messageId ? messageLink(poll.guildId, poll.channelId, poll.messageId) : null,
        updatedAt: followUp.updatedAt,
      });
      if (posted) {
        recordPollFollowUpPosted(ctx.db, poll.guildId, poll.id, posted, ctx.clock.now());
        ctx.scheduler.wake(); // the poll's message gains its link
      }
    },
  };
}

export const pollEffects = (ctx: AppContext): Record<string, EffectHandler> => ({
  [POLL_FINAL_RESULTS]: pollFinalResults(ctx),
  [POLL_REFRESH]: pollRefresh(ctx),
  [POLL_FOLLOW_UP]: pollFollowUpPost(ctx),
});

/** Closes timed polls at their stored time (at start, those overdue), a fair round at a time; the outbox shows their results. */
export function pollClosingTask(ctx: AppContext): DueTask {
  const startedAt = ctx.clock.now();
  let tidied = false;
  return {
    name: 'close timed polls',
    nextDueAt: () => nextPollClose(ctx.db),
    async runDue(now, stopping) {
      if (!tidied) {
        const discarded = discardUnpostedPolls(ctx.db, startedAt);
        if (discarded) ctx.logger.warn({ polls: discarded }, 'removed polls whose creation the last stop interrupted');
        tidied = true;
      }
      // One fair round; what is left stays due and comes after the other tasks' turn.
      const closed = await closeDuePolls(ctx.db, now, stopping);
      if (closed) ctx.logger.info({ closed }, 'timed polls closed');
    },
  };
}

// Privacy's Discord side: deleting messages about a member, the scheduled retention passes and
// server deletions, and noticing when Hearth is removed from a server or invited back.
import { Events, type Client, type Guild } from 'discord.js';
import type { AppContext } from '../context';
import { DiscordErrorCode, isDiscordError } from '../bot/discord-errors';
import { messageLink } from '../format';
import { EffectImpossible, type EffectHandler } from '../outbox/delivery';
import type { DueTask } from '../scheduler/scheduler';
import { writeTx } from '../db/write-tx';
import * as kudos from '../kudos';
import { ERASE_EVERY_MS, FORGET_REQUESTS_AFTER_MS, PRIVACY_DELETE_MESSAGE } from './erasure';
import { retentionPasses } from './retention';
import { reconcileServers, serverDeletions, serverJoined, serverLeft } from './servers';
import { DEFAULT_PACE } from './steps';
import { nextPrivacyDueAt, pruneExpired } from './store';

interface DeleteMessage {
  channelId: string;
  messageId: string;
}

/**
 * The outbox handler that deletes a message about a member who asked for their data to go (a kudos
 * shout-out). A message already gone, with its channel or by hand, counts as done.
 */
function deleteMessage(ctx: AppContext): EffectHandler {
  return {
    describe: (effect) => {
      const { channelId, messageId } = effect.payload as unknown as DeleteMessage;
      return `deleting a kudos shout-out a member asked to remove (${messageLink(effect.guildId, channelId, messageId)}): please delete it by hand`;
    },
    async deliver(effect) {
      const { channelId, messageId } = effect.payload as unknown as DeleteMessage;
      const guild = ctx.client.guilds.cache.get(effect.guildId);
      if (!guild) throw new EffectImpossible('Hearth is no longer in that server');
      if (!guild.available) throw new Error('the server is unavailable right now (a Discord outage)');
      const channel = guild.channels.cache.get(channelId);
      if (!channel?.isTextBased()) return; // the channel went, and the message with it
      try {
        await channel.messages.delete(messageId);
      } catch (error) {
        if (!isDiscordError(error, DiscordErrorCode.UnknownMessage)) throw error; // already deleted
      }
    },
  };
}

export const privacyEffects = (ctx: AppContext): Record<string, EffectHandler> => ({ [PRIVACY_DELETE_MESSAGE]: deleteMessage(ctx) });

const earliest = (...times: (number | null)[]): number | null => times.reduce<number | null>((a, b) => (b === null ? a : a === null ? b : Math.min(a, b)), null);

/**
 * Daily retention passes, and forgetting confirmations, once-a-day records and the counts kept for
 * forgotten members' kudos limits once they lapse.
 */
export function retentionTask(ctx: AppContext): DueTask {
  const passes = retentionPasses(ctx.db, ctx.logger);
  let next: number | null = null; // as of the last look: the scheduler looks after every round
  return {
    name: 'retention and lapsed privacy requests',
    nextDueAt: () => (next = earliest(nextPrivacyDueAt(ctx.db, FORGET_REQUESTS_AFTER_MS, ERASE_EVERY_MS), kudos.nextSpentLapseAt(ctx.db))),
    async runDue(now, stopping) {
      if (next === null || now < next) return; // nothing due: no reads on every round of the scheduler
      writeTx(ctx.db, (tx) => {
        pruneExpired(tx, now - FORGET_REQUESTS_AFTER_MS, now - ERASE_EVERY_MS);
        kudos.forgetLapsedSpent(tx, now);
      });
      await passes.runDue(now, { ...DEFAULT_PACE, stopping });
    },
  };
}

/**
 * Deletes the data of servers Hearth left 30 days ago (or whose owner asked). Its first round, at
 * start, compares the servers Discord sent with the ones Hearth knew: a removal or an invitation
 * back while Hearth was offline counts too.
 */
export function serverDeletionTask(ctx: AppContext): DueTask {
  const deletions = serverDeletions(ctx.db, ctx.logger, (guildId) => ctx.client.guilds.cache.has(guildId));
  let reconciled = false;
  let next: number | null = null; // as of the last look: the scheduler looks after every round
  return {
    name: 'delete the data of servers Hearth left',
    nextDueAt: () => (next = deletions.nextDueAt()),
    async runDue(now, stopping) {
      if (reconciled && (next === null || now < next)) return; // nothing due: no reads on every round
      if (!reconciled) {
        const { back, left } = reconcileServers(ctx.db, [...ctx.client.guilds.cache.keys()], now);
        if (back.length) ctx.logger.info({ guilds: back }, 'Hearth was invited back while offline: those servers keep their data');
        if (left.length) ctx.logger.info({ guilds: left }, 'Hearth was removed from servers while offline: their data is deleted in 30 days');
        reconciled = true;
      }
      await deletions.runDue(now, { ...DEFAULT_PACE, stopping });
    },
  };
}

/**
 * Listens for Hearth being removed from a server or invited (back). During an outage Discord sends
 * GUILD_DELETE marked `unavailable`, which discord.js turns into `guildUnavailable`, not
 * `guildDelete`: an outage is not a removal and changes nothing. (A guild already unavailable when
 * Hearth is then removed arrives here with `available` false: still a removal.)
 */
export function watchServers(ctx: AppContext, client: Client): void {
  client.on(Events.GuildDelete, (guild: Guild) => {
    serverLeft(ctx.db, guild.id, ctx.clock.now());
    ctx.scheduler.wake();
    ctx.logger.info({ guild: guild.id }, 'Hearth was removed from a server: its data is deleted in 30 days unless Hearth is invited back');
  });
  client.on(Events.GuildCreate, (guild: Guild) => {
    if (serverJoined(ctx.db, guild.id)) ctx.logger.info({ guild: guild.id }, 'Hearth is back in a server it was removed from: its data stays');
  });
}

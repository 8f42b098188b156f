import { AsyncLocalStorage } from 'node:async_hooks';
import { RateLimitError, type Client, type GuildTextBasedChannel } from 'discord.js';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { Logger } from '../logger';
import type { DueTask } from '../scheduler/scheduler';
import { DiscordErrorCode, discordMessage, httpStatusOf, isDiscordError } from '../bot/discord-errors';
import {
  countEffects,
  markDelivered,
  markDropped,
  nextEffectDueAt,
  pruneFinishedEffects,
  releaseEffects,
  retryEffectAt,
  takeDueEffects,
  takeEffect,
  type StoredEffect,
} from './store';

export type { StoredEffect } from './store';

/** How a feature makes one kind of effect happen. */
export interface EffectHandler {
  /** Does it on Discord, rendering the latest stored state; throws what Discord answered. */
  deliver(effect: StoredEffect): Promise<void>;
  /** After a permanent failure (or giving up): record it where a leader will see it. Must not throw. */
  dropped?(effect: StoredEffect, reason: string): void | Promise<void>;
}

/** Thrown by a handler that knows, without asking Discord, that the effect can never happen. */
export class EffectImpossible extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EffectImpossible';
  }
}

export type DeliveryOutcome = 'delivered' | 'dropped' | 'will retry' | 'queued';

// A delivery normally ends within Discord's request timeout (15 s); the lease covers it with room.
const LEASE_MS = 2 * 60_000;
const BATCH = 100;
const PER_GUILD = 10;
const LANES = 4;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 60 * 60_000;
const GIVE_UP_AFTER_MS = 24 * 60 * 60_000;
const KEEP_FINISHED_MS = 30 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;

// Discord refusals that no retry will change: the target is gone, Hearth may not, the member said no.
const PERMANENT: number[] = [
  DiscordErrorCode.UnknownChannel,
  DiscordErrorCode.UnknownMessage,
  DiscordErrorCode.UnknownMember,
  DiscordErrorCode.UnknownUser,
  DiscordErrorCode.UnknownRole,
  DiscordErrorCode.MissingAccess,
  DiscordErrorCode.MissingPermissions,
  DiscordErrorCode.CannotSendMessagesToThisUser,
];

// Set while an effect is delivered: discord.js then hands a rate limit back (see app.ts) instead of
// sleeping on it, so the outbox can move that effect to its retry-after and go on with others.
const delivering = new AsyncLocalStorage<true>();
export const isOutboxDelivery = (): boolean => delivering.getStore() === true;

type Verdict = { kind: 'retry'; at: number; reason: string } | { kind: 'drop'; reason: string };

/**
 * Delivers queued Discord side effects: due ones by a scheduled task, or one at once for a command
 * that reports how it went. Servers are served in separate lanes, a few at a time, so one slow or
 * failing server never holds up another; a stop is honoured between deliveries.
 */
export class Outbox {
  private readonly handlers = new Map<string, EffectHandler>();
  private lastPruneAt = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Re-arms the scheduler after a retry is stored outside its own round (a command's delivery). */
    private readonly wake: () => void,
  ) {}

  handle(kind: string, handler: EffectHandler): void {
    if (this.handlers.has(kind)) throw new Error(`Two handlers for outbox effects of kind ${kind}`);
    this.handlers.set(kind, handler);
  }

  /** How many effects are pending, delivered and dropped (kept 30 days). */
  counts(): { status: string; count: number }[] {
    return countEffects(this.db);
  }

  /** The scheduled task that delivers what is due. Register it after the tasks that queue effects. */
  task(): DueTask {
    return {
      name: 'deliver Discord side effects',
      nextDueAt: () => nextEffectDueAt(this.db),
      runDue: (now, stopping) => this.deliverDue(now, stopping),
    };
  }

  /**
   * Delivers one queued effect now, for a command that tells the leader how it went. An effect
   * that is not due yet or already being delivered is left to the task ('queued').
   */
  async deliverNow(key: string): Promise<DeliveryOutcome> {
    const now = this.clock.now();
    const effect = takeEffect(this.db, key, now, now + LEASE_MS);
    return effect ? this.deliver(effect) : 'queued';
  }

  private async deliverDue(now: number, stopping: () => boolean): Promise<void> {
    this.prune(now);
    const effects = takeDueEffects(this.db, now, now + LEASE_MS, BATCH, PER_GUILD);
    if (!effects.length) return;
    const lanes = new Map<string, StoredEffect[]>();
    for (const effect of effects) lanes.set(effect.guildId, [...(lanes.get(effect.guildId) ?? []), effect]);
    const waiting = [...lanes.values()];
    const untried: number[] = [];
    const runLane = async () => {
      for (let lane = waiting.shift(); lane; lane = waiting.shift()) {
        for (const effect of lane) {
          if (stopping()) untried.push(effect.id);
          else await this.deliver(effect);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LANES, waiting.length) }, runLane));
    releaseEffects(this.db, untried, this.clock.now());
  }

  private async deliver(effect: StoredEffect): Promise<DeliveryOutcome> {
    const handler = this.handlers.get(effect.kind);
    try {
      if (!handler) throw new EffectImpossible(`no handler for effects of kind ${effect.kind}`);
      await delivering.run(true, () => handler.deliver(effect));
      markDelivered(this.db, effect.id, this.clock.now());
      return 'delivered';
    } catch (error) {
      const now = this.clock.now();
      const verdict = this.judge(effect, error, now);
      if (verdict.kind === 'retry') {
        retryEffectAt(this.db, effect.id, verdict.at, verdict.reason);
        this.wake();
        this.logger.warn({ effect: effect.kind, key: effect.key, guild: effect.guildId, attempts: effect.attempts, retryAt: verdict.at, reason: verdict.reason }, 'a Discord side effect failed; it will be retried');
        return 'will retry';
      }
      markDropped(this.db, effect.id, now, verdict.reason);
      this.logger.warn({ effect: effect.kind, key: effect.key, guild: effect.guildId, attempts: effect.attempts, reason: verdict.reason }, 'a Discord side effect was dropped');
      try {
        await handler?.dropped?.(effect, verdict.reason);
      } catch (noteError) {
        this.logger.error({ err: noteError, effect: effect.kind, key: effect.key }, 'could not record a dropped Discord side effect');
      }
      return 'dropped';
    }
  }

  /** Permanent failures are dropped; passing ones retried with growing pauses, for a day at most. */
  private judge(effect: StoredEffect, error: unknown, now: number): Verdict {
    if (error instanceof EffectImpossible) return { kind: 'drop', reason: error.message };
    if (isDiscordError(error, ...PERMANENT)) return { kind: 'drop', reason: `Discord answered ${error.code}: ${error.message}` };
    const status = httpStatusOf(error);
    // Any other 4xx is a request Discord will refuse again (a 429 surfaces as RateLimitError).
    if (status !== null && status >= 400 && status < 500 && status !== 408) return { kind: 'drop', reason: `Discord answered ${status}: ${discordMessage(error)}` };
    if (now - effect.createdAt >= GIVE_UP_AFTER_MS) return { kind: 'drop', reason: `still failing after a day: ${describeFailure(error)}` };
    if (error instanceof RateLimitError) return { kind: 'retry', at: now + Math.max(error.retryAfter, 1000), reason: `rate limited for ${error.retryAfter} ms` };
    const wait = Math.min(FIRST_RETRY_MS * 2 ** Math.max(effect.attempts - 1, 0), LONGEST_RETRY_MS);
    if (!(status !== null && status >= 500) && !isNetworkError(error)) {
      this.logger.error({ err: error, effect: effect.kind, key: effect.key }, 'a Discord side effect failed unexpectedly');
    }
    return { kind: 'retry', at: now + wait, reason: describeFailure(error) };
  }

  private prune(now: number): void {
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    const pruned = pruneFinishedEffects(this.db, now - KEEP_FINISHED_MS);
    if (pruned) this.logger.debug({ pruned }, 'forgot finished Discord side effects');
  }
}

function describeFailure(error: unknown): string {
  const status = httpStatusOf(error);
  if (status !== null) return `Discord answered ${status}: ${discordMessage(error)}`;
  return error instanceof Error ? error.message : String(error);
}

// fetch failures, timeouts and resets: Discord could not be reached this time.
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || error.message.includes('fetch failed') || 'code' in error;
}

/**
 * The channel an effect goes to. A server Hearth has left, or a channel deleted since, makes the
 * effect impossible; a server in an outage is a passing failure.
 */
export function effectChannel(client: Client, guildId: string, channelId: string): GuildTextBasedChannel {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) throw new EffectImpossible('Hearth is no longer in that server');
  if (!guild.available) throw new Error('the server is unavailable right now (a Discord outage)');
  const channel = guild.channels.cache.get(channelId);
  if (!channel) throw new EffectImpossible('the channel no longer exists');
  if (!channel.isTextBased()) throw new EffectImpossible('the channel is not a text channel');
  return channel;
}

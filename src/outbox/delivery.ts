import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { RateLimitError, type Client, type GuildTextBasedChannel } from 'discord.js';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { safeMessage, type Logger } from '../logger';
import type { DueTask } from '../scheduler/scheduler';
import { NETWORK_CODES } from '../connection-errors';
import { DiscordErrorCode, discordMessage, explainDiscordError, httpStatusOf, isDiscordError } from '../bot/discord-errors';
import {
  droppedEffects,
  countEffects,
  markDelivered,
  markDropped,
  dueEffectKinds,
  nextEffectDueAfter,
  pruneFinishedEffects,
  removeSkippedEffect,
  retryEffectAt,
  takeDueEffect,
  takeEffect,
  type StoredEffect,
} from './store';
import type { Pace } from './pace';
import { yieldTurn } from '../scheduler/fair';

export type { StoredEffect } from './store';

/** How a feature makes one kind of effect happen. */
export interface EffectHandler {
  /** What it is, for leaders ("the final results of poll #12"). */
  describe(effect: StoredEffect): string;
  /** Does it on Discord, rendering the latest stored state; throws what Discord answered. */
  deliver(effect: StoredEffect): Promise<void>;
  /** After a permanent failure (or giving up): record it where a leader will see it. Must not throw. */
  dropped?(effect: StoredEffect, reason: string): void | Promise<void>;
  /** Shared with other kinds (direct messages): no more of them are taken than it allows. */
  pace?: Pace;
}

/** Thrown by a handler that knows, without asking Discord, that the effect can never happen. */
export class EffectImpossible extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EffectImpossible';
  }
}

/** Thrown by a handler that knows the effect cannot happen yet (a server in an outage): retried quietly. */
export class EffectNotYet extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EffectNotYet';
  }
}

/**
 * Thrown by a handler that decided to do nothing (a direct message the member turned off, or with
 * nothing left to say): the row goes without a trace, neither delivered nor a problem, so asking
 * again (Remind me) queues it again, and no row tells why it was not sent (a vote in an anonymous poll).
 */
export class EffectSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'EffectSkipped';
  }
}

export type DeliveryOutcome = { outcome: 'delivered' | 'skipped' } | { outcome: 'dropped' | 'will retry'; reason: string } | { outcome: 'queued' };

// A delivery ends within discord.js's request timeout and retries (about a minute at worst); the
// lease covers that with room, so no second worker takes an effect still under way.
const LEASE_MS = 3 * 60_000;
// Deliveries in flight at once, one server each: a slow or failing server holds one of them only.
const LANES = 4;
// The longest every delivery waits on one global rate limit before looking again.
const MAX_GLOBAL_HOLD_MS = 60_000;
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
// A handler must therefore await everything it starts (nothing fire-and-forget inherits the flag).
const delivering = new AsyncLocalStorage<true>();
export const isOutboxDelivery = (): boolean => delivering.getStore() === true;

type Verdict = { kind: 'retry'; at: number; reason: string; counted: boolean; quiet?: boolean } | { kind: 'drop'; reason: string };

/**
 * Delivers queued Discord side effects, apart from the scheduler's round: the scheduler only says
 * when something is due, and the outbox keeps up to four deliveries in flight, one server each,
 * taking the next due effect as each ends (servers in turn). So a slow or failing server never
 * holds up another server, nor poll closes and check-ins. A command can also deliver one effect
 * at once to report how it went. `stop()` waits for deliveries under way and starts no more.
 */
export class Outbox {
  private readonly handlers = new Map<string, EffectHandler>();
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private lastServed = '';
  private lastPruneAt = -Infinity;
  private stopped = false;
  /** Discord's limit on all of the bot's requests (a global rate limit) holds every delivery until then. */
  private heldUntil = -Infinity;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Re-arms the scheduler for this task after a delivery ends, so it looks again when the next one is due. */
    private readonly wake: (task: DueTask) => void,
  ) {}

  handle(kind: string, handler: EffectHandler): void {
    if (this.handlers.has(kind)) throw new Error(`Two handlers for outbox effects of kind ${kind}`);
    this.handlers.set(kind, handler);
  }

  /** How many effects are pending, delivered and dropped (kept 30 days). */
  counts(): { status: string; count: number }[] {
    return countEffects(this.db);
  }

  /** The scheduled task that starts deliveries when effects fall due (one, whatever asks for it). */
  readonly task: DueTask = {
    name: 'deliver Discord side effects',
    everyRound: true, // delivers in the same round what the other tasks queued
    // While every lane is busy, or only busy servers have something due, the end of a delivery
    // starts the next one: the scheduler need not look (it would look again and again).
    nextDueAt: () => (this.inFlight.size >= LANES ? null : this.nextDueAt()),
    runDue: async (now) => {
      this.prune(now);
      this.pump();
    },
  };

  /** Delivers one queued effect now and says how it went; one not due or already under way is left to the task ('queued'). */
  async deliverNow(key: string): Promise<DeliveryOutcome> {
    const now = this.clock.now();
    if (now < this.heldUntil) return { outcome: 'queued' }; // a global rate limit holds every delivery
    const effect = takeEffect(this.db, key, now, now + LEASE_MS);
    if (!effect) return { outcome: 'queued' };
    const outcome = await this.deliver(effect);
    this.wake(this.task); // a retry is stored: the scheduler arms for it
    return outcome;
  }

  /** Effects this server's leaders should know failed for good, newest first, in their words. */
  problems(guildId: string, since: number): { what: string; why: string; at: number }[] {
    return droppedEffects(this.db, guildId, since, 5).map(({ effect, reason, at }) => ({
      what: this.handlers.get(effect.kind)?.describe(effect) ?? 'a message',
      why: reason,
      at,
    }));
  }

  /** No new deliveries; resolves once those under way have ended (their outcome stored). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  /** Resolves once no delivery is under way (those started meanwhile included). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * When something is next due, among servers with no delivery under way: paced kinds not before
   * their pace allows. A busy server's rows count only once its delivery ends (that end takes the
   * next); rows due later count whoever holds them (at worst one look that finds nothing to take).
   */
  private nextDueAt(): number | null {
    const now = this.clock.now();
    let next = nextEffectDueAfter(this.db, now);
    for (const [guildId, kinds] of dueEffectKinds(this.db, now)) {
      if (this.inFlight.has(guildId)) continue; // its delivery's end looks again
      for (const kind of kinds) {
        const at = this.handlers.get(kind)?.pace?.nextAt(now) ?? now;
        if (next === null || at < next) next = at;
      }
      if (next !== null && next <= now) break; // nothing can be sooner
    }
    return next === null ? null : Math.max(next, this.heldUntil);
  }

  /** Fills the free lanes with due effects of servers that have none under way, servers in turn. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    if (now < this.heldUntil || this.inFlight.size >= LANES) return;
    const due = dueEffectKinds(this.db, now);
    // In turn after the last server served, then from the start up to it.
    const servers = [...due.keys()].sort();
    const from = servers.findIndex((guildId) => guildId > this.lastServed);
    const inTurn = from < 0 ? servers : [...servers.slice(from), ...servers.slice(0, from)];
    for (const guildId of inTurn) {
      if (this.inFlight.size >= LANES) break;
      if (this.inFlight.has(guildId)) continue;
      const kind = this.firstTakeable(due.get(guildId)!, now);
      const effect = kind === null ? null : takeDueEffect(this.db, guildId, kind, now, now + LEASE_MS);
      if (!effect) continue;
      this.handlers.get(effect.kind)?.pace?.took(now);
      this.lastServed = guildId;
      const delivery = this.deliver(effect, now).finally(async () => {
        // A turn for clicks and timers first: deliveries that end without a request (skipped
        // messages, thousands of them when a large check-in is paused) would otherwise chain
        // through the microtask queue and hold everything else up.
        await yieldTurn();
        this.inFlight.delete(guildId);
        this.pump();
        // The scheduler looks again for what is due next (a retry, a server now free); not when this
        // server's next effect was taken at once (a backlog draining): what it knows still holds.
        if (!this.inFlight.has(guildId)) this.wake(this.task);
      });
      this.inFlight.set(guildId, delivery);
    }
  }

  /**
   * Which of a server's due kinds (earliest first) to take: one without a pace first, so a poll's
   * final results never wait behind a check-in's thousands of direct messages; else the first whose
   * pace allows one more now.
   */
  private firstTakeable(kinds: readonly string[], now: number): string | null {
    const unpaced = kinds.find((kind) => !this.handlers.get(kind)?.pace);
    return unpaced ?? kinds.find((kind) => this.handlers.get(kind)!.pace!.nextAt(now) <= now) ?? null;
  }

  /** `pacedAt`: when a paced kind took its pace's slot for this one (given back if nothing is sent). */
  private async deliver(effect: StoredEffect, pacedAt?: number): Promise<DeliveryOutcome> {
    const handler = this.handlers.get(effect.kind);
    try {
      if (!handler) throw new Error(`no handler for effects of kind ${effect.kind} (a newer or older Hearth queued it?)`);
      await delivering.run(true, () => handler.deliver(effect));
      markDelivered(this.db, effect, this.clock.now());
      return { outcome: 'delivered' };
    } catch (error) {
      if (error instanceof EffectSkipped) {
        if (pacedAt !== undefined) handler?.pace?.gaveBack(pacedAt);
        removeSkippedEffect(this.db, effect);
        return { outcome: 'skipped' };
      }
      const now = this.clock.now();
      const verdict = this.judge(effect, error, now);
      if (verdict.kind === 'retry') {
        // Every other effect would meet the same limit: none is taken until it passes (the scheduler looks again then).
        // discord.js calls a refusal "global" when its own count of requests this second is full, even if
        // Discord's answer was one route's (with that route's long Retry-After): hold only until the
        // global count resets, and never longer than a minute, so one server's limit never holds the others.
        if (error instanceof RateLimitError && error.global) this.heldUntil = Math.max(this.heldUntil, now + Math.min(error.timeToReset, error.retryAfter, MAX_GLOBAL_HOLD_MS));
        retryEffectAt(this.db, effect, verdict.at, verdict.reason, verdict.counted);
        const details = { effect: effect.kind, key: effect.key, guild: effect.guildId, attempts: effect.attempts, retryAt: verdict.at, reason: verdict.reason };
        if (verdict.quiet) this.logger.debug(details, 'a Discord side effect must wait; it will be retried');
        else this.logger.warn(details, 'a Discord side effect failed; it will be retried');
        return { outcome: 'will retry', reason: verdict.reason };
      }
      markDropped(this.db, effect, now, verdict.reason);
      const code = isDiscordError(error) ? error.code : undefined;
      this.logger.warn({ effect: effect.kind, key: effect.key, guild: effect.guildId, attempts: effect.attempts, code, reason: verdict.reason }, 'a Discord side effect was dropped');
      try {
        await handler?.dropped?.(effect, verdict.reason);
      } catch (noteError) {
        this.logger.error({ err: noteError, effect: effect.kind, key: effect.key }, 'could not record a dropped Discord side effect');
      }
      return { outcome: 'dropped', reason: verdict.reason };
    }
  }

  /** Permanent failures are dropped; passing ones retried with growing pauses, for a day at most. */
  private judge(effect: StoredEffect, error: unknown, now: number): Verdict {
    if (error instanceof EffectImpossible) return { kind: 'drop', reason: error.message };
    if (isDiscordError(error, ...PERMANENT)) return { kind: 'drop', reason: explainDiscordError(error) ?? `Discord answered ${error.code}: ${error.message}` };
    const status = httpStatusOf(error);
    // Any other 4xx is a request Discord will refuse again; a 401 (the token) and a 408 may pass.
    if (status !== null && status >= 400 && status < 500 && status !== 401 && status !== 408) {
      return { kind: 'drop', reason: `Discord answered ${status}: ${discordMessage(error)}` };
    }
    if (now - effect.createdAt >= GIVE_UP_AFTER_MS) return { kind: 'drop', reason: `Hearth kept trying for a day: ${describeFailure(error)}` };
    if (error instanceof RateLimitError) {
      return { kind: 'retry', at: now + Math.max(error.retryAfter, 1000), reason: `rate limited for ${error.retryAfter} ms`, counted: false, quiet: true };
    }
    const wait = Math.min(FIRST_RETRY_MS * 2 ** Math.max(effect.attempts - 1, 0), LONGEST_RETRY_MS);
    const expected = error instanceof EffectNotYet || (status !== null && status >= 500) || status === 401 || status === 408 || isNetworkError(error);
    if (!expected) this.logger.error({ err: error, effect: effect.kind, key: effect.key }, 'a Discord side effect failed unexpectedly');
    return { kind: 'retry', at: now + wait, reason: describeFailure(error), counted: true, quiet: error instanceof EffectNotYet };
  }

  private prune(now: number): void {
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    let pruned = 0;
    for (let batch = pruneFinishedEffects(this.db, now - KEEP_FINISHED_MS); batch > 0 && pruned < 100_000; batch = pruneFinishedEffects(this.db, now - KEEP_FINISHED_MS)) pruned += batch;
    if (pruned) this.logger.debug({ pruned }, 'forgot finished Discord side effects');
  }
}

function describeFailure(error: unknown): string {
  const status = httpStatusOf(error);
  if (status !== null) return `Discord answered ${status}: ${discordMessage(error)}`;
  return safeMessage(error);
}

// fetch failures, timeouts and resets: Discord could not be reached this time.
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  return error.name === 'AbortError' || error.name === 'TimeoutError' || (typeof code === 'string' && NETWORK_CODES.has(code));
}

/**
 * The channel an effect goes to. A server Hearth has left, or a channel deleted since, makes the
 * effect impossible; a server in an outage only delays it.
 */
export function effectChannel(client: Client, guildId: string, channelId: string): GuildTextBasedChannel {
  const guild = client.guilds.cache.get(guildId);
  if (!guild) throw new EffectImpossible('Hearth is no longer in that server');
  if (!guild.available) throw new EffectNotYet('the server is unavailable right now (a Discord outage)');
  const channel = guild.channels.cache.get(channelId);
  if (!channel) throw new EffectImpossible('the channel no longer exists');
  if (!channel.isTextBased()) throw new EffectImpossible('the channel is not a text channel');
  return channel;
}

/**
 * A nonce for an effect's post. Sent with `enforceNonce`, Discord answers a repeat within a few
 * minutes with the message already posted: a delivery retried after a crash between posting and
 * recording it does not post twice.
 */
export function effectNonce(effect: StoredEffect): string {
  return createHash('sha256').update(effect.key).digest('base64url').slice(0, 25);
}

import { Client, Events, GatewayIntentBits, type ClientOptions, type Interaction } from 'discord.js';
import { commands } from '../commands';
import type { Clock } from './clock';
import { systemClock } from './clock';
import type { Config } from './config';
import type { AppContext } from './context';
import { closeDatabase, type Db } from './db/open';
import type { Logger } from './logger';
import { createRouter } from './bot/router';
import { Scheduler } from './scheduler/scheduler';
import { MessageRefresher } from './bot/message-refresher';
import { pollClosingTask, pollEffects } from './polls/messages';
import { checkinRunTask } from './checkins/messages';
import { kudosEffects, kudosRoundupTask } from './kudos/messages';
import { surveyClosingTask, surveyEffects } from './surveys/messages';
import { insightsDigestTask, insightsEffects } from './insights/messages';
import { isOutboxDelivery, Outbox } from './outbox/delivery';
import { DirectMessages } from './outbox/direct-messages';
import { markUnreachable, mayDirectMessage } from './preferences';
import { pollReminderEffects } from './polls/reminder-messages';
import { checkinDirectEffects } from './checkins/direct-messages';
import { surveyReminderEffects } from './surveys/reminder-messages';
import { pulseEffects, pulseRoundTask } from './surveys/pulse-messages';
import { privacyEffects, retentionTask, serverDeletionTask, watchServers } from './privacy/messages';
import { openLockedDatabase } from './db/in-use';
import { Metrics } from './ops/metrics';
import { checkHealth, startHealthServer } from './ops/health';
import { scheduledBackupsTask } from './ops/scheduled-backups';
import { gatewayState, VERSION } from './ops/runtime';
import { membersNotKept } from './bot/client-cache';
import { DiscordConnections } from './bot/discord-connections';

/** How often discord.js drops the REST request queues no request is waiting in (its default: every hour). */
export const REST_QUEUES_SWEPT_EVERY_MS = 60_000;

export interface HearthOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Extra discord.js client options (tests use a login that does not wait between identifies). */
  clientOptions?: Partial<ClientOptions>;
  /** Aborted when a stop is asked for while Hearth is still starting (a long catch-up then ends early). */
  signal?: AbortSignal;
}

export interface Hearth {
  readonly context: AppContext;
  /** Stops scheduled work, disconnects from Discord and closes the database. Safe to call twice. */
  stop(): Promise<void>;
  /** Where /healthz and /metrics answer, or null without HEALTH_PORT. */
  readonly healthPort: number | null;
}

/**
 * Builds the whole bot (the same way for production and for the tests), logs in and resolves
 * once Discord has sent every server: from then on every old button works and due work runs.
 */
export async function startHearth(options: HearthOptions): Promise<Hearth> {
  const { config, logger } = options;
  const started = performance.now();
  const clock = options.clock ?? systemClock;
  // First: a port that cannot be used stops Hearth before anything is opened or changed.
  const health = config.healthPort === undefined ? null : await startHealthServer({ host: config.healthHost, port: config.healthPort, logger });
  let storage: { db: Db; release: () => void };
  try {
    storage = openLockedDatabase(config.databasePath);
  } catch (error) {
    await health?.close();
    throw error;
  }
  const { db, release: releaseRunningLock } = storage;
  logger.info({ database: config.databasePath }, 'database ready');

  // Its gauges read the outbox and the client when scraped, after both exist.
  const metrics = new Metrics({ db, databasePath: config.databasePath, outboxCounts: () => outbox.counts(), gatewayConnected: () => gatewayState(client).connected });
  const connections = new DiscordConnections(metrics);
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    // Nobody is pinged unless a message says so explicitly (kudos ping their recipient only).
    allowedMentions: { parse: [] },
    makeCache: membersNotKept,
    ...options.clientOptions,
    // A rate limit met while delivering a queued effect comes back as an error, so the outbox can
    // move that effect to its retry-after instead of holding a lane; everything else waits as usual.
    // Each interaction's reply edits and follow-ups get a request queue of their own (the route
    // holds the interaction's token); idle queues are dropped every minute instead of every hour,
    // so an hour of kudos does not keep an hour of queues. Acknowledgements have connections of
    // their own (bot/discord-connections.ts).
    rest: { api: config.apiUrl, agent: connections, rejectOnRateLimit: () => isOutboxDelivery(), handlerSweepInterval: REST_QUEUES_SWEPT_EVERY_MS, ...options.clientOptions?.rest },
  });
  const scheduler = new Scheduler(clock, logger, (task, outcome) => metrics.scheduledRun(task, outcome));
  const refresher = new MessageRefresher(client, clock, logger);
  const outbox = new Outbox(db, clock, logger, (task) => scheduler.wake(task));
  const directMessages = new DirectMessages(client, clock, logger, config.directMessagesPerSecond, {
    may: (guildId, userId, now) => mayDirectMessage(db, guildId, userId, now),
    markUnreachable: (guildId, userId, now) => markUnreachable(db, guildId, userId, now),
  });
  const context: AppContext = { config, db, clock, logger, client, scheduler, refresher, outbox, metrics, directMessages };
  for (const [kind, handler] of Object.entries({ ...pollEffects(context), ...pollReminderEffects(context), ...checkinDirectEffects(context), ...surveyReminderEffects(context), ...pulseEffects(context), ...surveyEffects(context), ...kudosEffects(context), ...privacyEffects(context), ...insightsEffects(context) })) outbox.handle(kind, handler);
  scheduler.register(pollClosingTask(context));
  scheduler.register(checkinRunTask(context));
  scheduler.register(kudosRoundupTask(context));
  scheduler.register(pulseRoundTask(context));
  scheduler.register(surveyClosingTask(context));
  scheduler.register(insightsDigestTask(context));
  scheduler.register(retentionTask(context));
  scheduler.register(serverDeletionTask(context));
  scheduler.register(outbox.task); // last: delivers in the same round what the tasks above queued

  const router = createRouter(commands, () => context);
  const onInteraction = (interaction: Interaction) => void router.handle(interaction);
  client.on(Events.InteractionCreate, onInteraction);
  watchServers(context, client);
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ code: event.code, shard }, 'gateway disconnected'));

  let stopped = false;
  let running = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // Order matters: no new clicks, finish the ones under way, then due work, then the last edits.
    client.off(Events.InteractionCreate, onInteraction);
    await health?.close(); // a monitor sees Hearth go at once
    await router.drain();
    try {
      await scheduler.stop();
      await outbox.stop(); // deliveries under way end and are recorded; no new ones start
      await refresher.flush();
      await client.destroy();
    } finally {
      // Everything that had to reach Discord has (the router, outbox and refresher are done): what
      // is still in flight, such as a fetch Discord never finishes answering, must not hold the stop.
      await connections.destroy().catch(() => {});
      closeDatabase(db); // whatever failed above, the database is closed and its log folded back
      releaseRunningLock();
    }
    logger.info(running ? 'stopped cleanly' : 'start-up aborted; database closed');
  };

  try {
    if (config.backupDir) scheduler.register(scheduledBackupsTask(context));
    const sources = { version: VERSION, clock, db, gateway: () => gatewayState(client), scheduler };
    health?.serve({ health: () => checkHealth(sources), metrics: () => metrics.render() });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(config.token);
    await ready;
    logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
    options.signal?.addEventListener('abort', () => void scheduler.stop(), { once: true });
    if (!options.signal?.aborted) await scheduler.start();
    running = true;
    logger.info({ ms: Math.round(performance.now() - started) }, 'ready: due work caught up and timers armed');
  } catch (error) {
    await stop().catch((stopError: unknown) => logger.warn({ err: stopError }, 'could not stop cleanly after a failed start'));
    throw error;
  }

  return { context, stop, healthPort: health?.port ?? null };
}

import type { Client } from 'discord.js';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Db } from './db/open';
import type { Logger } from './logger';
import type { Scheduler } from './scheduler/scheduler';
import type { MessageRefresher } from './bot/message-refresher';
import type { Outbox } from './outbox/delivery';
import type { DirectMessages } from './outbox/direct-messages';
import type { Metrics } from './ops/metrics';

/** What every handler may use: passed explicitly, never imported as a global. */
export interface AppContext {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly client: Client;
  readonly scheduler: Scheduler;
  /** Coalesced edits of public messages (live poll results). */
  readonly refresher: MessageRefresher;
  /** Delivers the Discord side effects that must eventually happen (queued with src/outbox/queue.ts). */
  readonly outbox: Outbox;
  /** Builds the outbox handlers of direct messages (shared pace, opt-outs, closed DMs). */
  readonly directMessages: DirectMessages;
  /** Prometheus counters fed by the router, the scheduler and the REST client (served on /metrics). */
  readonly metrics: Metrics;
}

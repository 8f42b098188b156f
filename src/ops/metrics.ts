import { statSync } from 'node:fs';
import type { Interaction } from 'discord.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { customIdKey } from '../bot/custom-id';
import { ACK_WAIT_MS, type ConnectionEvents } from '../bot/discord-connections';
import type { Db } from '../db/open';

export type InteractionOutcome = 'ok' | 'refused' | 'failed';

/** What the gauges read when Prometheus asks: kept as functions so nothing is counted in between. */
export interface MetricSources {
  db: Db;
  databasePath: string;
  /** Outbox rows by status (pending is the queue still to deliver). */
  outboxCounts(): { status: string; count: number }[];
  gatewayConnected(): boolean;
}

// Accepted member actions that are a vote, an answer or a kudos, by the interaction that carries
// them (kind and command or custom id key). Counted here, at the router, not inside each feature.
const MEMBER_ACTIONS: Record<string, { metric: 'votes' | 'answers' | 'kudos'; feature: string }> = {
  'button poll:vote': { metric: 'votes', feature: 'polls' },
  'button checkin:mood': { metric: 'answers', feature: 'checkins' },
  'button survey:pick': { metric: 'answers', feature: 'surveys' },
  'select survey:choose': { metric: 'answers', feature: 'surveys' },
  'modal survey:modal': { metric: 'answers', feature: 'surveys' },
  'command kudos give': { metric: 'kudos', feature: 'kudos' },
  'modal kudos:give': { metric: 'kudos', feature: 'kudos' },
};

/** The longest a kudos waits for other members' acknowledgements. */
const WAIT_AT_MOST_MS = 1_000;
/** How long no interaction must have come for a rush to count as over. */
const QUIET_MS = 20;
/** The scopes Discord names on a 429; anything else is counted as `other`, so labels stay few. */
const RATE_LIMIT_SCOPES = new Set(['user', 'global', 'shared']);

/**
 * Hearth's Prometheus metrics, in a registry of its own (tests run several bots in one process).
 * Fed from a few central places: the router (interactions and their acknowledgement), the
 * scheduler (runs), Hearth's connections to Discord (answers: errors, 429s, acknowledgements), and
 * read-on-demand gauges.
 */
export class Metrics implements ConnectionEvents {
  readonly registry = new Registry();
  /** Interactions being handled and not acknowledged yet: when they arrived, and their kind. */
  private readonly awaitingAck = new Map<string, { since: number; kind: string }>();
  /** Work waiting for the acknowledgements ahead of it (see `afterAcknowledgements`), oldest first. */
  private readonly waitingForAcks: (() => void)[] = [];
  /** When the last interaction arrived (performance.now()), to tell a lull from a rush going on. */
  private lastReceivedAt = -Infinity;
  private quietTimer: NodeJS.Timeout | undefined;
  private readonly interactions = new Counter({ name: 'hearth_interactions_total', help: 'Interactions handled, by kind and outcome (ok, refused with a message the member can act on, failed)', labelNames: ['kind', 'outcome'], registers: [this.registry] });
  private readonly ackSeconds = new Histogram({ name: 'hearth_interaction_ack_seconds', help: 'From Hearth receiving an interaction to Discord accepting its acknowledgement (Discord allows 3 s)', labelNames: ['kind'], buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3], registers: [this.registry] });
  private readonly votes = new Counter({ name: 'hearth_votes_total', help: 'Poll votes accepted', registers: [this.registry] });
  private readonly answers = new Counter({ name: 'hearth_answers_total', help: 'Check-in moods and survey answers accepted', labelNames: ['feature'], registers: [this.registry] });
  private readonly kudos = new Counter({ name: 'hearth_kudos_total', help: 'Kudos given', registers: [this.registry] });
  private readonly scheduled = new Counter({ name: 'hearth_scheduled_runs_total', help: 'Rounds of scheduled work, by task and outcome', labelNames: ['task', 'outcome'], registers: [this.registry] });
  private readonly restErrors = new Counter({ name: 'hearth_discord_rest_errors_total', help: 'Discord REST answers with an error status other than 429', labelNames: ['status'], registers: [this.registry] });
  private readonly ackOverflows = new Counter({ name: 'hearth_acknowledgements_overflowed_total', help: `Acknowledgements that waited ${ACK_WAIT_MS / 1000} s for the connections kept for them and went out on another (a steady count: Discord is slow to take them, or there are too few)`, registers: [this.registry] });
  private readonly rateLimits = new Counter({ name: 'hearth_discord_rate_limits_total', help: 'Discord REST answers of 429 (rate limited), by the scope Discord named', labelNames: ['scope'], registers: [this.registry] });

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'hearth_outbox_effects',
      help: 'Discord side effects in the outbox by status: pending is the queue; delivered and dropped are kept 30 days',
      labelNames: ['status'],
      registers,
      collect() {
        this.reset();
        for (const status of ['pending', 'delivered', 'dropped']) this.set({ status }, 0);
        for (const { status, count } of sources.outboxCounts()) this.set({ status }, count);
      },
    });
    new Gauge({
      name: 'hearth_database_size_bytes',
      help: 'Size of the SQLite database: the main file and its write-ahead log',
      labelNames: ['file'],
      registers,
      collect() {
        const sqlite = sources.db.$client;
        if (!sqlite.open) return;
        const pages = Number(sqlite.pragma('page_count', { simple: true })) * Number(sqlite.pragma('page_size', { simple: true }));
        this.set({ file: 'main' }, pages);
        this.set({ file: 'wal' }, fileSize(`${sources.databasePath}-wal`));
      },
    });
    new Gauge({
      name: 'hearth_gateway_connected',
      help: '1 while the gateway connection to Discord is up and ready, else 0',
      registers,
      collect() {
        this.set(sources.gatewayConnected() ? 1 : 0);
      },
    });
  }

  /**
   * Discord answered one of Hearth's requests (bot/discord-connections.ts): failed answers, rate
   * limits, and the moment an interaction is acknowledged.
   */
  answered(status: number, rateLimitScope: string | null, acknowledges: string | null): void {
    if (status === 429) this.rateLimits.inc({ scope: rateLimitScope === null ? 'unknown' : RATE_LIMIT_SCOPES.has(rateLimitScope) ? rateLimitScope : 'other' });
    else if (status >= 400) this.restErrors.inc({ status: String(status) });
    const waiting = acknowledges === null ? undefined : this.awaitingAck.get(acknowledges);
    if (waiting && status >= 200 && status < 300) {
      this.awaitingAck.delete(acknowledges!);
      this.ackSeconds.observe({ kind: waiting.kind }, (performance.now() - waiting.since) / 1000);
      this.releaseWaiting();
    }
  }

  /** An acknowledgement waited too long for the lane (bot/discord-connections.ts). */
  overflowed(): void {
    this.ackOverflows.inc();
  }

  /** The router starts on an interaction: its acknowledgement is timed from here. */
  interactionReceived(interaction: Interaction): void {
    this.lastReceivedAt = performance.now();
    this.awaitingAck.set(interaction.id, { since: this.lastReceivedAt, kind: kindOf(interaction) });
  }

  /** The router has finished with an interaction (answered, refused or failed). */
  interactionHandled(interaction: Interaction, outcome: InteractionOutcome): void {
    if (this.awaitingAck.delete(interaction.id)) this.releaseWaiting();
    const kind = kindOf(interaction);
    this.interactions.inc({ kind, outcome });
    const action = outcome === 'ok' ? MEMBER_ACTIONS[`${kind} ${actionKey(interaction)}`] : undefined;
    if (action?.metric === 'votes') this.votes.inc();
    else if (action?.metric === 'answers') this.answers.inc({ feature: action.feature });
    else if (action?.metric === 'kudos') this.kudos.inc();
  }

  /**
   * Resolves once every interaction received is acknowledged and none has come for QUIET_MS (at
   * once when Hearth is idle), or at the latest after WAIT_AT_MOST_MS, so a steady stream of clicks
   * cannot hold it back for ever. Work a member is already told about (the checks, the write and the
   * public shout-out after a private "thinking…") waits here, so that in a rush every member is
   * acknowledged first, within Discord's 3 s. The lull matters: in a rush the gateway hands Hearth
   * its clicks a few hundred at a time, and between two reads every click read so far may be
   * acknowledged while hundreds more wait unread.
   */
  afterAcknowledgements(): Promise<void> {
    if (this.awaitingAck.size === 0 && performance.now() - this.lastReceivedAt >= QUIET_MS) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => go(), WAIT_AT_MOST_MS).unref();
      const go = () => {
        clearTimeout(timer);
        const at = this.waitingForAcks.indexOf(go);
        if (at >= 0) this.waitingForAcks.splice(at, 1);
        resolve();
      };
      this.waitingForAcks.push(go);
      this.releaseWaiting();
    });
  }

  private releaseWaiting(): void {
    if (this.waitingForAcks.length === 0 || this.awaitingAck.size > 0 || this.quietTimer) return;
    const quietFor = performance.now() - this.lastReceivedAt;
    if (quietFor < QUIET_MS) {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = undefined;
        this.releaseWaiting();
      }, QUIET_MS - quietFor).unref();
      return;
    }
    for (const go of this.waitingForAcks.splice(0)) go();
  }

  /** The scheduler ran one task's due work. */
  scheduledRun(task: string, outcome: 'ok' | 'failed'): void {
    this.scheduled.inc({ task, outcome });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function kindOf(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) return 'command';
  if (interaction.isAutocomplete()) return 'autocomplete';
  if (interaction.isContextMenuCommand()) return 'context-menu';
  if (interaction.isButton()) return 'button';
  if (interaction.isAnySelectMenu()) return 'select';
  if (interaction.isModalSubmit()) return 'modal';
  return 'other';
}

// `kudos give` for a slash command, `poll:vote` for a control: what, never with which values.
function actionKey(interaction: Interaction): string {
  if (interaction.isChatInputCommand()) {
    return [interaction.commandName, interaction.options.getSubcommandGroup(false), interaction.options.getSubcommand(false)].filter(Boolean).join(' ');
  }
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return customIdKey(interaction.customId);
  return interaction.isCommand() ? interaction.commandName : '';
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    // No write-ahead log right now (before the first write, or after the database was closed).
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * Runs the real Hearth (same factory as production, real discord.js client) against the Discord
 * double, and offers helpers that read like a member using Discord: run a command, click a button,
 * pick from a select, fill in a modal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  type APIApplicationCommandOption,
  type APIInteraction,
  type APIMessageTopLevelComponent,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { startHearth, type Hearth } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { commandPayload } from '../../src/deploy';
import type { Clock } from '../../src/clock';
import {
  DiscordDouble,
  snowflake,
  type ChannelState,
  type GuildState,
  type InteractionRecord,
  type MemberState,
  type StoredMessage,
} from './discord-double';

export { DiscordDouble, type StoredMessage };

/** A clock the test moves by hand; timers fire as it passes them. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(private time = Date.UTC(2026, 10, 25, 12, 0, 0)) {}

  now(): number {
    return this.time;
  }

  at(at: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at, fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward, firing each timer at its moment, and lets the work they start settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await settle();
    }
    this.time = target;
    await settle();
  }

  async set(time: number): Promise<void> {
    await this.advance(time - this.time);
  }
}

/** Lets promise chains and I/O callbacks that are already under way run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until `check` holds, looking every few milliseconds (for state outside the double). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export type OptionValues = Record<string, string | number | boolean | { id: string }>;

export interface Seen {
  /** The message the member sees as the answer (ephemeral or public). */
  reply: StoredMessage;
  record: InteractionRecord;
  /** Milliseconds from the event leaving Discord to the bot's acknowledgement. */
  ackMs: number;
}

export class TestMember {
  constructor(
    readonly harness: TestHearth,
    readonly guild: GuildState,
    readonly state: MemberState,
  ) {}

  get id(): string {
    return this.state.user.id;
  }

  get name(): string {
    return this.state.user.username;
  }

  /** Runs a slash command, e.g. `run('settings timezone', { zone: 'Europe/Berlin' })`. */
  run(commandLine: string, options: OptionValues = {}, where?: { channel?: ChannelState }): Promise<Seen> {
    return this.harness.runCommand(this, commandLine, options, where?.channel);
  }

  autocomplete(commandLine: string, options: OptionValues, focused: string): Promise<{ name: string; value: string | number }[]> {
    return this.harness.autocomplete(this, commandLine, options, focused);
  }

  /** Clicks the button with this label on a message. */
  click(message: StoredMessage, label: string): Promise<Seen> {
    return this.harness.click(this, message, label);
  }

  /** Clicks the button with this label on a direct message Hearth sent this member. */
  clickInDirectMessage(message: StoredMessage, label: string): Promise<Seen> {
    return this.harness.clickInDirectMessage(this, message, label);
  }

  submitModalInDirectMessage(opened: Seen, fields: Record<string, string>): Promise<Seen> {
    return this.harness.submitModalInDirectMessage(this, opened, fields);
  }

  /** The direct messages Hearth sent this member, oldest first (its private answers to clicks there left out). */
  directMessages(): StoredMessage[] {
    return this.harness.double.directMessages(this.id).filter((m) => !isEphemeral(m));
  }

  /** Picks values in the select menu on a message (the first one, or the one whose placeholder matches). */
  select(message: StoredMessage, values: string[], placeholder?: string): Promise<Seen> {
    return this.harness.select(this, message, values, placeholder);
  }

  /** Fills in and submits the modal the bot opened in answer to `opened`. Fields by label or custom id. */
  submitModal(opened: Seen, fields: Record<string, string | string[]>): Promise<Seen> {
    return this.harness.submitModal(this, opened, fields);
  }

  /** Right-click a member -> Apps -> `name`. */
  userMenu(name: string, target: TestMember, where?: { channel?: ChannelState }): Promise<Seen> {
    return this.harness.userMenu(this, name, target, where?.channel);
  }
}

export interface StartOptions {
  databasePath?: string;
  clock?: ManualClock;
  double?: DiscordDouble;
  /** False to drive a bot running elsewhere (another process) through the same double. */
  startBot?: boolean;
  /**
   * Keep discord.js's own retries (a 5xx or a network failure is sent again, three times, at once)
   * for tests about recovering from Discord's failures: the library's retries are then part of
   * what is tested. Otherwise every request is sent once, so a failure a test makes is seen at once.
   */
  libraryRetries?: boolean;
  /** More settings, as the environment would give them (e.g. HEALTH_PORT). */
  env?: Record<string, string>;
}

/** How many times discord.js sends a request that keeps failing with a 5xx, with its default retries. */
export const LIBRARY_TRIES = 4;

export class TestHearth {
  hearth: Hearth | null = null;
  readonly logs: string[] = [];
  readonly guild: GuildState;
  readonly general: ChannelState;
  private readonly definitions: RESTPostAPIApplicationCommandsJSONBody[] = commandPayload();
  private readonly dir: string | null;
  private readonly libraryRetries: boolean;
  /** Settings added to the ones the harness sets; a restart keeps them. */
  env: Record<string, string> = {};

  private constructor(
    readonly double: DiscordDouble,
    readonly clock: ManualClock,
    readonly databasePath: string,
    dir: string | null,
    libraryRetries = false,
  ) {
    this.dir = dir;
    this.libraryRetries = libraryRetries;
    this.guild = double.guilds.values().next().value ?? double.addGuild();
    this.general = [...this.guild.channels.values()][0]!;
  }

  static async start(options: StartOptions = {}): Promise<TestHearth> {
    const double = options.double ?? (await DiscordDouble.start());
    const dir = options.databasePath ? null : mkdtempSync(join(tmpdir(), 'hearth-test-'));
    const databasePath = options.databasePath ?? join(dir!, 'hearth.sqlite');
    const harness = new TestHearth(double, options.clock ?? new ManualClock(), databasePath, dir, options.libraryRetries);
    harness.env = options.env ?? {};
    if (options.startBot !== false) await harness.startBot();
    return harness;
  }

  /** Runs due work now, and waits for the deliveries it started too (the outbox delivers apart from the scheduler's round). */
  async runDueWork(): Promise<void> {
    await this.context.scheduler.tick();
    await this.context.outbox.idle();
  }

  get context() {
    if (!this.hearth) throw new Error('Hearth is not running');
    return this.hearth.context;
  }

  async startBot(): Promise<void> {
    const config = loadConfig({
      DISCORD_TOKEN: this.double.token,
      DISCORD_API_URL: this.double.apiUrl,
      DATABASE_PATH: this.databasePath,
      LOG_LEVEL: 'debug',
      ...this.env,
    });
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    this.hearth = await startHearth({
      config,
      logger: createLogger(config, sink),
      clock: this.clock,
      clientOptions: {
        // Tests squeeze hours of Hearth's time into moments of real time: discord.js's own cap of
        // 50 requests a real second would otherwise turn a test's burst into a rate limit.
        rest: { api: this.double.apiUrl, globalRequestsPerSecond: 10_000, ...(this.libraryRetries ? {} : { retries: 0 }) },
        ws: { buildIdentifyThrottler: async () => ({ waitForIdentify: async () => {} }) },
      },
    });
  }

  async stopBot(): Promise<void> {
    await this.hearth?.stop();
    this.hearth = null;
  }

  /** Stops the bot and starts a new one on the same database, like a process restart. */
  async restart(): Promise<void> {
    await this.stopBot();
    await this.startBot();
  }

  async stop(): Promise<void> {
    await this.stopBot();
    await this.double.close();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------ people

  /** A member with no special permissions (or with the given roles). */
  member(name: string, options: { roles?: string[]; bot?: boolean } = {}): TestMember {
    const user = this.double.addUser(name, options.bot ?? false);
    return new TestMember(this, this.guild, this.double.addMember(this.guild, user, options.roles ?? []));
  }

  /** A member of another server the bot is in. */
  memberOf(guild: GuildState, name: string): TestMember {
    const user = this.double.addUser(name);
    return new TestMember(this, guild, this.double.addMember(guild, user, []));
  }

  /** A member whose role grants Manage Server. */
  leader(name = 'leader'): TestMember {
    let role = [...this.guild.roles.values()].find((r) => r.name === 'Moderators');
    role ??= this.double.addRole(this.guild, 'Moderators', PermissionFlagsBits.ManageGuild, 5);
    return this.member(name, { roles: [role.id] });
  }

  /** The server owner. */
  owner(): TestMember {
    return new TestMember(this, this.guild, this.guild.members.get(this.guild.ownerId)!);
  }

  // ------------------------------------------------------------ interactions

  private base(member: TestMember, type: InteractionType, where?: ChannelState) {
    const guild = member.guild;
    const channel = where ?? (guild === this.guild ? this.general : [...guild.channels.values()][0]!);
    return {
      id: snowflake(),
      application_id: this.double.applicationId,
      type,
      token: `itoken-${snowflake()}`,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: [] },
      channel_id: channel.id,
      channel: this.double.channelPayload(guild, channel),
      member: this.double.memberPayload(guild, member.state, channel),
      app_permissions: this.double.permissionsIn(guild, this.double.botUser.id, channel).toString(),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 26_214_400,
    };
  }

  private buildOptions(member: TestMember, commandLine: string, values: OptionValues, focused?: string) {
    const [name, ...path] = commandLine.trim().replace(/^\//, '').split(/\s+/);
    const definition = this.definitions.find((d) => d.name === name && (d.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput);
    if (!definition) throw new Error(`No slash command /${name} is defined`);
    let level: APIApplicationCommandOption[] = ('options' in definition ? definition.options : undefined) ?? [];
    const chain: { name: string; type: number }[] = [];
    for (const part of path) {
      const next = level.find((o) => o.name === part);
      if (!next || !('options' in next || next.type === ApplicationCommandOptionType.Subcommand)) {
        throw new Error(`/${name} has no subcommand ${part}`);
      }
      chain.push({ name: part, type: next.type });
      level = ('options' in next ? next.options : undefined) ?? [];
    }

    const resolved: Record<string, Record<string, unknown>> = {};
    const add = (kind: string, id: string, value: unknown) => {
      resolved[kind] ??= {};
      resolved[kind][id] = value;
    };
    const leaves = Object.entries(values).map(([optionName, raw]) => {
      const def = level.find((o) => o.name === optionName);
      if (!def) throw new Error(`/${commandLine} has no option ${optionName}`);
      const value = typeof raw === 'object' ? raw.id : raw;
      const guild = member.guild;
      switch (def.type) {
        case ApplicationCommandOptionType.User: {
          const user = this.double.users.get(String(value));
          if (user) add('users', user.id, this.double.userPayload(user));
          const inGuild = guild.members.get(String(value));
          if (inGuild) {
            const { user: _user, ...rest } = this.double.memberPayload(guild, inGuild, this.general);
            add('members', inGuild.user.id, rest);
          }
          break;
        }
        case ApplicationCommandOptionType.Role: {
          const role = guild.roles.get(String(value));
          if (role) add('roles', role.id, this.double.rolePayload(role));
          break;
        }
        case ApplicationCommandOptionType.Channel: {
          const channel = guild.channels.get(String(value));
          if (channel) add('channels', channel.id, { ...this.double.channelPayload(guild, channel), permissions: this.double.permissionsIn(guild, member.id, channel).toString() });
          break;
        }
        default:
          break;
      }
      return { name: optionName, type: def.type, value, ...(focused === optionName ? { focused: true } : {}) };
    });

    let options: unknown[] = leaves;
    for (const step of [...chain].reverse()) options = [{ name: step.name, type: step.type, options }];
    return {
      id: `${this.double.applicationId.slice(0, -3)}${String(this.definitions.indexOf(definition)).padStart(3, '0')}`,
      name: name!,
      type: ApplicationCommandType.ChatInput,
      guild_id: member.guild.id,
      options,
      ...(Object.keys(resolved).length ? { resolved } : {}),
    };
  }

  async runCommand(member: TestMember, commandLine: string, values: OptionValues, channel?: ChannelState): Promise<Seen> {
    return this.answer(this.double.sendInteraction(this.commandPayload(member, commandLine, values, channel)));
  }

  /** The interaction Discord would send when `member` runs `commandLine` with `values`. */
  commandPayload(member: TestMember, commandLine: string, values: OptionValues, channel?: ChannelState): APIInteraction {
    const payload = { ...this.base(member, InteractionType.ApplicationCommand, channel), data: this.buildOptions(member, commandLine, values) };
    return payload as unknown as APIInteraction;
  }

  /** Sends a command Discord knows but Hearth's definitions may not (a stale or removed command). */
  async rawCommand(member: TestMember, name: string): Promise<Seen> {
    const payload = {
      ...this.base(member, InteractionType.ApplicationCommand),
      data: { id: snowflake(), name, type: ApplicationCommandType.ChatInput, guild_id: member.guild.id, options: [] },
    };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  /** Clicks a button by its raw custom id (e.g. one from an old version of the bot). */
  async clickCustomId(member: TestMember, message: StoredMessage, customId: string): Promise<Seen> {
    const payload = {
      ...this.base(member, InteractionType.MessageComponent, this.channelOf(message)),
      data: { custom_id: customId, component_type: ComponentType.Button },
      message: this.double.messagePayload(message),
    };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  /**
   * Sends any custom id as a button click, a select pick (`values`) or a modal submission
   * (`fields`: text answers, or lists for selects) from `message`'s channel, the way a member with
   * a modified client could: Discord does not check custom ids.
   */
  async sendCustomId(
    member: TestMember,
    kind: 'button' | 'select' | 'modal',
    customId: string,
    message: StoredMessage,
    input: { values?: string[]; fields?: Record<string, string | string[]> } = {},
  ): Promise<Seen> {
    return this.answer(this.double.sendInteraction(this.customIdPayload(member, kind, customId, message, input)));
  }

  /** The interaction `sendCustomId` sends. */
  customIdPayload(
    member: TestMember,
    kind: 'button' | 'select' | 'modal',
    customId: string,
    message: StoredMessage,
    input: { values?: string[]; fields?: Record<string, string | string[]> } = {},
  ): APIInteraction {
    const type = kind === 'modal' ? InteractionType.ModalSubmit : InteractionType.MessageComponent;
    const components = Object.entries(input.fields ?? {}).map(([id, given]) => ({
      type: ComponentType.Label,
      component: Array.isArray(given) ? { type: ComponentType.StringSelect, custom_id: id, values: given } : { type: ComponentType.TextInput, custom_id: id, value: given },
    }));
    const data =
      kind === 'modal'
        ? { custom_id: customId, components }
        : { custom_id: customId, component_type: kind === 'button' ? ComponentType.Button : ComponentType.StringSelect, ...(kind === 'select' ? { values: input.values ?? [] } : {}) };
    const payload = { ...this.base(member, type, this.channelOf(message)), data, message: this.double.messagePayload(message) };
    return payload as unknown as APIInteraction;
  }

  async autocomplete(member: TestMember, commandLine: string, values: OptionValues, focused: string) {
    const payload = { ...this.base(member, InteractionType.ApplicationCommandAutocomplete), data: this.buildOptions(member, commandLine, values, focused) };
    const record = this.double.sendInteraction(payload as unknown as APIInteraction);
    const callback = await this.double.waitFor(() => record.callback ?? undefined, `an autocomplete answer to /${commandLine}`);
    if (callback.type !== InteractionResponseType.ApplicationCommandAutocompleteResult) throw new Error(`Expected autocomplete choices, got response type ${callback.type}`);
    return (callback.data?.choices ?? []) as { name: string; value: string | number }[];
  }

  async userMenu(member: TestMember, name: string, target: TestMember, channel?: ChannelState): Promise<Seen> {
    const { user: _user, ...targetMember } = this.double.memberPayload(target.guild, target.state, this.general);
    const payload = {
      ...this.base(member, InteractionType.ApplicationCommand, channel),
      data: {
        id: snowflake(),
        name,
        type: ApplicationCommandType.User,
        guild_id: member.guild.id,
        target_id: target.id,
        resolved: { users: { [target.id]: this.double.userPayload(target.state.user) }, members: { [target.id]: targetMember } },
      },
    };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  private channelOf(message: StoredMessage): ChannelState {
    const channel = this.double.guildOfChannel(message.channelId)?.channels.get(message.channelId);
    if (!channel) throw new Error('That message is not in a known channel');
    return channel;
  }

  async click(member: TestMember, message: StoredMessage, label: string): Promise<Seen> {
    return this.answer(this.double.sendInteraction(this.clickPayload(member, message, label)));
  }

  /** The interaction Discord would send when `member` clicks the button labelled `label`. */
  clickPayload(member: TestMember, message: StoredMessage, label: string): APIInteraction {
    const current = this.double.messages.get(message.id) ?? message;
    const buttons = allComponents(current.components).filter((c) => c.type === ComponentType.Button);
    const button = buttons.find((b) => b.label === label);
    if (!button) throw new Error(`No button labelled "${label}"; the message has: ${buttons.map((b) => b.label).join(', ')}`);
    if (button.disabled) throw new Error(`The button "${label}" is disabled`);
    const payload = {
      ...this.base(member, InteractionType.MessageComponent, this.channelOf(current)),
      data: { custom_id: button.custom_id, component_type: ComponentType.Button },
      message: this.double.messagePayload(current),
    };
    return payload as unknown as APIInteraction;
  }

  /**
   * A click in a direct message, as Discord sends it: the user without a member or a server,
   * `context: 1` (bot DM) and the DM channel.
   */
  async clickInDirectMessage(member: TestMember, message: StoredMessage, label: string): Promise<Seen> {
    const current = this.double.messages.get(message.id) ?? message;
    const button = allComponents(current.components).find((c) => c.type === ComponentType.Button && c.label === label);
    if (!button) throw new Error(`No button labelled "${label}" on that direct message`);
    const payload = {
      ...this.directBase(member, InteractionType.MessageComponent),
      data: { custom_id: button.custom_id, component_type: ComponentType.Button },
      message: this.double.messagePayload(current),
    };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  /** Sends any custom id as a click (or a modal submission with `fields`) from the member's direct messages with Hearth, as a modified client could. */
  async sendCustomIdInDirectMessage(member: TestMember, kind: 'button' | 'modal', customId: string, fields: Record<string, string> = {}): Promise<Seen> {
    const channel = this.double.dmChannelPayload(member.id);
    const components = Object.entries(fields).map(([id, value]) => ({ type: ComponentType.Label, component: { type: ComponentType.TextInput, custom_id: id, value } }));
    const message = { id: snowflake(), channel_id: channel.id, author: this.double.userPayload(this.double.botUser), content: '', timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0, components: [] };
    const data = kind === 'modal' ? { custom_id: customId, components } : { custom_id: customId, component_type: ComponentType.Button };
    const payload = { ...this.directBase(member, kind === 'modal' ? InteractionType.ModalSubmit : InteractionType.MessageComponent), data, ...(kind === 'button' ? { message } : {}) };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  private directBase(member: TestMember, type: InteractionType) {
    const channel = this.double.dmChannelPayload(member.id);
    return {
      id: snowflake(),
      application_id: this.double.applicationId,
      type,
      token: `itoken-${snowflake()}`,
      version: 1,
      channel_id: channel.id,
      channel,
      user: this.double.userPayload(member.state.user),
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': member.guild.id },
      context: 1,
      attachment_size_limit: 26_214_400,
    };
  }

  /** Submits, from the direct message, a modal the bot opened there (text fields by label or custom id). */
  async submitModalInDirectMessage(member: TestMember, opened: Seen, fields: Record<string, string>): Promise<Seen> {
    const callback = opened.record.callback;
    if (callback?.type !== InteractionResponseType.Modal) throw new Error('The bot did not open a modal');
    const modal = callback.data as { custom_id: string; components: { type: number; label?: string; components?: { type: number; custom_id: string; label?: string }[]; component?: { type: number; custom_id: string } }[] };
    const components = modal.components.map((top) => {
      const inner = top.component ?? top.components![0]!;
      const label = top.label ?? top.components?.[0]?.label;
      const value = fields[inner.custom_id] ?? (label !== undefined ? fields[label] : undefined) ?? '';
      return top.type === ComponentType.Label
        ? { type: ComponentType.Label, component: { type: inner.type, custom_id: inner.custom_id, value } }
        : { type: ComponentType.ActionRow, components: [{ type: inner.type, custom_id: inner.custom_id, value }] };
    });
    const payload = { ...this.directBase(member, InteractionType.ModalSubmit), data: { custom_id: modal.custom_id, components } };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  async select(member: TestMember, message: StoredMessage, values: string[], placeholder?: string): Promise<Seen> {
    const current = this.double.messages.get(message.id) ?? message;
    const selects = allComponents(current.components).filter((c) => c.type === ComponentType.StringSelect);
    const menu = placeholder ? selects.find((s) => s.placeholder === placeholder) : selects[0];
    if (!menu) throw new Error(`No select menu${placeholder ? ` "${placeholder}"` : ''} on that message`);
    const payload = {
      ...this.base(member, InteractionType.MessageComponent, this.channelOf(current)),
      data: { custom_id: menu.custom_id, component_type: ComponentType.StringSelect, values },
      message: this.double.messagePayload(current),
    };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  async submitModal(member: TestMember, opened: Seen, fields: Record<string, string | string[]>): Promise<Seen> {
    const callback = opened.record.callback;
    if (callback?.type !== InteractionResponseType.Modal) throw new Error('The bot did not open a modal');
    const modal = callback.data as { custom_id: string; components: Record<string, unknown>[] };
    const pick = (customId: string, label?: string) => fields[customId] ?? (label !== undefined ? fields[label] : undefined);
    const components = modal.components.map((top) => {
      if (top.type === ComponentType.ActionRow) {
        const inner = (top.components as { type: number; custom_id: string; label?: string }[]).map((input) => ({
          type: input.type,
          custom_id: input.custom_id,
          value: String(pick(input.custom_id, input.label) ?? ''),
        }));
        return { type: ComponentType.ActionRow, components: inner };
      }
      if (top.type === ComponentType.Label) {
        const inner = top.component as { type: number; custom_id: string };
        const given = pick(inner.custom_id, top.label as string);
        const answer = inner.type === ComponentType.TextInput
          ? { value: String(given ?? '') }
          : { values: given === undefined ? [] : Array.isArray(given) ? given : [given] };
        return { type: ComponentType.Label, component: { type: inner.type, custom_id: inner.custom_id, ...answer } };
      }
      return top;
    });
    const source = 'message' in opened.record.payload ? (opened.record.payload.message as { id: string } | undefined) : undefined;
    const sourceMessage = source ? this.double.messages.get(source.id) : undefined;
    const payload = {
      ...this.base(member, InteractionType.ModalSubmit, opened.record.payload.channel ? this.double.guildOfChannel(opened.record.payload.channel.id)?.channels.get(opened.record.payload.channel.id) : undefined),
      data: { custom_id: modal.custom_id, components },
      ...(sourceMessage ? { message: this.double.messagePayload(sourceMessage) } : {}),
    };
    return this.answer(this.double.sendInteraction(payload as unknown as APIInteraction));
  }

  /** Waits until the member can see an answer: a reply, an updated message, or an opened modal. */
  private async answer(record: InteractionRecord): Promise<Seen> {
    const callback = await this.double.waitFor(() => record.callback ?? undefined, `the bot to acknowledge interaction ${record.id}`);
    const ackMs = callback.at - record.dispatchedAt;
    if (callback.type === InteractionResponseType.Modal) {
      return { record, ackMs, reply: undefined as unknown as StoredMessage };
    }
    const reply = await this.double.waitFor(() => {
      const message = record.originalId ? this.double.messages.get(record.originalId) : undefined;
      const deferredUpdate = callback.type === InteractionResponseType.DeferredMessageUpdate;
      if (!message) return undefined;
      if (message.flags & MessageFlags.Loading) return undefined;
      if (deferredUpdate && message.edits === 0) return undefined;
      return message;
    }, `the bot's answer to interaction ${record.id}`);
    return { record, ackMs, reply };
  }
}

type AnyComponent = { type: number; label?: string; custom_id: string; disabled?: boolean; placeholder?: string; components?: AnyComponent[]; accessory?: AnyComponent; component?: AnyComponent };

/** Every component on a message, however deeply it is nested. */
export function allComponents(components: APIMessageTopLevelComponent[]): AnyComponent[] {
  const out: AnyComponent[] = [];
  const walk = (list: AnyComponent[]) => {
    for (const c of list) {
      out.push(c);
      if (c.components) walk(c.components);
      if (c.accessory) walk([c.accessory]);
      if (c.component) walk([c.component]);
    }
  };
  walk(components as unknown as AnyComponent[]);
  return out;
}

/** Everything a member can read on a message, as one string for `toContain` checks. */
export function textOf(message: StoredMessage): string {
  const parts: string[] = [message.content];
  for (const embed of message.embeds) {
    parts.push(embed.title ?? '', embed.description ?? '', embed.author?.name ?? '', embed.footer?.text ?? '');
    for (const field of embed.fields ?? []) parts.push(field.name, field.value);
  }
  for (const c of allComponents(message.components) as (AnyComponent & { content?: string })[]) {
    if (c.content) parts.push(c.content);
    if (c.label) parts.push(c.label);
  }
  return parts.filter(Boolean).join('\n');
}

export function isEphemeral(message: StoredMessage): boolean {
  return (message.flags & MessageFlags.Ephemeral) !== 0;
}

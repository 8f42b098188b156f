/**
 * A loopback stand-in for Discord: enough of the REST API and the gateway for the real discord.js
 * client to log in, receive interactions and answer them, post and edit messages. It keeps what
 * the bot sent so tests can read it back the way a member would see it.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonStyle,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  MessageType,
  PermissionFlagsBits,
  type APIAttachment,
  type APIChannel,
  type APIEmbed,
  type APIGuildMember,
  type APIInteraction,
  type APIMessage,
  type APIMessageTopLevelComponent,
  type APIRole,
  type APIUser,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.AddReactions;

export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.ManageRoles;

let snowflakeCounter = 0n;
/** Real-looking, always increasing ids. */
export function snowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1n) & 0xfffn;
  return (((BigInt(Date.now()) - 1420070400000n) << 22n) | (1n << 17n) | snowflakeCounter).toString();
}

export interface RoleState {
  id: string;
  name: string;
  permissions: bigint;
  position: number;
  managed: boolean;
  /** "Allow anyone to @mention this role" in the role's settings. */
  mentionable?: boolean;
}

export interface Overwrite {
  id: string;
  type: 0 | 1; // role | member
  allow: bigint;
  deny: bigint;
}

export interface ChannelState {
  id: string;
  name: string;
  type: ChannelType;
  overwrites: Overwrite[];
  /** For a thread: the channel it belongs to (whose permissions it uses). */
  parentId?: string;
}

export interface UserState {
  id: string;
  username: string;
  bot: boolean;
}

export interface MemberState {
  user: UserState;
  roles: string[];
  joinedAt: string;
}

export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  roles: Map<string, RoleState>;
  channels: Map<string, ChannelState>;
  members: Map<string, MemberState>;
}

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A message as a member would see it, with the bytes of its files. */
export interface StoredMessage {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  flags: number;
  files: StoredAttachment[];
  /** allowed_mentions as last sent, so tests can check who would have been pinged. */
  allowedMentions: unknown;
  createdAt: string;
  editedAt: string | null;
  edits: number;
  interactionId: string | null;
  /** The nonce it was posted with, if any (see enforce_nonce). */
  nonce?: string;
}

export interface CallbackRecord {
  type: InteractionResponseType;
  data: Record<string, unknown> | undefined;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  payload: APIInteraction;
  dispatchedAt: number;
  callback: CallbackRecord | null;
  /** The reply message (type 4/5), or the source message for component updates (type 6/7). */
  originalId: string | null;
  followupIds: string[];
}

export interface RequestRecord {
  method: string;
  path: string;
  at: number;
  status: number;
  body: unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    /** Seconds, for a 429: sent as Discord does, in the Retry-After header and the body. */
    readonly retryAfter?: number,
    /** A 429 for the bot's requests as a whole (X-RateLimit-Global), not for one route. */
    readonly global = false,
  ) {
    super(message);
  }
}

type Route = {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle: (match: RegExpMatchArray, body: ParsedBody, url: URL) => unknown;
};

type ParsedBody = { json: Record<string, unknown> | unknown[] | undefined; files: Map<number, StoredAttachment> };

export class DiscordDouble {
  readonly token = `${Buffer.from(randomBytes(9)).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(20).toString('base64url')}`;
  readonly botUser: UserState = { id: snowflake(), username: 'Hearth', bot: true };
  readonly applicationId = this.botUser.id;
  readonly guilds = new Map<string, GuildState>();
  readonly users = new Map<string, UserState>();
  readonly messages = new Map<string, StoredMessage>();
  /** The bot's posts by `<channel>:<nonce>`: a repeat is found without reading every message (a benchmark posts thousands). */
  private readonly postedByNonce = new Map<string, StoredMessage>();
  readonly interactions = new Map<string, InteractionRecord>();
  // Webhook routes name an interaction by its token: found at once, however many a long run sent.
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  readonly requests: RequestRecord[] = [];
  /** TCP connections the bot has opened to the HTTP API so far. */
  connections = 0;
  readonly registeredCommands = new Map<string, RESTPostAPIApplicationCommandsJSONBody[]>(); // 'global' or guild id
  /** Requests the double has no route for: a test can assert this stays empty. */
  readonly unhandled: string[] = [];
  /** Direct message channels: user id -> channel id, created once per user and remembered. */
  readonly dmChannels = new Map<string, string>();
  /** The other way round: DM channel id -> user id. */
  private readonly dmRecipients = new Map<string, string>();
  /** Users who do not accept direct messages (Discord answers 50007). */
  readonly closedDms = new Set<string>();
  /** Answer the next requests matching a path with an error, to test failure paths. */
  readonly failures: { method: string; path: RegExp; status: number; code: number; message: string; times: number; retryAfter?: number; global?: boolean; page?: boolean }[] = [];
  private readonly holds: { method: string; path: RegExp; arrive: () => void; released: Promise<void> }[] = [];
  /** During a gateway outage new connections are refused (HTTP 503), as Discord's load balancers do. */
  private gatewayDown = false;

  private readonly events = new EventEmitter();
  private readonly sessions = new Set<GatewaySession>();
  private server!: Server;
  private wss!: WebSocketServer;
  private port = 0;
  private readonly routes: Route[] = [];

  static async start(): Promise<DiscordDouble> {
    const double = new DiscordDouble();
    await double.listen();
    return double;
  }

  private constructor() {
    this.events.setMaxListeners(0);
    this.users.set(this.botUser.id, this.botUser);
    this.defineRoutes();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What DISCORD_API_URL is set to for the bot. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  get connectedSessions(): number {
    return [...this.sessions].filter((s) => s.identified).length;
  }

  // ---------------------------------------------------------------- world building

  addGuild(name = 'Test Server'): GuildState {
    const id = snowflake();
    const owner = this.addUser('owner');
    const guild: GuildState = { id, name, ownerId: owner.id, roles: new Map(), channels: new Map(), members: new Map() };
    guild.roles.set(id, { id, name: '@everyone', permissions: DEFAULT_EVERYONE_PERMISSIONS, position: 0, managed: false });
    const botRole = { id: snowflake(), name: 'Hearth', permissions: BOT_PERMISSIONS, position: 10, managed: true };
    guild.roles.set(botRole.id, botRole);
    this.guilds.set(id, guild);
    this.addMember(guild, owner, []);
    this.addMember(guild, this.botUser, [botRole.id]);
    this.addChannel(guild, 'general');
    if (this.connectedSessions > 0) this.dispatch(GatewayDispatchEvents.GuildCreate, this.guildCreatePayload(guild));
    return guild;
  }

  /**
   * The bot is kicked, or the server deleted: Discord sends GUILD_DELETE without `unavailable`,
   * and the bot is no longer a member (it is not in READY either after a restart).
   */
  removeBot(guild: GuildState): void {
    guild.members.delete(this.botUser.id);
    this.dispatch(GatewayDispatchEvents.GuildDelete, { id: guild.id });
  }

  /** The bot is invited back (with its managed role): GUILD_CREATE, as for any new server. */
  inviteBot(guild: GuildState): void {
    this.addMember(guild, this.botUser, [this.botRole(guild).id]);
    this.dispatch(GatewayDispatchEvents.GuildCreate, this.guildCreatePayload(guild));
  }

  /** A Discord outage: GUILD_DELETE with `unavailable: true`, then GUILD_CREATE once it is over. The bot stays a member. */
  outage(guild: GuildState): { end: () => void } {
    this.dispatch(GatewayDispatchEvents.GuildDelete, { id: guild.id, unavailable: true });
    return { end: () => this.dispatch(GatewayDispatchEvents.GuildCreate, this.guildCreatePayload(guild)) };
  }

  addUser(username: string, bot = false): UserState {
    const user = { id: snowflake(), username, bot };
    this.users.set(user.id, user);
    return user;
  }

  addMember(guild: GuildState, user: UserState, roles: string[]): MemberState {
    const member = { user, roles, joinedAt: new Date().toISOString() };
    guild.members.set(user.id, member);
    return member;
  }

  addRole(guild: GuildState, name: string, permissions = 0n, position = 1, mentionable = false): RoleState {
    const role = { id: snowflake(), name, permissions, position, managed: false, mentionable };
    guild.roles.set(role.id, role);
    if (this.connectedSessions > 0) this.dispatch(GatewayDispatchEvents.GuildRoleCreate, { guild_id: guild.id, role: this.rolePayload(role) });
    return role;
  }

  /** Changes a role, as a leader would in Server Settings -> Roles (the bot gets GUILD_ROLE_UPDATE). */
  updateRole(guild: GuildState, role: RoleState, changes: Partial<Pick<RoleState, 'permissions' | 'position' | 'mentionable' | 'name'>>): void {
    Object.assign(role, changes);
    if (this.connectedSessions > 0) this.dispatch(GatewayDispatchEvents.GuildRoleUpdate, { guild_id: guild.id, role: this.rolePayload(role) });
  }

  addChannel(guild: GuildState, name: string, options: { type?: ChannelType; overwrites?: Overwrite[] } = {}): ChannelState {
    const channel = { id: snowflake(), name, type: options.type ?? ChannelType.GuildText, overwrites: options.overwrites ?? [] };
    guild.channels.set(channel.id, channel);
    if (this.connectedSessions > 0) this.dispatch(GatewayDispatchEvents.ChannelCreate, this.channelPayload(guild, channel));
    return channel;
  }

  /** A public thread in `parent` (the bot hears of it by THREAD_CREATE, as from Discord). */
  addThread(guild: GuildState, parent: ChannelState, name: string): ChannelState {
    const thread: ChannelState = { id: snowflake(), name, type: ChannelType.PublicThread, overwrites: [], parentId: parent.id };
    guild.channels.set(thread.id, thread);
    if (this.connectedSessions > 0) this.dispatch(GatewayDispatchEvents.ThreadCreate, { ...this.channelPayload(guild, thread), newly_created: true });
    return thread;
  }

  /** Replaces a channel's permission overwrites, as a leader would in Edit Channel (the bot gets CHANNEL_UPDATE). */
  setOverwrites(guild: GuildState, channel: ChannelState, overwrites: Overwrite[]): void {
    channel.overwrites = overwrites;
    if (this.connectedSessions > 0) this.dispatch(GatewayDispatchEvents.ChannelUpdate, this.channelPayload(guild, channel));
  }

  botRole(guild: GuildState): RoleState {
    return [...guild.roles.values()].find((r) => r.managed)!;
  }

  guildOfChannel(channelId: string): GuildState | undefined {
    return [...this.guilds.values()].find((g) => g.channels.has(channelId));
  }

  // ---------------------------------------------------------------- permissions, as Discord computes them

  permissionsIn(guild: GuildState, userId: string, channel?: ChannelState): bigint {
    const member = guild.members.get(userId);
    if (!member) return 0n;
    if (userId === guild.ownerId) return ALL_PERMISSIONS;
    let base = guild.roles.get(guild.id)!.permissions;
    for (const roleId of member.roles) base |= guild.roles.get(roleId)?.permissions ?? 0n;
    if (base & PermissionFlagsBits.Administrator) return ALL_PERMISSIONS;
    if (!channel) return base;
    // A thread has no overwrites of its own: it follows its channel.
    if (channel.parentId) return this.permissionsIn(guild, userId, guild.channels.get(channel.parentId));
    let perms = base;
    const everyone = channel.overwrites.find((o) => o.id === guild.id);
    if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
    let allow = 0n;
    let deny = 0n;
    for (const o of channel.overwrites) {
      if (o.type === 0 && member.roles.includes(o.id)) {
        allow |= o.allow;
        deny |= o.deny;
      }
    }
    perms = (perms & ~deny) | allow;
    const own = channel.overwrites.find((o) => o.type === 1 && o.id === userId);
    if (own) perms = (perms & ~own.deny) | own.allow;
    return perms;
  }

  // ---------------------------------------------------------------- payloads

  userPayload(user: UserState): APIUser {
    return { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null, bot: user.bot || undefined };
  }

  memberPayload(guild: GuildState, member: MemberState, channel?: ChannelState): APIGuildMember & { permissions?: string } {
    return {
      user: this.userPayload(member.user),
      roles: member.roles,
      joined_at: member.joinedAt,
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
      banner: null,
      pending: false,
      ...(channel ? { permissions: this.permissionsIn(guild, member.user.id, channel).toString() } : {}),
    } as unknown as APIGuildMember;
  }

  rolePayload(role: RoleState): APIRole {
    return {
      id: role.id,
      name: role.name,
      color: 0,
      colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: role.position,
      permissions: role.permissions.toString(),
      managed: role.managed,
      mentionable: role.mentionable ?? false,
      flags: 0,
      ...(role.managed ? { tags: { bot_id: this.botUser.id } } : {}),
    } as unknown as APIRole;
  }

  channelPayload(guild: GuildState, channel: ChannelState): APIChannel {
    if (channel.parentId) {
      return {
        id: channel.id,
        type: channel.type,
        guild_id: guild.id,
        name: channel.name,
        parent_id: channel.parentId,
        owner_id: guild.ownerId,
        last_message_id: null,
        rate_limit_per_user: 0,
        message_count: 0,
        member_count: 1,
        total_message_sent: 0,
        flags: 0,
        thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      } as unknown as APIChannel;
    }
    return {
      id: channel.id,
      type: channel.type,
      guild_id: guild.id,
      name: channel.name,
      position: 0,
      permission_overwrites: channel.overwrites.map((o) => ({ id: o.id, type: o.type, allow: o.allow.toString(), deny: o.deny.toString() })),
      parent_id: null,
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      ...(channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice ? { bitrate: 64_000, user_limit: 0, rtc_region: null } : {}),
    } as APIChannel;
  }

  guildCreatePayload(guild: GuildState): Record<string, unknown> {
    const bot = guild.members.get(this.botUser.id)!;
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      roles: [...guild.roles.values()].map((r) => this.rolePayload(r)),
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      vanity_url_code: null,
      description: null,
      banner: null,
      premium_tier: 0,
      preferred_locale: 'en-US',
      public_updates_channel_id: null,
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      safety_alerts_channel_id: null,
      joined_at: bot.joinedAt,
      large: false,
      unavailable: false,
      member_count: guild.members.size,
      voice_states: [],
      // Without the privileged members intent Discord sends only the bot's own member.
      members: [this.memberPayload(guild, bot)],
      channels: [...guild.channels.values()].filter((c) => !c.parentId).map((c) => this.channelPayload(guild, c)),
      threads: [...guild.channels.values()].filter((c) => c.parentId).map((c) => this.channelPayload(guild, c)),
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  messagePayload(message: StoredMessage): APIMessage {
    const author = this.users.get(message.authorId) ?? this.botUser;
    return {
      id: message.id,
      channel_id: message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
      author: this.userPayload(author),
      content: message.content,
      timestamp: message.createdAt,
      edited_timestamp: message.editedAt,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: message.files.map((f) => this.attachmentPayload(f)),
      embeds: message.embeds,
      pinned: false,
      type: message.interactionId ? MessageType.ChatInputCommand : MessageType.Default,
      flags: message.flags,
      components: message.components,
      ...(message.interactionId ? { application_id: this.applicationId, webhook_id: this.applicationId } : {}),
    } as APIMessage;
  }

  private attachmentPayload(file: StoredAttachment): APIAttachment {
    return {
      id: file.id,
      filename: file.filename,
      size: file.data.length,
      url: `${this.url}/attachments/${file.id}/${file.filename}`,
      proxy_url: `${this.url}/attachments/${file.id}/${file.filename}`,
      content_type: file.contentType,
    };
  }

  /** A message that is already in a channel (posted by the bot earlier, say by an older version). */
  seedMessage(channelId: string, fields: { content?: string; embeds?: APIEmbed[]; components?: APIMessageTopLevelComponent[]; flags?: number }): StoredMessage {
    return this.newMessage(channelId, { json: fields, files: new Map() });
  }

  // ---------------------------------------------------------------- reading what the bot did

  channelMessages(channelId: string): StoredMessage[] {
    return [...this.messages.values()].filter((m) => m.channelId === channelId && !(m.flags & MessageFlags.Ephemeral));
  }

  /** Resolves when `check` returns something other than undefined; re-checked on every request. */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve, reject) => {
      const onChange = () => {
        const value = check();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', onChange);
      };
      this.events.on('change', onChange);
    });
  }

  /**
   * Who a message notifies, as Discord decides: the mentions in its content that allowed_mentions
   * lets through (all of them when it sent none), a role only if members may @mention it or Hearth
   * may mention every role there, @everyone and @here only with that permission too.
   */
  pings(message: StoredMessage): { users: string[]; roles: string[]; everyone: boolean } {
    const allowed = message.allowedMentions as { parse?: string[]; users?: string[]; roles?: string[] } | null;
    const parses = (kind: string) => !allowed || (allowed.parse ?? []).includes(kind);
    const guild = message.guildId ? this.guilds.get(message.guildId) : undefined;
    const mayMentionAll = guild ? (this.permissionsIn(guild, this.botUser.id, guild.channels.get(message.channelId)) & PermissionFlagsBits.MentionEveryone) !== 0n : false;
    const mentioned = (pattern: RegExp) => [...new Set([...message.content.matchAll(pattern)].map((m) => m[1]!))];
    return {
      users: mentioned(/<@!?(\d+)>/g).filter((id) => parses('users') || (allowed?.users ?? []).includes(id)),
      roles: mentioned(/<@&(\d+)>/g).filter(
        (id) => (parses('roles') || (allowed?.roles ?? []).includes(id)) && (mayMentionAll || guild?.roles.get(id)?.mentionable === true),
      ),
      everyone: /@(everyone|here)/.test(message.content) && parses('everyone') && mayMentionAll,
    };
  }

  // ---------------------------------------------------------------- driving the bot

  /** Sends a gateway event to every connected bot. */
  dispatch(event: string, data: unknown): void {
    for (const session of this.sessions) session.dispatch(event, data);
  }

  sendInteraction(payload: APIInteraction): InteractionRecord {
    const record: InteractionRecord = {
      id: payload.id,
      token: payload.token,
      payload,
      dispatchedAt: performance.now(),
      callback: null,
      originalId: null,
      followupIds: [],
    };
    this.interactions.set(payload.id, record);
    this.interactionsByToken.set(payload.token, record);
    if (this.connectedSessions === 0) throw new Error('No bot is connected to the Discord double.');
    this.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    return record;
  }

  /**
   * Lets go of these interactions and the private replies made to them, and of the bodies of every
   * request so far: a benchmark that sends hundreds of thousands would otherwise keep them all, and
   * its own garbage collections would grow with them. Their requests stay, as method, path and time.
   */
  forget(records: InteractionRecord[]): void {
    for (const record of records) {
      this.interactions.delete(record.id);
      this.interactionsByToken.delete(record.token);
      for (const id of [record.originalId, ...record.followupIds]) {
        const message = id ? this.messages.get(id) : undefined;
        if (message && message.flags & MessageFlags.Ephemeral && message.interactionId === record.id) this.messages.delete(message.id);
      }
    }
    for (; this.bodiesKeptFrom < this.requests.length; this.bodiesKeptFrom++) this.requests[this.bodiesKeptFrom]!.body = undefined;
  }
  private bodiesKeptFrom = 0;

  /** The user turns off direct messages from server members: sending them one fails with 50007. */
  closeDirectMessages(userId: string): void {
    this.closedDms.add(userId);
  }

  /** The member leaves the server (Discord then answers 10007 Unknown Member for them there). */
  removeMember(guild: GuildState, userId: string): void {
    guild.members.delete(userId);
  }

  /** The payload of a user's direct-message channel with the bot, as an interaction from it carries (a user may open one themselves). */
  dmChannelPayload(userId: string): { id: string; type: ChannelType.DM; recipients: APIUser[] } {
    if (!this.dmChannels.has(userId) && this.users.has(userId)) {
      const opened = snowflake();
      this.dmChannels.set(userId, opened);
      this.dmRecipients.set(opened, userId);
    }
    const id = this.dmChannels.get(userId);
    if (!id) throw new Error('Hearth has not opened a direct message with that user');
    return { id, type: ChannelType.DM, recipients: [this.userPayload(this.users.get(userId)!)] };
  }

  /** Direct messages the bot sent a user, oldest first. */
  directMessages(userId: string): StoredMessage[] {
    const channelId = this.dmChannels.get(userId);
    return channelId ? [...this.messages.values()].filter((m) => m.channelId === channelId) : [];
  }

  private dmRecipient(channelId: string): string | undefined {
    return this.dmRecipients.get(channelId);
  }

  /** Make the next `times` requests to a path fail the way Discord would. */
  failNext(method: string, path: RegExp, status: number, code: number, message: string, times = 1): void {
    this.failures.push({ method, path, status, code, message, times });
  }

  /**
   * Answer the next `times` requests to a path with 429 and Discord's Retry-After (in seconds);
   * `global`: the limit on all of the bot's requests, as Discord marks it (X-RateLimit-Global).
   */
  rateLimitNext(method: string, path: RegExp, retryAfterSeconds: number, times = 1, global = false): void {
    this.failures.push({ method, path, status: 429, code: 0, message: 'You are being rate limited.', times, retryAfter: retryAfterSeconds, global });
  }

  /**
   * Holds the next request to a path until `release()` (a slow Discord, or a stop arriving while a
   * request is in flight); `arrived` resolves once the request has reached the double.
   */
  holdNext(method: string, path: RegExp): { arrived: Promise<void>; release: () => void } {
    let arrive!: () => void;
    let release!: () => void;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method, path, arrive, released });
    return { arrived, release };
  }

  /**
   * The gateway goes down: every session is closed (1001, going away) and reconnections are refused
   * until `restoreGateway()`. REST keeps working, as in most of Discord's gateway incidents.
   */
  dropGateway(): void {
    this.gatewayDown = true;
    for (const session of this.sessions) session.socket.close(1001, 'Discord is going away');
  }

  /** The gateway is back: the bot's next reconnection gets a new session (resuming is refused, so it identifies again). */
  restoreGateway(): void {
    this.gatewayDown = false;
  }

  /** Answer the next request to a path with an error page that is not Discord's JSON (a proxy or a compatible server). */
  failNextWithPage(method: string, path: RegExp, status: number, page: string): void {
    this.failures.push({ method, path, status, code: 0, message: page, times: 1, page: true });
  }

  async close(): Promise<void> {
    for (const session of this.sessions) session.socket.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---------------------------------------------------------------- HTTP

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', () => this.connections++);
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (this.gatewayDown) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    const raw = await readBody(req);
    const record: RequestRecord = { method, path, at: performance.now(), status: 0, body: undefined };
    this.requests.push(record);
    try {
      const body = await parseBody(req.headers['content-type'], raw);
      record.body = body.json;
      const hold = this.holds.find((h) => h.method === method && h.path.test(path));
      if (hold) {
        this.holds.splice(this.holds.indexOf(hold), 1);
        hold.arrive();
        await hold.released;
      }
      const failure = this.failures.find((f) => f.method === method && f.path.test(path) && f.times > 0);
      if (failure) {
        failure.times -= 1;
        if (failure.page) {
          record.status = failure.status;
          res.writeHead(failure.status, { 'content-type': 'text/html' }).end(failure.message);
          return;
        }
        throw new HttpError(failure.status, failure.code, failure.message, failure.retryAfter, failure.global);
      }
      const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
      if (!route) {
        this.unhandled.push(`${method} ${path}`);
        throw new HttpError(404, 0, '404: Not Found');
      }
      if (route.auth && req.headers.authorization !== `Bot ${this.token}`) throw new HttpError(401, 0, '401: Unauthorized');
      const result = route.handle(path.match(route.pattern)!, body, url);
      if (result === undefined) {
        record.status = 204;
        res.writeHead(204).end();
      } else {
        record.status = 200;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      }
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 0, String(error));
      record.status = e.status;
      if (e.retryAfter !== undefined) {
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(e.retryAfter), 'x-ratelimit-scope': e.global ? 'global' : 'user', ...(e.global ? { 'x-ratelimit-global': 'true' } : {}) })
          .end(JSON.stringify({ message: e.message, retry_after: e.retryAfter, global: e.global }));
      } else {
        res.writeHead(e.status, { 'content-type': 'application/json' }).end(JSON.stringify({ code: e.code, message: e.message }));
      }
    } finally {
      this.events.emit('change');
    }
  }

  private route(method: string, pattern: RegExp, handle: Route['handle'], auth = true): void {
    this.routes.push({ method, pattern, handle, auth });
  }

  private defineRoutes(): void {
    this.route('GET', /^\/gateway\/bot$/, () => ({
      url: `ws://127.0.0.1:${this.port}`,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 1000, reset_after: 86_400_000, max_concurrency: 1 },
    }));
    this.route('GET', /^\/users\/@me$/, () => this.userPayload(this.botUser));
    this.route('GET', /^\/applications\/@me$/, () => ({ id: this.applicationId, name: this.botUser.username, description: '', icon: null, bot_public: true, bot_require_code_grant: false, verify_key: 'f'.repeat(64), flags: 0, bot: this.userPayload(this.botUser) }));
    this.route('GET', /^\/users\/@me\/guilds$/, () =>
      [...this.guilds.values()].map((g) => ({ id: g.id, name: g.name, icon: null, banner: null, owner: false, permissions: this.permissionsIn(g, this.botUser.id).toString(), features: [] })),
    );
    // Direct messages: opening a DM channel always works; sending fails if the user closed DMs.
    this.route('POST', /^\/users\/@me\/channels$/, (_m, body) => {
      const recipientId = String((body.json as { recipient_id?: unknown } | undefined)?.recipient_id ?? '');
      const user = this.users.get(recipientId);
      if (!user) throw new HttpError(400, 50035, 'Invalid Form Body: unknown recipient_id');
      let channelId = this.dmChannels.get(recipientId);
      if (!channelId) {
        channelId = snowflake();
        this.dmChannels.set(recipientId, channelId);
        this.dmRecipients.set(channelId, recipientId);
      }
      return { id: channelId, type: ChannelType.DM, last_message_id: null, recipients: [this.userPayload(user)] };
    });

    // Command registration
    const commandsRoute = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/;
    this.route('GET', commandsRoute, (m) => this.withCommandIds(this.registeredCommands.get(m[2] ?? 'global') ?? [], m[2]));
    this.route('PUT', commandsRoute, (m, body) => {
      if (m[1] !== this.applicationId) throw new HttpError(403, 50035, 'Invalid application id');
      refuse(commandProblems(body.json));
      const list = body.json as RESTPostAPIApplicationCommandsJSONBody[];
      this.registeredCommands.set(m[2] ?? 'global', list);
      return this.withCommandIds(list, m[2]);
    });

    // Interaction responses (no Authorization header: the token in the path is the credential)
    this.route('POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/, (m, body, url) => this.onCallback(m[1]!, m[2]!, body, url), false);
    const original = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/;
    this.route('PATCH', original, (m, body) => this.messagePayload(this.editWebhookMessage(m[2]!, m[3]!, body)), false);
    this.route('GET', original, (m) => this.messagePayload(this.webhookMessage(m[2]!, m[3]!)), false);
    this.route('DELETE', original, (m) => {
      this.messages.delete(this.webhookMessage(m[2]!, m[3]!).id);
      return undefined;
    }, false);
    this.route('POST', /^\/webhooks\/(\d+)\/([^/]+)$/, (m, body) => this.messagePayload(this.followup(m[2]!, body)), false);

    // Channel messages
    this.route('POST', /^\/channels\/(\d+)\/messages$/, (m, body) => this.messagePayload(this.postMessage(m[1]!, body)));
    this.route('PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/, (m, body) => {
      const message = this.messageIn(m[1]!, m[2]!);
      const json = (body.json ?? {}) as Record<string, unknown>;
      let needed = PermissionFlagsBits.ViewChannel;
      if (Array.isArray(json.embeds) && json.embeds.length > 0) needed |= PermissionFlagsBits.EmbedLinks;
      if (body.files.size > 0) needed |= PermissionFlagsBits.AttachFiles;
      if (this.dmRecipient(m[1]!) === undefined) this.requirePermissions(m[1]!, needed);
      if (message.authorId !== this.botUser.id) throw new HttpError(403, 50005, 'Cannot edit a message authored by another user');
      return this.messagePayload(this.applyEdit(message, body));
    });
    this.route('GET', /^\/channels\/(\d+)\/messages\/(\d+)$/, (m) => {
      this.requirePermissions(m[1]!, PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory);
      return this.messagePayload(this.messageIn(m[1]!, m[2]!));
    });
    this.route('DELETE', /^\/channels\/(\d+)\/messages\/(\d+)$/, (m) => {
      const message = this.messageIn(m[1]!, m[2]!);
      // Hearth may delete its own messages; anyone else's needs Manage Messages.
      const needed = message.authorId === this.botUser.id ? PermissionFlagsBits.ViewChannel : PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageMessages;
      if (this.dmRecipient(m[1]!) === undefined) this.requirePermissions(m[1]!, needed);
      else if (message.authorId !== this.botUser.id) throw new HttpError(403, 50003, 'Cannot execute action on a DM channel');
      this.messages.delete(message.id);
      return undefined;
    });

    // Guilds, members and roles
    this.route('GET', /^\/guilds\/(\d+)$/, (m, _body, url) => {
      const guild = this.guildById(m[1]!);
      const { members: _m, channels: _c, threads: _t, presences: _p, voice_states: _v, ...rest } = this.guildCreatePayload(guild);
      return url.searchParams.get('with_counts') === 'true'
        ? { ...rest, approximate_member_count: guild.members.size, approximate_presence_count: 0 }
        : rest;
    });
    this.route('GET', /^\/guilds\/(\d+)\/channels$/, (m) => {
      const guild = this.guildById(m[1]!);
      return [...guild.channels.values()].map((c) => this.channelPayload(guild, c));
    });
    this.route('GET', /^\/guilds\/(\d+)\/members\/(\d+)$/, (m) => {
      const guild = this.guildById(m[1]!);
      const member = guild.members.get(m[2]!);
      if (!member) throw new HttpError(404, 10007, 'Unknown Member');
      return this.memberPayload(guild, member);
    });
    this.route('PUT', /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/, (m) => {
      const guild = this.guildById(m[1]!);
      const member = guild.members.get(m[2]!);
      const role = guild.roles.get(m[3]!);
      if (!member) throw new HttpError(404, 10007, 'Unknown Member');
      if (!role) throw new HttpError(404, 10011, 'Unknown Role');
      const perms = this.permissionsIn(guild, this.botUser.id);
      const top = Math.max(...guild.members.get(this.botUser.id)!.roles.map((r) => guild.roles.get(r)?.position ?? 0));
      if (!(perms & PermissionFlagsBits.ManageRoles) || role.position >= top) throw new HttpError(403, 50013, 'Missing Permissions');
      if (!member.roles.includes(role.id)) member.roles.push(role.id);
      return undefined;
    });
  }

  /** The registered commands as Discord returns them: with ids, and normalised (see normalizedCommand). */
  private withCommandIds(list: RESTPostAPIApplicationCommandsJSONBody[], guildId?: string) {
    return list.map((c, i) =>
      normalizedCommand(c as unknown as Record<string, unknown>, {
        id: `${this.applicationId.slice(0, -3)}${String(i).padStart(3, '0')}`,
        application_id: this.applicationId,
        version: '1',
        ...(guildId ? { guild_id: guildId } : {}),
      }),
    );
  }

  private guildById(id: string): GuildState {
    const guild = this.guilds.get(id);
    if (!guild) throw new HttpError(404, 10004, 'Unknown Guild');
    return guild;
  }

  private requirePermissions(channelId: string, needed: bigint): void {
    const guild = this.guildOfChannel(channelId);
    if (!guild) throw new HttpError(404, 10003, 'Unknown Channel');
    const perms = this.permissionsIn(guild, this.botUser.id, guild.channels.get(channelId));
    if (!(perms & PermissionFlagsBits.ViewChannel)) throw new HttpError(403, 50001, 'Missing Access');
    if ((perms & needed) !== needed) throw new HttpError(403, 50013, 'Missing Permissions');
  }

  private messageIn(channelId: string, messageId: string): StoredMessage {
    const message = this.messages.get(messageId);
    if (!message || message.channelId !== channelId) throw new HttpError(404, 10008, 'Unknown Message');
    return message;
  }

  private newMessage(channelId: string, body: ParsedBody, extra: Partial<StoredMessage> = {}): StoredMessage {
    const json = (body.json ?? {}) as Record<string, unknown>;
    const guild = this.guildOfChannel(channelId);
    const message: StoredMessage = {
      id: snowflake(),
      channelId,
      guildId: guild?.id ?? null,
      authorId: this.botUser.id,
      content: '',
      embeds: [],
      components: [],
      flags: Number(json.flags ?? 0),
      files: [],
      allowedMentions: null,
      createdAt: new Date().toISOString(),
      editedAt: null,
      edits: 0,
      interactionId: null,
      ...extra,
    };
    this.applyFields(message, body);
    this.messages.set(message.id, message);
    return message;
  }

  private applyFields(message: StoredMessage, body: ParsedBody): void {
    const json = (body.json ?? {}) as Record<string, unknown>;
    refuse(messageProblems(json));
    if ('content' in json) message.content = (json.content as string | null) ?? '';
    if ('embeds' in json) message.embeds = (json.embeds as APIEmbed[] | null) ?? [];
    if ('components' in json) message.components = (json.components as APIMessageTopLevelComponent[] | null) ?? [];
    if ('allowed_mentions' in json) message.allowedMentions = json.allowed_mentions;
    if ('flags' in json && json.flags !== undefined) {
      // Ephemeral-ness is fixed at creation; other flags (components v2) may be set.
      message.flags = (message.flags & MessageFlags.Ephemeral) | (Number(json.flags) & ~MessageFlags.Ephemeral);
    }
    if ('attachments' in json || body.files.size > 0) {
      const keep = ((json.attachments as { id: string | number }[] | undefined) ?? []).map((a) => String(a.id));
      const kept = 'attachments' in json ? message.files.filter((f) => keep.includes(f.id)) : message.files;
      const added = [...body.files.entries()].map(([index, file]) => {
        const described = ((json.attachments as { id: string | number; filename?: string }[] | undefined) ?? []).find((a) => String(a.id) === String(index));
        return { ...file, filename: described?.filename ?? file.filename };
      });
      message.files = [...kept, ...added];
    }
  }

  private applyEdit(message: StoredMessage, body: ParsedBody): StoredMessage {
    const before = { ...message };
    this.applyFields(message, body);
    if (isEmptyMessage(message)) {
      Object.assign(message, before);
      throw new HttpError(400, 50006, 'Cannot send an empty message');
    }
    message.edits += 1;
    message.editedAt = new Date().toISOString();
    return message;
  }

  private postMessage(channelId: string, body: ParsedBody): StoredMessage {
    const json = (body.json ?? {}) as Record<string, unknown>;
    refuse(flagProblems(json, ALLOWED_FLAGS.channelPost, 'a channel message'));
    refuseEmpty(json, body.files);
    const dmTo = this.dmRecipient(channelId);
    if (dmTo !== undefined) {
      // A DM channel has no guild permissions; only the user's own setting matters.
      if (this.closedDms.has(dmTo)) throw new HttpError(403, 50007, 'Cannot send messages to this user');
    } else {
      let needed = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
      if (Array.isArray(json.embeds) && json.embeds.length > 0) needed |= PermissionFlagsBits.EmbedLinks;
      if (body.files.size > 0) needed |= PermissionFlagsBits.AttachFiles;
      this.requirePermissions(channelId, needed);
    }
    // As Discord does (in direct messages too): with enforce_nonce, a post whose nonce the same
    // author used in this channel a few minutes ago returns that message instead of posting it again.
    const nonce = json.nonce === undefined ? undefined : String(json.nonce);
    if (nonce !== undefined && nonce.length > 25) throw new HttpError(400, 50035, 'Invalid Form Body: nonce is longer than 25 characters');
    const nonceKey = `${channelId}:${nonce}`;
    if (nonce !== undefined && json.enforce_nonce === true) {
      const earlier = this.postedByNonce.get(nonceKey);
      if (earlier && this.messages.get(earlier.id) === earlier) return earlier;
    }
    const message = this.newMessage(channelId, body);
    if (nonce !== undefined) {
      message.nonce = nonce;
      this.postedByNonce.set(nonceKey, message);
    }
    return message;
  }

  private interactionByToken(token: string): InteractionRecord {
    const record = this.interactionsByToken.get(token);
    if (!record) throw new HttpError(404, 10015, 'Unknown Webhook');
    return record;
  }

  private onCallback(id: string, token: string, body: ParsedBody, url: URL): unknown {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) throw new HttpError(404, 10062, 'Unknown interaction');
    if (record.callback) throw new HttpError(400, 40060, 'Interaction has already been acknowledged.');
    if (performance.now() - record.dispatchedAt > 3000) throw new HttpError(404, 10062, 'Unknown interaction');
    const json = body.json as { type: InteractionResponseType; data?: Record<string, unknown> };
    if (json.type === InteractionResponseType.Modal && record.payload.type === InteractionType.ModalSubmit) {
      throw new HttpError(400, 50035, 'Invalid Form Body: a modal cannot be opened in answer to a modal submit');
    }
    if (json.type === InteractionResponseType.ChannelMessageWithSource) refuseEmpty(json.data ?? {}, body.files);
    refuse(callbackProblems(json.type, json.data ?? {}));
    record.callback = { type: json.type, data: json.data, at: performance.now() };
    const channelId = record.payload.channel?.id ?? '';
    const dataBody: ParsedBody = { json: json.data, files: body.files };

    switch (json.type) {
      case InteractionResponseType.ChannelMessageWithSource:
        record.originalId = this.newMessage(channelId, dataBody, { interactionId: id }).id;
        break;
      case InteractionResponseType.DeferredChannelMessageWithSource:
        record.originalId = this.newMessage(channelId, { json: { flags: (Number(json.data?.flags ?? 0) | MessageFlags.Loading) }, files: new Map() }, { interactionId: id }).id;
        break;
      case InteractionResponseType.UpdateMessage:
      case InteractionResponseType.DeferredMessageUpdate: {
        const source = 'message' in record.payload && record.payload.message ? this.messages.get(record.payload.message.id) : undefined;
        if (!source) throw new HttpError(400, 50035, 'This interaction has no message to update');
        record.originalId = source.id;
        if (json.type === InteractionResponseType.UpdateMessage) this.applyEdit(source, dataBody);
        break;
      }
      default:
        break; // modal (9), autocomplete result (8), pong: nothing to store beyond the callback
    }
    if (url.searchParams.get('with_response') === 'true') {
      const message = record.originalId ? this.messages.get(record.originalId) : undefined;
      return {
        interaction: { id, type: record.payload.type, activity_instance_id: null, response_message_id: message?.id ?? null, response_message_loading: false, response_message_ephemeral: Boolean((message?.flags ?? 0) & MessageFlags.Ephemeral) },
        resource: message ? { type: json.type, message: this.messagePayload(message) } : { type: json.type },
      };
    }
    return undefined;
  }

  private webhookMessage(token: string, which: string): StoredMessage {
    const record = this.interactionByToken(token);
    const id = which === '@original' ? record.originalId : which;
    const message = id ? this.messages.get(id) : undefined;
    if (!message) throw new HttpError(404, 10008, 'Unknown Message');
    return message;
  }

  private editWebhookMessage(token: string, which: string, body: ParsedBody): StoredMessage {
    const message = this.webhookMessage(token, which);
    message.flags &= ~MessageFlags.Loading;
    return this.applyEdit(message, body);
  }

  private followup(token: string, body: ParsedBody): StoredMessage {
    const record = this.interactionByToken(token);
    if (!record.callback) throw new HttpError(400, 10015, 'Unknown Webhook');
    const json = (body.json ?? {}) as Record<string, unknown>;
    refuse(flagProblems(json, ALLOWED_FLAGS.followup, 'a follow-up'));
    refuseEmpty(json, body.files);
    // The first follow-up after a deferral resolves the "thinking…" message: it becomes that
    // message, visible to whoever the deferral was (its own ephemeral flag is ignored).
    const loading = record.callback.type === InteractionResponseType.DeferredChannelMessageWithSource && record.originalId ? this.messages.get(record.originalId) : undefined;
    if (loading && loading.flags & MessageFlags.Loading) {
      const keep = loading.flags & MessageFlags.Ephemeral;
      const edited = this.applyEdit(loading, { json: { ...json, flags: (Number(json.flags ?? 0) & ~MessageFlags.Ephemeral) }, files: body.files });
      edited.flags = (edited.flags & ~MessageFlags.Loading & ~MessageFlags.Ephemeral) | keep;
      return edited;
    }
    const message = this.newMessage(record.payload.channel?.id ?? '', body, { interactionId: record.id });
    record.followupIds.push(message.id);
    return message;
  }

  // ---------------------------------------------------------------- gateway

  private onSocket(socket: WebSocket): void {
    const session = new GatewaySession(this, socket);
    this.sessions.add(session);
    socket.on('close', () => {
      this.sessions.delete(session);
      this.events.emit('change');
    });
  }

  /** Called by a session once the bot has identified with the right token. */
  onIdentified(): void {
    this.events.emit('change');
  }
}

class GatewaySession {
  identified = false;
  private sequence = 0;
  private readonly sessionId = randomBytes(16).toString('hex');

  constructor(
    private readonly double: DiscordDouble,
    readonly socket: WebSocket,
  ) {
    this.send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41_250 } });
    socket.on('message', (raw) => this.onMessage(JSON.parse(raw.toString()) as { op: number; d: Record<string, unknown> }));
  }

  private send(payload: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  dispatch(event: string, data: unknown): void {
    if (!this.identified) return;
    this.sequence += 1;
    this.send({ op: GatewayOpcodes.Dispatch, t: event, s: this.sequence, d: data });
  }

  private onMessage(message: { op: number; d: Record<string, unknown> }): void {
    switch (message.op) {
      case GatewayOpcodes.Heartbeat:
        this.send({ op: GatewayOpcodes.HeartbeatAck });
        break;
      case GatewayOpcodes.Identify: {
        if (message.d.token !== this.double.token) {
          this.socket.close(4004, 'Authentication failed.');
          return;
        }
        this.identified = true;
        const guilds = [...this.double.guilds.values()].filter((g) => g.members.has(this.double.botUser.id));
        this.dispatch(GatewayDispatchEvents.Ready, {
          v: 10,
          user: { ...this.double.userPayload(this.double.botUser), verified: true, mfa_enabled: false, flags: 0 },
          guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
          session_id: this.sessionId,
          resume_gateway_url: `ws://127.0.0.1:${new URL(this.double.url).port}`,
          application: { id: this.double.applicationId, flags: 0 },
        });
        for (const guild of guilds) this.dispatch(GatewayDispatchEvents.GuildCreate, this.double.guildCreatePayload(guild));
        this.double.onIdentified();
        break;
      }
      case GatewayOpcodes.Resume:
        this.send({ op: GatewayOpcodes.InvalidSession, d: false });
        break;
      default:
        break; // presence and voice updates: nothing to do
    }
  }
}

// Discord's limits and rules for messages, so a view that Discord would refuse is refused here too.
type Over = (what: string, text: unknown, max: number) => void;

function overFor(problems: string[]): Over {
  return (what, text, max) => {
    if (typeof text === 'string' && text.length > max) problems.push(`${what} is ${text.length} characters (max ${max})`);
  };
}

const SELECT_TYPES: number[] = [ComponentType.StringSelect, ComponentType.UserSelect, ComponentType.RoleSelect, ComponentType.MentionableSelect, ComponentType.ChannelSelect];

/** Flags each kind of message may be sent with (Discord refuses the others with 50035). */
export const ALLOWED_FLAGS = {
  channelPost: MessageFlags.SuppressEmbeds | MessageFlags.SuppressNotifications | MessageFlags.IsVoiceMessage | MessageFlags.IsComponentsV2,
  interactionReply: MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2,
  followup: MessageFlags.SuppressEmbeds | MessageFlags.Ephemeral | MessageFlags.SuppressNotifications | MessageFlags.IsComponentsV2,
};

export function flagProblems(json: Record<string, unknown>, allowed: number, where: string): string[] {
  const flags = Number(json.flags ?? 0);
  return flags & ~allowed ? [`flags ${flags} are not allowed on ${where} (allowed: ${allowed})`] : [];
}

function messageProblems(json: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const over = overFor(problems);
  over('content', json.content, 2000);
  const embeds = (json.embeds as APIEmbed[] | null | undefined) ?? [];
  if (embeds.length > 10) problems.push(`${embeds.length} embeds (max 10)`);
  let total = 0;
  for (const embed of embeds) {
    over('embed title', embed.title, 256);
    over('embed description', embed.description, 4096);
    over('embed footer', embed.footer?.text, 2048);
    over('embed author', embed.author?.name, 256);
    if ((embed.fields?.length ?? 0) > 25) problems.push(`${embed.fields!.length} embed fields (max 25)`);
    for (const field of embed.fields ?? []) {
      over('field name', field.name, 256);
      over('field value', field.value, 1024);
      if (!field.name || !field.value) problems.push('an embed field is empty');
    }
    total += [embed.title, embed.description, embed.footer?.text, embed.author?.name, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])]
      .reduce((sum, text) => sum + (text?.length ?? 0), 0);
  }
  if (total > 6000) problems.push(`embeds hold ${total} characters (max 6000)`);
  const flags = Number(json.flags ?? 0);
  const components = (json.components as Record<string, unknown>[] | null | undefined) ?? [];
  if (!(flags & MessageFlags.IsComponentsV2)) {
    if (components.length > 5) problems.push(`${components.length} component rows (max 5)`);
    for (const row of components) {
      if (row.type !== ComponentType.ActionRow) {
        problems.push(`a top-level component of type ${String(row.type)} needs the IS_COMPONENTS_V2 flag`);
        continue;
      }
      const inner = (row.components as Record<string, unknown>[] | undefined) ?? [];
      if (inner.length === 0) problems.push('an empty action row');
      if (inner.length > 5) problems.push(`a row with ${inner.length} components (max 5)`);
      if (inner.length > 1 && inner.some((c) => SELECT_TYPES.includes(Number(c.type)))) problems.push('a select menu must be alone in its action row');
      for (const c of inner) componentProblems(c, problems, over);
    }
  } else if ('content' in json && json.content || ((json.embeds as unknown[] | null | undefined) ?? []).length) {
    problems.push('a Components V2 message cannot have content or embeds');
  }
  problems.push(...duplicateCustomIds(components));
  return problems;
}

/** Custom ids must be unique within one message or modal. */
function duplicateCustomIds(components: unknown[]): string[] {
  const seen = new Set<string>();
  const problems: string[] = [];
  const walk = (list: unknown[]) => {
    for (const item of list) {
      if (!item || typeof item !== 'object') continue;
      const c = item as Record<string, unknown>;
      if (typeof c.custom_id === 'string') {
        if (seen.has(c.custom_id)) problems.push(`the custom_id "${c.custom_id}" is used twice in one message`);
        seen.add(c.custom_id);
      }
      walk([...((c.components as unknown[] | undefined) ?? []), ...(c.component ? [c.component] : []), ...(c.accessory ? [c.accessory] : [])]);
    }
  };
  walk(components);
  return problems;
}

function componentProblems(c: Record<string, unknown>, problems: string[], over: Over): void {
  over('custom_id', c.custom_id, 100);
  over('placeholder', c.placeholder, 150);
  const type = Number(c.type);
  if (type === ComponentType.Button) {
    over('button label', c.label, 80);
    const link = c.style === ButtonStyle.Link;
    const premium = c.style === ButtonStyle.Premium;
    if (!premium && !c.label && !c.emoji) problems.push('a button needs a label or an emoji');
    if (link && (!c.url || c.custom_id !== undefined)) problems.push('a link button needs a url and no custom_id');
    if (!link && !premium && typeof c.custom_id !== 'string') problems.push('a button needs a custom_id');
  }
  if (SELECT_TYPES.includes(type)) {
    if (typeof c.custom_id !== 'string') problems.push('a select menu needs a custom_id');
    const min = c.min_values === undefined ? 1 : Number(c.min_values);
    const max = c.max_values === undefined ? 1 : Number(c.max_values);
    if (!Number.isInteger(min) || min < 0 || min > 25) problems.push(`select min_values ${min} is not from 0 to 25`);
    if (!Number.isInteger(max) || max < 1 || max > 25) problems.push(`select max_values ${max} is not from 1 to 25`);
    if (min > max) problems.push(`select min_values ${min} is above max_values ${max}`);
    if (type === ComponentType.StringSelect) {
      const options = (c.options as { label: string; value: string; description?: string }[] | undefined) ?? [];
      if (options.length === 0) problems.push('a select with no options');
      if (options.length > 25) problems.push(`a select with ${options.length} options (max 25)`);
      if (max > options.length) problems.push(`select max_values ${max} is above its ${options.length} options`);
      if (min > options.length) problems.push(`select min_values ${min} is above its ${options.length} options`);
      const values = new Set<string>();
      for (const o of options) {
        over('option label', o.label, 100);
        over('option value', o.value, 100);
        over('option description', o.description, 100);
        if (!o.label || !o.value) problems.push('a select option needs a label and a value');
        if (values.has(o.value)) problems.push(`the select option value "${o.value}" is used twice`);
        values.add(o.value);
      }
    }
  }
  if (type === ComponentType.TextInput) {
    if (typeof c.custom_id !== 'string') problems.push('a text input needs a custom_id');
    over('text input placeholder', c.placeholder, 100);
    over('text input value', c.value, 4000);
    const max = c.max_length === undefined ? 4000 : Number(c.max_length);
    const min = c.min_length === undefined ? 0 : Number(c.min_length);
    if (!Number.isInteger(max) || max < 1 || max > 4000) problems.push(`text input max_length ${max} is not from 1 to 4000`);
    if (!Number.isInteger(min) || min < 0 || min > 4000) problems.push(`text input min_length ${min} is not from 0 to 4000`);
    if (min > max) problems.push(`text input min_length ${min} is above max_length ${max}`);
    if (typeof c.value === 'string' && c.value.length > max) problems.push(`text input value is ${c.value.length} characters, above its max_length ${max}`);
  }
}

function callbackProblems(type: InteractionResponseType, data: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const over = overFor(problems);
  if (type === InteractionResponseType.Modal) {
    over('modal title', data.title, 45);
    over('custom_id', data.custom_id, 100);
    if (!data.title) problems.push('a modal needs a title');
    if (typeof data.custom_id !== 'string') problems.push('a modal needs a custom_id');
    const top = (data.components as Record<string, unknown>[] | undefined) ?? [];
    if (top.length === 0) problems.push('a modal with no components');
    if (top.length > 5) problems.push(`${top.length} modal components (max 5)`);
    for (const item of top) {
      over('label', item.label, 45);
      const inner = [...((item.components as Record<string, unknown>[] | undefined) ?? []), ...(item.component ? [item.component as Record<string, unknown>] : [])];
      if (item.type === ComponentType.ActionRow && inner.length !== 1) problems.push('a modal action row holds exactly one text input');
      for (const c of inner) {
        componentProblems(c, problems, over);
        over('text input label', c.label, 45);
      }
    }
    problems.push(...duplicateCustomIds(top));
  }
  if (type === InteractionResponseType.ApplicationCommandAutocompleteResult) {
    const choices = (data.choices as { name: string }[] | undefined) ?? [];
    if (choices.length > 25) problems.push(`${choices.length} autocomplete choices (max 25)`);
    for (const choice of choices) over('choice name', choice.name, 100);
  }
  if (type === InteractionResponseType.ChannelMessageWithSource) problems.push(...flagProblems(data, ALLOWED_FLAGS.interactionReply, 'an interaction reply'));
  return problems;
}

/** Discord's answer to a body it will not take: 400 50035 with every problem found. */
function refuse(problems: string[]): void {
  if (problems.length) throw new HttpError(400, 50035, `Invalid Form Body: ${problems.join('; ')}`);
}

/** A new message with nothing to show (no content, embeds, components or files): Discord answers 50006. */
function refuseEmpty(json: Record<string, unknown>, files: Map<number, unknown>): void {
  if (isEmptyMessage({ content: String(json.content ?? ''), embeds: (json.embeds as unknown[] | null | undefined) ?? [], components: (json.components as unknown[] | null | undefined) ?? [], files: [...files.values()] })) {
    throw new HttpError(400, 50006, 'Cannot send an empty message');
  }
}

/** A message with nothing to show: Discord answers 50006. */
function isEmptyMessage(message: { content: string; embeds: unknown[]; components: unknown[]; files: unknown[] }): boolean {
  return !message.content && message.embeds.length === 0 && message.components.length === 0 && message.files.length === 0;
}

// ---------------------------------------------------------------- command registration

const CHAT_INPUT_NAME = /^[-_'\p{Ll}\p{Lo}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** What Discord refuses when commands are registered (400 50035), checked before anything is stored. */
export function commandProblems(list: unknown): string[] {
  if (!Array.isArray(list)) return ['the body must be an array of commands'];
  const problems: string[] = [];
  const counts = new Map<number, number>();
  const names = new Set<string>();
  for (const raw of list as Record<string, unknown>[]) {
    const type = Number(raw.type ?? ApplicationCommandType.ChatInput);
    const name = String(raw.name ?? '');
    counts.set(type, (counts.get(type) ?? 0) + 1);
    if (names.has(`${type}:${name}`)) problems.push(`two commands of type ${type} are called "${name}"`);
    names.add(`${type}:${name}`);
    if (type === ApplicationCommandType.ChatInput) {
      if (!CHAT_INPUT_NAME.test(name)) problems.push(`"${name}" is not a valid slash command name (1-32 lowercase letters, digits, - or _)`);
      const description = String(raw.description ?? '');
      if (description.length < 1 || description.length > 100) problems.push(`/${name}: the description must be 1 to 100 characters`);
      const options = (raw.options as Record<string, unknown>[] | undefined) ?? [];
      optionProblems(`/${name}`, options, 0, problems);
      if (commandLength(raw) > 4000) problems.push(`/${name}: names, descriptions and choices add up to ${commandLength(raw)} characters (max 4000)`);
    } else {
      if (name.length < 1 || name.length > 32) problems.push(`"${name}" is not a valid context menu name (1-32 characters)`);
      if (raw.description) problems.push(`"${name}": context menu commands have no description`);
      if (raw.options) problems.push(`"${name}": context menu commands have no options`);
    }
  }
  if ((counts.get(ApplicationCommandType.ChatInput) ?? 0) > 100) problems.push('more than 100 slash commands');
  if ((counts.get(ApplicationCommandType.User) ?? 0) > 15) problems.push('more than 15 user commands');
  if ((counts.get(ApplicationCommandType.Message) ?? 0) > 15) problems.push('more than 15 message commands');
  return problems;
}

function optionProblems(where: string, options: Record<string, unknown>[], depth: number, problems: string[]): void {
  if (options.length > 25) problems.push(`${where}: ${options.length} options (max 25)`);
  const names = new Set<string>();
  const subs = options.filter((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
  if (subs.length && subs.length !== options.length) problems.push(`${where}: subcommands cannot sit beside other options`);
  let optionalSeen = false;
  for (const option of options) {
    const name = String(option.name ?? '');
    const here = `${where} ${name}`;
    const type = Number(option.type);
    if (!CHAT_INPUT_NAME.test(name)) problems.push(`${here}: not a valid option name`);
    if (names.has(name)) problems.push(`${where}: two options are called "${name}"`);
    names.add(name);
    const description = String(option.description ?? '');
    if (description.length < 1 || description.length > 100) problems.push(`${here}: the description must be 1 to 100 characters`);
    if (type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup) {
      if (option.required !== undefined) problems.push(`${here}: a subcommand cannot be required`);
      if (type === ApplicationCommandOptionType.SubcommandGroup && depth > 0) problems.push(`${here}: a subcommand group can only be at the top`);
      if (type === ApplicationCommandOptionType.Subcommand && depth > 1) problems.push(`${here}: subcommands nest at most two deep`);
      const inner = (option.options as Record<string, unknown>[] | undefined) ?? [];
      if (type === ApplicationCommandOptionType.SubcommandGroup && inner.some((o) => o.type !== ApplicationCommandOptionType.Subcommand)) problems.push(`${here}: a subcommand group holds only subcommands`);
      if (type === ApplicationCommandOptionType.Subcommand && inner.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)) problems.push(`${here}: a subcommand cannot hold subcommands`);
      optionProblems(here, inner, depth + 1, problems);
      continue;
    }
    if (option.options) problems.push(`${here}: only subcommands have options`);
    if (option.required === true && optionalSeen) problems.push(`${here}: required options must come before optional ones`);
    if (option.required !== true) optionalSeen = true;
    const choices = (option.choices as { name: string; value: unknown }[] | undefined) ?? [];
    if (choices.length > 25) problems.push(`${here}: ${choices.length} choices (max 25)`);
    if (choices.length && option.autocomplete) problems.push(`${here}: choices and autocomplete cannot be combined`);
    for (const choice of choices) {
      if (!choice.name || choice.name.length > 100) problems.push(`${here}: a choice name must be 1 to 100 characters`);
      if (typeof choice.value === 'string' && choice.value.length > 100) problems.push(`${here}: a choice value is over 100 characters`);
    }
    if (option.channel_types !== undefined && type !== ApplicationCommandOptionType.Channel) problems.push(`${here}: channel_types is only for channel options`);
    for (const key of ['min_length', 'max_length'] as const) {
      if (option[key] === undefined) continue;
      if (type !== ApplicationCommandOptionType.String) problems.push(`${here}: ${key} is only for string options`);
      const value = Number(option[key]);
      if (!Number.isInteger(value) || value < (key === 'min_length' ? 0 : 1) || value > 6000) problems.push(`${here}: ${key} ${value} is out of range`);
    }
    for (const key of ['min_value', 'max_value'] as const) {
      if (option[key] !== undefined && type !== ApplicationCommandOptionType.Integer && type !== ApplicationCommandOptionType.Number) problems.push(`${here}: ${key} is only for number options`);
    }
  }
}

function commandLength(command: Record<string, unknown>): number {
  let total = String(command.name ?? '').length + String(command.description ?? '').length;
  const walk = (options: Record<string, unknown>[]) => {
    for (const o of options) {
      total += String(o.name ?? '').length + String(o.description ?? '').length;
      for (const choice of (o.choices as { name: string; value: unknown }[] | undefined) ?? []) total += choice.name.length + String(choice.value).length;
      walk((o.options as Record<string, unknown>[] | undefined) ?? []);
    }
  };
  walk((command.options as Record<string, unknown>[] | undefined) ?? []);
  return total;
}

/**
 * A command as Discord stores and returns it: ids and defaults added, and fields that are false or
 * empty left out (an optional option has no `required`, a subcommand without options no `options`).
 */
export function normalizedCommand(command: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const type = Number(command.type ?? ApplicationCommandType.ChatInput);
  const out: Record<string, unknown> = {
    ...extra,
    type,
    name: command.name,
    description: command.description ?? '',
    default_member_permissions: command.default_member_permissions ?? null,
    nsfw: command.nsfw ?? false,
    contexts: command.contexts ?? null,
    integration_types: command.integration_types ?? [0],
  };
  if (command.name_localizations) out.name_localizations = command.name_localizations;
  if (command.description_localizations) out.description_localizations = command.description_localizations;
  const options = (command.options as Record<string, unknown>[] | undefined) ?? [];
  if (options.length) out.options = options.map(normalizedOption);
  return out;
}

function normalizedOption(option: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(option)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'options') {
      const inner = value as Record<string, unknown>[];
      if (inner.length) out.options = inner.map(normalizedOption);
      continue;
    }
    out[key] = value;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  const files = new Map<number, StoredAttachment>();
  if (raw.length === 0) return { json: undefined, files };
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
    let json: ParsedBody['json'];
    for (const [key, value] of form.entries()) {
      if (key === 'payload_json') json = JSON.parse(String(value));
      const match = /^files\[(\d+)\]$/.exec(key);
      if (match && typeof value !== 'string') {
        files.set(Number(match[1]), {
          id: snowflake(),
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          data: Buffer.from(await value.arrayBuffer()),
        });
      }
    }
    return { json, files };
  }
  return { json: JSON.parse(raw.toString('utf8')), files };
}

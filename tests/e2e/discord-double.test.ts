/**
 * The double refuses what Discord refuses. Each rule here is one a view could break without any
 * other test noticing, so each is tried once with a raw request, the way Discord would see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  ButtonStyle,
  ChannelType,
  ComponentType,
  GatewayOpcodes,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  TextInputStyle,
  type APIInteraction,
} from 'discord-api-types/v10';
import { DiscordDouble, snowflake, type ChannelState, type GuildState, type InteractionRecord } from '../support/discord-double';

describe('the Discord double refuses what Discord refuses', () => {
  let double: DiscordDouble;
  let guild: GuildState;
  let general: ChannelState;
  let socket: WebSocket;

  beforeAll(async () => {
    double = await DiscordDouble.start();
    guild = double.addGuild();
    general = [...guild.channels.values()][0]!;
    // A bare gateway client: enough for the double to dispatch interactions.
    socket = new WebSocket(new URL(double.url).href.replace('http', 'ws'));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ op: GatewayOpcodes.Identify, d: { token: double.token, intents: 1, properties: {} } }));
    await double.waitFor(() => (double.connectedSessions ? true : undefined), 'the raw client to identify');
  });
  afterAll(async () => {
    socket.close();
    await double.close();
  });

  const call = async (method: string, path: string, body?: unknown, auth = true) => {
    const response = await fetch(`${double.apiUrl}/v10${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bot ${double.token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, code: text ? (JSON.parse(text) as { code?: number }).code : undefined };
  };
  const post = (body: unknown, channel = general) => call('POST', `/channels/${channel.id}/messages`, body);
  const row = (...components: unknown[]) => ({ type: ComponentType.ActionRow, components });
  const button = (customId: string, extra: Record<string, unknown> = {}) => ({ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Go', custom_id: customId, ...extra });
  const select = (extra: Record<string, unknown> = {}) => ({ type: ComponentType.StringSelect, custom_id: 'pick', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }], ...extra });
  const textInput = (extra: Record<string, unknown> = {}) => ({ type: ComponentType.TextInput, custom_id: 'note', style: TextInputStyle.Paragraph, ...extra });

  function interaction(type: InteractionType, extra: Record<string, unknown> = {}): InteractionRecord {
    const member = double.addMember(guild, double.addUser('clicker'), []);
    return double.sendInteraction({
      id: snowflake(),
      application_id: double.applicationId,
      type,
      token: `token-${snowflake()}`,
      version: 1,
      guild_id: guild.id,
      channel: double.channelPayload(guild, general),
      channel_id: general.id,
      member: double.memberPayload(guild, member, general),
      data: { custom_id: 'x', component_type: ComponentType.Button, components: [] },
      ...extra,
    } as unknown as APIInteraction);
  }
  const callback = (record: InteractionRecord, body: unknown) => call('POST', `/interactions/${record.id}/${record.token}/callback`, body, false);

  it('accepts a well-formed message (so the refusals below are about their one fault)', async () => {
    expect((await post({ content: 'hi', components: [row(button('a'), button('b')), row(select({ min_values: 0, max_values: 2 }))] })).status).toBe(200);
  });

  it('refuses components Discord refuses', async () => {
    const refused: [string, unknown][] = [
      ['duplicate custom ids', { components: [row(button('same')), row(button('same', { label: 'Again' }))] }],
      ['a select beside a button', { components: [row(select(), button('b'))] }],
      ['a button without label or emoji', { components: [row(button('a', { label: undefined }))] }],
      ['a select with no options', { components: [row(select({ options: [] }))] }],
      ['min_values above max_values', { components: [row(select({ min_values: 2, max_values: 1 }))] }],
      ['max_values above the options', { components: [row(select({ max_values: 3 }))] }],
      ['max_values of 0', { components: [row(select({ max_values: 0 }))] }],
      ['an empty row', { content: 'x', components: [row()] }],
    ];
    for (const [what, body] of refused) expect(await post(body), what).toEqual({ status: 400, code: 50035 });
  });

  it('refuses empty messages and flags a channel post may not carry', async () => {
    expect(await post({ content: '' })).toEqual({ status: 400, code: 50006 });
    expect(await post({ content: 'secret', flags: MessageFlags.Ephemeral })).toEqual({ status: 400, code: 50035 });
    const message = double.seedMessage(general.id, { content: 'mine' });
    expect(await call('PATCH', `/channels/${general.id}/messages/${message.id}`, { content: '' })).toEqual({ status: 400, code: 50006 });
    expect(double.messages.get(message.id)!.content).toBe('mine');
  });

  it('needs Manage Messages to delete, and Embed Links and Attach Files to edit in embeds and files', async () => {
    const theirs = double.seedMessage(general.id, { content: 'a member wrote this' });
    theirs.authorId = double.addUser('author').id;
    expect(await call('DELETE', `/channels/${general.id}/messages/${theirs.id}`)).toEqual({ status: 403, code: 50013 });
    expect(await call('PATCH', `/channels/${general.id}/messages/${theirs.id}`, { content: 'changed' })).toEqual({ status: 403, code: 50005 });
    const noEmbeds = double.addChannel(guild, 'no-embeds', { overwrites: [{ id: double.botRole(guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.EmbedLinks }] });
    const own = double.seedMessage(noEmbeds.id, { content: 'plain' });
    expect(await call('PATCH', `/channels/${noEmbeds.id}/messages/${own.id}`, { embeds: [{ title: 'rich' }] })).toEqual({ status: 403, code: 50013 });
    expect(await call('DELETE', `/channels/${noEmbeds.id}/messages/${own.id}`)).toEqual({ status: 204, code: undefined });
  });

  it('refuses a modal in answer to a modal, and text inputs over their limits', async () => {
    const modal = (components: unknown[]) => ({ type: InteractionResponseType.Modal, data: { custom_id: 'm', title: 'Form', components } });
    const label = (component: unknown) => ({ type: ComponentType.Label, label: 'Note', component });
    expect(await callback(interaction(InteractionType.ModalSubmit), modal([label(textInput())]))).toEqual({ status: 400, code: 50035 });
    const refused: [string, unknown][] = [
      ['max_length over 4000', textInput({ max_length: 4001 })],
      ['a value over 4000', textInput({ value: 'x'.repeat(4001) })],
      ['a value over its max_length', textInput({ max_length: 10, value: 'x'.repeat(11) })],
      ['a placeholder over 100', textInput({ placeholder: 'x'.repeat(101) })],
    ];
    for (const [what, input] of refused) expect(await callback(interaction(InteractionType.MessageComponent), modal([label(input)])), what).toEqual({ status: 400, code: 50035 });
    expect(await callback(interaction(InteractionType.MessageComponent), modal([label(textInput({ max_length: 4000, value: 'ok' }))]))).toEqual({ status: 204, code: undefined });
  });

  it('refuses empty replies; the first follow-up after a deferral becomes the deferred message, keeping its visibility', async () => {
    expect(await callback(interaction(InteractionType.ApplicationCommand), { type: InteractionResponseType.ChannelMessageWithSource, data: { content: '' } })).toEqual({ status: 400, code: 50006 });
    const deferred = interaction(InteractionType.ApplicationCommand);
    expect((await callback(deferred, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } })).status).toBe(204);
    const webhook = `/webhooks/${double.applicationId}/${deferred.token}`;
    expect(await call('POST', webhook, { content: '' }, false)).toEqual({ status: 400, code: 50006 });
    expect(await call('POST', webhook, { content: 'x', flags: MessageFlags.Crossposted }, false)).toEqual({ status: 400, code: 50035 });
    expect((await call('POST', webhook, { content: 'for everyone?' }, false)).status).toBe(200);
    const original = double.messages.get(deferred.originalId!)!;
    expect(original).toMatchObject({ content: 'for everyone?', flags: MessageFlags.Ephemeral });
    expect(deferred.followupIds).toEqual([]);
    // Later follow-ups are messages of their own, with their own visibility.
    expect((await call('POST', webhook, { content: 'second' }, false)).status).toBe(200);
    expect(double.messages.get(deferred.followupIds[0]!)).toMatchObject({ content: 'second', flags: 0 });
  });

  it('threads follow their channel\'s permissions and reach the bot as threads', () => {
    const locked = double.addChannel(guild, 'locked', { type: ChannelType.GuildText, overwrites: [{ id: double.botRole(guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }] });
    const thread = double.addThread(guild, locked, 'a thread');
    expect(double.permissionsIn(guild, double.botUser.id, thread) & PermissionFlagsBits.SendMessages).toBe(0n);
    const payload = double.guildCreatePayload(guild) as { channels: { id: string }[]; threads: { id: string; parent_id: string }[] };
    expect(payload.threads).toEqual([expect.objectContaining({ id: thread.id, parent_id: locked.id })]);
    expect(payload.channels.some((c) => c.id === thread.id)).toBe(false);
  });
});

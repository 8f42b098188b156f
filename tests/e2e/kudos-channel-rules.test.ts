// Kudos follow the channel's rules: with no recognition channel, the shout-out goes where the kudos
// is given, so only a member who may send messages there can give kudos there.
import { beforeAll, describe, expect, it } from 'vitest';
import { ChannelType, InteractionResponseType, PermissionFlagsBits } from 'discord-api-types/v10';
import { isEphemeral, textOf, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { rowsOf } from '../support/community';
import type { ChannelState } from '../support/discord-double';

describe('kudos and channel rules', () => {
  const world = useHearth();
  let announcements: ChannelState;
  let fan: TestMember;
  let speaker: TestMember;
  let star: TestMember;
  const kudosRows = () => rowsOf(world.hearth.context.db, 'SELECT * FROM kudos');
  const posts = (channel: ChannelState) => world.hearth.double.channelMessages(channel.id).length;
  const REFUSAL = (channel: ChannelState) =>
    `You cannot send messages in <#${channel.id}> yourself, so Hearth will not post a shout-out there for you either, and your kudos was not given. ` +
    'Give kudos from a channel you can write in, or ask a leader to set a channel for shout-outs with `/settings recognition-channel`.';

  beforeAll(() => {
    const { hearth } = world;
    const { double, guild } = hearth;
    const speakers = double.addRole(guild, 'Speakers');
    announcements = double.addChannel(guild, 'announcements', {
      type: ChannelType.GuildAnnouncement,
      overwrites: [
        { id: guild.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages },
        { id: speakers.id, type: 0, allow: PermissionFlagsBits.SendMessages, deny: 0n },
        { id: double.botRole(guild).id, type: 0, allow: PermissionFlagsBits.SendMessages, deny: 0n },
      ],
    });
    fan = hearth.member('fan');
    speaker = hearth.member('speaker', { roles: [speakers.id] });
    star = hearth.member('star');
  });

  it('refuses /kudos give, the "Give kudos" menu and a forged form where the member cannot send messages, storing and posting nothing', async () => {
    const { hearth } = world;
    const before = { kudos: kudosRows(), posts: posts(announcements) };
    const command = await fan.run('kudos give', { member: { id: star.id }, value: 'Kindness', message: 'Read all about it: https://example.com' }, { channel: announcements });
    expect(isEphemeral(command.reply)).toBe(true);
    expect(command.reply.content).toBe(REFUSAL(announcements));

    const menu = await fan.userMenu('Give kudos', star, { channel: announcements });
    expect(menu.record.callback!.type).not.toBe(InteractionResponseType.Modal); // refused before the form opens
    expect(menu.reply.content).toBe(REFUSAL(announcements));

    const announcement = hearth.double.seedMessage(announcements.id, { content: 'Welcome to the server!' });
    const forged = await hearth.sendCustomId(fan, 'modal', `kudos:give:${star.id}`, announcement, { fields: { value: ['Kindness'], message: 'Sneaky shout-out' } });
    expect(forged.reply.content).toBe(REFUSAL(announcements));
    expect({ kudos: kudosRows(), posts: posts(announcements) }).toEqual({ ...before, posts: before.posts + 1 }); // only the seeded announcement
  });

  it('lets a member who may send messages there give kudos there', async () => {
    const given = await speaker.run('kudos give', { member: { id: star.id }, value: 'Kindness', message: 'Thanks for the launch post!' }, { channel: announcements });
    expect(given.reply.content).toContain('is up');
    expect(world.hearth.double.channelMessages(announcements.id).map(textOf).join('\n')).toContain('Thanks for the launch post!');
  });

  it('with a recognition channel set, anyone may give kudos from anywhere: the shout-out goes to the channel the leaders chose', async () => {
    const { hearth, leader } = world;
    await leader.run('settings recognition-channel', { channel: { id: hearth.general.id } });
    const given = await fan.run('kudos give', { member: { id: star.id }, value: 'Kindness', message: 'Thanks for the warm welcome!' }, { channel: announcements });
    expect(given.reply.content).toContain('is up');
    expect(hearth.double.channelMessages(hearth.general.id).map(textOf).join('\n')).toContain('Thanks for the warm welcome!');
  });
});

import { describe, expect, it } from 'vitest';
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import { isEphemeral, textOf } from '../support/harness';
import { useHearth } from '../support/setup';
import { guildSettings } from '../../src/settings/schema';

describe('/settings', () => {
  const world = useHearth();
  const stored = () => world.hearth.context.db.select().from(guildSettings).all();

  it('lets a member with Manage Server see and change the time zone, and keeps it', async () => {
    const { hearth, leader } = world;
    const shown = await leader.run('settings show');
    expect(isEphemeral(shown.reply)).toBe(true);
    expect(textOf(shown.reply)).toContain('UTC');

    const { reply } = await leader.run('settings timezone', { zone: 'europe/berlin' });
    expect(isEphemeral(reply)).toBe(true);
    expect(textOf(reply)).toContain('time zone is now Europe/Berlin');
    expect(stored()).toMatchObject([{ guildId: hearth.guild.id, timezone: 'Europe/Berlin' }]);
  });

  it('offers matching time zones as the leader types', async () => {
    const { hearth } = world;
    const choices = await hearth.leader('typist').autocomplete('settings timezone', { zone: 'berl' }, 'zone');
    expect(choices.map((c) => c.value)).toContain('Europe/Berlin');
    // Well over 25 zones match "america": the member sees the first 25, every one of them a match.
    const many = await hearth.leader('typist2').autocomplete('settings timezone', { zone: 'america' }, 'zone');
    expect(many).toHaveLength(25);
    expect(many.every((c) => String(c.value).toLowerCase().includes('america'))).toBe(true);
  });

  it('refuses an unknown time zone, says how to fix it and saves nothing', async () => {
    const { hearth } = world;
    const before = stored();
    const { reply } = await hearth.leader('mod2').run('settings timezone', { zone: 'Mars/Olympus_Mons' });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('"Mars/Olympus_Mons" is not a time zone');
    expect(reply.content).toContain('Europe/Berlin');
    expect(stored()).toEqual(before);
  });

  it('refuses a plain member, says who may change settings and changes nothing', async () => {
    const { hearth } = world;
    const before = stored();
    const { reply } = await hearth.member('curious').run('settings timezone', { zone: 'Asia/Tokyo' });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('Only leaders can use /settings');
    expect(reply.content).toContain('Manage Server');
    expect(stored()).toEqual(before);
  });

  it('counts members with the configured leader role as leaders', async () => {
    const { hearth } = world;
    const role = hearth.double.addRole(hearth.guild, 'Stewards');
    const steward = hearth.member('steward', { roles: [role.id] });
    const refused = await steward.run('settings show');
    expect(refused.reply.content).toContain('Only leaders');

    const set = await hearth.owner().run('settings leader-role', { role: { id: role.id } });
    expect(textOf(set.reply)).toContain(`<@&${role.id}>`);

    const { reply } = await steward.run('settings timezone', { zone: 'America/New_York' });
    expect(textOf(reply)).toContain('time zone is now America/New_York');
    const plain = await hearth.member('plain').run('settings show');
    expect(plain.reply.content).toContain(`<@&${role.id}>`);
  });

  it('clears the leader role when none is given', async () => {
    const { hearth } = world;
    const role = hearth.double.addRole(hearth.guild, 'Temporary');
    await hearth.owner().run('settings leader-role', { role: { id: role.id } });
    const { reply } = await hearth.owner().run('settings leader-role');
    expect(textOf(reply)).toContain('leader role cleared');
    expect(stored()[0]!.leaderRoleId).toBeNull();
    const temp = hearth.member('temp', { roles: [role.id] });
    expect((await temp.run('settings show')).reply.content).toContain('Only leaders');
  });

  it('will not make @everyone the leader role', async () => {
    const { hearth } = world;
    const before = stored();
    const { reply } = await hearth.owner().run('settings leader-role', { role: { id: hearth.guild.id } });
    expect(reply.content).toContain('@everyone cannot be the leader role');
    expect(stored()).toEqual(before);
  });

  it('sets a recognition channel Hearth can post in, and refuses one it cannot (naming the permission)', async () => {
    const { hearth } = world;
    const kudos = hearth.double.addChannel(hearth.guild, 'kudos');
    const ok = await hearth.owner().run('settings recognition-channel', { channel: { id: kudos.id } });
    expect(textOf(ok.reply)).toContain(`recognition channel is now <#${kudos.id}>`);

    const locked = hearth.double.addChannel(hearth.guild, 'announcements', {
      type: ChannelType.GuildText,
      overwrites: [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }],
    });
    const before = stored();
    const refused = await hearth.owner().run('settings recognition-channel', { channel: { id: locked.id } });
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toContain('missing the Send Messages permission');
    expect(stored()).toEqual(before);
  });

  it('still has every setting after the bot is stopped and started again on the same database', async () => {
    const { hearth } = world;
    const stewards = [...hearth.guild.roles.values()].find((r) => r.name === 'Stewards')!;
    await hearth.owner().run('settings leader-role', { role: { id: stewards.id } });
    const before = await hearth.owner().run('settings show');
    await hearth.restart();
    const after = await hearth.owner().run('settings show');
    expect(textOf(after.reply)).toContain('America/New_York');
    expect(after.reply.embeds).toEqual(before.reply.embeds);
  });
});

import { describe, expect, it } from 'vitest';
import { isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';

describe('members are not kept in memory between their clicks', () => {
  const world = useHearth();

  it('after many members vote, Hearth holds none of them but itself, and still names, checks and thanks them', async () => {
    const { hearth } = world;
    const before = new Set(hearth.double.messages.keys());
    await world.leader.run('poll create', { question: 'Picnic or museum?', choices: 'Picnic | Museum' });
    const poll = [...hearth.double.messages.values()].find((m: StoredMessage) => !before.has(m.id) && !isEphemeral(m))!;
    const voters = Array.from({ length: 30 }, (_, i) => hearth.member(`visitor${i}`));
    const seen = await Promise.all(voters.map((m, i) => m.click(poll, i % 2 ? 'Museum' : 'Picnic')));
    expect(seen.map((s) => s.reply.content)).toEqual(voters.map((_, i) => `You voted for **${i % 2 ? 'Museum' : 'Picnic'}**.`));

    const { client } = hearth.context;
    const guild = client.guilds.cache.get(hearth.guild.id)!;
    expect([...guild.members.cache.keys()]).toEqual([client.user!.id]);
    expect([...client.users.cache.keys()]).toEqual([client.user!.id]);
    expect(guild.members.me?.id).toBe(client.user!.id); // Hearth's own permissions are still read from it

    // What needs a member apart from a click asks Discord: a shout-out still names its recipient.
    const [giver, recipient] = voters;
    const thanked = await giver!.run('kudos give', { member: { id: recipient!.id }, value: 'kindness', message: 'Thanks for the picnic idea!' });
    expect(thanked.reply.content).toContain(`Your kudos for <@${recipient!.id}>`);
    const shout = [...hearth.double.channelMessages(hearth.general.id)].find((m) => textOf(m).includes('Thanks for the picnic idea!'));
    expect(shout?.content).toContain(`<@${recipient!.id}>`);

    // A member without Manage Server is still refused a leader's command.
    const refused = await voters[2]!.run('poll close', { poll: 1 });
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(textOf(refused.reply)).toMatch(/Manage Server|leader/i);
  });
});

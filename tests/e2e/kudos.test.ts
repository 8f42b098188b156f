import { ChannelType, PermissionFlagsBits } from 'discord.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { LIBRARY_TRIES, ManualClock, TestHearth, eventually, isEphemeral, textOf, type Seen, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { kudos, kudosMilestones, kudosRoundups, kudosSettings, kudosValues } from '../../src/kudos/schema';
import { giveKudos } from '../../src/kudos/giving';
import type { RoleState } from '../support/discord-double';
import { checkinAnswers, checkinRuns, checkinSchedules } from '../../src/checkins/schema';
import { setRecognitionChannel } from '../../src/settings/service';
import { outbox } from '../../src/outbox/schema';

type Hearth = TestHearth;

const rowsOf = (hearth: Hearth) => ({
  kudos: hearth.context.db.select().from(kudos).all(),
  values: hearth.context.db.select().from(kudosValues).all(),
  settings: hearth.context.db.select().from(kudosSettings).all(),
  milestones: hearth.context.db.select().from(kudosMilestones).all(),
});

/** Public messages that appeared in a channel while `action` ran. */
async function postedDuring(hearth: Hearth, channelId: string, action: () => Promise<Seen>): Promise<{ seen: Seen; posted: StoredMessage[] }> {
  const before = new Set(hearth.double.channelMessages(channelId).map((m) => m.id));
  const seen = await action();
  return { seen, posted: hearth.double.channelMessages(channelId).filter((m) => !before.has(m.id)) };
}

/** Asserts a refusal: private, says `expected`, and nothing stored or posted changed. */
async function expectRefusal(hearth: Hearth, action: () => Promise<Seen>, expected: string | RegExp): Promise<Seen> {
  const before = rowsOf(hearth);
  const publicBefore = [...hearth.double.messages.values()].filter((m) => !isEphemeral(m)).length;
  const seen = await action();
  expect(isEphemeral(seen.reply)).toBe(true);
  if (typeof expected === 'string') expect(seen.reply.content).toContain(expected);
  else expect(seen.reply.content).toMatch(expected);
  expect(rowsOf(hearth)).toEqual(before);
  expect([...hearth.double.messages.values()].filter((m) => !isEphemeral(m)).length).toBe(publicBefore);
  return seen;
}

const t = (ms: number, style = 'R') => `<t:${Math.floor(ms / 1000)}:${style}>`;

describe('giving kudos', () => {
  const world = useHearth();

  it('a member thanks another with /kudos give: a warm public shout-out that pings only the recipient, and a private confirmation', async () => {
    const { hearth } = world;
    const ana = hearth.member('ana');
    const ben = hearth.member('ben');
    const { seen, posted } = await postedDuring(hearth, hearth.general.id, () =>
      ana.run('kudos give', { member: { id: ben.id }, value: 'kindness', message: 'Thanks for walking me through my first pull request!' }),
    );
    expect(seen.record.callback!.type).toBe(5); // a private "thinking…" while the shout-out is posted, then the confirmation
    expect(isEphemeral(seen.reply)).toBe(true);
    expect(seen.reply.content).toContain(`Your kudos for <@${ben.id}> (**Kindness**) is up`);
    expect(seen.reply.content).toContain('You can give 4 more kudos today');

    expect(posted).toHaveLength(1);
    const shout = posted[0]!;
    expect(shout.content).toContain(`<@${ben.id}>`);
    expect(shout.content).toContain('**Kindness**');
    expect(textOf(shout)).toContain('Thanks for walking me through my first pull request!');
    expect(textOf(shout)).toContain(`from <@${ana.id}>`);
    expect(textOf(shout)).toContain('1 kudos for Kindness so far');
    expect(shout.allowedMentions).toEqual({ parse: [], users: [ben.id] });

    const [stored] = rowsOf(hearth).kudos;
    expect(stored).toMatchObject({
      guildId: hearth.guild.id,
      giverId: ana.id,
      recipientId: ben.id,
      value: 'Kindness',
      message: 'Thanks for walking me through my first pull request!',
      channelId: hearth.general.id,
      messageId: shout.id,
      createdAt: hearth.clock.now(),
      removedAt: null,
    });

    const second = await postedDuring(hearth, hearth.general.id, () =>
      hearth.member('cai').run('kudos give', { member: { id: ben.id }, value: 'Kindness', message: 'You are always patient with newcomers.' }),
    );
    expect(textOf(second.posted[0]!)).toContain('2 kudos for Kindness so far');
  });

  it('offers the server\'s values as the member types, and lists them with a description each', async () => {
    const { hearth } = world;
    const typist = hearth.member('typist');
    const choices = await typist.autocomplete('kudos give', { value: 'ins' }, 'value');
    expect(choices.map((c) => c.value)).toEqual(['Inspiration']);
    expect(choices[0]!.name).toContain('Inspiration: ');
    const starting = await typist.autocomplete('kudos give', { value: 'in' }, 'value');
    expect(starting.map((c) => c.value)).toEqual(['Inspiration', 'Kindness', 'Teaching', 'Welcoming']); // starts with it first
    expect(await typist.autocomplete('kudos give', { value: '' }, 'value')).toHaveLength(10);

    const { reply } = await hearth.member('reader').run('kudos values');
    expect(isEphemeral(reply)).toBe(true);
    const text = textOf(reply);
    for (const name of ['Generosity', 'Kindness', 'Helpfulness', 'Inspiration', 'Wisdom', 'Positivity', 'Dedication', 'Teaching', 'Humility', 'Welcoming']) {
      expect(text).toMatch(new RegExp(`\\*\\*${name}\\*\\*: \\S.+\\.`));
    }
    expect(text).toContain('5 kudos a day');
  });

  it('right-click -> Give kudos opens a modal with the values and a message; submitting it gives kudos', async () => {
    const { hearth } = world;
    const dee = hearth.member('dee');
    const eli = hearth.member('eli');
    const opened = await dee.userMenu('Give kudos', eli);
    const modal = opened.record.callback!.data as { title: string; components: { label: string; component: { type: number; options?: { value: string }[] } }[] };
    expect(modal.title).toBe('Give kudos to eli');
    expect(modal.components.map((c) => c.label)).toEqual(['Value', 'Message']);
    expect(modal.components[0]!.component.options!.map((o) => o.value)).toContain('Welcoming');

    const { seen, posted } = await postedDuring(hearth, hearth.general.id, () =>
      dee.submitModal(opened, { Value: 'Welcoming', Message: 'You made me feel at home on day one.' }),
    );
    expect(isEphemeral(seen.reply)).toBe(true);
    expect(seen.reply.content).toContain(`Your kudos for <@${eli.id}> (**Welcoming**) is up`);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!)).toContain('You made me feel at home on day one.');
    expect(posted[0]!.allowedMentions).toEqual({ parse: [], users: [eli.id] });
    expect(rowsOf(hearth).kudos.at(-1)).toMatchObject({ giverId: dee.id, recipientId: eli.id, value: 'Welcoming' });
  });

  it('the context menu refuses yourself and bots before asking for a message', async () => {
    const { hearth } = world;
    const fay = hearth.member('fay');
    const self = await expectRefusal(hearth, () => fay.userMenu('Give kudos', fay), 'You cannot give kudos to yourself');
    expect(self.record.callback!.type).not.toBe(9);
    await expectRefusal(hearth, () => fay.userMenu('Give kudos', hearth.member('robot', { bot: true })), 'Bots cannot receive kudos');
  });

  it('refuses every kind of bad input privately, says how to fix it, and changes nothing', async () => {
    const { hearth } = world;
    const gus = hearth.member('gus');
    const hal = hearth.member('hal');
    const give = (member: { id: string }, value: string, message: string) => () => gus.run('kudos give', { member, value, message });

    await expectRefusal(hearth, give({ id: gus.id }, 'Kindness', 'Me!'), 'You cannot give kudos to yourself');
    await expectRefusal(hearth, give({ id: hearth.member('helper-bot', { bot: true }).id }, 'Kindness', 'Beep'), 'Bots cannot receive kudos');
    const unknown = await expectRefusal(hearth, give(hal, 'Punctuality', 'Always on time'), '"Punctuality" is not one of this server\'s values');
    expect(unknown.reply.content).toContain('Generosity, Kindness');
    await expectRefusal(hearth, give(hal, 'Kindness', '    '), 'The message is empty');
    await expectRefusal(hearth, give(hal, 'Kindness', 'x'.repeat(501)), 'The message is 501 characters; the most is 500');

    const gone = hearth.member('gone');
    hearth.guild.members.delete(gone.id); // left the server: Discord no longer resolves them as a member
    await expectRefusal(hearth, give(gone, 'Kindness', 'Thanks for everything'), 'no longer in this server');

    // The modal may be submitted after the member left.
    const leaving = hearth.member('leaving');
    const opened = await gus.userMenu('Give kudos', leaving);
    hearth.guild.members.delete(leaving.id);
    await expectRefusal(hearth, () => gus.submitModal(opened, { Value: 'Kindness', Message: 'Bye!' }), 'no longer in this server');
  });

  it('the same giver can thank the same member once an hour, and is told when they can again', async () => {
    const { hearth } = world;
    const ivy = hearth.member('ivy');
    const jon = hearth.member('jon');
    await ivy.run('kudos give', { member: { id: jon.id }, value: 'Wisdom', message: 'Great advice on the roadmap.' });
    const first = hearth.clock.now();
    await hearth.clock.advance(30 * 60_000);
    const refused = await expectRefusal(
      hearth,
      () => ivy.run('kudos give', { member: { id: jon.id }, value: 'Teaching', message: 'And the SQL lesson!' }),
      `You thanked <@${jon.id}> ${t(first)}`,
    );
    expect(refused.reply.content).toContain(`try again ${t(first + 3_600_000)}`);
    // Someone else may thank them meanwhile, and the giver may thank someone else.
    expect((await hearth.member('kim').run('kudos give', { member: { id: jon.id }, value: 'Teaching', message: 'Loved the lesson.' })).reply.content).toContain('is up');
    expect((await ivy.run('kudos give', { member: { id: hearth.member('lou').id }, value: 'Positivity', message: 'Thanks for the good vibes.' })).reply.content).toContain('is up');

    await hearth.clock.advance(30 * 60_000);
    const again = await ivy.run('kudos give', { member: { id: jon.id }, value: 'Teaching', message: 'And the SQL lesson!' });
    expect(again.reply.content).toContain('is up');
  });

  it('posts shout-outs in the recognition channel when one is set, wherever the kudos is given', async () => {
    const { hearth, leader } = world;
    const wall = hearth.double.addChannel(hearth.guild, 'kudos-wall');
    await eventually(() => hearth.context.client.channels.cache.has(wall.id), 'the new channel to reach the bot');
    await leader.run('settings recognition-channel', { channel: { id: wall.id } });
    const max = hearth.member('max');
    const ned = hearth.member('ned');
    const { seen, posted } = await postedDuring(hearth, wall.id, () =>
      max.run('kudos give', { member: { id: ned.id }, value: 'Dedication', message: 'Ran the meetup for the 20th time!' }),
    );
    expect(posted).toHaveLength(1);
    expect(seen.reply.content).toContain(`https://discord.com/channels/${hearth.guild.id}/${wall.id}/${posted[0]!.id}`);
    expect(hearth.double.channelMessages(hearth.general.id).some((m) => textOf(m).includes('20th time'))).toBe(false);
    await leader.run('settings recognition-channel');
  });

  it('received and given show totals by value and the latest messages, for yourself or another member', async () => {
    const { hearth } = world;
    const ben = [...hearth.guild.members.values()].find((m) => m.user.username === 'ben')!;
    const ana = [...hearth.guild.members.values()].find((m) => m.user.username === 'ana')!;
    const { reply } = await hearth.member('nosy').run('kudos received', { member: { id: ben.user.id } });
    expect(isEphemeral(reply)).toBe(true);
    const text = textOf(reply);
    expect(text).toContain(`<@${ben.user.id}> has received 2 kudos`);
    expect(text).toContain('**Kindness**: 2');
    expect(text).toContain('You are always patient with newcomers.');
    expect(text).toMatch(/`#\d+` \*\*Kindness\*\* from <@/);

    const given = await hearth.member('nosy2').run('kudos given', { member: { id: ana.user.id } });
    expect(textOf(given.reply)).toContain(`<@${ana.user.id}> has given 1 kudos`);
    expect(textOf(given.reply)).toContain(`to <@${ben.user.id}>`);

    const mine = await hearth.member('quiet').run('kudos received');
    expect(textOf(mine.reply)).toContain('You have not received any kudos yet.');
  });

  it('leaders manage the values: add, rename (history follows) and remove, within 1 to 25 and without duplicates', async () => {
    const { hearth, leader } = world;
    const before = rowsOf(hearth).kudos.filter((k) => k.value === 'Kindness').length;
    const added = await leader.run('settings kudos-values add', { name: 'Patience', description: 'Stayed calm and kind under pressure.' });
    expect(isEphemeral(added.reply)).toBe(true);
    expect(added.reply.content).toContain('Saved: added **Patience**');
    expect(added.reply.content).toContain('This server\'s values (11)');

    const suggestions = await leader.autocomplete('settings kudos-values rename', { name: 'kind' }, 'name');
    expect(suggestions.map((s) => s.value)).toEqual(['Kindness']);

    await expectRefusal(hearth, () => leader.run('settings kudos-values add', { name: 'patience', description: 'Again' }), 'already has a value called **patience**');
    await expectRefusal(hearth, () => leader.run('settings kudos-values rename', { name: 'Wisdom', 'new-name': 'PATIENCE' }), 'already has a value called **PATIENCE**');
    await expectRefusal(hearth, () => leader.run('settings kudos-values remove', { name: 'Nope' }), '"Nope" is not one of this server\'s values');

    const renamed = await leader.run('settings kudos-values rename', { name: 'kindness', 'new-name': 'Care', description: 'Looked out for someone.' });
    expect(renamed.reply.content).toContain('Saved: renamed **kindness**');
    const rows = rowsOf(hearth).kudos;
    expect(rows.filter((k) => k.value === 'Kindness')).toHaveLength(0);
    expect(rows.filter((k) => k.value === 'Care')).toHaveLength(before);
    expect(textOf((await hearth.member('r2').run('kudos values')).reply)).toContain('**Care**: Looked out for someone.');

    const removed = await leader.run('settings kudos-values remove', { name: 'Humility' });
    expect(removed.reply.content).toContain('Saved: removed **Humility**');
    expect(rowsOf(hearth).values.map((v) => v.name)).not.toContain('Humility');
    await expectRefusal(hearth, () => hearth.member('oli').run('kudos give', { member: { id: leader.id }, value: 'Humility', message: 'Thanks' }), 'not one of this server\'s values');

    // Up to 25 values: the 26th is refused.
    for (let i = rowsOf(hearth).values.length; i < 25; i++) {
      await leader.run('settings kudos-values add', { name: `Value ${i + 1}`, description: 'A value.' });
    }
    expect(rowsOf(hearth).values).toHaveLength(25);
    await expectRefusal(hearth, () => leader.run('settings kudos-values add', { name: 'One too many', description: 'A value.' }), 'at most 25 values');

    // Members cannot change values.
    await expectRefusal(hearth, () => hearth.member('pat').run('settings kudos-values add', { name: 'Mine', description: 'A value.' }), 'Only leaders can use /settings');
  });

  it('a server keeps at least one value', async () => {
    const solo = await TestHearth.start();
    try {
      const boss = solo.leader('boss');
      for (const name of ['Generosity', 'Kindness', 'Helpfulness', 'Inspiration', 'Wisdom', 'Positivity', 'Dedication', 'Teaching', 'Humility']) {
        await boss.run('settings kudos-values remove', { name });
      }
      expect(rowsOf(solo).values.map((v) => v.name)).toEqual(['Welcoming']);
      await expectRefusal(solo, () => boss.run('settings kudos-values remove', { name: 'Welcoming' }), 'needs at least 1 value');
    } finally {
      await solo.stop();
    }
  });

  it('leaders set the daily limit (1 to 100) and turn the roundup off; bad values change nothing', async () => {
    const { hearth, leader } = world;
    await expectRefusal(hearth, () => leader.run('settings kudos-daily-limit', { n: 0 }), 'must be a whole number from 1 to 100');
    await expectRefusal(hearth, () => leader.run('settings kudos-daily-limit', { n: 101 }), 'must be a whole number from 1 to 100');
    const saved = await leader.run('settings kudos-daily-limit', { n: 7 });
    expect(saved.reply.content).toContain('each member can now give 7 kudos a day');
    const off = await leader.run('settings kudos-roundup', { state: 'off' });
    expect(off.reply.content).toContain('roundup is off');
    expect(rowsOf(hearth).settings).toMatchObject([{ guildId: hearth.guild.id, dailyLimit: 7, roundupEnabled: false }]);
    await leader.run('settings kudos-roundup', { state: 'on' });
    expect(rowsOf(hearth).settings[0]!.roundupEnabled).toBe(true);
  });

  it('grants a milestone role when a member crosses the threshold', async () => {
    const { hearth, leader } = world;
    const role = hearth.double.addRole(hearth.guild, 'Appreciated', 0n, 2);
    await eventually(() => hearth.context.client.guilds.cache.get(hearth.guild.id)!.roles.cache.has(role.id), 'the new role to reach the bot');
    const set = await leader.run('settings kudos-milestone', { count: 2, role: { id: role.id } });
    expect(set.reply.content).toBe(`Saved: members who reach 2 kudos received get <@&${role.id}>.`);

    const star = hearth.member('star');
    await hearth.member('fan1').run('kudos give', { member: { id: star.id }, value: 'Wisdom', message: 'Wise words.' });
    expect(star.state.roles).not.toContain(role.id);
    const { posted } = await postedDuring(hearth, hearth.general.id, () =>
      hearth.member('fan2').run('kudos give', { member: { id: star.id }, value: 'Wisdom', message: 'So wise.' }),
    );
    expect(star.state.roles).toContain(role.id);
    expect(textOf(posted[0]!)).toContain(`<@&${role.id}>`);
    expect(posted[0]!.allowedMentions).toEqual({ parse: [], users: [star.id] });

    // Removing one of the kudos later takes it out of the counts, not the role already granted.
    const id = rowsOf(hearth).kudos.at(-1)!.id;
    const requestsBefore = hearth.double.requests.length;
    await leader.run('kudos remove', { id });
    expect(textOf((await star.run('kudos received')).reply)).toContain('You have received 1 kudos.');
    expect(star.state.roles).toContain(role.id);
    expect(hearth.double.requests.slice(requestsBefore).some((r) => r.path.includes('/roles/'))).toBe(false);

    // A kudos to a member who holds the role asks Discord nothing about them: the command brought their roles.
    const beforeThird = hearth.double.requests.length;
    await hearth.member('fan3').run('kudos give', { member: { id: star.id }, value: 'Wisdom', message: 'Wiser still.' });
    expect(textOf((await star.run('kudos received')).reply)).toContain('You have received 2 kudos.');
    expect(hearth.double.requests.slice(beforeThird).filter((r) => r.path.includes(`/members/${star.id}`))).toEqual([]);
  });

  it('when Hearth cannot grant a milestone role, the leader and the giver are told clearly and the kudos still counts', async () => {
    const { hearth, leader } = world;
    const high = hearth.double.addRole(hearth.guild, 'Legend', 0n, 50); // above Hearth's own role
    await eventually(() => hearth.context.client.guilds.cache.get(hearth.guild.id)!.roles.cache.has(high.id), 'the new role to reach the bot');
    const set = await leader.run('settings kudos-milestone', { count: 1, role: { id: high.id } });
    expect(set.reply.content).toContain(`Hearth cannot grant <@&${high.id}> yet`);
    expect(set.reply.content).toContain('drag it above');

    const newbie = hearth.member('newbie');
    const before = rowsOf(hearth).kudos.length;
    const { seen, posted } = await postedDuring(hearth, hearth.general.id, () =>
      hearth.member('fan3').run('kudos give', { member: { id: newbie.id }, value: 'Welcoming', message: 'Great first week!' }),
    );
    expect(seen.reply.content).toContain('is up');
    expect(seen.reply.content).toContain(`could not give them the <@&${high.id}> milestone role`);
    expect(seen.reply.content).toContain('The leaders have been told');
    // The shout-out, then a note for the leaders (no leader role is set: nobody is pinged).
    expect(posted).toHaveLength(2);
    expect(posted[1]!.content).toContain(`Leaders: Hearth could not grant a kudos milestone role`);
    expect(posted[1]!.content).toContain(`<@&${high.id}> (1 kudos): the role is not below Hearth's own role`);
    expect(posted[1]!.allowedMentions).toEqual({ parse: [], roles: [] });
    expect(rowsOf(hearth).kudos).toHaveLength(before + 1);
    expect(newbie.state.roles).not.toContain(high.id);

    // Discord refuses (the pre-check passed on stale information): still a clear note, kudos kept.
    const mid = hearth.double.addRole(hearth.guild, 'Rising', 0n, 3);
    await eventually(() => hearth.context.client.guilds.cache.get(hearth.guild.id)!.roles.cache.has(mid.id), 'the new role to reach the bot');
    await leader.run('settings kudos-milestone', { count: 1, role: { id: mid.id } });
    hearth.double.failNext('PUT', /\/roles\//, 403, 50013, 'Missing Permissions');
    const other = hearth.member('other-newbie');
    const refused = await hearth.member('fan4').run('kudos give', { member: { id: other.id }, value: 'Welcoming', message: 'Welcome!' });
    expect(refused.reply.content).toContain('is up');
    expect(refused.reply.content).toContain(`could not give them the <@&${mid.id}> milestone role`);

    await expectRefusal(hearth, () => leader.run('settings kudos-milestone', { count: 0, role: { id: mid.id } }), 'from 1 to 100000');
    await expectRefusal(hearth, () => leader.run('settings kudos-milestone', { count: 5, role: { id: hearth.guild.id } }), '@everyone cannot be a milestone role');
    await expectRefusal(hearth, () => leader.run('settings kudos-milestone', { count: 99 }), 'no milestone at 99 kudos');
    const removed = await leader.run('settings kudos-milestone', { count: 1 });
    expect(removed.reply.content).toContain('milestone at 1 kudos is removed');
  });

  it('a leader removes an abusive kudos: the shout-out comes down, giver and recipient are told privately without repeating it', async () => {
    const { hearth, leader } = world;
    const troll = hearth.member('troll');
    const target = hearth.member('target');
    const { posted } = await postedDuring(hearth, hearth.general.id, () =>
      troll.run('kudos give', { member: { id: target.id }, value: 'Wisdom', message: 'something nasty in disguise' }),
    );
    const shout = posted[0]!;
    const id = rowsOf(hearth).kudos.at(-1)!.id;

    await expectRefusal(hearth, () => hearth.member('bystander').run('kudos remove', { id }), 'Only leaders can remove kudos');
    await expectRefusal(hearth, () => leader.run('kudos remove', { id: 999_999 }), 'There is no kudos #999999 in this server');

    const { seen, posted: notices } = await postedDuring(hearth, hearth.general.id, () => leader.run('kudos remove', { id }));
    expect(isEphemeral(seen.reply)).toBe(true);
    expect(seen.reply.content).toContain(`Kudos #${id} (**Wisdom**) is removed`);
    expect(seen.reply.content).toContain('Its shout-out is deleted.');
    expect(seen.reply.content).toContain(`Told by direct message: <@${troll.id}> and <@${target.id}>.`);
    expect(hearth.double.messages.has(shout.id)).toBe(false);
    expect(notices).toHaveLength(0); // nothing public
    const [toGiver] = hearth.double.directMessages(troll.id);
    const [toRecipient] = hearth.double.directMessages(target.id);
    expect(toGiver!.content).toContain(`A leader of **${hearth.guild.name}** has removed the kudos you gave <@${target.id}> (#${id}`);
    expect(toRecipient!.content).toContain(`has removed the kudos <@${troll.id}> gave you (#${id}`);
    for (const dm of [toGiver!, toRecipient!]) {
      expect(dm.content).not.toContain('nasty');
      expect(dm.content).toContain('a milestone role already granted stays');
    }
    expect(rowsOf(hearth).kudos.find((k) => k.id === id)).toMatchObject({ removedBy: leader.id, removedAt: hearth.clock.now() });

    const received = await target.run('kudos received');
    expect(textOf(received.reply)).toContain('You have not received any kudos yet.');
    // Asking again only checks the shout-out again: nobody is told twice, nothing changes.
    const before = rowsOf(hearth);
    const again = await leader.run('kudos remove', { id });
    expect(again.reply.content).toContain(`Kudos #${id} (**Wisdom**) was already removed`);
    expect(again.reply.content).toContain('Its shout-out was already deleted.');
    expect(hearth.double.directMessages(troll.id)).toHaveLength(1);
    expect(rowsOf(hearth)).toEqual(before);
  });

  it('a kudos from another server behaves exactly like one that does not exist', async () => {
    const { hearth, leader } = world;
    const elsewhere = hearth.double.addGuild('Elsewhere');
    const outcome = giveKudos(
      hearth.context.db,
      { guildId: elsewhere.id, giverId: '1', recipient: { id: '2', bot: false }, channelId: '3', value: 'Kindness', message: 'Hi', timezone: 'UTC' },
      hearth.clock.now(),
    );
    const theirs = await expectRefusal(hearth, () => leader.run('kudos remove', { id: outcome.kudos.id }), `There is no kudos #${outcome.kudos.id} in this server`);
    const missing = await leader.run('kudos remove', { id: 888_888 });
    expect(theirs.reply.content.replace(String(outcome.kudos.id), 'N')).toBe(missing.reply.content.replace('888888', 'N'));
  });
});

describe('the daily limit', () => {
  // 18:30 in New York on Wednesday 25 November 2026 (23:30 UTC).
  const world = useHearth({ clock: new ManualClock(Date.UTC(2026, 10, 25, 23, 30)) });

  it('resets at midnight in the server\'s time zone, not UTC, and the refusal says when', async () => {
    const { hearth, leader } = world;
    await leader.run('settings timezone', { zone: 'America/New_York' });
    await leader.run('settings kudos-daily-limit', { n: 2 });
    const giver = hearth.member('giver');
    const give = (name: string) => () => giver.run('kudos give', { member: { id: hearth.member(name).id }, value: 'Kindness', message: 'Thank you!' });

    expect((await give('a')()).reply.content).toContain('You can give 1 more kudos today');
    const midnight = Date.UTC(2026, 10, 26, 5, 0); // 00:00 in New York
    const last = await give('b')();
    expect(last.reply.content).toContain(`That was your last kudos for today; the limit of 2 resets ${t(midnight)}`);

    const refusal = await expectRefusal(hearth, give('c'), 'You have given all 2 of today\'s kudos');
    expect(refusal.reply.content).toContain(`resets at midnight (America/New_York), ${t(midnight)}`);

    await hearth.clock.advance(60 * 60_000); // 00:30 UTC: a new day in UTC, still the same day in New York
    await expectRefusal(hearth, give('d'), 'You have given all 2 of today\'s kudos');

    await hearth.clock.set(midnight - 1);
    await expectRefusal(hearth, give('e'), 'You have given all 2 of today\'s kudos');
    await hearth.clock.set(midnight);
    expect((await give('f')()).reply.content).toContain('You can give 1 more kudos today');
  });
});

describe('leaderboards', () => {
  const world = useHearth(); // Wednesday 25 November 2026, 12:00 UTC

  it('show the top 10 recipients and givers for the week, the month or all time, with the caller\'s own rank', async () => {
    const { hearth, leader } = world;
    const { db } = hearth.context;
    await leader.run('settings kudos-daily-limit', { n: 100 });
    const g1 = hearth.member('g1');
    const g2 = hearth.member('g2');
    const me = hearth.member('me');
    const stars = Array.from({ length: 11 }, (_, i) => hearth.member(`star${i + 1}`));
    const old = hearth.member('old-timer');
    const monthly = hearth.member('monthly');

    // Earlier kudos, as they were stored at the time.
    const at = (iso: string, giverId: string, recipientId: string, value = 'Wisdom') =>
      giveKudos(db, { guildId: hearth.guild.id, giverId, recipient: { id: recipientId, bot: false }, channelId: hearth.general.id, value, message: 'Earlier', timezone: 'UTC' }, Date.parse(iso));
    for (const [i, giver] of ['x1', 'x2', 'x3', 'x4', 'x5'].entries()) at(`2026-10-0${i + 1}T10:00:00Z`, giver, old.id);
    for (const [i, giver] of ['y1', 'y2', 'y3'].entries()) at(`2026-11-1${i}T10:00:00Z`, giver, monthly.id, 'Teaching');
    at('2026-11-22T23:59:59Z', 'z1', me.id); // Sunday: last week

    // This week, through Discord.
    for (const star of stars) {
      await g1.run('kudos give', { member: { id: star.id }, value: 'Kindness', message: 'Thanks!' });
      await g2.run('kudos give', { member: { id: star.id }, value: 'Helpfulness', message: 'Thanks again!' });
    }
    await hearth.member('g3').run('kudos give', { member: { id: me.id }, value: 'Kindness', message: 'Thank you.' });
    await me.run('kudos give', { member: { id: g1.id }, value: 'Kindness', message: 'For all the thanks.' });

    const week = await me.run('kudos leaderboard', { period: 'week' });
    expect(isEphemeral(week.reply)).toBe(true);
    const weekText = textOf(week.reply);
    expect(weekText).toContain('Kudos leaderboard: this week');
    expect(weekText).toContain(`🥇 <@${stars[0]!.id}> · 2`);
    expect(weekText).toContain(`🥇 <@${stars[9]!.id}> · 2`); // ties share a rank
    const mostThanked = week.reply.embeds[0]!.fields!.find((f) => f.name === 'Most thanked')!.value;
    expect(mostThanked.split('\n')).toHaveLength(10);
    expect(mostThanked).not.toContain(me.id);
    expect(weekText).toContain('Received: 1, rank **#12** of 13.');
    expect(weekText).toContain('Given: 1, rank **#3** of 4.'); // ties share a rank
    const mostThankful = week.reply.embeds[0]!.fields!.find((f) => f.name === 'Most thankful')!.value;
    expect(mostThankful.split('\n')[0]).toBe(`🥇 <@${g1.id}> · 11`);
    expect(weekText).not.toContain(old.id);
    expect(weekText).not.toContain(monthly.id);

    const month = textOf((await me.run('kudos leaderboard', { period: 'month' })).reply);
    expect(month).toContain(`<@${monthly.id}> · 3`);
    expect(month).not.toContain(old.id);
    expect(month).toContain('Received: 2, rank **#2** of 14.');

    const all = textOf((await me.run('kudos leaderboard', { period: 'all' })).reply);
    expect(all).toContain(`🥇 <@${old.id}> · 5`);
    expect(all).toContain(`🥈 <@${monthly.id}> · 3`);

    const teaching = textOf((await me.run('kudos leaderboard', { period: 'all', value: 'teaching' })).reply);
    expect(teaching).toContain('Kudos leaderboard: all time · Teaching');
    expect(teaching).toContain(`🥇 <@${monthly.id}> · 3`);
    expect(teaching).not.toContain(old.id);
    expect(teaching).toContain('Received: none yet.');

    await expectRefusal(hearth, () => me.run('kudos leaderboard', { period: 'week', value: 'Bravery' }), '"Bravery" is not one of this server\'s values');
  });
});

describe('the weekly roundup', () => {
  // Sunday 29 November 2026, 12:00 UTC = 21:00 in Tokyo.
  const world = useHearth({ clock: new ManualClock(Date.UTC(2026, 10, 29, 12, 0)) });

  it('is posted once on Monday morning in the server\'s time zone, catches up after downtime, and never twice for a week', async () => {
    const { hearth, leader } = world;
    const wall = hearth.double.addChannel(hearth.guild, 'kudos-wall');
    await eventually(() => hearth.context.client.channels.cache.has(wall.id), 'the new channel to reach the bot');
    await leader.run('settings timezone', { zone: 'Asia/Tokyo' });
    await leader.run('settings recognition-channel', { channel: { id: wall.id } });

    const veteran = hearth.member('veteran');
    const rookie = hearth.member('rookie');
    const voter = hearth.member('voter');
    const secretVoter = hearth.member('secret-voter');
    const giver = hearth.member('giver');
    const quietGiver = hearth.member('quiet-giver');

    // Two weeks ago the veteran was thanked once; this week twice more, and the rookie for the first time.
    giveKudos(hearth.context.db, { guildId: hearth.guild.id, giverId: quietGiver.id, recipient: { id: veteran.id, bot: false }, channelId: wall.id, value: 'Wisdom', message: 'Earlier', timezone: 'Asia/Tokyo' }, Date.UTC(2026, 10, 16, 3));
    await giver.run('kudos give', { member: { id: veteran.id }, value: 'Kindness', message: 'Thanks!' });
    await quietGiver.run('kudos give', { member: { id: veteran.id }, value: 'Wisdom', message: 'Thanks!' });
    await giver.run('kudos give', { member: { id: rookie.id }, value: 'Welcoming', message: 'Welcome aboard' });

    // The voter votes in a named poll, the secret voter only in an anonymous one.
    const named = await postedDuring(hearth, hearth.general.id, () => leader.run('poll create', { question: 'Picnic?', choices: 'Yes | No' }));
    await voter.click(named.posted[0]!, 'Yes');
    const secret = await postedDuring(hearth, hearth.general.id, () => leader.run('poll create', { question: 'Secret?', choices: 'Yes | No', anonymous: true }));
    await secretVoter.click(secret.posted[0]!, 'No');

    // Check-ins, as stored: answering a named check-in counts, an anonymous one never does.
    const { db } = hearth.context;
    const checkedIn = hearth.member('checked-in');
    const secretCheckIn = hearth.member('secret-check-in');
    for (const [anonymous, memberId] of [[false, checkedIn.id], [true, secretCheckIn.id]] as const) {
      const schedule = db.insert(checkinSchedules).values({ guildId: hearth.guild.id, channelId: hearth.general.id, name: 'Weekly', prompt: 'How was your week?', whenText: 'mondays', cron: '0 9 * * 1', timezone: 'Asia/Tokyo', anonymous, createdBy: leader.id, createdAt: hearth.clock.now() }).returning().get();
      const run = db.insert(checkinRuns).values({ scheduleId: schedule.id, guildId: hearth.guild.id, scheduledFor: hearth.clock.now(), status: 'posted', recordedAt: hearth.clock.now() }).returning().get();
      db.insert(checkinAnswers).values({ runId: run.id, scheduleId: schedule.id, guildId: hearth.guild.id, memberId, mood: 4, answeredAt: hearth.clock.now(), updatedAt: hearth.clock.now() }).run();
    }

    const roundups = () => hearth.double.channelMessages(wall.id).filter((m) => textOf(m).includes('Weekly kudos roundup'));
    const monday9Tokyo = Date.UTC(2026, 10, 30, 0, 0);
    await hearth.clock.set(monday9Tokyo - 60_000);
    expect(roundups()).toHaveLength(0);

    // Hearth is down over Monday 09:00 and comes back half an hour later: it catches up once.
    await hearth.stopBot();
    await hearth.clock.set(monday9Tokyo + 30 * 60_000);
    await hearth.startBot();
    await hearth.double.waitFor(() => (roundups().length ? true : undefined), 'the weekly roundup');
    const [roundup] = roundups();
    const text = textOf(roundup!);
    expect(text).toContain(`3 kudos were given in the week of ${t(Date.UTC(2026, 10, 22, 15), 'D')}`);
    expect(text).toMatch(new RegExp(`Most thanked\\n\\*\\*1\\.\\*\\* <@${veteran.id}> · 2\\n\\*\\*2\\.\\*\\* <@${rookie.id}> · 1`));
    expect(roundup!.embeds[0]!.fields!.find((f) => f.name === 'First kudos ever')!.value).toBe(`<@${rookie.id}>`);
    const unthanked = roundup!.embeds[0]!.fields!.find((f) => f.name.startsWith('Active this month'))!.value;
    expect(unthanked).toContain(`<@${giver.id}>`);
    expect(unthanked).toContain(`<@${quietGiver.id}>`);
    expect(unthanked).toContain(`<@${voter.id}>`);
    expect(unthanked).not.toContain(secretVoter.id);
    expect(unthanked).toContain(`<@${checkedIn.id}>`);
    expect(unthanked).not.toContain(secretCheckIn.id);
    expect(unthanked).not.toContain(veteran.id);
    expect(roundup!.allowedMentions).toEqual({ parse: [] }); // nobody is pinged by a roundup
    await eventually(() => hearth.context.db.select().from(kudosRoundups).all()[0]?.status === 'posted', 'the roundup to be recorded as posted');
    expect(hearth.context.db.select().from(kudosRoundups).all()).toMatchObject([{ guildId: hearth.guild.id, week: '2026-11-30', status: 'posted', messageId: roundup!.id }]);

    await hearth.restart();
    await hearth.clock.advance(3 * 3_600_000);
    await hearth.runDueWork();
    expect(roundups()).toHaveLength(1);
    expect(hearth.context.db.select().from(outbox).all().filter((e) => e.kind === 'kudos.roundup')).toHaveLength(1); // queued once, across the restart

    // The next Monday brings the next week's roundup, on time. (Hearth is restarted on the Monday
    // morning: walking a week of five-minute timers would only make the test slow.)
    await giver.run('kudos give', { member: { id: voter.id }, value: 'Positivity', message: 'Thanks for voting!' });
    await hearth.stopBot();
    await hearth.clock.set(monday9Tokyo + 7 * 86_400_000 - 10 * 60_000);
    await hearth.startBot();
    await hearth.clock.set(monday9Tokyo + 7 * 86_400_000 - 1);
    await hearth.runDueWork();
    expect(roundups()).toHaveLength(1);
    expect(hearth.context.db.select().from(kudosRoundups).all().map((r) => r.week)).toEqual(['2026-11-30']); // the next week is not even claimed early
    await hearth.clock.advance(1);
    await hearth.double.waitFor(() => (roundups().length === 2 ? true : undefined), 'the second weekly roundup');
    expect(textOf(roundups()[1]!)).toContain('1 kudos was given');
  });

  it('stays quiet when turned off: the week is not even claimed', async () => {
    const { hearth, leader } = world;
    await leader.run('settings kudos-roundup', { state: 'off' });
    const wall = [...hearth.guild.channels.values()].find((c) => c.name === 'kudos-wall')!;
    await hearth.member('late-giver').run('kudos give', { member: { id: hearth.member('late-thanked').id }, value: 'Kindness', message: 'Thanks!' });
    const before = hearth.double.channelMessages(wall.id).length;
    const weeks = () => hearth.context.db.select().from(kudosRoundups).all().map((r) => r.week);
    expect(weeks()).toEqual(['2026-11-30', '2026-12-07']);
    await hearth.stopBot();
    await hearth.clock.advance(7 * 86_400_000 - 10 * 60_000);
    await hearth.startBot();
    await hearth.clock.advance(10 * 60_000); // past Monday 14 December, 09:00 in Tokyo
    await hearth.runDueWork();
    expect(hearth.double.channelMessages(wall.id)).toHaveLength(before);
    expect(weeks()).toEqual(['2026-11-30', '2026-12-07']);
    await leader.run('settings kudos-roundup', { state: 'on' });
  });
});

describe('the weekly roundup with nothing to say, or nowhere to say it', () => {
  // Sunday 29 November 2026, 12:00 UTC; the server uses UTC.
  const world = useHearth({ clock: new ManualClock(Date.UTC(2026, 10, 29, 12, 0)) });
  const rows = () => world.hearth.context.db.select().from(kudosRoundups).all();
  const warnings = () => world.hearth.logs.filter((l) => (JSON.parse(l) as { level: number }).level >= 40);

  it('skips a week with no kudos and nobody to notice, quietly', async () => {
    const { hearth, leader } = world;
    const wall = hearth.double.addChannel(hearth.guild, 'kudos-wall');
    await eventually(() => hearth.context.client.channels.cache.has(wall.id), 'the new channel to reach the bot');
    await leader.run('settings recognition-channel', { channel: { id: wall.id } });
    const warned = warnings().length;
    await hearth.clock.set(Date.UTC(2026, 10, 30, 9, 0));
    await hearth.runDueWork();
    expect(rows()).toMatchObject([{ week: '2026-11-30', status: 'skipped', messageId: null }]);
    expect(hearth.double.channelMessages(wall.id)).toEqual([]);
    expect(warnings()).toHaveLength(warned);
  });

  it('a channel Hearth cannot post in: the week is recorded as failed, with one warning naming the server and the permission', async () => {
    const { hearth } = world;
    const wall = [...hearth.guild.channels.values()].find((c) => c.name === 'kudos-wall')!;
    giveKudos(hearth.context.db, { guildId: hearth.guild.id, giverId: '11', recipient: { id: '22', bot: false }, channelId: wall.id, value: 'Kindness', message: 'Thanks', timezone: 'UTC' }, hearth.clock.now());
    hearth.double.setOverwrites(hearth.guild, wall, [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await eventually(() => !hearth.context.client.guilds.cache.get(hearth.guild.id)!.channels.cache.get(wall.id)!.permissionsFor(hearth.context.client.user!.id)!.has(PermissionFlagsBits.SendMessages), 'the change to reach the bot');
    const warned = warnings().length;
    const posts = () => hearth.double.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${wall.id}/messages`).length;

    await hearth.stopBot(); // on to the next Monday morning, without walking a week of timers
    await hearth.clock.set(Date.UTC(2026, 11, 7, 8, 50));
    await hearth.startBot();
    await hearth.clock.set(Date.UTC(2026, 11, 7, 9, 0));
    await hearth.runDueWork();
    expect(rows().find((r) => r.week === '2026-12-07')).toMatchObject({ status: 'failed', messageId: null });
    expect(posts()).toBe(0); // known up front: Discord is not even asked
    const [warning, ...more] = warnings().slice(warned);
    expect(more).toEqual([]);
    expect(warning).toContain(hearth.guild.id);
    expect(warning).toContain('Send Messages');
    expect(warning).toContain('kudos.roundup');

    // Nothing more is tried that week; members giving kudos hear the same reason.
    await hearth.clock.advance(6 * 3_600_000);
    await hearth.runDueWork();
    expect(posts()).toBe(0);
    const refused = await hearth.member('giver').run('kudos give', { member: { id: hearth.member('thanked').id }, value: 'Kindness', message: 'Thanks!' });
    expect(refused.reply.content).toContain(`Hearth cannot post the shout-out in <#${wall.id}>: it is missing Send Messages there`);
  });
});

describe('kudos when Discord says no', () => {
  const world = useHearth();
  beforeAll(async () => {
    await world.leader.run('settings kudos-daily-limit', { n: 100 });
  });

  const give = (from: TestMember, to: TestMember, message = 'Thank you!', value = 'Kindness') => from.run('kudos give', { member: { id: to.id }, value, message });
  const newRole = async (name: string, position: number, mentionable = false) => {
    const { hearth } = world;
    const role = hearth.double.addRole(hearth.guild, name, 0n, position, mentionable);
    await eventually(() => hearth.context.client.guilds.cache.get(hearth.guild.id)!.roles.cache.has(role.id), 'the new role to reach the bot');
    return role;
  };

  it('a shout-out that cannot be posted means no kudos: the giver is told, nothing is stored, the limit is untouched', async () => {
    const { hearth } = world;
    const ana = hearth.member('ana');
    const ben = hearth.member('ben');
    hearth.double.failNext('POST', /^\/channels\/\d+\/messages$/, 403, 50013, 'Missing Permissions');
    const refused = await expectRefusal(hearth, () => give(ana, ben), `Hearth could not post the shout-out in <#${hearth.general.id}> (Discord answered: Missing Permissions)`);
    expect(refused.reply.content).toContain('your kudos was not given and does not count against today\'s limit');
    expect((await give(ana, ben)).reply.content).toContain('You can give 99 more kudos today');
  });

  it('a recognition channel Hearth cannot post in is refused up front, in words for the member', async () => {
    const { hearth, leader } = world;
    const wall = hearth.double.addChannel(hearth.guild, 'kudos-wall');
    await eventually(() => hearth.context.client.channels.cache.has(wall.id), 'the new channel to reach the bot');
    await leader.run('settings recognition-channel', { channel: { id: wall.id } });
    hearth.double.setOverwrites(hearth.guild, wall, [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await eventually(() => !hearth.context.client.guilds.cache.get(hearth.guild.id)!.channels.cache.get(wall.id)!.permissionsFor(hearth.context.client.user!.id)!.has(PermissionFlagsBits.SendMessages), 'the change to reach the bot');
    const refused = await expectRefusal(hearth, () => give(hearth.member('cai'), hearth.member('dee')), `Hearth cannot post the shout-out in <#${wall.id}>: it is missing Send Messages there`);
    expect(refused.reply.content).toContain('Please ask a leader to give Hearth those permissions in the recognition channel.');
    await leader.run('settings recognition-channel');
  });

  it('from a channel shout-outs cannot go to (voice chat, threads), the refusal tells the member what to do', async () => {
    const { hearth } = world;
    const lounge = hearth.double.addChannel(hearth.guild, 'Lounge', { type: ChannelType.GuildVoice });
    await eventually(() => hearth.context.client.channels.cache.has(lounge.id), 'the new channel to reach the bot');
    const thread = hearth.double.addThread(hearth.guild, hearth.general, 'Planning thread');
    await eventually(() => hearth.context.client.channels.cache.get(thread.id)?.isThread() === true, 'the thread to reach the bot');
    for (const where of [lounge, thread]) {
      const refused = await expectRefusal(
        hearth,
        () => hearth.member(`mo-${where.name}`).run('kudos give', { member: { id: hearth.member(`nia-${where.name}`).id }, value: 'Kindness', message: 'Thanks!' }, { channel: where }),
        'Shout-outs cannot be posted here',
      );
      expect(refused.reply.content, where.name).toContain('Give kudos from a text channel, or ask a leader to set one for shout-outs with `/settings recognition-channel`.');
    }
  });

  it('the form defers before asking Discord about the member, and refuses a value removed or renamed after it opened', async () => {
    const { hearth, leader } = world;
    const eve = hearth.member('eve');
    const fin = hearth.member('fin');
    const opened = await eve.userMenu('Give kudos', fin);
    await leader.run('settings kudos-values rename', { name: 'Welcoming', 'new-name': 'Hospitality' });
    const refused = await expectRefusal(hearth, () => eve.submitModal(opened, { Value: 'Welcoming', Message: 'Thanks for the tour.' }), '"Welcoming" is not one of this server\'s values');
    expect(refused.record.callback!.type).toBe(5); // deferred, privately
    expect(refused.reply.content).toContain('Hospitality');

    const reopened = await eve.userMenu('Give kudos', fin);
    const given = await eve.submitModal(reopened, { Value: 'Hospitality', Message: 'Thanks for the tour.' });
    expect(given.record.callback!.type).toBe(5);
    expect(given.reply.content).toContain(`Your kudos for <@${fin.id}> (**Hospitality**) is up`);
  });

  it('a shout-out Hearth cannot delete: the leader is told plainly with the link, and asking again retries', async () => {
    const { hearth, leader } = world;
    const gus = hearth.member('gus');
    const hal = hearth.member('hal');
    const { posted } = await postedDuring(hearth, hearth.general.id, () => give(gus, hal, 'rude words'));
    const shout = posted[0]!;
    const id = rowsOf(hearth).kudos.at(-1)!.id;

    hearth.double.failNext('DELETE', /^\/channels\/\d+\/messages\/\d+$/, 403, 50013, 'Missing Permissions');
    const first = await leader.run('kudos remove', { id });
    const link = `https://discord.com/channels/${hearth.guild.id}/${hearth.general.id}/${shout.id}`;
    expect(first.reply.content).toContain(`It is removed from the counts, but Hearth could not delete the shout-out (${link}; Discord answered: Missing Permissions): please delete it.`);
    expect(first.reply.content).toContain(`Told by direct message: <@${gus.id}> and <@${hal.id}>.`);
    expect(hearth.double.messages.has(shout.id)).toBe(true);
    expect(rowsOf(hearth).kudos.find((k) => k.id === id)!.removedAt).not.toBeNull();
    expect(textOf((await hal.run('kudos received')).reply)).toContain('You have not received any kudos yet.');

    const second = await leader.run('kudos remove', { id });
    expect(second.reply.content).toContain('was already removed');
    expect(second.reply.content).toContain('Its shout-out is deleted.');
    expect(hearth.double.messages.has(shout.id)).toBe(false);
    expect(hearth.double.directMessages(gus.id)).toHaveLength(1); // told once
  });

  it('members with direct messages closed get a short note in the channel instead; anyone Hearth cannot reach is named to the leader', async () => {
    const { hearth, leader } = world;
    const ida = hearth.member('ida');
    const jo = hearth.member('jo');
    await give(ida, jo, 'spam');
    const id = rowsOf(hearth).kudos.at(-1)!.id;
    hearth.double.closeDirectMessages(jo.id);
    const { seen, posted } = await postedDuring(hearth, hearth.general.id, () => leader.run('kudos remove', { id }));
    expect(seen.reply.content).toContain(`Told by direct message: <@${ida.id}>.`);
    expect(seen.reply.content).toContain(`<@${jo.id}> has direct messages closed, so a short note in <#${hearth.general.id}> told them (without the message).`);
    expect(hearth.double.directMessages(ida.id)).toHaveLength(1);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.content).toContain(`<@${jo.id}>: a leader has removed kudos #${id}`);
    expect(posted[0]!.content).not.toContain(ida.id);
    expect(posted[0]!.content).not.toContain('spam');
    expect(posted[0]!.allowedMentions).toEqual({ parse: [], users: [jo.id] });

    // DMs closed and no way to post in the channel either: the leader is asked to tell them.
    const kim = hearth.member('kim');
    const lou = hearth.member('lou');
    await give(kim, lou, 'more spam');
    const next = rowsOf(hearth).kudos.at(-1)!.id;
    hearth.double.closeDirectMessages(kim.id);
    hearth.double.closeDirectMessages(lou.id);
    hearth.double.failNext('POST', new RegExp(`^/channels/${hearth.general.id}/messages$`), 403, 50013, 'Missing Permissions'); // the note
    const blocked = await leader.run('kudos remove', { id: next });
    expect(blocked.reply.content).toContain(`Hearth could not tell <@${kim.id}> and <@${lou.id}>; please let them know yourself.`);
    expect(blocked.reply.content).toContain('Its shout-out is deleted.');
  });

  it('milestone roles: every reached milestone a member lacks is granted, a failed grant is retried, leaders are pinged by their role once a day', async () => {
    const { hearth, leader } = world;
    const leaders = await newRole('Leaders', 1, true); // members may @mention it
    await leader.run('settings leader-role', { role: { id: leaders.id } });
    const early = await newRole('Early', 2);
    const star2 = await newRole('Star', 3);
    await leader.run('settings kudos-milestone', { count: 1, role: { id: early.id } });
    await leader.run('settings kudos-milestone', { count: 2, role: { id: star2.id } });

    const star = hearth.member('star');
    await give(hearth.member('f1'), star);
    expect(star.state.roles).toContain(early.id);
    // Discord refuses the next two grants (say a leader moved Hearth's role down meanwhile).
    hearth.double.failNext('PUT', /\/roles\//, 403, 50013, 'Missing Permissions', 2);
    const { seen, posted } = await postedDuring(hearth, hearth.general.id, () => give(hearth.member('f2'), star));
    expect(seen.reply.content).toContain(`could not give them the <@&${star2.id}> milestone role (Discord refused: Hearth is missing a permission)`);
    expect(star.state.roles).not.toContain(star2.id);
    expect(posted).toHaveLength(2);
    expect(textOf(posted[0]!)).not.toContain('Milestone'); // nothing new was granted: nothing announced
    expect(posted[1]!.content).toContain(`<@&${leaders.id}>: Hearth could not grant a kudos milestone role`);
    expect(hearth.double.pings(posted[1]!)).toEqual({ users: [], roles: [leaders.id], everyone: false });

    // The same trouble again within a day: the giver hears it, the channel is not spammed.
    await hearth.clock.advance(24 * 3_600_000 - 1);
    const quiet = await postedDuring(hearth, hearth.general.id, () => give(hearth.member('f3'), star));
    expect(quiet.seen.reply.content).toContain(`could not give them the <@&${star2.id}> milestone role`);
    expect(quiet.posted).toHaveLength(1);

    // A day after the note, the leaders hear again. Their role can no longer be @mentioned by
    // members: nobody is pinged, even though Hearth itself may now mention every role.
    await hearth.clock.advance(1);
    hearth.double.updateRole(hearth.guild, leaders, { mentionable: false });
    const botRole = hearth.double.botRole(hearth.guild);
    hearth.double.updateRole(hearth.guild, botRole, { permissions: botRole.permissions | PermissionFlagsBits.MentionEveryone });
    await eventually(() => hearth.context.client.guilds.cache.get(hearth.guild.id)!.roles.cache.get(leaders.id)?.mentionable === false, 'the role change to reach the bot');
    hearth.double.failNext('PUT', /\/roles\//, 403, 50013, 'Missing Permissions');
    const nextDay = await postedDuring(hearth, hearth.general.id, () => give(hearth.member('f3b'), star));
    expect(nextDay.posted).toHaveLength(2);
    expect(nextDay.posted[1]!.content).toContain('Hearth could not grant a kudos milestone role');
    expect(hearth.double.pings(nextDay.posted[1]!)).toEqual({ users: [], roles: [], everyone: false });
    hearth.double.updateRole(hearth.guild, botRole, { permissions: botRole.permissions & ~PermissionFlagsBits.MentionEveryone });

    // Fixed: the next kudos grants the missing role, and the shout-out says so.
    const granted = await postedDuring(hearth, hearth.general.id, () => give(hearth.member('f4'), star));
    expect(star.state.roles).toContain(star2.id);
    expect(textOf(granted.posted[0]!)).toContain(`<@&${star2.id}>`);
    expect(textOf(granted.posted[0]!)).not.toContain(`<@&${early.id}>`); // already held: not announced again
    expect(granted.seen.reply.content).not.toContain('could not');

    // A milestone added later reaches members already past it, with their next kudos.
    const veteran = await newRole('Veteran', 3);
    await leader.run('settings kudos-milestone', { count: 3, role: { id: veteran.id } });
    const later = await postedDuring(hearth, hearth.general.id, () => give(hearth.member('f5'), star));
    expect(star.state.roles).toContain(veteran.id);
    expect(textOf(later.posted[0]!)).toContain(`<@&${veteran.id}>`);
    for (const count of [1, 2, 3]) await leader.run('settings kudos-milestone', { count });
  });

  it('/kudos values and /kudos received stay within Discord\'s limits with many milestones and long values', async () => {
    const { hearth, leader } = world;
    const roles: RoleState[] = [];
    for (let n = 1; n <= 15; n++) roles.push(hearth.double.addRole(hearth.guild, `M${n}`, 0n, 2));
    await eventually(() => hearth.context.client.guilds.cache.get(hearth.guild.id)!.roles.cache.has(roles.at(-1)!.id), 'the new roles to reach the bot');
    for (const [i, role] of roles.entries()) await leader.run('settings kudos-milestone', { count: 10_000 + i, role: { id: role.id } });
    await expectRefusal(hearth, () => leader.run('settings kudos-milestone', { count: 99_999, role: { id: roles[0]!.id } }), 'at most 15 milestones');
    const values = await hearth.member('reader').run('kudos values');
    const how = values.reply.embeds[0]!.fields!.find((f) => f.name === 'How kudos work here')!.value;
    expect(how).toContain(`10014 kudos → <@&${roles[14]!.id}>`);
    expect(how.match(/kudos → /g)).toHaveLength(15);

    // 25 long values, each with 100+ kudos, and long messages.
    const fan = hearth.member('superfan');
    const rows = Array.from({ length: 25 }, (_, v) =>
      Array.from({ length: 100 + v }, (_, i) => ({
        guildId: hearth.guild.id,
        giverId: `giver-${i}`,
        recipientId: fan.id,
        value: `A rather long value name, no. ${String(v).padStart(2, '0')}`,
        message: `${'m'.repeat(170)} ${v}-${i}`,
        channelId: hearth.general.id,
        messageId: null,
        createdAt: Date.UTC(2026, 0, 1) + v * 1000 + i,
      })),
    ).flat();
    for (let i = 0; i < rows.length; i += 500) hearth.context.db.insert(kudos).values(rows.slice(i, i + 500)).run();
    const received = await fan.run('kudos received');
    expect(isEphemeral(received.reply)).toBe(true);
    const fields = received.reply.embeds[0]!.fields!;
    const byValue = fields.find((f) => f.name === 'By value')!.value;
    expect(byValue).toContain('**A rather long value name, no. 24**: 124');
    expect(byValue).toMatch(/\n…and \d+ more$/);
    const recent = fields.find((f) => f.name === 'Most recent')!.value;
    expect(recent).toMatch(/\n…and \d+ more$/);
    expect(recent.split('\n').filter((line) => line.startsWith('`#'))).toHaveLength(recent.split('\n').filter((line) => line.startsWith('> ')).length); // whole entries only
  });
});

describe('the weekly roundup across servers', () => {
  // Sunday 29 November 2026, 12:00 UTC; both servers use UTC, so roundups are due Monday 09:00 UTC.
  // discord.js retries a 5xx itself (LIBRARY_TRIES requests in all) before Hearth sees a failure.
  const world = useHearth({ clock: new ManualClock(Date.UTC(2026, 10, 29, 12, 0)), libraryRetries: true });
  const roundupsIn = (channelId: string) => world.hearth.double.channelMessages(channelId).filter((m) => textOf(m).includes('Weekly kudos roundup'));
  const attemptsIn = (channelId: string) => world.hearth.double.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/messages`).length;
  const setUp = (guildId: string, channelId: string) => {
    const { db } = world.hearth.context;
    const now = world.hearth.clock.now();
    setRecognitionChannel(db, guildId, channelId, now);
    giveKudos(db, { guildId, giverId: '11', recipient: { id: '22', bot: false }, channelId, value: 'Kindness', message: 'Thanks', timezone: 'UTC' }, now - 86_400_000);
  };

  it('one server\'s failed post does not stop another\'s, and a passing failure is retried after a pause, not every few seconds', async () => {
    const { hearth } = world;
    const other = hearth.double.addGuild('Other Server');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the second server to reach the bot');
    const otherChannel = [...other.channels.values()][0]!;
    setUp(hearth.guild.id, hearth.general.id);
    setUp(other.id, otherChannel.id);

    // Discord has a hiccup for the first server only, longer than discord.js's own retries.
    hearth.double.failNext('POST', new RegExp(`^/channels/${hearth.general.id}/messages$`), 500, 0, 'Internal Server Error', LIBRARY_TRIES);
    await hearth.clock.set(Date.UTC(2026, 10, 30, 9, 0));
    await hearth.runDueWork(); // the round the timer started, to its end
    expect(roundupsIn(otherChannel.id)).toHaveLength(1);
    expect(hearth.logs.filter((l) => l.includes('a Discord side effect failed; it will be retried') && l.includes(`kudos.roundup:${hearth.guild.id}:`))).toHaveLength(1);
    expect(roundupsIn(hearth.general.id)).toHaveLength(0);
    expect(attemptsIn(hearth.general.id)).toBe(LIBRARY_TRIES);

    // Not retried a few seconds later...
    await hearth.clock.advance(10_000);
    await hearth.runDueWork();
    expect(attemptsIn(hearth.general.id)).toBe(LIBRARY_TRIES);
    // ...but after a pause of a minute, once, and it goes out.
    await hearth.clock.advance(50_000);
    await hearth.runDueWork();
    expect(roundupsIn(hearth.general.id)).toHaveLength(1);
    expect(attemptsIn(hearth.general.id)).toBe(LIBRARY_TRIES + 1);
    expect(roundupsIn(otherChannel.id)).toHaveLength(1);
    expect(hearth.context.db.select().from(kudosRoundups).all().map((r) => r.status)).toEqual(['posted', 'posted']);
  });

  it('keeps failing: tried again after 1, 2, 4 … up to 60 minutes, then recorded as failed after a day and never tried again', async () => {
    const { hearth } = world;
    const { db } = hearth.context;
    const third = hearth.double.addGuild('Third Server');
    await eventually(() => hearth.context.client.guilds.cache.has(third.id), 'the third server to reach the bot');
    const channel = [...third.channels.values()][0]!;
    setUp(third.id, channel.id);
    const key = `kudos.roundup:${third.id}:2026-11-30`;
    const effect = () => db.select().from(outbox).where(eq(outbox.key, key)).get()!;
    hearth.double.failNext('POST', new RegExp(`^/channels/${channel.id}/messages$`), 503, 0, 'Service Unavailable', 10_000);

    await hearth.runDueWork(); // its Monday 09:00 passed a minute ago: due now
    const first = hearth.clock.now();
    expect(effect().createdAt).toBe(first);
    const waits: number[] = [];
    while (effect().status === 'pending') {
      const tries = attemptsIn(channel.id);
      const { dueAt } = effect();
      waits.push((dueAt - hearth.clock.now()) / 60_000);
      await hearth.clock.set(dueAt - 1);
      await hearth.runDueWork();
      expect(attemptsIn(channel.id)).toBe(tries); // never early
      await hearth.clock.advance(1);
      await hearth.runDueWork();
      expect(attemptsIn(channel.id)).toBe(tries + LIBRARY_TRIES);
    }
    expect(waits.slice(0, 8)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    expect(new Set(waits.slice(6))).toEqual(new Set([60]));
    const last = hearth.clock.now();
    expect(last - first).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(last - first - 60 * 60_000).toBeLessThan(24 * 3_600_000); // the try before was still within the day
    expect(effect().status).toBe('dropped');
    expect(db.select().from(kudosRoundups).all().find((r) => r.guildId === third.id)).toMatchObject({ week: '2026-11-30', status: 'failed' });
    expect(hearth.logs.filter((l) => l.includes('a Discord side effect was dropped') && l.includes(key))).toHaveLength(1);

    const tries = attemptsIn(channel.id);
    await hearth.clock.advance(2 * 86_400_000);
    await hearth.runDueWork();
    expect(attemptsIn(channel.id)).toBe(tries);
    expect(roundupsIn(channel.id)).toHaveLength(0);
  });
});

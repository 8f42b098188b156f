// Visibility follows Discord: a member does not see, find or answer anything posted in a channel
// they cannot view (leaders keep their views), computed from roles and overwrites as Discord does.
import { beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { TextChannel } from 'discord.js';
import { eventually, isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { rowsOf } from '../support/community';
import type { ChannelState } from '../support/discord-double';

const VIEW_AND_SEND = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;

describe('private channels', () => {
  const world = useHearth();
  let staffRoom: ChannelState;
  let staffer: TestMember;
  let outsider: TestMember;
  let publicPoll: StoredMessage;
  let privatePoll: StoredMessage;
  let privatePollId: number;
  let surveyId: number;
  let runId: number;
  const stored = () => {
    const db = world.hearth.context.db;
    return ['poll_votes', 'polls', 'poll_choices', 'survey_responses', 'survey_answers', 'checkin_answers'].flatMap((table) => rowsOf(db, `SELECT * FROM ${table}`));
  };

  beforeAll(async () => {
    const { hearth, leader } = world;
    const { double, guild } = hearth;
    const staff = double.addRole(guild, 'Staff');
    const moderators = [...guild.roles.values()].find((r) => r.name === 'Moderators')!;
    staffRoom = double.addChannel(guild, 'staff-room', {
      overwrites: [
        { id: guild.id, type: 0, allow: 0n, deny: PermissionFlagsBits.ViewChannel },
        { id: staff.id, type: 0, allow: VIEW_AND_SEND, deny: 0n },
        { id: moderators.id, type: 0, allow: VIEW_AND_SEND, deny: 0n },
        { id: double.botRole(guild).id, type: 0, allow: VIEW_AND_SEND, deny: 0n },
      ],
    });
    staffer = hearth.member('staffer', { roles: [staff.id] });
    outsider = hearth.member('outsider');

    const created = async (options: Record<string, string | { id: string }>) => {
      const before = new Set(double.messages.keys());
      const { reply } = await leader.run('poll create', options);
      return { id: Number(/Poll #(\d+)/.exec(reply.content)![1]), message: [...double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))! };
    };
    publicPoll = (await created({ question: 'Picnic or museum?', choices: 'Picnic | Museum' })).message;
    ({ id: privatePollId, message: privatePoll } = await created({ question: 'Promote Sam to moderator?', choices: 'Yes | No', channel: { id: staffRoom.id } }));
    expect(privatePoll.channelId).toBe(staffRoom.id);
    await staffer.click(privatePoll, 'Yes');

    const { reply: draft } = await leader.run('survey create', { title: 'Staff pulse' });
    surveyId = Number(/#(\d+)/.exec(textOf(draft))![1]);
    await leader.run('survey add-question', { survey: surveyId, kind: 'scale-5', prompt: 'How is moderating going?' });
    await leader.run('survey publish', { survey: surveyId, channel: { id: staffRoom.id } });

    await leader.run('checkin schedule', { channel: { id: staffRoom.id }, when: 'daily 09:00', prompt: 'Staff check-in', name: 'Staff' });
    const { reply: posted } = await leader.run('checkin run', { id: 1 });
    expect(posted.content).toContain('is posted');
    runId = 1;
    const post = double.channelMessages(staffRoom.id).find((m) => textOf(m).includes('Staff check-in'))!;
    expect((await staffer.click(post, 'good')).reply.content).toContain('Thanks! You answered');
  });

  it('/poll results, list and suggestions leave out polls in channels the member cannot view; leaders and members who can still see them', async () => {
    const { leader } = world;
    const refused = await outsider.run('poll results', { poll: privatePollId });
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toBe(`There is no poll #${privatePollId} in this server. Pick one from the list as you type, or see \`/poll list\`.`);
    expect(textOf(refused.reply)).not.toContain('Promote');
    for (const who of [staffer, leader]) {
      const shown = await who.run('poll results', { poll: privatePollId });
      expect(textOf(shown.reply)).toContain('Promote Sam to moderator?');
      expect(textOf(shown.reply)).toContain(`<@${staffer.id}>`);
    }

    const list = textOf((await outsider.run('poll list', { status: 'all' })).reply);
    expect(list).toContain('Polls (all): 1');
    expect(list).toContain('Picnic or museum?');
    expect(list).not.toContain('Promote');
    expect(textOf((await staffer.run('poll list', { status: 'all' })).reply)).toContain('Polls (all): 2');
    expect(textOf((await leader.run('poll list', { status: 'all' })).reply)).toContain('Promote Sam to moderator?');

    const names = async (who: TestMember, sub: string) => (await who.autocomplete(`poll ${sub}`, { poll: '' }, 'poll')).map((c) => c.name);
    for (const sub of ['results', 'close']) {
      expect(await names(outsider, sub)).toEqual([expect.stringContaining('Picnic or museum?')]);
      expect(await names(staffer, sub)).toEqual([expect.stringContaining('Promote'), expect.stringContaining('Picnic')]);
    }
    expect(await outsider.autocomplete('poll results', { poll: 'Promote' }, 'poll')).toEqual([]);
  });

  it('refuses forged votes, "My vote", "Retract" and /poll close on such a poll as if it did not exist, changing nothing', async () => {
    const { hearth } = world;
    await hearth.clock.advance(3000); // the staffer's vote is on the poll
    const before = stored();
    const edits = privatePoll.edits;
    for (const customId of [`poll:vote:${privatePollId}:1`, `poll:mine:${privatePollId}`, `poll:retract:${privatePollId}`]) {
      const { reply } = await hearth.sendCustomId(outsider, 'button', customId, publicPoll);
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toBe('This poll no longer exists.');
    }
    const close = await outsider.run('poll close', { poll: privatePollId });
    expect(close.reply.content).toBe(`There is no poll #${privatePollId} in this server. Pick one from the list as you type, or see \`/poll list\`.`);
    expect(stored()).toEqual(before);
    await hearth.clock.advance(3000);
    expect(hearth.double.messages.get(privatePoll.id)!.edits).toBe(edits);
  });

  it('refuses a forged "Take survey" and every answering step of a survey in such a channel, storing nothing', async () => {
    const { hearth } = world;
    const before = stored();
    for (const [kind, customId] of [
      ['button', `survey:take:${surveyId}`],
      ['button', `survey:go:${surveyId}:0`],
      ['button', `survey:pick:${surveyId}:0:5`],
      ['select', `survey:choose:${surveyId}:0`],
      ['button', `survey:next:${surveyId}:0`],
      ['button', `survey:form:${surveyId}:0`],
      ['modal', `survey:modal:${surveyId}:0`],
      ['button', `survey:submit:${surveyId}`],
    ] as const) {
      const { reply } = await hearth.sendCustomId(outsider, kind, customId, publicPoll, { values: ['0'], fields: { 'q-1': 'hello' } });
      expect(isEphemeral(reply), customId).toBe(true);
      expect(reply.content, customId).toBe('This survey no longer exists.');
    }
    expect(stored()).toEqual(before);
    const take = await hearth.sendCustomId(staffer, 'button', `survey:take:${surveyId}`, publicPoll);
    expect(textOf(take.reply)).toContain('How is moderating going?');
  });

  it('refuses forged mood clicks and notes on a check-in in such a channel, and leaves it out of /checkin streak', async () => {
    const { hearth, leader } = world;
    const before = stored();
    for (const customId of [`checkin:mood:${runId}:4`, `checkin:note:${runId}`]) {
      const { reply } = await hearth.sendCustomId(outsider, 'button', customId, publicPoll);
      expect(reply.content, customId).toBe('This check-in no longer exists, so answers to it are not kept.');
    }
    const { reply } = await hearth.sendCustomId(outsider, 'modal', `checkin:save-note:${runId}`, publicPoll, { fields: { note: 'let me in' } });
    expect(reply.content).toBe('This check-in no longer exists, so answers to it are not kept.');
    expect(stored()).toEqual(before);

    const asked = await outsider.run('checkin streak', { member: { id: staffer.id } });
    expect(asked.reply.content).not.toContain('Staff');
    expect(asked.reply.content).toBe(`<@${staffer.id}> has not answered a check-in here yet.`);
    expect((await staffer.run('checkin streak')).reply.content).toContain('**Staff** (#1): 1 run in a row');
    expect((await leader.run('checkin streak', { member: { id: staffer.id } })).reply.content).toContain('**Staff** (#1)');
  });

  it('/kudos received and given leave out the messages of shout-outs posted in such a channel', async () => {
    const { hearth, leader } = world;
    const colleague = hearth.member('colleague', { roles: [...hearth.guild.roles.values()].filter((r) => r.name === 'Staff').map((r) => r.id) });
    const given = await staffer.run('kudos give', { member: { id: colleague.id }, value: 'Wisdom', message: 'Great call on the ban appeal' }, { channel: staffRoom });
    expect(given.reply.content).toContain('is up');
    for (const [who, sub, sees] of [[outsider, 'received', false], [outsider, 'given', false], [staffer, 'received', true], [leader, 'given', true]] as const) {
      const target = sub === 'received' ? colleague : staffer;
      const shown = textOf((await who.run(`kudos ${sub}`, { member: { id: target.id } })).reply);
      expect(shown.includes('Great call on the ban appeal'), `${who.name} /kudos ${sub}`).toBe(sees);
    }
  });

  it('follows a change of the channel\'s overwrites at once: a member who loses View Channel loses the poll too', async () => {
    const { hearth } = world;
    const { double, guild } = hearth;
    const staff = [...guild.roles.values()].find((r) => r.name === 'Staff')!;
    double.setOverwrites(guild, staffRoom, staffRoom.overwrites.map((o) => (o.id === staff.id ? { ...o, allow: 0n, deny: PermissionFlagsBits.ViewChannel } : o)));
    const cached = () => hearth.context.client.channels.cache.get(staffRoom.id) as TextChannel;
    await eventually(() => cached().permissionOverwrites.cache.get(staff.id)?.deny.has(PermissionFlagsBits.ViewChannel) === true, 'the channel update');
    const before = stored();
    const { reply } = await hearth.sendCustomId(staffer, 'button', `poll:vote:${privatePollId}:1`, publicPoll);
    expect(reply.content).toBe('This poll no longer exists.');
    expect((await staffer.run('poll results', { poll: privatePollId })).reply.content).toContain(`There is no poll #${privatePollId}`);
    expect(stored()).toEqual(before);
  });
});

import { describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { eventually, isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth, type World } from '../support/setup';
import { closeDatabase, openDatabase } from '../../src/db/open';
import { outbox } from '../../src/outbox/schema';
import { pollFollowUps } from '../../src/polls/schema';
import { surveyFollowUps } from '../../src/surveys/schema';

/** What members see of "you said, we did": the public follow-ups and the originals that link to them. */
function followUpKit(world: World) {
  const current = (message: StoredMessage) => world.hearth.double.messages.get(message.id)!;
  const followUps = () => [...world.hearth.double.messages.values()].filter((m) => !isEphemeral(m) && m.embeds[0]?.author?.name === 'You said, we did');
  const pollRows = () => world.hearth.context.db.select().from(pollFollowUps).all();
  const surveyRows = () => world.hearth.context.db.select().from(surveyFollowUps).all();

  /** A poll created by the leader, voted on by `votes` (member name -> choice), then closed. */
  async function closedPoll(question: string, choices: string, votes: Record<string, string>, options: Record<string, boolean> = {}): Promise<{ id: number; message: StoredMessage }> {
    const { hearth, leader } = world;
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await leader.run('poll create', { question, choices, ...options });
    const id = Number(/^Poll #(\d+)/.exec(reply.content)![1]);
    const message = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
    for (const [name, choice] of Object.entries(votes)) await hearth.member(name).click(message, choice);
    await leader.run('poll close', { poll: id });
    return { id, message };
  }

  /** A one-question (yes-no) survey, answered by `answers` (member name -> Yes/No), then closed. */
  async function closedSurvey(title: string, answers: Record<string, 'Yes' | 'No'>, options: Record<string, boolean> = {}): Promise<{ id: number; card: StoredMessage }> {
    const { hearth, leader } = world;
    const draft = await leader.run('survey create', { title, ...options });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(draft.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'yes-no', prompt: 'Should we meet on Saturdays?' });
    const published = await leader.run('survey publish', { survey: id });
    const card = hearth.double.messages.get(/\/(\d+)$/.exec(published.reply.content)![1]!)!;
    for (const [name, answer] of Object.entries(answers)) {
      const member = hearth.member(name);
      const screen = (await member.click(card, 'Take survey')).reply;
      await member.click(screen, answer);
      await member.click(screen, 'Submit');
    }
    await leader.run('survey close', { survey: id });
    return { id, card };
  }

  return { current, followUps, pollRows, surveyRows, closedPoll, closedSurvey };
}

describe('you said, we did: poll follow-ups', () => {
  const world = useHearth();
  const { current, followUps, pollRows, closedPoll } = followUpKit(world);

  it('posts the follow-up in the poll\'s channel quoting the winner and the message, links both ways, and edits it when run again', async () => {
    const { hearth, leader } = world;
    const { id, message } = await closedPoll('Where should we meet?', 'Berlin | Lisbon | Online', { ana: 'Lisbon', ben: 'Lisbon', cai: 'Online' });

    const { reply } = await leader.run('poll follow-up', { poll: id, message: 'We booked a venue in Lisbon for 12 June. Details next week!' });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toMatch(new RegExp(`^Your follow-up to poll #${id} is posted in <#${message.channelId}>, and the poll links to it: \\S+/${message.channelId}/\\d+$`));
    expect(followUps()).toHaveLength(1);
    const [posted] = followUps();
    expect(posted!.channelId).toBe(message.channelId);
    const text = textOf(posted!);
    expect(text).toContain(`Poll #${id}: Where should we meet?`);
    expect(text).toContain('> 🏆 Winner: **Lisbon** with 2 votes (67% of voters).');
    expect(text).toContain('> 3 members voted.');
    expect(text).toContain('> We booked a venue in Lisbon for 12 June. Details next week!');
    expect(posted!.embeds[0]!.url).toBe(`https://discord.com/channels/${hearth.guild.id}/${message.channelId}/${message.id}`);
    expect(posted!.allowedMentions).toEqual({ parse: [] }); // nobody is pinged
    expect(reply.content.endsWith(posted!.id)).toBe(true);

    // The poll's own message now links to the follow-up, and still shows its final result.
    await eventually(() => textOf(current(message)).includes('You said, we did'), 'the poll to link to its follow-up');
    expect(textOf(current(message))).toContain(`[read the leaders' follow-up](https://discord.com/channels/${hearth.guild.id}/${message.channelId}/${posted!.id})`);
    expect(textOf(current(message))).toContain('🏆 Winner: **Lisbon**');

    // Again: the same message is edited, not a second one posted.
    const second = await leader.run('poll follow-up', { poll: id, message: 'Change of plan: the venue is in Porto, same date.' });
    expect(second.reply.content).toBe(`Your follow-up to poll #${id} is updated: https://discord.com/channels/${hearth.guild.id}/${message.channelId}/${posted!.id}`);
    expect(followUps()).toHaveLength(1);
    expect(textOf(current(posted!))).toContain('> Change of plan: the venue is in Porto, same date.');
    expect(textOf(current(posted!))).not.toContain('Lisbon for 12 June');
    expect(current(posted!).edits).toBe(1);
    expect(pollRows()).toMatchObject([{ pollId: id, revision: 2, messageId: posted!.id, message: 'Change of plan: the venue is in Porto, same date.' }]);
  });

  it('quotes nothing of an anonymous poll with fewer than 3 voters', async () => {
    const { leader } = world;
    const { id } = await closedPoll('Secret ballot?', 'Aye | Nay', { dee: 'Aye', eli: 'Nay' }, { anonymous: true });
    await leader.run('poll follow-up', { poll: id, message: 'Thanks for voting.' });
    const posted = followUps().find((m) => textOf(m).includes('Secret ballot?'))!;
    expect(textOf(posted)).toContain('Fewer than 3 members voted, so the results of this anonymous poll stay hidden.');
    expect(textOf(posted)).not.toMatch(/Aye|Nay|2 members/);
  });

  it('refuses every bad input with a private answer that says how to fix it, and changes nothing', async () => {
    const { hearth, leader } = world;
    const before = new Set(hearth.double.messages.keys());
    const open = await leader.run('poll create', { question: 'Still open?', choices: 'Yes | No' });
    const openId = Number(/^Poll #(\d+)/.exec(open.reply.content)![1]);
    const { id: closedId } = await closedPoll('Closed one?', 'Yes | No', { fay: 'Yes' });
    const rowsBefore = JSON.stringify(pollRows());
    const effects = () => hearth.context.db.select().from(outbox).all().filter((e) => e.kind === 'poll.follow-up').length;
    const effectsBefore = effects();

    const refused = async (who: TestMember, options: Record<string, string | number>, expected: string) => {
      const { reply } = await who.run('poll follow-up', options as Record<string, string | number>);
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain(expected);
    };
    await refused(hearth.member('gus'), { poll: closedId, message: 'I am not a leader' }, 'Only leaders can post follow-ups to polls. Leaders are members with the Manage Server permission');
    await refused(leader, { poll: openId, message: 'Too early' }, `Poll #${openId} is still open: close it first with \`/poll close\``);
    await refused(leader, { poll: 987_654, message: 'Nothing there' }, 'There is no poll #987654 in this server');
    await refused(leader, { poll: closedId, message: '   ' }, 'Write what will happen in `message`: one to 1,000 characters');
    await refused(leader, { poll: closedId, message: 'x'.repeat(1_001) }, 'Your follow-up is 1,001 characters long; the most is 1,000. Shorten it');

    const other = hearth.double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const outsider = hearth.memberOf(other, 'outsider');
    outsider.state.roles.push(hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild).id); // a leader there
    await refused(outsider, { poll: closedId, message: 'Not yours' }, `There is no poll #${closedId} in this server`);

    // A channel Hearth can no longer post in: the missing permission is named.
    const locked = hearth.double.addChannel(hearth.guild, 'locked');
    const lockedPoll = await leader.run('poll create', { question: 'Locked later?', choices: 'a | b', channel: { id: locked.id } });
    const lockedId = Number(/^Poll #(\d+)/.exec(lockedPoll.reply.content)![1]);
    await leader.run('poll close', { poll: lockedId });
    hearth.double.setOverwrites(hearth.guild, locked, [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages }]);
    await eventually(() => hearth.context.client.channels.cache.get(locked.id)?.isTextBased() === true, 'the channel update');
    const postsBefore = hearth.double.messages.size;
    await refused(leader, { poll: lockedId, message: 'Anyone there?' }, 'missing the Send Messages permission');
    expect(hearth.double.messages.size).toBe(postsBefore + 1); // only the refusal

    // A leader who cannot write in the poll's channel cannot post there through Hearth either.
    const readOnly = hearth.double.addChannel(hearth.guild, 'read-only');
    const readOnlyPoll = await leader.run('poll create', { question: 'Read only later?', choices: 'a | b', channel: { id: readOnly.id } });
    const readOnlyId = Number(/^Poll #(\d+)/.exec(readOnlyPoll.reply.content)![1]);
    await leader.run('poll close', { poll: readOnlyId });
    hearth.double.setOverwrites(hearth.guild, readOnly, [
      { id: hearth.guild.id, type: 0, allow: 0n, deny: PermissionFlagsBits.SendMessages },
      { id: hearth.double.botRole(hearth.guild).id, type: 0, allow: PermissionFlagsBits.SendMessages, deny: 0n },
    ]);
    await eventually(() => hearth.context.client.channels.cache.get(readOnly.id)?.isTextBased() === true, 'the channel update');
    await refused(leader, { poll: readOnlyId, message: 'Posting where I cannot' }, `You cannot post in <#${readOnly.id}> yourself, so Hearth will not post there for you`);

    expect(JSON.stringify(pollRows())).toBe(rowsBefore);
    expect(effects()).toBe(effectsBefore);
    expect(followUps().filter((m) => !before.has(m.id))).toEqual([]);
  });
});

describe('you said, we did: survey follow-ups', () => {
  const world = useHearth();
  const { current, followUps, surveyRows, closedSurvey } = followUpKit(world);

  it('posts the follow-up quoting the number of responses and the top finding, links the card to it, and edits it when run again', async () => {
    const { hearth, leader } = world;
    const { id, card } = await closedSurvey('Community pulse', { ana: 'Yes', ben: 'Yes', cai: 'No' });
    const { reply } = await leader.run('survey follow-up', { survey: id, message: 'Saturdays it is, from next month.' });
    expect(reply.content).toMatch(new RegExp(`^Your follow-up to survey #${id} is posted in <#${card.channelId}>, and the survey's card links to it: `));
    const [posted] = followUps();
    const text = textOf(posted!);
    expect(text).toContain(`Survey #${id}: Community pulse`);
    expect(text).toContain('> 3 members answered.\n> Should we meet on Saturdays?: **Yes**, chosen by 67% of the 3 members who answered.');
    expect(text).toContain('> Saturdays it is, from next month.');
    expect(posted!.embeds[0]!.url).toBe(`https://discord.com/channels/${hearth.guild.id}/${card.channelId}/${card.id}`);
    await eventually(() => textOf(current(card)).includes('You said, we did'), 'the card to link to its follow-up');
    expect(textOf(current(card))).toContain(`[Read the leaders' follow-up](https://discord.com/channels/${hearth.guild.id}/${card.channelId}/${posted!.id})`);

    const again = await leader.run('survey follow-up', { survey: id, message: 'Saturdays from next month, 10:00 at the library.' });
    expect(again.reply.content).toContain(`Your follow-up to survey #${id} is updated`);
    expect(followUps()).toHaveLength(1);
    expect(textOf(current(posted!))).toContain('> Saturdays from next month, 10:00 at the library.');
    expect(surveyRows()).toMatchObject([{ surveyId: id, revision: 2, messageId: posted!.id }]);
  });

  it('an anonymous survey shows nothing below its minimum (2 answers) and its totals from 3', async () => {
    const { leader } = world;
    const two = await closedSurvey('Quiet pulse', { dee: 'Yes', eli: 'No' }, { anonymous: true });
    await leader.run('survey follow-up', { survey: two.id, message: 'Thanks to both of you.' });
    const quiet = textOf(followUps().find((m) => textOf(m).includes('Quiet pulse'))!);
    expect(quiet).toContain('Fewer than 3 members answered, so the results of this anonymous survey stay hidden.');
    expect(quiet).not.toMatch(/Yes|No\b|2 members/);

    const three = await closedSurvey('Busy pulse', { fay: 'No', gus: 'No', hal: 'Yes' }, { anonymous: true });
    await leader.run('survey follow-up', { survey: three.id, message: 'We hear you.' });
    const busy = textOf(followUps().find((m) => textOf(m).includes('Busy pulse'))!);
    expect(busy).toContain('> 3 members answered.\n> Should we meet on Saturdays?: **No**, chosen by 67% of the 3 members who answered.');
  });

  it('refuses an open survey, a draft, an unknown or another server\'s survey, a member, and a bad message, changing nothing', async () => {
    const { hearth, leader } = world;
    const { id: closedId } = await closedSurvey('Done', { ivy: 'Yes' });
    const draft = await leader.run('survey create', { title: 'Still a draft' });
    const draftId = Number(/Draft survey #(\d+)/.exec(textOf(draft.reply))![1]);
    await leader.run('survey add-question', { survey: draftId, kind: 'yes-no', prompt: 'Ok?' });
    const open = await leader.run('survey create', { title: 'Still open' });
    const openId = Number(/Draft survey #(\d+)/.exec(textOf(open.reply))![1]);
    await leader.run('survey add-question', { survey: openId, kind: 'yes-no', prompt: 'Ok?' });
    await leader.run('survey publish', { survey: openId });
    const rowsBefore = JSON.stringify(surveyRows());
    const postsBefore = followUps().length;
    const effects = () => hearth.context.db.select().from(outbox).all().filter((e) => e.kind === 'survey.follow-up').length;
    const effectsBefore = effects();

    const refused = async (who: TestMember, options: Record<string, string | number>, expected: string) => {
      const { reply } = await who.run('survey follow-up', options);
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain(expected);
    };
    await refused(leader, { survey: openId, message: 'Too early' }, `Survey #${openId} is still open: close it first with \`/survey close\``);
    await refused(leader, { survey: draftId, message: 'Too early' }, `Survey #${draftId} is a draft`);
    await refused(leader, { survey: 987_654, message: 'Nothing there' }, 'There is no survey #987654 in this server');
    await refused(leader, { survey: closedId, message: '' }, 'Write what will happen in `message`');
    await refused(leader, { survey: closedId, message: 'y'.repeat(1_500) }, 'Your follow-up is 1,500 characters long; the most is 1,000');
    await refused(hearth.member('jo'), { survey: closedId, message: 'Me too' }, 'Only leaders');
    const other = hearth.double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const outsider = hearth.memberOf(other, 'outsider');
    outsider.state.roles.push(hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild).id);
    await refused(outsider, { survey: closedId, message: 'Not yours' }, `There is no survey #${closedId} in this server`);

    expect(JSON.stringify(surveyRows())).toBe(rowsBefore);
    expect(followUps()).toHaveLength(postsBefore);
    expect(effects()).toBe(effectsBefore);
  });
});

describe('you said, we did: across a restart', () => {
  const world = useHearth();
  const { current, followUps, pollRows, closedPoll } = followUpKit(world);

  it('a follow-up stored before a restart is posted once after it, and a crash between posting and recording does not post twice', async () => {
    const { hearth, leader } = world;
    const { id, message } = await closedPoll('Picnic or barbecue?', 'Picnic | Barbecue', { kim: 'Picnic' });
    // Discord fails the post: the follow-up is stored and its post waits in the outbox.
    hearth.double.failNext('POST', new RegExp(`^/channels/${message.channelId}/messages$`), 500, 0, 'Internal Server Error');
    const { reply } = await leader.run('poll follow-up', { poll: id, message: 'Picnic on Sunday, bring a blanket.' });
    expect(reply.content).toBe(`Your follow-up to poll #${id} is saved; Hearth could not reach Discord just now and will post it within a minute.`);
    expect(followUps()).toHaveLength(0);

    await hearth.restart();
    await hearth.clock.advance(60_000);
    await hearth.runDueWork();
    await eventually(() => followUps().length === 1 && pollRows()[0]?.messageId === followUps()[0]!.id, 'the follow-up to be posted and recorded');
    await hearth.runDueWork();
    await eventually(() => textOf(current(message)).includes('You said, we did'), 'the poll to link to its follow-up');
    const posted = followUps()[0]!;

    // A crash right after Discord took the post, before Hearth recorded it: the record is lost and
    // the delivery is due again. The retry carries the same nonce, so Discord answers with the
    // message already posted.
    await hearth.stopBot();
    const db = openDatabase(hearth.databasePath);
    try {
      db.$client.prepare('UPDATE poll_follow_ups SET message_id = NULL').run();
      db.$client.prepare("UPDATE outbox SET status = 'pending', due_at = 0, attempts = 0 WHERE kind = 'poll.follow-up'").run();
    } finally {
      closeDatabase(db);
    }
    await hearth.startBot();
    await hearth.runDueWork();
    await eventually(() => pollRows()[0]?.messageId === posted.id, 'the follow-up to be recorded again');
    expect(followUps()).toHaveLength(1);
    expect(current(posted).edits).toBe(0);
  });
});

describe('you said, we did: written answers', () => {
  const world = useHearth();
  const { followUps } = followUpKit(world);

  it("quotes a written answer's words only when several members wrote them, never one member's own", async () => {
    const { hearth, leader } = world;
    const draft = await leader.run('survey create', { title: 'Ideas' });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(draft.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'short-text', prompt: 'What should we try?' });
    const published = await leader.run('survey publish', { survey: id });
    const card = hearth.double.messages.get(/\/(\d+)$/.exec(published.reply.content)![1]!)!;
    const answer = async (name: string, words: string) => {
      const member = hearth.member(name);
      const screen = (await member.click(card, 'Take survey')).reply;
      await member.submitModal(await member.click(screen, 'Answer'), { q1: words });
      await member.click(screen, 'Submit');
    };
    await answer('ida', 'Bartholomew');
    await answer('jon', 'Zanzibar');
    await leader.run('survey close', { survey: id });
    await leader.run('survey follow-up', { survey: id, message: 'Thanks, we will read them all.' });
    const text = textOf(followUps().at(-1)!);
    expect(text).toContain('> 2 members answered.');
    expect(text).not.toMatch(/Bartholomew|Zanzibar/);
  });
});

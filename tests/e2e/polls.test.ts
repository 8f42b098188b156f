import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChannelType, InteractionResponseType, PermissionFlagsBits } from 'discord-api-types/v10';
import { eventually, allComponents, isEphemeral, settle, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { polls, pollVotes } from '../../src/polls/schema';

describe('polls', () => {
  const world = useHearth();
  const pollRows = () => world.hearth.context.db.select().from(polls).all();
  const voteRows = () => world.hearth.context.db.select().from(pollVotes).all();
  const current = (message: StoredMessage) => world.hearth.double.messages.get(message.id)!;
  const buttonLabels = (message: StoredMessage) => allComponents(current(message).components).filter((c) => c.type === 2).map((c) => c.label);

  /** Creates a poll as `who` and returns the public poll message. */
  async function createPoll(options: Record<string, string | number | boolean | { id: string }>, who: TestMember = world.leader): Promise<StoredMessage> {
    const { hearth } = world;
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await who.run('poll create', options);
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toMatch(/^Poll #\d+ is up in <#\d+>/);
    const posted = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m));
    expect(posted).toBeDefined();
    return posted!;
  }

  async function waitForEdits(message: StoredMessage, edits: number) {
    await world.hearth.double.waitFor(() => (current(message).edits >= edits ? true : undefined), `${edits} edits of the poll message`);
  }

  it('a member votes, changes their vote, checks it and retracts it; the poll shows live results', async () => {
    const { hearth } = world;
    const message = await createPoll({ question: 'Where should we meet up?', choices: 'Berlin | Lisbon | Online' });
    expect(textOf(message)).toContain('Where should we meet up?');
    expect(textOf(message)).toContain('Pick one choice.');
    expect(buttonLabels(message)).toEqual(['Berlin', 'Lisbon', 'Online', 'My vote', 'Retract']);

    const ana = hearth.member('ana');
    const first = await ana.click(message, 'Lisbon');
    expect(first.record.callback!.type).toBe(InteractionResponseType.ChannelMessageWithSource); // answered at once, no "thinking…"
    expect(isEphemeral(first.reply)).toBe(true);
    expect(first.reply.content).toBe('You voted for **Lisbon**.');
    await waitForEdits(message, 1);
    expect(textOf(current(message))).toMatch(/2\. Lisbon\*\*\n`█{12}` 100% · 1 vote/);

    const moved = await ana.click(message, 'Online');
    expect(moved.reply.content).toBe('You changed your vote to **Online**.');
    const mine = await ana.click(message, 'My vote');
    expect(mine.reply.content).toBe('Your vote: **Online**.');
    await hearth.clock.advance(3000);
    await waitForEdits(message, 2);
    expect(textOf(current(message))).toContain('3. Online**\n`████████████` 100% · 1 vote');
    expect(textOf(current(message))).toContain('1 member voted so far');

    const retracted = await ana.click(message, 'Retract');
    expect(retracted.reply.content).toContain('Your vote is withdrawn');
    expect(voteRows().filter((v) => v.voter === ana.id)).toEqual([]);
    const nothing = await ana.click(message, 'Retract');
    expect(nothing.reply.content).toContain('nothing to withdraw');
  });

  it('multi-choice polls toggle choices and refuse more than max-choices, keeping the earlier picks', async () => {
    const { hearth } = world;
    const message = await createPoll({ question: 'Which evenings suit you?', choices: 'Mon | Tue | Wed | Thu', multi: true, 'max-choices': 2 });
    expect(textOf(message)).toContain('Pick up to 2 choices.');
    const ben = hearth.member('ben');
    expect((await ben.click(message, 'Mon')).reply.content).toBe('Your choices: **Mon** (1 of at most 2).');
    expect((await ben.click(message, 'Wed')).reply.content).toBe('Your choices: **Mon**, **Wed** (2 of at most 2).');
    const over = await ben.click(message, 'Thu');
    expect(over.reply.content).toContain('You can pick at most 2 choices');
    expect(over.reply.content).toContain('Click one of them to remove it first');
    expect((await ben.click(message, 'Mon')).reply.content).toBe('Unpicked. Your choices: **Wed** (1 of at most 2).');
    const pollId = pollRows().find((p) => p.question === 'Which evenings suit you?')!.id;
    expect(voteRows().filter((v) => v.pollId === pollId).map((v) => v.choice)).toEqual([2]);
  });

  it('anonymous polls say so, store no member ids, and reveal no voter in any message, export or log line', async () => {
    const { hearth, leader } = world;
    const message = await createPoll({ question: 'How do you feel about the new rules?', choices: 'Good | Unsure | Bad', anonymous: true });
    expect(textOf(message)).toContain('no one, leaders included, can see who voted for what');
    const voters = ['cai', 'dee', 'eli'].map((name) => hearth.member(name));
    const liveCounts = /% · \d+ votes?/;
    for (const [i, voter] of voters.entries()) {
      const { reply } = await voter.click(message, ['Good', 'Good', 'Bad'][i]!);
      expect(reply.content).toContain('This poll is anonymous');
      // The live message, once its next refresh is out: no counts with 1 or 2 voters, counts from 3.
      await hearth.clock.advance(3000);
      await waitForEdits(message, i + 1);
      expect(textOf(current(message))).toContain(`${i + 1} member${i ? 's' : ''} voted so far`);
      if (i < 2) expect(textOf(current(message))).not.toMatch(liveCounts);
    }
    expect(textOf(current(message))).toContain('1. Good**\n`████████░░░░` 67% · 2 votes');
    const poll = pollRows().find((p) => p.question.startsWith('How do you feel'))!;
    const stored = voteRows().filter((v) => v.pollId === poll.id);
    expect(stored).toHaveLength(3);
    for (const voter of voters) expect(stored.some((v) => v.voter === voter.id)).toBe(false);
    expect(poll.voterSecret).not.toBeNull();

    const results = await leader.run('poll results', { poll: poll.id });
    expect(textOf(results.reply)).toContain('1. Good**\n`████████░░░░` 67% · 2 votes');
    const exported = await leader.run('poll export', { poll: poll.id });
    const csv = exported.reply.files[0]!.data.toString('utf8');
    expect(csv).toContain('Good,2,66.7');
    expect(csv).not.toContain('member_id');

    await leader.run('poll close', { poll: poll.id });
    expect(pollRows().find((p) => p.id === poll.id)!.voterSecret).toBeNull();
    // No copy of the key is left in the database file or its write-ahead log.
    for (const file of [hearth.databasePath, `${hearth.databasePath}-wal`]) {
      const bytes = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
      expect(bytes.includes(Buffer.from(poll.voterSecret!)), file).toBe(false);
    }
    await expect(voters[0]!.click(message, 'My vote')).rejects.toThrow(/No button labelled "My vote"/);
    // A client still showing the old buttons: Hearth cannot tell which vote was theirs any more.
    const stale = await hearth.clickCustomId(voters[0]!, message, `poll:mine:${poll.id}`);
    expect(stale.reply.content).toContain('Hearth no longer knows which vote was yours');

    const everything = [...hearth.double.messages.values()].map((m) => JSON.stringify(m)).join('\n') + hearth.logs.join('\n') + csv;
    for (const voter of voters) {
      // Their own click payloads are in the double's request log, not in anything Hearth wrote.
      expect(everything.includes(voter.id)).toBe(false);
    }
  });

  it('an anonymous poll shows no counts until 3 members have voted, not even after it closes', async () => {
    const { hearth, leader } = world;
    const message = await createPoll({ question: 'Two-person vote?', choices: 'Yes | No', anonymous: true });
    await hearth.member('pat').click(message, 'Yes');
    await hearth.member('quinn').click(message, 'No');
    await waitForEdits(message, 1);
    expect(textOf(current(message))).not.toMatch(/% · \d+ vote/);
    const poll = pollRows().find((p) => p.question === 'Two-person vote?')!;
    const refused = await leader.run('poll results', { poll: poll.id });
    expect(refused.reply.content).toContain('fewer than 3 members voted: its results show only once at least 3 have');
    expect((await leader.run('poll export', { poll: poll.id })).reply.content).toContain('fewer than 3 members voted');
    await leader.run('poll close', { poll: poll.id });
    expect(textOf(current(message))).toContain('Fewer than 3 members voted, so the results of this anonymous poll stay hidden.');
    expect(textOf(current(message))).not.toMatch(/% · \d+ vote/);
    expect(current(message).files).toEqual([]);
  });

  it('hidden results stay hidden from everyone until the poll closes', async () => {
    const { hearth, leader } = world;
    const message = await createPoll({ question: 'Best snack?', choices: 'Crisps | Fruit', 'hide-results': true });
    expect(textOf(message)).toContain('Results are hidden');
    await hearth.member('fay').click(message, 'Fruit');
    await waitForEdits(message, 1);
    expect(textOf(current(message))).not.toMatch(/% · \d+ votes?/);
    expect(textOf(current(message))).not.toMatch(/100%/);
    expect(textOf(current(message))).toContain('1 member voted so far');

    const pollId = pollRows().find((p) => p.question === 'Best snack?')!.id;
    const refused = await leader.run('poll results', { poll: pollId });
    expect(refused.reply.content).toContain('hidden until it closes, for everyone, leaders included');
    const noExport = await leader.run('poll export', { poll: pollId });
    expect(noExport.reply.content).toContain('hidden until it closes');

    await leader.run('poll close', { poll: pollId });
    expect(textOf(current(message))).toContain('2. Fruit** 🏆\n`████████████` 100% · 1 vote');
    expect(textOf((await leader.run('poll results', { poll: pollId })).reply)).toContain('Winner: **Fruit**');
  });

  it('role-limited polls refuse members without the role, politely and privately', async () => {
    const { hearth } = world;
    const crew = hearth.double.addRole(hearth.guild, 'Crew');
    const message = await createPoll({ question: 'Crew: shift swap?', choices: 'Yes | No', role: { id: crew.id } });
    expect(textOf(message)).toContain(`Only members with <@&${crew.id}> can vote`);
    const outsider = await hearth.member('gus').click(message, 'Yes');
    expect(isEphemeral(outsider.reply)).toBe(true);
    expect(outsider.reply.content).toContain(`Only members with the <@&${crew.id}> role can vote`);
    expect((await hearth.member('hal', { roles: [crew.id] }).click(message, 'Yes')).reply.content).toBe('You voted for **Yes**.');
    const pollId = pollRows().find((p) => p.question === 'Crew: shift swap?')!.id;
    expect(voteRows().filter((v) => v.pollId === pollId)).toHaveLength(1);
  });

  it('a timed poll closes exactly on time with winner, turnout and a chart, and refuses later votes', async () => {
    const { hearth } = world;
    const message = await createPoll({ question: 'Movie night pick?', choices: 'Alien | Up | Heat', 'closes-in': '1d12h' });
    const poll = pollRows().find((p) => p.question === 'Movie night pick?')!;
    expect(poll.closesAt).toBe(hearth.clock.now() + 36 * 3_600_000);
    expect(textOf(message)).toContain(`Closes <t:${Math.floor(poll.closesAt! / 1000)}:R>`);
    await hearth.member('ivy').click(message, 'Up');
    await hearth.member('jon').click(message, 'Up');
    await hearth.member('kim').click(message, 'Heat');

    await hearth.clock.set(poll.closesAt! - 1);
    expect(pollRows().find((p) => p.id === poll.id)!.status).toBe('open');
    const late = hearth.member('lee');
    await hearth.clock.advance(1);
    await hearth.double.waitFor(() => (current(message).files.length ? true : undefined), 'the final results');
    const final = current(message);
    expect(pollRows().find((p) => p.id === poll.id)).toMatchObject({ status: 'closed', closedAt: poll.closesAt });
    expect(textOf(final)).toContain('Winner: **Up** with 2 votes (67% of voters)');
    const members = hearth.guild.members.size;
    expect(textOf(final)).toContain(`3 members voted, ${Math.round((3 / members) * 100)}% of the server's ${members} members.`);
    expect(final.files[0]!.filename).toBe(`poll-${poll.id}-results.png`);
    expect(final.files[0]!.data.subarray(1, 4).toString()).toBe('PNG');
    expect(final.embeds[0]!.image?.url).toBe(`attachment://poll-${poll.id}-results.png`);
    expect(allComponents(final.components).filter((c) => c.type === 2).every((b) => b.disabled)).toBe(true);

    await expect(late.click(message, 'Alien')).rejects.toThrow(/disabled/);
    // A stale client that still shows the old buttons gets a polite refusal.
    const stale = await hearth.clickCustomId(late, message, `poll:vote:${poll.id}:0`);
    expect(stale.reply.content).toContain('This poll closed');
    expect(voteRows().filter((v) => v.pollId === poll.id)).toHaveLength(3);
  });

  it('only the creator or a leader can close a poll, and only once', async () => {
    const { hearth, leader } = world;
    await leader.run('settings polls-by-members', { enabled: true });
    const maker = hearth.member('maker');
    const message = await createPoll({ question: 'Pizza or tacos?', choices: 'Pizza | Tacos' }, maker);
    const pollId = pollRows().find((p) => p.question === 'Pizza or tacos?')!.id;
    const refused = await hearth.member('other').run('poll close', { poll: pollId });
    expect(refused.reply.content).toBe(`Only the member who created poll #${pollId} or a leader can close it.`);
    expect(pollRows().find((p) => p.id === pollId)!.status).toBe('open');
    const closed = await maker.run('poll close', { poll: pollId });
    expect(closed.reply.content).toContain(`Poll #${pollId} is closed`);
    expect(textOf(current(message))).toContain('No one voted.');
    expect((await leader.run('poll close', { poll: pollId })).reply.content).toContain('already closed');
    await leader.run('settings polls-by-members', { enabled: false });
    const notAllowed = await hearth.member('late-maker').run('poll create', { question: 'Q?', choices: 'a | b' });
    expect(notAllowed.reply.content).toContain('Only leaders can create polls here');
  });

  it('counts every vote exactly when many members vote at once, with few edits of the message', async () => {
    const { hearth } = world;
    const message = await createPoll({ question: 'Rush hour?', choices: 'A | B | C' });
    const editsBefore = current(message).edits;
    const members = Array.from({ length: 120 }, (_, i) => hearth.member(`rush${i}`));
    const seen = await Promise.all(members.map((m, i) => m.click(message, ['A', 'B', 'C'][i % 3]!)));
    expect(seen.every((s) => s.reply.content.startsWith('You voted for'))).toBe(true);
    const pollId = pollRows().find((p) => p.question === 'Rush hour?')!.id;
    expect(voteRows().filter((v) => v.pollId === pollId)).toHaveLength(120);
    // Clock has not moved: at most the one immediate edit; the rest wait for the next 3 s slot.
    expect(current(message).edits - editsBefore).toBeLessThanOrEqual(1);
    await hearth.clock.advance(3000);
    await hearth.double.waitFor(() => (textOf(current(message)).includes('120 members voted so far') ? true : undefined), 'the coalesced refresh');
    expect(current(message).edits - editsBefore).toBe(2);
    expect(textOf(current(message))).toContain('1. A**\n`████░░░░░░░░` 33% · 40 votes');
  });

  it('edits each of two busy polls at most once every 3 seconds, window after window, and shows every vote in the end', async () => {
    const { hearth } = world;
    const polls = [await createPoll({ question: 'Window one?', choices: 'A | B' }), await createPoll({ question: 'Window two?', choices: 'A | B' })];
    const before = polls.map((m) => current(m).edits);
    const editsSoFar = () => polls.map((m, i) => current(m).edits - before[i]!);
    // A vote in each poll every second for 12 seconds.
    for (let second = 0; second < 12; second++) {
      await Promise.all(polls.map((m, i) => hearth.member(`window${i}-${second}`).click(m, 'A')));
      // The first vote is shown at once, then one edit per poll for every 3 seconds that passed.
      const expected = Math.floor(second / 3) + 1;
      await hearth.double.waitFor(() => (editsSoFar().every((n) => n >= expected) ? true : undefined), `edit ${expected} of each poll`);
      await settle(); // the edit's answer reaches Hearth: the next 3 s count from its end
      expect(editsSoFar(), `after ${second} s`).toEqual([expected, expected]);
      await hearth.clock.advance(1000);
    }
    // The last slot (at 12 s) brings both messages up to date: 5 edits each for 24 votes in all.
    await hearth.double.waitFor(() => (polls.every((m) => textOf(current(m)).includes('12 members voted so far')) ? true : undefined), 'the last refresh');
    expect(editsSoFar()).toEqual([5, 5]);
  });

  it('exports a non-anonymous poll with one row per vote and member ids (leaders only)', async () => {
    const { hearth, leader } = world;
    const message = await createPoll({ question: 'Export me', choices: 'Red | =cmd()' });
    const mo = hearth.member('mo');
    await mo.click(message, '=cmd()');
    const pollId = pollRows().find((p) => p.question === 'Export me')!.id;
    const shown = await hearth.member('reader').run('poll results', { poll: pollId });
    expect(shown.reply.embeds[0]!.fields).toEqual([{ name: '=cmd()', value: `<@${mo.id}>` }]);
    const refused = await mo.run('poll export', { poll: pollId });
    expect(refused.reply.content).toContain('Only leaders can export polls');
    const { reply } = await leader.run('poll export', { poll: pollId });
    expect(reply.files[0]!.filename).toBe(`poll-${pollId}.csv`);
    // A UTF-8 byte-order mark first, so spreadsheet programs read accented and non-Latin text right.
    expect([...reply.files[0]!.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = reply.files[0]!.data.toString('utf8');
    expect(csv).toContain("choice,label,votes,percent_of_voters\r\n1,Red,0,0\r\n2,'=cmd(),1,100");
    expect(csv).toMatch(new RegExp(`member_id,choice,label,voted_at\\r\\n${mo.id},2,'=cmd\\(\\),\\d{4}-\\d\\d-\\d\\dT`));
  });

  it('announces a tie as a tie, marking every tied choice', async () => {
    const { hearth, leader } = world;
    const message = await createPoll({ question: 'Tea or coffee?', choices: 'Tea | Coffee | Juice' });
    await hearth.member('tea-lover').click(message, 'Tea');
    await hearth.member('coffee-lover').click(message, 'Coffee');
    const pollId = pollRows().find((p) => p.question === 'Tea or coffee?')!.id;
    await leader.run('poll close', { poll: pollId });
    const final = textOf(current(message));
    expect(final).toContain('🤝 Tie between **Tea** and **Coffee**, with 1 vote each.');
    expect(final).toContain('1. Tea** 🏆');
    expect(final).toContain('2. Coffee** 🏆');
    expect(final).not.toContain('Juice** 🏆');
    expect(final).not.toContain('Winner');
    expect(textOf((await leader.run('poll results', { poll: pollId })).reply)).toContain('🤝 Tie between **Tea** and **Coffee**');
  });

  it('lists open, closed or all polls, and suggests only this server\'s polls while typing', async () => {
    const { hearth, leader } = world;
    const lister = hearth.member('lister');
    const list = await lister.run('poll list', { status: 'all' });
    expect(textOf(list.reply)).toContain('Export me');
    expect(textOf(list.reply)).toContain(`Polls (all): ${pollRows().length}`);
    const open = pollRows().filter((p) => p.status === 'open').map((p) => `\`#${p.id}\``);
    const closed = pollRows().filter((p) => p.status === 'closed').map((p) => `\`#${p.id}\``);
    expect(open.length).toBeGreaterThan(0);
    expect(closed.length).toBeGreaterThan(0);
    for (const [status, shown, hidden] of [['open', open, closed], ['closed', closed, open]] as const) {
      const text = textOf((await lister.run('poll list', { status })).reply);
      expect(text).toContain(`Polls (${status}): ${shown.length}`);
      for (const id of shown) expect(text, `${status} lists ${id}`).toContain(id);
      for (const id of hidden) expect(text, `${status} leaves out ${id}`).not.toContain(id);
    }
    expect(textOf((await lister.run('poll list')).reply)).toContain(`Polls (open): ${open.length}`); // open by default
    const choices = await leader.autocomplete('poll results', { poll: 'Export' }, 'poll');
    expect(choices.map((c) => c.name)).toEqual([expect.stringMatching(/^#\d+ · Export me \(open\)$/)]);
    // /poll close suggests only open polls; /poll results suggests closed ones too.
    const snack = pollRows().find((p) => p.question === 'Best snack?')!;
    expect(snack.status).toBe('closed');
    const closeChoices = await leader.autocomplete('poll close', { poll: '' }, 'poll');
    expect(closeChoices.length).toBeGreaterThan(0);
    expect(closeChoices.every((c) => c.name.endsWith('(open)'))).toBe(true);
    expect(closeChoices.some((c) => c.value === snack.id)).toBe(false);
    expect((await leader.autocomplete('poll results', { poll: 'snack' }, 'poll')).map((c) => c.value)).toEqual([snack.id]);
  });

  it('treats a poll id from another server exactly like one that does not exist', async () => {
    const { hearth } = world;
    const other = hearth.double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const outsider = hearth.memberOf(other, 'outsider');
    outsider.state.roles.push(hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild).id); // a leader there
    const ourPoll = pollRows()[0]!.id;
    for (const sub of ['results', 'close', 'export']) {
      const { reply } = await outsider.run(`poll ${sub}`, { poll: ourPoll });
      expect(reply.content).toContain(`There is no poll #${ourPoll} in this server`);
    }
    expect((await outsider.run('poll results', { poll: 999_999 })).reply.content).toContain('There is no poll #999999 in this server');
    expect(await outsider.autocomplete('poll results', { poll: '' }, 'poll')).toEqual([]);
    // A button that names our poll, clicked in the other server, finds nothing either.
    const foreign = hearth.double.seedMessage([...other.channels.values()][0]!.id, {
      components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Yes', custom_id: `poll:vote:${ourPoll}:0` }] }],
    });
    expect((await outsider.click(foreign, 'Yes')).reply.content).toBe('This poll no longer exists.');
    expect(voteRows().some((v) => v.voter === outsider.id)).toBe(false);
  });

  it('refuses a channel Hearth cannot post in, naming the missing permission, and stores nothing', async () => {
    const { hearth, leader } = world;
    const locked = hearth.double.addChannel(hearth.guild, 'read-only', {
      type: ChannelType.GuildText,
      overwrites: [{ id: hearth.double.botRole(hearth.guild).id, type: 0, allow: 0n, deny: PermissionFlagsBits.EmbedLinks }],
    });
    const before = pollRows().length;
    const { reply } = await leader.run('poll create', { question: 'Here?', choices: 'a | b', channel: { id: locked.id } });
    expect(reply.content).toContain(`Hearth cannot post in <#${locked.id}>: it is missing the Embed Links permission there`);
    expect(pollRows()).toHaveLength(before);
  });

  it('refuses a button for a choice the poll does not have', async () => {
    const { hearth } = world;
    const message = await createPoll({ question: 'Two only?', choices: 'One | Two' });
    const pollId = pollRows().find((p) => p.question === 'Two only?')!.id;
    const { reply } = await hearth.clickCustomId(hearth.member('prober'), message, `poll:vote:${pollId}:7`);
    expect(reply.content).toBe('That choice is not part of this poll.');
    expect(voteRows().filter((v) => v.pollId === pollId)).toEqual([]);
  });

  it('posts in an announcement channel, where members vote as anywhere else', async () => {
    const { hearth, leader } = world;
    const news = hearth.double.addChannel(hearth.guild, 'news', { type: ChannelType.GuildAnnouncement });
    await eventually(() => hearth.context.client.channels.cache.has(news.id), 'the bot to see the announcement channel');
    const { reply } = await leader.run('poll create', { question: 'Read the news?', choices: 'Yes | No', channel: { id: news.id } });
    expect(reply.content).toContain(`is up in <#${news.id}>`);
    const [posted] = hearth.double.channelMessages(news.id);
    expect(textOf(posted!)).toContain('Read the news?');
    expect((await hearth.member('reader').click(posted!, 'Yes')).reply.content).toBe('You voted for **Yes**.');
  });

  it('refuses a channel that is not a text channel, or one the creator cannot post in', async () => {
    const { hearth, leader } = world;
    const voice = hearth.double.addChannel(hearth.guild, 'Lounge', { type: ChannelType.GuildVoice });
    const before = pollRows().length;
    const notText = await leader.run('poll create', { question: 'Voice?', choices: 'a | b', channel: { id: voice.id } });
    expect(notText.reply.content).toContain(`<#${voice.id}> is not a text channel`);
    const staff = hearth.double.addChannel(hearth.guild, 'staff-only', {
      overwrites: [{ id: leader.id, type: 1, allow: 0n, deny: PermissionFlagsBits.SendMessages }],
    });
    const notYours = await leader.run('poll create', { question: 'Staff?', choices: 'a | b', channel: { id: staff.id } });
    expect(notYours.reply.content).toContain(`You cannot post in <#${staff.id}> yourself`);
    expect(pollRows()).toHaveLength(before);
  });

  it('keeps long results and long lists within what Discord accepts', async () => {
    const { hearth, leader } = world;
    const labels = Array.from({ length: 8 }, (_, i) => `A fairly long choice label number ${i + 1}`);
    const message = await createPoll({ question: 'Crowded?', choices: labels.join(' | ') });
    const crowd = Array.from({ length: 8 * 45 }, (_, i) => hearth.member(`crowd${i}`));
    // In waves, not all at once: this test is about what the results show, not about a rush.
    for (let i = 0; i < crowd.length; i += 40) await Promise.all(crowd.slice(i, i + 40).map((m, j) => m.click(message, labels[(i + j) % 8]!)));
    const pollId = pollRows().find((p) => p.question === 'Crowded?')!.id;
    const { reply } = await leader.run('poll results', { poll: pollId });
    const fields = reply.embeds[0]!.fields!;
    expect(fields.length).toBeGreaterThan(0);
    expect(fields[0]!.value).toMatch(/and \d+ more$/);

    for (let i = 0; i < 22; i++) await createPoll({ question: `${'A long question that fills the list '.repeat(2)}${i}`, choices: 'x | y' });
    const list = await leader.run('poll list', { status: 'all' });
    expect(textOf(list.reply)).toMatch(/…and \d+ more: narrow the list/);
  });

  it('leaves no half-made poll behind when Discord refuses the post, and says what to fix', async () => {
    const { hearth, leader } = world;
    const before = pollRows().length;
    hearth.double.failNext('POST', /^\/channels\/\d+\/messages$/, 403, 50013, 'Missing Permissions');
    const { reply } = await leader.run('poll create', { question: 'Refused?', choices: 'a | b' });
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('Hearth is missing a permission for that');
    expect(pollRows()).toHaveLength(before);
  });

  it('refuses every kind of bad input with a clear private answer and stores nothing', async () => {
    const { leader } = world;
    const cases: [Record<string, string | number | boolean>, string][] = [
      [{ question: 'Q?', choices: 'only one' }, 'at least 2 choices'],
      [{ question: 'Q?', choices: Array.from({ length: 21 }, (_, i) => `c${i}`).join('|') }, 'at most 20 choices; this one has 21'],
      [{ question: '   ', choices: 'a | b' }, 'The question is empty'],
      [{ question: 'x'.repeat(301), choices: 'a | b' }, 'the most is 300'],
      [{ question: 'Q?', choices: `a | ${'b'.repeat(81)}` }, 'at most 80 characters'],
      [{ question: 'Q?', choices: 'a |  | b' }, 'One of the choices is empty'],
      [{ question: 'Q?', choices: 'Yes | no | YES ' }, '"YES" is listed twice'],
      [{ question: 'Q?', choices: 'a | b', 'max-choices': 2 }, '`max-choices` only applies when `multi` is on'],
      [{ question: 'Q?', choices: 'a | b', multi: true, 'max-choices': 3 }, 'between 1 and the number of choices (2)'],
      [{ question: 'Q?', choices: 'a | b', 'closes-in': 'soon' }, '"soon" is not a duration'],
      [{ question: 'Q?', choices: 'a | b', 'closes-in': '0m' }, 'at least 1 minute'],
      [{ question: 'Q?', choices: 'a | b', 'closes-in': '-5m' }, 'cannot be negative'],
      [{ question: 'Q?', choices: 'a | b', 'closes-in': '61d' }, 'at most 8 weeks 4 days'],
    ];
    const before = pollRows().length;
    for (const [options, expected] of cases) {
      const { reply } = await leader.run('poll create', options);
      expect(isEphemeral(reply), JSON.stringify(options)).toBe(true);
      expect(reply.content, JSON.stringify(options)).toContain(expected);
      expect(reply.content).toContain('The poll was not created');
    }
    expect(pollRows()).toHaveLength(before);
  });
});

describe('polls across a restart', () => {
  const world = useHearth();

  it('keeps every button working, closes overdue polls at start, and closes the rest on time', async () => {
    const { hearth, leader } = world;
    const create = async (question: string, closesIn?: string) => {
      const { reply } = await leader.run('poll create', { question, choices: 'Yes | No', ...(closesIn ? { 'closes-in': closesIn } : {}) });
      const id = Number(/Poll #(\d+)/.exec(reply.content)![1]);
      const message = hearth.double.channelMessages(hearth.general.id).find((m) => textOf(m).includes(question))!;
      return { id, message };
    };
    const open = await create('Still open?');
    const soon = await create('Closes while down?', '10m');
    const later = await create('Closes after restart?', '2h');
    const voter = hearth.member('voter');
    await voter.click(open.message, 'Yes');

    await hearth.stopBot();
    await hearth.clock.advance(30 * 60_000); // down for half an hour
    await hearth.startBot();

    await hearth.double.waitFor(() => (textOf(hearth.double.messages.get(soon.message.id)!).includes('No one voted.') ? true : undefined), 'the overdue poll to close at start');
    const rows = hearth.context.db.select().from(polls).all();
    expect(rows.find((p) => p.id === soon.id)!.status).toBe('closed');
    expect(rows.find((p) => p.id === later.id)!.status).toBe('open');

    const again = await hearth.member('after-restart').click(open.message, 'No');
    expect(again.reply.content).toBe('You voted for **No**.');
    const mine = await voter.click(open.message, 'My vote');
    expect(mine.reply.content).toBe('Your vote: **Yes**.');

    await hearth.clock.advance(90 * 60_000 - 1);
    expect(hearth.context.db.select().from(polls).all().find((p) => p.id === later.id)!.status).toBe('open');
    await hearth.clock.advance(1);
    await hearth.double.waitFor(() => (textOf(hearth.double.messages.get(later.message.id)!).includes('closed') ? true : undefined), 'the later poll to close on time');
  });
});

import { describe, expect, it } from 'vitest';
import { isEphemeral, ManualClock, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2 February 2026, 10:00 UTC: the first day of the story. */
const D0 = Date.UTC(2026, 1, 2, 10);

describe('/insights overview', () => {
  const world = useHearth({ clock: new ManualClock(D0) });
  const field = (message: StoredMessage, name: string) => message.embeds[0]!.fields!.find((f) => f.name === name)!.value;

  /** Moves to `time` with Hearth stopped meanwhile (walking weeks of five-minute timers would only be slow). */
  async function jumpTo(time: number) {
    await world.hearth.stopBot();
    await world.hearth.clock.set(time);
    await world.hearth.startBot();
  }

  async function pollMessage(question: string, choices: string, options: Record<string, boolean> = {}): Promise<{ id: number; message: StoredMessage }> {
    const { hearth, leader } = world;
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await leader.run('poll create', { question, choices, ...options });
    const id = Number(/^Poll #(\d+)/.exec(reply.content)![1]);
    return { id, message: [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))! };
  }

  async function surveyCard(title: string, anonymous: boolean): Promise<{ id: number; card: StoredMessage }> {
    const { hearth, leader } = world;
    const draft = await leader.run('survey create', { title, anonymous });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(draft.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'yes-no', prompt: 'Should we meet on Saturdays?' });
    const published = await leader.run('survey publish', { survey: id });
    return { id, card: hearth.double.messages.get(/\/(\d+)$/.exec(published.reply.content)![1]!)! };
  }

  async function answerSurvey(member: TestMember, card: StoredMessage, submit = true) {
    const screen = (await member.click(card, 'Take survey')).reply;
    await member.click(screen, 'Yes');
    if (submit) await member.click(screen, 'Submit');
  }

  it('counts a month of activity made through commands and buttons, exactly, beside the month before', async () => {
    const { hearth, leader } = world;
    const [ana, bob, cai, dee, eli, fay, gus, hal] = ['ana', 'bob', 'cai', 'dee', 'eli', 'fay', 'gus', 'hal'].map((name) => hearth.member(name));

    // The month before: one named poll (ana votes) and one kudos (bob thanks ana).
    const p0 = await pollMessage('Old question?', 'Yes | No');
    await ana!.click(p0.message, 'Yes');
    await leader.run('poll close', { poll: p0.id });
    await bob!.run('kudos give', { member: { id: ana!.id }, value: 'Kindness', message: 'Thanks for last month!' });

    // Days 12 to 15: a daily check-in, four runs, answered by ana, cai and dee; then paused.
    await jumpTo(D0 + 12 * DAY - 2 * HOUR);
    const scheduled = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt: 'How is your week?', name: 'Daily mood' });
    const scheduleId = Number(/Check-in #(\d+)/.exec(scheduled.reply.content)![1]);
    const moods: [TestMember, string][][] = [
      [[ana!, 'good'], [cai!, 'great']],
      [[ana!, 'okay']],
      [[cai!, 'low'], [dee!, 'good']],
      [[ana!, 'great']],
    ];
    for (const [day, answers] of moods.entries()) {
      const nine = D0 + (12 + day) * DAY - HOUR;
      if (day > 0) await jumpTo(nine - 60_000);
      await hearth.clock.set(nine);
      const post = await hearth.double.waitFor(() => hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes('How is your week?'))[day], `run ${day + 1}`);
      for (const [member, mood] of answers) expect((await member.click(post, mood)).reply.content).toContain('Thanks!');
    }
    await leader.run('checkin pause', { id: scheduleId });

    // Day 20: a named poll (ana, cai, dee), closed, with a follow-up.
    await jumpTo(D0 + 20 * DAY);
    const p1 = await pollMessage('Where should we meet?', 'Park | Cafe');
    for (const member of [ana!, cai!, dee!]) await member.click(p1.message, 'Park');
    await leader.run('poll close', { poll: p1.id });
    await leader.run('poll follow-up', { poll: p1.id, message: 'The park it is.' });

    // Day 21: two anonymous polls, one with 2 voters (shows nothing), one with 3 (counts).
    await jumpTo(D0 + 21 * DAY);
    const p2 = await pollMessage('Anon two?', 'Yes | No', { anonymous: true });
    for (const member of [eli!, fay!]) await member.click(p2.message, 'Yes');
    await leader.run('poll close', { poll: p2.id });
    const p3 = await pollMessage('Anon three?', 'Yes | No', { anonymous: true });
    for (const member of [eli!, fay!, gus!]) await member.click(p3.message, 'No');
    await leader.run('poll close', { poll: p3.id });

    // Day 22: a named survey (ana and cai submit, dee only starts), an anonymous one with 2
    // answers (shows nothing) and one with 3 (counts).
    await jumpTo(D0 + 22 * DAY);
    const s1 = await surveyCard('Named survey', false);
    await answerSurvey(ana!, s1.card);
    await answerSurvey(cai!, s1.card);
    await answerSurvey(dee!, s1.card, false);
    const s2 = await surveyCard('Quiet anonymous survey', true);
    for (const member of [eli!, fay!]) await answerSurvey(member, s2.card);
    const s3 = await surveyCard('Busy anonymous survey', true);
    for (const member of [eli!, fay!, gus!]) await answerSurvey(member, s3.card);
    for (const survey of [s1, s2, s3]) await leader.run('survey close', { survey: survey.id });

    // Day 25: kudos ana -> cai, cai -> ana, hal -> ana.
    await jumpTo(D0 + 25 * DAY);
    await ana!.run('kudos give', { member: { id: cai!.id }, value: 'Kindness', message: 'Thank you!' });
    await cai!.run('kudos give', { member: { id: ana!.id }, value: 'Helpfulness', message: 'Thanks back!' });
    await hal!.run('kudos give', { member: { id: ana!.id }, value: 'Kindness', message: 'Thanks from me too' });

    // Day 40: the last 30 days are days 11 to 40; the 30 before, days -19 to 10.
    await jumpTo(D0 + 40 * DAY + 2 * HOUR);
    const members = hearth.guild.members.size; // the owner, Hearth, the leader and the eight members
    expect(members).toBe(11);
    const pct = (n: number) => `${Math.round(n)}%`;
    const { reply, record } = await leader.run('insights overview');
    expect(isEphemeral(reply)).toBe(true);
    expect(record.callback!.type).toBe(5); // deferred first: the work may take a moment
    expect(reply.embeds[0]!.title).toBe('Insights: the last 30 days');

    // Active in the last 30 days: ana, cai, dee (named votes, answers, check-ins) and hal (gave
    // kudos). eli, fay and gus took part only anonymously: never named. Before: ana and bob.
    expect(field(reply, 'People')).toBe(
      [
        'Active members: **4** (was 2, +2)',
        'New: **3** (was 2, +1) · returning: **1** (was 0, +1)',
        `Share of the server (11 members): **${pct(400 / 11)}** (was ${pct(200 / 11)}, +18 pts)`,
      ].join('\n'),
    );
    // Turnout: the named poll (3 of 11) and the anonymous one with 3 voters; the one with 2 is left out.
    // Surveys: the named one (2 of 11, 2 of 3 who started) and the anonymous one with 3 (3 of 11, 3 of 3).
    // Check-ins: 2, 1, 2 and 1 answers of 11; moods 4, 5, 3, 2, 4, 5.
    expect(field(reply, 'Listening')).toBe(
      [
        `Polls closed: **3** (was 1, +2) · average turnout **${pct(300 / 11)}** (was ${pct(100 / 11)}, +18 pts)`,
        `Surveys closed: **3** (was 0, +3) · response rate **${pct(((2 / 11 + 3 / 11) / 2) * 100)}** (was —) · completion **${pct((5 / 6) * 100)}** (was —)`,
        `Check-in runs: **4** (was 0, +4) · response rate per run **${pct((1.5 / 11) * 100)}** (was —)`,
        'Average mood: **3.8** (was —)',
        'Moods (rough to great): 😣 0 · 😕 1 · 😐 1 · 🙂 2 · 😄 2',
      ].join('\n'),
    );
    expect(field(reply, 'Recognition')).toBe(
      [
        'Kudos given: **3** (was 1, +2) · givers **3** (was 1, +2) · recipients **2** (was 1, +1)',
        'Top values: Kindness (2), Helpfulness (1)',
        'Active members thanked: **50%** (was 50%, ±0 pts) · not thanked: **2** (was 1, +1)',
      ].join('\n'),
    );
    expect(field(reply, 'Follow-through')).toBe('Closed polls and surveys with a follow-up: **17%** (was 0%, +17 pts) (1 of 6)');
    expect(field(reply, 'Observations')).toBe(
      [
        '1. The poll Anon two? closed 19 days ago without a follow-up (and 4 more).',
        '2. 3 members took part for the first time.',
        '3. 3 kudos were given by 3 members to 2 members, most often for Kindness.',
        '4. 1 of the 6 polls and surveys that closed got a follow-up.',
        '5. 4 members took part, 36% of the server.',
      ].join('\n'),
    );
    // The dashboard is attached and shown in the embed.
    expect(reply.files.map((f) => f.filename)).toEqual(['insights-overview.png']);
    expect(reply.files[0]!.data.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(reply.embeds[0]!.image?.url).toBe('attachment://insights-overview.png');
    // Nobody who answered anything anonymous is named, nor anyone at all.
    for (const member of [ana, bob, cai, dee, eli, fay, gus, hal]) expect(JSON.stringify(reply.embeds)).not.toContain(member!.id);

    // A week: only the last 7 days (days 34 to 40), when nothing happened, beside days 27 to 33.
    const week = await leader.run('insights overview', { period: '7d' });
    expect(field(week.reply, 'People')).toContain('Active members: **0** (was 0, ±0)');
    expect(field(week.reply, 'Listening')).toContain('Polls closed: **0** (was 0, ±0) · average turnout **—** (was —)');
    expect(field(week.reply, 'Observations')).toContain('No kudos were given in the last 7 days.');
  });

  it('shows a metric per week as a chart and a table, with the same rules as the overview', async () => {
    const { leader } = world;
    // Still day 40: six weeks of 7 UTC days end today, starting on 1 February.
    const table = (reply: StoredMessage) => /```\n([\s\S]*)\n```/.exec(reply.embeds[0]!.description!)![1]!.split('\n');
    const kudos = await leader.run('insights trends', { metric: 'kudos', weeks: 6 });
    expect(isEphemeral(kudos.reply)).toBe(true);
    expect(kudos.reply.embeds[0]!.title).toBe('Kudos given per week, the last 6 weeks');
    expect(table(kudos.reply)).toEqual(['Week of  Value', 'Feb 1   1', 'Feb 8   0', 'Feb 15  0', 'Feb 22  3', 'Mar 1   0', 'Mar 8   0']);
    expect(kudos.reply.files.map((f) => f.filename)).toEqual(['insights-kudos.png']);
    expect(kudos.reply.embeds[0]!.image?.url).toBe('attachment://insights-kudos.png');

    const active = await leader.run('insights trends', { metric: 'active-members', weeks: 6 });
    expect(table(active.reply).slice(1).map((row) => row.slice(8))).toEqual(['2', '2', '3', '4', '0', '0']);
    const mood = await leader.run('insights trends', { metric: 'mood', weeks: 6 });
    expect(table(mood.reply).slice(1).map((row) => row.slice(8))).toEqual(['—', '4.5', '3.5', '—', '—', '—']);
    // The anonymous poll with 2 voters is left out; the one with 3 counts (3 of 11 members, as the named one).
    const turnout = await leader.run('insights trends', { metric: 'poll-turnout', weeks: 6 });
    expect(table(turnout.reply).slice(1).map((row) => row.slice(8))).toEqual(['9%', '—', '—', '27%', '—', '—']);
    const surveys = await leader.run('insights trends', { metric: 'survey-response', weeks: 6 });
    expect(table(surveys.reply).slice(1).map((row) => row.slice(8))).toEqual(['—', '—', '—', '23%', '—', '—']);
    // The default is 26 weeks.
    expect((await leader.run('insights trends', { metric: 'kudos' })).reply.embeds[0]!.title).toBe('Kudos given per week, the last 26 weeks');
  });

  it('refuses weeks out of range and a metric that is not offered', async () => {
    const { leader } = world;
    for (const weeks of [3, 105, 0]) {
      const { reply } = await leader.run('insights trends', { metric: 'kudos', weeks });
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toBe(`\`weeks\` must be a whole number from 4 to 104 (about two years); you gave ${weeks}. Leave it out for 26.`);
    }
    const forged = await leader.run('insights trends', { metric: 'happiness' });
    expect(forged.reply.content).toBe('The metric must be one of active-members, mood, kudos, poll-turnout, survey-response. Pick one from the list.');
    const member = await world.hearth.member('jay').run('insights trends', { metric: 'kudos' });
    expect(member.reply.content).toContain('Only leaders can use /insights.');
  });

  it('is for leaders only, and refuses a period that is not offered', async () => {
    const { hearth, leader } = world;
    const member = hearth.member('ivy');
    const refused = await member.run('insights overview');
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toContain('Only leaders can use /insights.');
    expect(refused.reply.embeds).toEqual([]);
    const forged = await leader.run('insights overview', { period: '14d' });
    expect(forged.reply.content).toBe('The period must be one of 7d, 30d, 90d, 365d (days). Pick one from the list.');
  });
});

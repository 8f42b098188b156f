import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionResponseType, PermissionFlagsBits } from 'discord-api-types/v10';
import { TestHearth, TestMember, allComponents, eventually, isEphemeral, textOf, type Seen, type StoredMessage } from '../support/harness';
import { surveyAnswers, surveyQuestions, surveyResponses, surveys, surveySettings } from '../../src/surveys/schema';

type Options = Record<string, string | number | boolean | { id: string }>;

/** Helpers shared by every survey test: a leader drafting and publishing, members answering. */
function surveyKit(get: () => TestHearth, leader: () => TestMember) {
  const db = () => get().context.db;
  const current = (message: StoredMessage) => get().double.messages.get(message.id)!;
  const snapshot = () => JSON.stringify([surveys, surveyQuestions, surveyResponses, surveyAnswers, surveySettings].map((t) => db().select().from(t).all()));
  const labels = (message: StoredMessage) => allComponents(current(message).components).filter((c) => c.type === 2).map((c) => c.label);

  async function create(options: Options): Promise<number> {
    const { reply } = await leader().run('survey create', options);
    expect(isEphemeral(reply)).toBe(true);
    const id = /Draft survey #(\d+) is ready/.exec(textOf(reply));
    expect(id, textOf(reply)).not.toBeNull();
    return Number(id![1]);
  }

  async function add(survey: number, kind: string, prompt: string, extra: Options = {}): Promise<Seen> {
    return leader().run('survey add-question', { survey, kind, prompt, ...extra });
  }

  async function publish(survey: number, extra: Options = {}): Promise<StoredMessage> {
    const { reply } = await leader().run('survey publish', { survey, ...extra });
    const url = /Survey #\d+ is up in <#\d+>: \S+\/(\d+)$/.exec(reply.content);
    expect(url, reply.content).not.toBeNull();
    return get().double.messages.get(url![1]!)!;
  }

  return { db, current, snapshot, labels, create, add, publish };
}

describe('surveys', () => {
  let hearth: TestHearth;
  let leader: TestMember;
  beforeAll(async () => {
    hearth = await TestHearth.start();
    leader = hearth.leader('host');
  });
  afterAll(() => hearth.stop());
  const kit = surveyKit(() => hearth, () => leader);
  const { db, current, snapshot, labels, create, add, publish } = kit;

  it('a member answers every kind of question privately, submits, and the card counts them', async () => {
    const id = await create({ title: 'Game night feedback', description: 'Help us plan the next one.' });
    await add(id, 'scale-5', 'How did you enjoy it?', { required: true });
    await add(id, 'scale-10', 'How likely are you to come again?');
    await add(id, 'yes-no', 'Did the start time suit you?');
    await add(id, 'single-choice', 'Which night suits you best?', { choices: 'Friday | Saturday | Sunday' });
    await add(id, 'multi-choice', 'Which games should we play?', { choices: 'Chess | Go | Bridge | Poker' });
    await add(id, 'short-text', 'Your favourite game?');
    const last = await add(id, 'long-text', 'Anything else?');
    expect(textOf(last.reply)).toContain('**7.** Anything else? · *long answer*');
    const card = await publish(id);
    expect(isEphemeral(card)).toBe(false);
    expect(textOf(card)).toContain('Game night feedback');
    expect(textOf(card)).toContain('Leaders can see who answered what.');
    expect(textOf(card)).toContain('0 members answered so far');
    expect(labels(card)).toEqual(['Take survey']);

    const ana = hearth.member('ana');
    const take = await ana.click(card, 'Take survey');
    expect(take.ackMs).toBeLessThan(3000);
    const screen = take.reply;
    expect(isEphemeral(screen)).toBe(true);
    expect(textOf(screen)).toContain('Question 1 of 7');
    expect(textOf(screen)).toContain('How did you enjoy it?');
    expect(labels(screen)).toEqual(['1', '2', '3', '4', '5', 'Next']);

    await ana.click(screen, '4');
    expect(textOf(current(screen))).toContain('Question 2 of 7');
    expect(labels(screen)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'Back', 'Next']);
    await ana.click(screen, '9');
    expect(textOf(current(screen))).toContain('Question 3 of 7');
    await ana.click(screen, 'Yes');
    expect(textOf(current(screen))).toContain('Which night suits you best?');
    await ana.select(screen, ['1']);
    expect(textOf(current(screen))).toContain('Which games should we play?');
    await ana.select(screen, ['0', '3']);
    expect(textOf(current(screen))).toContain('Questions 6–7 of 7');
    const opened = await ana.click(screen, 'Answer');
    expect(opened.ackMs).toBeLessThan(3000);
    const modal = opened.record.callback!.data as { components: { type: number; label: string; component: { custom_id: string; style: number } }[] };
    expect(modal.components.map((c) => [c.label, c.component.custom_id, c.component.style])).toEqual([
      ['6. Your favourite game?', 'q6', 1],
      ['7. Anything else?', 'q7', 2],
    ]);
    await ana.submitModal(opened, { q6: 'Chess', q7: 'More snacks, please.' });
    const review = current(screen);
    expect(textOf(review)).toContain('Review');
    for (const answer of ['4', '9', 'Yes', 'Saturday', 'Chess, Poker', 'Chess', 'More snacks, please.']) expect(textOf(review)).toContain(answer);
    const submitted = await ana.click(screen, 'Submit');
    expect(submitted.reply.id).toBe(screen.id);
    expect(textOf(submitted.reply)).toContain('Thank you! Your answers are in.');

    const response = db().select().from(surveyResponses).all().find((r) => r.surveyId === id)!;
    expect(response.respondent).toBe(ana.id);
    expect(response.submittedAt).not.toBeNull();
    expect(db().select().from(surveyAnswers).all().filter((a) => a.responseId === response.id)).toHaveLength(7);
    await hearth.clock.advance(3000);
    await hearth.double.waitFor(() => (textOf(current(card)).includes('1 member answered so far') ? true : undefined), 'the card to count the response');
  });

  it('a survey longer than one modal pages its text questions with a Next button between the modals', async () => {
    const id = await create({ title: 'Long form' });
    for (let i = 1; i <= 7; i++) await add(id, i % 2 ? 'short-text' : 'long-text', `Text question ${i}`, { required: i === 7 });
    const card = await publish(id);
    const bea = hearth.member('bea');
    const screen = (await bea.click(card, 'Take survey')).reply;
    expect(textOf(screen)).toContain('Questions 1–5 of 7');
    const first = await bea.click(screen, 'Answer');
    const fields = (first.record.callback!.data as { components: unknown[] }).components;
    expect(fields).toHaveLength(5);
    await bea.submitModal(first, { q1: 'one', q2: 'two', q3: 'three' });
    expect(textOf(current(screen))).toContain('Questions 6–7 of 7');
    expect(labels(screen)).toEqual(['Back', 'Review', 'Answer']);
    const second = await bea.click(screen, 'Answer');
    expect((second.record.callback!.data as { components: unknown[] }).components).toHaveLength(2);
    await bea.submitModal(second, { q6: 'six', q7: 'seven' });
    await bea.click(screen, 'Back');
    await bea.click(screen, 'Back');
    expect(textOf(current(screen))).toContain('Questions 1–5 of 7');
    // Reopening a page fills in what was written before.
    const again = await bea.click(screen, 'Edit answers');
    const values = (again.record.callback!.data as { components: { component: { value?: string } }[] }).components.map((c) => c.component.value ?? null);
    expect(values).toEqual(['one', 'two', 'three', null, null]);
  });

  it('resumes where a member stopped, and lets them change an answer before the survey closes', async () => {
    const id = await create({ title: 'Resume me' });
    await add(id, 'yes-no', 'First?');
    await add(id, 'scale-5', 'Second?');
    await add(id, 'yes-no', 'Third?');
    const card = await publish(id);
    const cai = hearth.member('cai');
    const screen = (await cai.click(card, 'Take survey')).reply;
    await cai.click(screen, 'No');
    await cai.click(screen, '2');
    const resumed = await cai.click(card, 'Take survey');
    expect(resumed.reply.id).not.toBe(screen.id);
    expect(textOf(resumed.reply)).toContain('Welcome back');
    expect(textOf(resumed.reply)).toContain('Question 3 of 3');
    await cai.click(resumed.reply, 'Yes');
    await cai.click(resumed.reply, 'Submit');

    const back = await cai.click(card, 'Take survey');
    expect(textOf(back.reply)).toContain('Your answers are in. You can still change them');
    expect(labels(back.reply)).toEqual(['Back', 'Submit changes']);
    await cai.click(back.reply, 'Back');
    await cai.click(back.reply, 'Back');
    expect(textOf(current(back.reply))).toContain('Your answer: **2**');
    await cai.click(back.reply, '5');
    await cai.click(back.reply, 'Review');
    const changed = await cai.click(back.reply, 'Submit changes');
    expect(textOf(changed.reply)).toContain('Your changes are saved.');
    const responses = db().select().from(surveyResponses).all().filter((r) => r.surveyId === id);
    expect(responses).toHaveLength(1);
    expect(db().select().from(surveys).all().find((s) => s.id === id)!.responses).toBe(1);
    const results = await leader.run('survey results', { survey: id });
    expect(textOf(results.reply)).toContain('mean **5**');
  });

  it('enforces required questions with a clear answer, saving nothing from a refused page', async () => {
    const id = await create({ title: 'Required things' });
    await add(id, 'scale-5', 'Must answer', { required: true });
    await add(id, 'short-text', 'Must write', { required: true });
    await add(id, 'short-text', 'May write');
    const card = await publish(id);
    const dee = hearth.member('dee');
    const screen = (await dee.click(card, 'Take survey')).reply;
    let before = snapshot();
    const skipped = await dee.click(screen, 'Next');
    expect(isEphemeral(skipped.reply)).toBe(true);
    expect(skipped.reply.content).toContain('Please answer question 1 ("Must answer") first: it is required.');
    expect(snapshot()).toBe(before);

    await dee.click(screen, '3');
    const opened = await dee.click(screen, 'Answer');
    const modal = opened.record.callback!.data as { components: { component: { required?: boolean } }[] };
    expect(modal.components.map((c) => c.component.required)).toEqual([true, false]);
    before = snapshot();
    const empty = await dee.submitModal(opened, { q2: '  ', q3: 'optional words' });
    expect(isEphemeral(empty.reply)).toBe(true);
    expect(empty.reply.content).toContain('Nothing on this page was saved');
    expect(empty.reply.content).toContain('question 2 ("Must write") is required');
    expect(snapshot()).toBe(before);

    before = snapshot();
    const early = await dee.click(screen, 'Review');
    expect(early.reply.content).toContain('Please answer question 2 ("Must write") first: it is required.');
    expect(snapshot()).toBe(before);
    expect(textOf(current(screen))).toContain('Questions 2–3 of 3');
    expect(db().select().from(surveyResponses).all().find((r) => r.surveyId === id)!.submittedAt).toBeNull();
  });

  it('a modal submitted twice (double click) keeps one response and every answer', async () => {
    const id = await create({ title: 'Double click' });
    await add(id, 'short-text', 'Name?');
    await add(id, 'short-text', 'Colour?');
    const card = await publish(id);
    const eli = hearth.member('eli');
    const screen = (await eli.click(card, 'Take survey')).reply;
    const opened = await eli.click(screen, 'Answer');
    await eli.submitModal(opened, { q1: 'Eli', q2: 'Green' });
    const twice = await eli.submitModal(opened, { q1: 'Eli', q2: 'Green' });
    expect(textOf(twice.reply)).toContain('Review');
    await eli.click(screen, 'Submit');
    const responses = db().select().from(surveyResponses).all().filter((r) => r.surveyId === id);
    expect(responses).toHaveLength(1);
    expect(db().select().from(surveyAnswers).all().filter((a) => a.responseId === responses[0]!.id).map((a) => a.text)).toEqual(['Eli', 'Green']);
  });

  it('anonymous surveys say so, store no member ids, show nothing under 3 responses and export without ids', async () => {
    const id = await create({ title: 'Honest pulse', anonymous: true, template: 'pulse' });
    const card = await publish(id);
    expect(textOf(card)).toContain('No one, leaders included, can see who answered what.');
    const members = ['fay', 'gus', 'hal'].map((name) => hearth.member(name));
    const answerAll = async (member: TestMember, mood: string, text: string) => {
      const screen = (await member.click(card, 'Take survey')).reply;
      expect(textOf(screen)).toContain('no one, leaders included, can see who answered what');
      await member.click(screen, mood);
      await member.click(screen, '4');
      const opened = await member.click(screen, 'Answer');
      await member.submitModal(opened, { q3: text, q4: 'More voice events' });
      await member.click(screen, '9');
      await member.click(screen, 'Submit');
    };
    await answerAll(members[0]!, '5', 'The weekly game night');
    await answerAll(members[1]!, '3', 'Game night and friendly people');

    const refused = await leader.run('survey results', { survey: id });
    expect(refused.reply.content).toContain('only 2 members have answered: its results show once at least 3 have');
    expect((await leader.run('survey export', { survey: id })).reply.content).toContain('at least 3');

    await answerAll(members[2]!, '4', 'Friendly people');
    const results = await leader.run('survey results', { survey: id });
    const text = textOf(results.reply);
    expect(text).toContain('3 responses');
    expect(text).toContain('mean **4** · median **4**');
    expect(text).toContain('NPS **+100**');
    expect(text).toContain('Phrases: friendly people (2), game night (2)');
    expect(results.reply.files.map((f) => f.filename)).toEqual([`survey-${id}-q1.png`, `survey-${id}-q2.png`, `survey-${id}-q5.png`]);
    expect(results.reply.files[0]!.data.subarray(1, 4).toString()).toBe('PNG');

    const exported = await leader.run('survey export', { survey: id });
    const csv = exported.reply.files[0]!.data.toString('utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^"Q1 How are you feeling/);
    expect(csv).not.toContain('member_id');
    expect(csv.trim().split('\r\n')).toHaveLength(4);

    const stored = JSON.stringify(db().select().from(surveyResponses).all());
    const written = [...hearth.double.messages.values()].map((m) => JSON.stringify(m)).join('\n') + hearth.logs.join('\n') + csv + stored;
    for (const member of members) expect(written.includes(member.id)).toBe(false);

    await leader.run('survey min-responses', { count: 5 });
    expect((await leader.run('survey results', { survey: id })).reply.content).toContain('at least 5 have');
    const tooLow = await leader.run('survey min-responses', { count: 2 });
    expect(tooLow.reply.content).toContain('from 3 to 100');
    await leader.run('survey min-responses', { count: 3 });
  });

  it('shows results with statistics and pages of written answers, to leaders only', async () => {
    const id = await create({ title: 'Paged answers' });
    await add(id, 'short-text', 'One idea?');
    const card = await publish(id);
    for (let i = 0; i < 12; i++) {
      const member = hearth.member(`writer${i}`);
      const screen = (await member.click(card, 'Take survey')).reply;
      await member.submitModal(await member.click(screen, 'Answer'), { q1: `Idea number ${i + 1}` });
      await member.click(screen, 'Submit');
    }
    const results = await leader.run('survey results', { survey: id });
    expect(isEphemeral(results.reply)).toBe(true);
    expect(textOf(results.reply)).toContain('**12 responses** · completion rate **100%** (12 of 12 members who started)');
    const page = await leader.click(results.reply, 'Read answers to 1');
    expect(isEphemeral(page.reply)).toBe(true);
    expect(textOf(page.reply)).toContain('Page 1 of 2');
    expect(textOf(page.reply)).toContain('**10.** Idea number 10');
    await leader.click(page.reply, 'Next page');
    expect(textOf(current(page.reply))).toContain('**12.** Idea number 12');
    const nosy = await hearth.member('nosy').click(results.reply, 'Read answers to 1');
    expect(nosy.reply.content).toContain('Only leaders can read survey answers');

    const exported = await leader.run('survey export', { survey: id });
    const rows = exported.reply.files[0]!.data.toString('utf8').trim().split('\r\n');
    expect(rows[0]).toBe('member_id,submitted_at,Q1 One idea?');
    expect(rows[1]).toMatch(/^\d+,2026-11-25T12:00:0\d.000Z,Idea number 1$/);
  });

  it('templates fill in questions, and preview walks through them without saving anything', async () => {
    const id = await create({ title: 'After the meetup', template: 'event-feedback' });
    const enps = await leader.run('survey create', { title: 'Recommend us', template: 'enps' });
    expect(textOf(enps.reply)).toContain('How likely are you to recommend this community to a friend?');
    const before = snapshot();
    const preview = await leader.run('survey preview', { survey: id });
    expect(textOf(preview.reply)).toContain('Preview: nothing you do here is saved.');
    expect(textOf(preview.reply)).toContain('Overall, how was the event?');
    expect(allComponents(preview.reply.components).filter((c) => c.label === '5')[0]!.disabled).toBe(true);
    await leader.click(preview.reply, 'Next');
    expect(textOf(current(preview.reply))).toContain('How was the length of the event?');
    await leader.click(preview.reply, 'Next');
    const opened = await leader.click(preview.reply, 'Answer');
    await leader.submitModal(opened, { q3: 'nothing', q4: 'saved' });
    expect(textOf(current(preview.reply))).toContain('Would you come to the next one?');
    await leader.click(preview.reply, 'Review');
    expect(textOf(current(preview.reply))).toContain('End of the survey');
    expect(snapshot()).toBe(before);

    await leader.run('survey move-question', { survey: id, from: 5, to: 1 });
    const removed = await leader.run('survey remove-question', { survey: id, number: 2 });
    expect(textOf(removed.reply)).toMatch(/1\.\*\* Would you come to the next one\?.*\n\*\*2\.\*\* How was the length/);
  });

  it('refuses every bad input with a clear private answer and changes nothing', async () => {
    const id = await create({ title: 'Strict survey' });
    const check = async (seen: Promise<Seen>, expected: string) => {
      const before = snapshot();
      const { reply } = await seen;
      expect(isEphemeral(reply), expected).toBe(true);
      expect(reply.content).toContain(expected);
      expect(snapshot(), expected).toBe(before);
    };
    await check(leader.run('survey create', { title: 'x'.repeat(101) }), 'the most is 100');
    await check(add(id, 'yes-no', 'p'.repeat(201)), 'the most is 200');
    await check(add(id, 'single-choice', 'Pick', { choices: 'only one' }), '2 to 25 choices');
    await check(add(id, 'multi-choice', 'Pick', { choices: Array.from({ length: 26 }, (_, i) => `c${i}`).join('|') }), 'this one has 26');
    await check(add(id, 'single-choice', 'Pick', { choices: 'Tea | Coffee | TEA' }), '"TEA" is listed twice');
    await check(add(id, 'multi-choice', 'Pick'), 'A multi-choice question needs choices');
    await check(leader.run('survey publish', { survey: id }), 'has no questions yet');
    await check(leader.run('survey publish', { survey: id, 'closes-in': '30m' }), 'has no questions yet');

    for (let i = 1; i <= 20; i++) await add(id, 'yes-no', `Question ${i}?`);
    await check(add(id, 'yes-no', 'Twenty-first?'), 'already has 20 questions');
    await check(leader.run('survey publish', { survey: id, 'closes-in': '30m' }), 'at least 1 hour');
    const card = await publish(id);
    await check(add(id, 'yes-no', 'Late?'), 'already published');
    await check(leader.run('survey remove-question', { survey: id, number: 1 }), 'already published');
    await check(leader.run('survey move-question', { survey: id, from: 1, to: 2 }), 'already published');

    const member = hearth.member('ivy');
    await check(member.run('survey create', { title: 'Mine' }), 'Only leaders can use /survey');
    await check(member.run('survey results', { survey: id }), 'Only leaders can use /survey');
    expect(await member.autocomplete('survey results', { survey: '' }, 'survey')).toEqual([]);

    const screen = (await member.click(card, 'Take survey')).reply;
    await member.click(screen, 'Yes');
    await leader.run('survey close', { survey: id });
    expect(allComponents(current(card).components)[1]).toMatchObject({ label: 'Take survey', disabled: true });
    await check(member.click(screen, 'No'), 'This survey closed');
    await check(member.click(screen, 'Back'), 'This survey closed');

    const other = hearth.double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const mods = hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild, 5);
    const outsider = new TestMember(hearth, other, hearth.double.addMember(other, hearth.double.addUser('outsider'), [mods.id]));
    for (const sub of ['results', 'export', 'close', 'preview', 'publish']) {
      await check(outsider.run(`survey ${sub}`, { survey: id }), `There is no survey #${id} in this server`);
    }
    await check(outsider.run('survey add-question', { survey: id, kind: 'yes-no', prompt: 'Sneaky?' }), `There is no survey #${id} in this server`);
    expect(await outsider.autocomplete('survey results', { survey: '' }, 'survey')).toEqual([]);

    // An over-long answer, typed past the form's limit.
    const open = await create({ title: 'Short answers' });
    await add(open, 'short-text', 'In a few words?');
    const openCard = await publish(open);
    const jo = hearth.member('jo');
    const joScreen = (await jo.click(openCard, 'Take survey')).reply;
    await check(jo.submitModal(await jo.click(joScreen, 'Answer'), { q1: 'w'.repeat(301) }), 'is 301 characters; the most is 300');
  });

  it('lists surveys and suggests them by status as leaders type', async () => {
    const list = await leader.run('survey list');
    expect(textOf(list.reply)).toContain('Game night feedback');
    const drafts = await leader.autocomplete('survey publish', { survey: '' }, 'survey');
    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.every((c) => c.name.endsWith('(draft)'))).toBe(true);
    const published = await leader.autocomplete('survey results', { survey: 'Game night' }, 'survey');
    expect(published.map((c) => c.name)).toEqual([expect.stringMatching(/^#\d+ · Game night feedback \(open\)$/)]);
  });
});

describe('surveys across a restart and over time', () => {
  let hearth: TestHearth;
  let leader: TestMember;
  beforeAll(async () => {
    hearth = await TestHearth.start();
    leader = hearth.leader('host');
  });
  afterAll(() => hearth.stop());
  const { db, current, create, add, publish } = surveyKit(() => hearth, () => leader);

  it('resumes after a restart, and closes on time by the stored closing time', async () => {
    const id = await create({ title: 'Timed survey' });
    await add(id, 'yes-no', 'Before?');
    await add(id, 'scale-5', 'After?');
    const card = await publish(id, { 'closes-in': '2h' });
    expect(textOf(card)).toContain('⏰ Closes');
    const kim = hearth.member('kim');
    const screen = (await kim.click(card, 'Take survey')).reply;
    await kim.click(screen, 'Yes');

    await hearth.restart();
    const resumed = await kim.click(card, 'Take survey');
    expect(textOf(resumed.reply)).toContain('Question 2 of 2');
    await kim.click(screen, '3'); // the old private message still works after the restart
    const done = await kim.click(screen, 'Submit');
    expect(textOf(done.reply)).toContain('Thank you!');

    await hearth.clock.advance(2 * 3_600_000 - 1);
    expect(db().select().from(surveys).all().find((s) => s.id === id)!.status).toBe('open');
    await hearth.clock.advance(1);
    await hearth.double.waitFor(() => (textOf(current(card)).includes('closed') ? true : undefined), 'the survey to close on time');
    expect(textOf(current(card))).toContain('1 member answered');
    expect(db().select().from(surveys).all().find((s) => s.id === id)!.status).toBe('closed');
    const late = await kim.click(resumed.reply, 'Back');
    expect(late.reply.content).toContain('This survey closed');
  });
});

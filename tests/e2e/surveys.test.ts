import { existsSync, readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { outbox } from '../../src/outbox/schema';
import { describe, expect, it } from 'vitest';
import { InteractionResponseType, PermissionFlagsBits } from 'discord-api-types/v10';
import { LIBRARY_TRIES, TestMember, allComponents, eventually, isEphemeral, textOf, type Seen, type StoredMessage } from '../support/harness';
import { useHearth, type World } from '../support/setup';
import { surveyIds } from '../../src/surveys/custom-ids';
import { surveyAnswers, surveyQuestions, surveyResponses, surveys, surveySettings } from '../../src/surveys/schema';

type Options = Record<string, string | number | boolean | { id: string }>;

/** Helpers shared by every survey test: a leader drafting and publishing, members answering. */
function surveyKit(world: World) {
  const db = () => world.hearth.context.db;
  const current = (message: StoredMessage) => world.hearth.double.messages.get(message.id)!;
  const snapshot = () => JSON.stringify([surveys, surveyQuestions, surveyResponses, surveyAnswers, surveySettings].map((t) => db().select().from(t).all()));
  const labels = (message: StoredMessage) => allComponents(current(message).components).filter((c) => c.type === 2).map((c) => c.label);

  async function create(options: Options): Promise<number> {
    const { reply } = await world.leader.run('survey create', options);
    expect(isEphemeral(reply)).toBe(true);
    const id = /Draft survey #(\d+) is ready/.exec(textOf(reply));
    expect(id, textOf(reply)).not.toBeNull();
    return Number(id![1]);
  }

  async function add(survey: number, kind: string, prompt: string, extra: Options = {}): Promise<Seen> {
    return world.leader.run('survey add-question', { survey, kind, prompt, ...extra });
  }

  async function publish(survey: number, extra: Options = {}): Promise<StoredMessage> {
    const { reply } = await world.leader.run('survey publish', { survey, ...extra });
    const url = /Survey #\d+ is up in <#\d+>: \S+\/(\d+)$/.exec(reply.content);
    expect(url, reply.content).not.toBeNull();
    return world.hearth.double.messages.get(url![1]!)!;
  }

  /** A member takes the survey on `card`, fills in its one form (fields by custom id or label) and submits. */
  async function respond(member: TestMember, card: StoredMessage, fields: Record<string, string>): Promise<void> {
    const screen = (await member.click(card, 'Take survey')).reply;
    await member.submitModal(await member.click(screen, 'Answer'), fields);
    await member.click(screen, 'Submit');
  }

  return { db, current, snapshot, labels, create, add, publish, respond };
}

describe('surveys', () => {
  const world = useHearth();
  const { db, current, snapshot, labels, create, add, publish, respond } = surveyKit(world);

  it('a member answers every kind of question privately, submits, and the card counts them', async () => {
    const { hearth } = world;
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
    expect(labels(card)).toEqual(['Take survey', 'Remind me later']);

    const ana = hearth.member('ana');
    const take = await ana.click(card, 'Take survey');
    expect(take.record.callback!.type).toBe(InteractionResponseType.ChannelMessageWithSource); // the first step at once, privately
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
    expect(opened.record.callback!.type).toBe(InteractionResponseType.Modal);
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
    const { hearth } = world;
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
    const { hearth, leader } = world;
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
    expect(textOf(back.reply)).toContain('each change is saved the moment you make it');
    expect(labels(back.reply)).toEqual(['Back', 'Done']);
    await cai.click(back.reply, 'Back');
    await cai.click(back.reply, 'Back');
    expect(textOf(current(back.reply))).toContain('Your answer: **2**');
    await cai.click(back.reply, '5');
    // The change counts at once, before (and without) pressing Done: that is what the screen promises.
    expect(textOf((await leader.run('survey results', { survey: id })).reply)).toContain('mean **5**');
    await cai.click(back.reply, 'Review');
    const done = await cai.click(back.reply, 'Done');
    expect(textOf(done.reply)).toContain('All your answers are saved, changes included.');
    const responses = db().select().from(surveyResponses).all().filter((r) => r.surveyId === id);
    expect(responses).toHaveLength(1);
    expect(db().select().from(surveys).all().find((s) => s.id === id)!.responses).toBe(1);
    const results = await leader.run('survey results', { survey: id });
    expect(textOf(results.reply)).toContain('mean **5**');
  });

  it('enforces required questions with a clear answer, keeping everything else typed on a refused page', async () => {
    const { hearth } = world;
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
    const empty = await dee.submitModal(opened, { q2: '  ', q3: 'optional words' });
    expect(isEphemeral(empty.reply)).toBe(true);
    expect(empty.reply.id).toBe(screen.id);
    expect(empty.reply.content).toContain('Your other answers on this page are saved');
    expect(empty.reply.content).toContain('Question 2 ("Must write") is required: write an answer.');
    expect(textOf(empty.reply)).toContain('Questions 2–3 of 3');
    // Reopening the form brings back what was typed, so nothing has to be written twice.
    const reopened = await dee.click(screen, 'Edit answers');
    const values = (reopened.record.callback!.data as { components: { component: { value?: string } }[] }).components.map((c) => c.component.value ?? null);
    expect(values).toEqual([null, 'optional words']);

    before = snapshot();
    const early = await dee.click(screen, 'Review');
    expect(early.reply.content).toContain('Please answer question 2 ("Must write") first: it is required.');
    expect(snapshot()).toBe(before);
    expect(textOf(current(screen))).toContain('Questions 2–3 of 3');
    expect(db().select().from(surveyResponses).all().find((r) => r.surveyId === id)!.submittedAt).toBeNull();
  });

  it('a modal submitted twice at once (double click) keeps one response and every answer', async () => {
    const { hearth } = world;
    const id = await create({ title: 'Double click' });
    await add(id, 'short-text', 'Name?');
    await add(id, 'short-text', 'Colour?');
    const card = await publish(id);
    const eli = hearth.member('eli');
    const screen = (await eli.click(card, 'Take survey')).reply;
    const opened = await eli.click(screen, 'Answer');
    // Both submissions are on their way before Hearth answers either: the two transactions race.
    const both = await Promise.all([eli.submitModal(opened, { q1: 'Eli', q2: 'Green' }), eli.submitModal(opened, { q1: 'Eli', q2: 'Green' })]);
    for (const seen of both) expect(textOf(seen.reply)).toContain('Review');
    expect(db().select().from(surveyResponses).all().filter((r) => r.surveyId === id)).toHaveLength(1);
    await eli.click(screen, 'Submit');
    const responses = db().select().from(surveyResponses).all().filter((r) => r.surveyId === id);
    expect(responses).toHaveLength(1);
    expect(db().select().from(surveyAnswers).all().filter((a) => a.responseId === responses[0]!.id).map((a) => a.text)).toEqual(['Eli', 'Green']);
  });

  it('anonymous surveys say so, store no member ids, show nothing under 3 responses and export without ids', async () => {
    const { hearth, leader } = world;
    const id = await create({ title: 'Honest pulse', anonymous: true, template: 'pulse' });
    const card = await publish(id);
    expect(textOf(card)).toContain('No one, leaders included, can see who answered what.');
    expect(textOf(card)).toContain('Results show only after the survey closes, and only if at least 3 members answered.');
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
    expect(refused.reply.content).toContain('is anonymous, so its results show only once it is closed (and at least 3 members have answered)');
    expect((await leader.run('survey export', { survey: id })).reply.content).toContain('show only once it is closed');

    await answerAll(members[2]!, '4', 'Friendly people');
    // Enough answers, but still open: comparing live results before and after one answer would give it away.
    expect((await leader.run('survey results', { survey: id })).reply.content).toContain('show only once it is closed');
    expect((await leader.run('survey export', { survey: id })).reply.content).toContain('show only once it is closed');
    const secret = db().select().from(surveys).all().find((s) => s.id === id)!.respondentSecret!;
    expect(secret).toBeTruthy();
    await leader.run('survey close', { survey: id });
    expect(db().select().from(surveys).all().find((s) => s.id === id)!.respondentSecret).toBeNull();
    // No copy of the key is left in the database file or its write-ahead log.
    for (const file of [hearth.databasePath, `${hearth.databasePath}-wal`]) {
      const bytes = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
    }
    const results = await leader.run('survey results', { survey: id });
    const text = textOf(results.reply);
    // Written answers are listed alphabetically, not in the order they came in (which could tell who wrote what).
    const page = textOf((await leader.click(results.reply, 'Read answers to 3')).reply);
    expect(page).toMatch(/1\.\*\* Friendly people\n\*\*2\.\*\* Game night and friendly people\n\*\*3\.\*\* The weekly game night/);
    expect(text).toContain('3 responses');
    expect(text).toContain('mean **4** · median **4**');
    expect(text).toContain('NPS **+100**');
    expect(text).toContain('Phrases: friendly people (2), game night (2)');
    expect(results.reply.files.map((f) => f.filename)).toEqual([`survey-${id}-q1.png`, `survey-${id}-q2.png`, `survey-${id}-q5.png`]);
    expect(results.reply.files[0]!.data.subarray(1, 4).toString()).toBe('PNG');

    const exported = await leader.run('survey export', { survey: id });
    const csv = exported.reply.files[0]!.data.toString('utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFF"Q1 How are you feeling/);
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
    const { hearth, leader } = world;
    const id = await create({ title: 'Paged answers' });
    await add(id, 'short-text', 'One idea?');
    const card = await publish(id);
    for (let i = 0; i < 12; i++) await respond(hearth.member(`writer${i}`), card, { q1: `Idea number ${i + 1}` });
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

  it('exports answers a spreadsheet would run as formulas with a leading apostrophe', async () => {
    const { hearth, leader } = world;
    const id = await create({ title: 'Formulas' });
    await add(id, 'short-text', 'Your vote?');
    const card = await publish(id);
    const typed = ['+1', '@here', '-2', '=1+1', 'Plain']; // (answers are trimmed, so none starts with a tab)
    for (const [i, answer] of typed.entries()) await respond(hearth.member(`formula${i}`), card, { q1: answer });
    const exported = await leader.run('survey export', { survey: id });
    const cells = exported.reply.files[0]!.data.toString('utf8').trim().split('\r\n').slice(1).map((row) => row.split(',').at(-1));
    expect(cells).toEqual(["'+1", "'@here", "'-2", "'=1+1", 'Plain']);
  });

  it('templates fill in questions, and preview walks through them without saving anything', async () => {
    const { leader } = world;
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
    const { hearth, leader } = world;
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

    // Long answers: the form stops at 2,000 characters, and Hearth refuses more.
    const essay = await create({ title: 'Long answers' });
    await add(essay, 'long-text', 'Tell us everything?');
    const essayCard = await publish(essay);
    const kit = hearth.member('kit');
    const kitScreen = (await kit.click(essayCard, 'Take survey')).reply;
    const form = await kit.click(kitScreen, 'Answer');
    expect((form.record.callback!.data as { components: { component: { max_length: number } }[] }).components[0]!.component.max_length).toBe(2000);
    await check(kit.submitModal(form, { q1: 'w'.repeat(2001) }), 'is 2001 characters; the most is 2000');
    const kept = await kit.submitModal(await kit.click(kitScreen, 'Answer'), { q1: 'w'.repeat(2000) });
    expect(textOf(kept.reply)).toContain('Review');
    expect(db().select().from(surveyAnswers).all().some((a) => a.text?.length === 2000)).toBe(true);
  });

  it('lists surveys and suggests them by status as leaders type', async () => {
    const { leader } = world;
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
  const world = useHearth();
  const { db, current, create, add, publish } = surveyKit(world);

  it('resumes after a restart, and closes on time by the stored closing time', async () => {
    const { hearth } = world;
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

describe('surveys: long surveys, cards that fail to close, and stray clicks', () => {
  const world = useHearth({ libraryRetries: true }); // a card that fails to update is retried by discord.js, then by the outbox
  const { db, current, labels, create, add, publish, respond } = surveyKit(world);
  const stored = (id: number) => db().select().from(surveys).all().find((s) => s.id === id)!;
  const cardEdit = (id: number) => db().select().from(outbox).where(eq(outbox.key, `survey.closed-card:${id}`)).get();

  it('a 20-question survey with long prompts shows every answer on review and its results fit one embed', async () => {
    const { hearth, leader } = world;
    const id = await create({ title: 'The long one' });
    const prompt = (n: number) => `Question ${n}: ${'please tell us in as much detail as you like how the community events felt to you this season '.repeat(3)}`.slice(0, 190 + (n % 10));
    for (let n = 1; n <= 20; n++) await add(id, n % 2 ? 'short-text' : 'long-text', prompt(n));
    const card = await publish(id);
    const answer = (n: number) => `Answer ${n} marker: ${'friendly game nights with quiet voice channels and good music and snacks '.repeat(4)}`.slice(0, 290);
    const members = ['long1', 'long2'].map((name) => hearth.member(name));
    for (const member of members) {
      const screen = (await member.click(card, 'Take survey')).reply;
      for (let page = 0; page < 4; page++) {
        const fields = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`q${page * 5 + i + 1}`, answer(page * 5 + i + 1)]));
        await member.submitModal(await member.click(screen, 'Answer'), fields);
      }
      const review = textOf(current(screen));
      expect(review).toContain('Review');
      for (let n = 1; n <= 20; n++) expect(review).toContain(`Answer ${n} marker`);
      await member.click(screen, 'Submit');
    }
    const results = await leader.run('survey results', { survey: id });
    expect(isEphemeral(results.reply)).toBe(true);
    expect(results.reply.embeds).toHaveLength(1);
    const text = textOf(results.reply);
    expect(text).toContain('**2 responses**');
    for (let n = 1; n <= 20; n++) expect(text).toContain(`${n}. Question ${n}:`);
    expect(text).toContain('Words:');
  });

  it('a timed close carries on past a deleted card, and retries a card that failed to update', async () => {
    const { hearth } = world;
    const gone = await create({ title: 'Card will vanish' });
    await add(gone, 'yes-no', 'Here?');
    const flaky = await create({ title: 'Card will stall' });
    await add(flaky, 'yes-no', 'There?');
    const goneCard = await publish(gone, { 'closes-in': '1h' });
    const flakyCard = await publish(flaky, { 'closes-in': '1h' });
    hearth.double.messages.delete(goneCard.id);
    hearth.double.failNext('PATCH', new RegExp(`^/channels/\\d+/messages/${flakyCard.id}$`), 500, 0, 'Internal Server Error', LIBRARY_TRIES);

    await hearth.clock.advance(3_600_000);
    await eventually(() => stored(gone).status === 'closed' && cardEdit(gone)?.status === 'dropped', 'the survey with the deleted card to close and give up on its card');
    await eventually(() => stored(flaky).status === 'closed' && cardEdit(flaky)?.lastError !== null, 'the other survey to close with its card edit due again');
    expect(cardEdit(flaky)!.status).toBe('pending');
    expect(hearth.logs.filter((line) => line.includes('a Discord side effect was dropped') && line.includes(`survey.closed-card:${gone}`))).toHaveLength(1);
    expect(textOf(current(flakyCard))).not.toContain('· closed');
    expect(allComponents(current(flakyCard).components)[1]).toMatchObject({ label: 'Take survey', disabled: false });

    await hearth.clock.advance(60_000);
    await hearth.double.waitFor(() => (textOf(current(flakyCard)).includes('· closed') ? true : undefined), 'the card edit to be retried');
    expect(allComponents(current(flakyCard).components)[1]).toMatchObject({ label: 'Take survey', disabled: true });
    await eventually(() => cardEdit(flaky)?.status === 'delivered', 'the retry to be marked done');
  });

  it('/survey close says the survey is closed even when its card cannot be updated', async () => {
    const { hearth, leader } = world;
    const stalled = await create({ title: 'Close me, stalled' });
    await add(stalled, 'yes-no', 'Ok?');
    const card = await publish(stalled);
    hearth.double.failNext('PATCH', new RegExp(`^/channels/\\d+/messages/${card.id}$`), 500, 0, 'Internal Server Error', LIBRARY_TRIES);
    const closing = await leader.run('survey close', { survey: stalled });
    expect(isEphemeral(closing.reply)).toBe(true);
    expect(closing.reply.content).toContain(`Survey #${stalled} is closed`);
    expect(closing.reply.content).toContain('Hearth will retry marking it closed');
    expect(stored(stalled).status).toBe('closed');
    await hearth.clock.advance(60_000);
    await hearth.double.waitFor(() => (textOf(current(card)).includes('· closed') ? true : undefined), 'the card edit to be retried');

    const deleted = await create({ title: 'Close me, deleted' });
    await add(deleted, 'yes-no', 'Ok?');
    const deletedCard = await publish(deleted);
    hearth.double.failNext('PATCH', new RegExp(`^/channels/\\d+/messages/${deletedCard.id}$`), 404, 10008, 'Unknown Message');
    const closed = await leader.run('survey close', { survey: deleted });
    expect(closed.reply.content).toContain(`Survey #${deleted} is closed`);
    expect(closed.reply.content).toContain('Its card cannot be marked closed: That message has been deleted, so Hearth could not update it.');
    expect(stored(deleted).status).toBe('closed');
    expect(cardEdit(deleted)!.status).toBe('dropped');
  });

  it('a survey whose card could not be posted is a draft again, and members see the questions it is published with next', async () => {
    const { hearth, leader } = world;
    const id = await create({ title: 'Second try' });
    const added = (await add(id, 'yes-no', 'Did you come?')).reply;
    // The card's post is slow, then refused; a member answers in between, from a forged button.
    const held = hearth.double.holdNext('POST', /^\/channels\/\d+\/messages$/);
    const publishing = leader.run('survey publish', { survey: id });
    await held.arrived;
    const ben = hearth.member('ben');
    const early = await hearth.clickCustomId(ben, added, surveyIds.take.build({ surveyId: id }));
    expect(textOf(early.reply)).toContain('Question 1 of 1');
    hearth.double.failNext('POST', /^\/channels\/\d+\/messages$/, 403, 50013, 'Missing Permissions');
    held.release();
    await publishing;
    expect(stored(id).status).toBe('draft');

    // Changed while a draft, published again at the same moment: members get the new questions.
    await add(id, 'scale-5', 'How was it?');
    const card = await publish(id);
    const screen = (await ben.click(card, 'Take survey')).reply;
    expect(textOf(screen)).toContain('Question 1 of 2');
    await ben.click(screen, 'Yes');
    expect(textOf(current(screen))).toContain('Question 2 of 2');
    expect(textOf(current(screen))).toContain('How was it?');
  });

  it('refuses stray, late and foreign clicks with a clear private answer', async () => {
    const { hearth, leader } = world;
    const id = await create({ title: 'Stray clicks' });
    await add(id, 'multi-choice', 'Which days?', { choices: 'Mon | Tue | Wed', required: true });
    await add(id, 'short-text', 'Anything?');
    const card = await publish(id);
    const liv = hearth.member('liv');
    const screen = (await liv.click(card, 'Take survey')).reply;

    // A required multi-choice question with nothing picked.
    const none = await liv.select(screen, []);
    expect(isEphemeral(none.reply)).toBe(true);
    expect(none.reply.content).toContain('Question 1 ("Which days?") is required: pick at least one choice.');
    // Submit (or Done) pressed while a required question is unanswered, e.g. from an old screen.
    const early = await hearth.clickCustomId(liv, screen, surveyIds.submit.build({ surveyId: id }));
    expect(isEphemeral(early.reply)).toBe(true);
    expect(early.reply.content).toContain('please answer question 1 ("Which days?")');
    expect(stored(id).responses).toBe(0);

    await liv.select(screen, ['0', '2']);
    const opened = await liv.click(screen, 'Answer');
    await leader.run('survey close', { survey: id });
    const late = await liv.submitModal(opened, { q2: 'too late' });
    expect(isEphemeral(late.reply)).toBe(true);
    expect(late.reply.content).toContain('This survey closed');
    expect(db().select().from(surveyAnswers).all().some((a) => a.text === 'too late')).toBe(false);

    // Another server's survey id behaves like one that does not exist, on buttons and on modals.
    const other = hearth.double.addGuild('Faraway');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const mods = hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild, 5);
    const outsider = new TestMember(hearth, other, hearth.double.addMember(other, hearth.double.addUser('faraway'), [mods.id]));
    const open = await create({ title: 'Still open' });
    await add(open, 'short-text', 'Say something');
    await publish(open);
    const own = (await outsider.run('survey list')).reply;
    const foreign = await hearth.clickCustomId(outsider, own, surveyIds.take.build({ surveyId: open }));
    expect(foreign.reply.content).toContain('This survey no longer exists.');
    const foreignModal = { ...opened, record: { ...opened.record, payload: { ...opened.record.payload, message: undefined, channel: own.channelId ? { id: own.channelId } : undefined } } } as unknown as Seen;
    (foreignModal.record as unknown as { callback: unknown }).callback = {
      ...opened.record.callback!,
      data: { ...(opened.record.callback!.data as object), custom_id: surveyIds.modal.build({ surveyId: open, step: 0 }) },
    } as never;
    const sneaky = await outsider.submitModal(foreignModal, { q1: 'from afar' });
    expect(sneaky.reply.content).toContain('This survey no longer exists.');
    expect(db().select().from(surveyResponses).all().some((r) => r.surveyId === open)).toBe(false);
  });

  it('keeps leader-only paging to leaders, and refuses closing times outside 1 hour to 60 days', async () => {
    const { hearth, leader } = world;
    const id = await create({ title: 'Paging' });
    await add(id, 'short-text', 'An idea?');
    const card = await publish(id);
    for (let i = 0; i < 11; i++) await respond(hearth.member(`pager${i}`), card, { q1: `Idea ${i + 1}` });
    const results = await leader.run('survey results', { survey: id });
    const page = await leader.click(results.reply, 'Read answers to 1');
    expect(labels(page.reply)).toEqual(['Previous', 'Next page']);
    const nosy = await hearth.member('nosy2').click(page.reply, 'Next page');
    expect(isEphemeral(nosy.reply)).toBe(true);
    expect(nosy.reply.content).toContain('Only leaders can read survey answers');
    expect(textOf(current(page.reply))).toContain('Page 1 of 2');

    const draft = await create({ title: 'Bad timing' });
    await add(draft, 'yes-no', 'When?');
    for (const [closesIn, expected] of [['61d', 'The duration can be at most'], ['soonish', '"soonish" is not a duration Hearth understands']] as const) {
      const { reply } = await leader.run('survey publish', { survey: draft, 'closes-in': closesIn });
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain('`closes-in`');
      expect(reply.content).toContain(expected);
      expect(stored(draft).status).toBe('draft');
    }
  });
});

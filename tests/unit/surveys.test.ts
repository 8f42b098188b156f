import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/user-error';
import { openDatabase, type Db } from '../../src/db/open';
import { answerQuestion, answerTexts, buildSteps, leaveStep, startOrResume, submitResponse } from '../../src/surveys/answering';
import { addQuestion, createSurvey, moveQuestion, removeQuestion, validateQuestion, type QuestionRequest } from '../../src/surveys/drafts';
import { closeDueSurveys, closeSurvey, nextSurveyClose, unpublishSurvey, publishSurvey } from '../../src/surveys/publishing';
import { outbox } from '../../src/outbox/schema';
import { exportSurvey, minResponses, setMinResponses, surveyResults } from '../../src/surveys/results';
import { surveyAnswers, surveyQuestions, surveyResponses, surveys } from '../../src/surveys/schema';
import { forgetServer } from '../../src/surveys/retention';
import { writeTx } from '../../src/db/write-tx';
import { WHOLE_SERVER } from '../../src/visibility';

const place = { guildId: 'g1', creatorId: 'lead' };
const q = (kind: string, prompt: string, extra: Partial<QuestionRequest> = {}): QuestionRequest => ({ kind, prompt, choices: null, required: false, ...extra });
const who = (memberId: string, guildId = 'g1') => ({ guildId, memberId, sees: WHOLE_SERVER });

function draft(db: Db, questions: QuestionRequest[], anonymous = false) {
  const { survey } = createSurvey(db, place, { title: 'Community check', description: null, anonymous, template: null }, 0);
  for (const question of questions) addQuestion(db, 'g1', survey.id, question);
  return survey.id;
}

function rejects(run: () => unknown, text: string) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(text);
    return;
  }
  expect.unreachable(`expected a refusal containing "${text}"`);
}

describe('survey drafting', () => {
  it('groups text questions into pages of at most five and gives every other question its own step', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [
      ...Array.from({ length: 7 }, (_, i) => q('short-text', `Text ${i + 1}`)),
      q('scale-5', 'Scale'),
      q('long-text', 'After'),
    ]);
    const flow = startOrResume(db, who('m1'), (publishSurvey(db, 'g1', id, 'c1', null, 0), id), 1);
    expect(buildSteps(flow.questions).map((s) => s.questions.map((x) => x.prompt))).toEqual([
      ['Text 1', 'Text 2', 'Text 3', 'Text 4', 'Text 5'],
      ['Text 6', 'Text 7'],
      ['Scale'],
      ['After'],
    ]);
  });

  it('refuses bad questions with every problem at once', () => {
    rejects(() => validateQuestion(q('single-choice', 'Pick')), 'needs choices');
    rejects(() => validateQuestion(q('single-choice', 'Pick', { choices: 'only one' })), '2 to 25 choices');
    rejects(() => validateQuestion(q('multi-choice', 'Pick', { choices: Array.from({ length: 26 }, (_, i) => `c${i}`).join('|') })), 'this one has 26');
    rejects(() => validateQuestion(q('single-choice', 'Pick', { choices: 'Tea | Coffee | tea' })), '"tea" is listed twice');
    rejects(() => validateQuestion(q('scale-5', 'x'.repeat(201))), 'the most is 200');
    rejects(() => validateQuestion(q('scale-5', 'Fine', { choices: 'a|b' })), 'Only single-choice and multi-choice');
    expect(validateQuestion(q('multi-choice', ' Days? ', { choices: ' Mon|Tue ' }))).toEqual({ kind: 'multi-choice', prompt: 'Days?', choices: ['Mon', 'Tue'], required: false });
  });

  it('allows at most 20 questions, and no changes once published', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, Array.from({ length: 20 }, (_, i) => q('yes-no', `Q${i}`)));
    rejects(() => addQuestion(db, 'g1', id, q('yes-no', 'One more')), 'already has 20 questions');
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    rejects(() => addQuestion(db, 'g1', id, q('yes-no', 'Late')), 'already published');
    rejects(() => removeQuestion(db, 'g1', id, 1), 'already published');
    rejects(() => moveQuestion(db, 'g1', id, 1, 2), 'already published');
  });

  it('moves and removes questions, keeping numbers without gaps', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('yes-no', 'A'), q('yes-no', 'B'), q('yes-no', 'C'), q('yes-no', 'D')]);
    expect(moveQuestion(db, 'g1', id, 4, 1).questions.map((x) => [x.prompt, x.position])).toEqual([['D', 0], ['A', 1], ['B', 2], ['C', 3]]);
    expect(removeQuestion(db, 'g1', id, 2).questions.map((x) => [x.prompt, x.position])).toEqual([['D', 0], ['B', 1], ['C', 2]]);
    rejects(() => moveQuestion(db, 'g1', id, 1, 9), 'there is no question 9');
  });

  it('fills templates with their questions', () => {
    const db = openDatabase(':memory:');
    const { questions } = createSurvey(db, place, { title: 'Pulse', description: null, anonymous: true, template: 'pulse' }, 0);
    expect(questions.map((x) => x.kind)).toEqual(['scale-5', 'scale-5', 'long-text', 'long-text', 'scale-10']);
    expect(questions[1]!.prompt).toContain('I feel I belong here');
  });

  it('an id from another server behaves like one that does not exist', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('yes-no', 'A')]);
    rejects(() => addQuestion(db, 'other', id, q('yes-no', 'B')), `There is no survey #${id} in this server`);
    rejects(() => publishSurvey(db, 'other', id, 'c1', null, 0), `There is no survey #${id}`);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    rejects(() => startOrResume(db, who('m1', 'other'), id, 1), 'no longer exists');
  });
});

describe('publishing and closing', () => {
  it('puts a survey back to draft only for its own server and only while open', () => {
    const db = openDatabase(':memory:');
    const status = () => db.select().from(surveys).get()!.status;
    const id = draft(db, [q('yes-no', 'Ok?')]);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    unpublishSurvey(db, 'other', id);
    expect(status()).toBe('open');
    unpublishSurvey(db, 'g1', id); // its card could not be posted: back to a draft that can be published again
    expect(status()).toBe('draft');
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    expect(status()).toBe('open');
    closeSurvey(db, 'g1', id, 1);
    unpublishSurvey(db, 'g1', id);
    expect(status()).toBe('closed');
  });

  it('queues the card\'s closing edit with the close, once, and then has no closing time left', async () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('yes-no', 'Ok?')]);
    publishSurvey(db, 'g1', id, 'c1', '2h', 0);
    expect(nextSurveyClose(db)).toBe(7_200_000);
    closeSurvey(db, 'g1', id, 1_000);
    const queued = () => db.select({ key: outbox.key, guildId: outbox.guildId, dueAt: outbox.dueAt }).from(outbox).all();
    expect(queued()).toEqual([{ key: `survey.closed-card:${id}`, guildId: 'g1', dueAt: 1_000 }]);
    expect(() => closeSurvey(db, 'g1', id, 2_000)).toThrow('already closed');
    expect(await closeDueSurveys(db, 7_200_000)).toEqual([]);
    expect(queued()).toHaveLength(1);
    expect(nextSurveyClose(db)).toBeNull();
  });
});

describe('answering a survey', () => {
  it('a server whose data is being deleted answers as if the survey were gone, from the moment its questions go', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('yes-no', 'Ok?'), q('yes-no', 'Again?')]);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    expect(answerQuestion(db, who('ana'), id, 0, [1], 1_000).step).toBe(1); // its questions are read, and kept
    // A deletion in small batches: the answers, the response and then the questions go first, the survey last.
    const batch = () => writeTx(db, (tx) => forgetServer(tx, 'g1', 1));
    while (db.select().from(surveyQuestions).all().length > 0) batch();
    expect(db.select().from(surveys).all()).toHaveLength(1);
    rejects(() => answerQuestion(db, who('bo'), id, 0, [1], 2_000), 'not part of this survey any more');
    expect(db.select().from(surveyAnswers).all()).toEqual([]);
  });

  it('enforces required questions, saves as it goes, and counts a response once however often it is submitted', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('scale-5', 'Mood', { required: true }), q('short-text', 'Why?', { required: true }), q('yes-no', 'Again?')]);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    rejects(() => leaveStep(db, who('m1'), id, 0, 1), 'Please answer question 1');
    expect(answerQuestion(db, who('m1'), id, 0, [4], 1).step).toBe(1);
    // A refused page answer is reported, not thrown: the member stays on the page, nothing else is lost.
    const blank = answerTexts(db, who('m1'), id, 1, new Map([[2, '  ']]), 1);
    expect(blank.problems).toEqual(['Question 2 ("Why?") is required: write an answer.']);
    expect(blank.step).toBe(1);
    expect(blank.answers.has(blank.questions[1]!.id)).toBe(false);
    const long = answerTexts(db, who('m1'), id, 1, new Map([[2, 'x'.repeat(301)]]), 1);
    expect(long.problems.join()).toContain('the most is 300');
    expect(long.step).toBe(1);
    rejects(() => answerQuestion(db, who('m1'), id, 0, [6], 1), 'not one of the choices');
    expect(startOrResume(db, who('m1'), id, 2).step).toBe(1); // resumes where they stopped
    rejects(() => submitResponse(db, who('m1'), id, 2), 'please answer question 2');
    answerTexts(db, who('m1'), id, 1, new Map([[2, 'Good people']]), 2);
    expect(submitResponse(db, who('m1'), id, 3).first).toBe(true);
    expect(submitResponse(db, who('m1'), id, 4).first).toBe(false);
    // After submitting, a change is saved the moment it is made: no further "submit" is needed.
    answerQuestion(db, who('m1'), id, 0, [2], 5);
    expect(db.select().from(surveyResponses).all()).toHaveLength(1);
    expect(db.select().from(surveys).get()!.responses).toBe(1);
    expect(surveyResults(db, 'g1', id).questions[0]!.mean).toBe(2);
  });

  it('refuses answers once closed, also after the stored closing time before the close has run', async () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('yes-no', 'Again?')]);
    publishSurvey(db, 'g1', id, 'c1', '2h', 0);
    answerQuestion(db, who('m1'), id, 0, [1], 1);
    rejects(() => answerQuestion(db, who('m1'), id, 0, [0], 7_200_000), 'no longer takes answers');
    expect(await closeDueSurveys(db, 7_199_999)).toEqual([]);
    expect((await closeDueSurveys(db, 7_200_000)).map((s) => s.id)).toEqual([id]);
    expect(await closeDueSurveys(db, 7_200_001)).toEqual([]);
    rejects(() => closeSurvey(db, 'g1', id, 7_300_000), 'already closed');
  });
});

describe('survey summaries', () => {
  it('computes the statistics of a known data set (checked by hand)', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [
      q('scale-10', 'Recommend?'),
      q('single-choice', 'When?', { choices: 'Mornings | Evenings | Weekends' }),
      q('multi-choice', 'Which?', { choices: 'Games | Talks | Music' }),
      q('yes-no', 'Again?'),
      q('long-text', 'Ideas?'),
    ]);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    const scores = [10, 10, 9, 8, 7, 6, 2, 9, 10, 4];
    const when = [0, 1, 1, 2, 1, 1, 0, 1, 2, 1];
    const which = [[0, 1], [1], [1, 2], [], [0], [1], [2], [1], [0, 1, 2], []];
    const again = [1, 1, 1, 0, 1, 0, 0, 1, 1, 1];
    const ideas = ['More game nights', 'game night weekly', '', 'quiet voice channel', '', '', 'A quiet voice channel', '', '', 'x'];
    scores.forEach((score, i) => {
      const m = who(`m${i}`);
      answerQuestion(db, m, id, 0, [score], 1);
      answerQuestion(db, m, id, 1, [when[i]!], 1);
      answerQuestion(db, m, id, 2, which[i]!, 1);
      answerQuestion(db, m, id, 3, [again[i]!], 1);
      answerTexts(db, m, id, 4, new Map([[5, ideas[i]!]]), 1);
      submitResponse(db, m, id, 2);
    });
    answerQuestion(db, who('started-only'), id, 0, [0], 3); // started, never submitted: not counted
    answerQuestion(db, who('started-too'), id, 0, [0], 3);
    answerTexts(db, who('started-too'), id, 4, new Map([[5, 'quiet voice channel']]), 3);

    const results = surveyResults(db, 'g1', id);
    expect(results.submitted).toBe(10);
    expect(results.started).toBe(12);
    expect(results.completionRate).toBe(83); // 10 / 12
    const [recommend, whenQ, whichQ, againQ, ideasQ] = results.questions;
    expect(recommend).toMatchObject({ answered: 10, mean: 7.5, median: 8.5, nps: { score: 20, promoters: 5, passives: 2, detractors: 3 } });
    expect(recommend!.distribution!.map((d) => d.count)).toEqual([0, 0, 1, 0, 1, 0, 1, 1, 1, 2, 3]);
    expect(whenQ!.choices).toEqual([
      { label: 'Mornings', count: 2, percent: 20 },
      { label: 'Evenings', count: 6, percent: 60 },
      { label: 'Weekends', count: 2, percent: 20 },
    ]);
    // 8 answered (two picked nothing); Talks: m0 m1 m2 m5 m7 m8 = 6 -> 75%
    expect(whichQ!.answered).toBe(8);
    expect(whichQ!.choices).toEqual([
      { label: 'Games', count: 3, percent: 38 },
      { label: 'Talks', count: 6, percent: 75 },
      { label: 'Music', count: 3, percent: 38 },
    ]);
    expect(againQ!.choices).toEqual([
      { label: 'Yes', count: 7, percent: 70 },
      { label: 'No', count: 3, percent: 30 },
    ]);
    expect(ideasQ!.texts!.total).toBe(5);
    expect(ideasQ!.texts!.phrases).toEqual([
      { term: 'quiet voice', count: 2 },
      { term: 'voice channel', count: 2 },
    ]);
  });

  it('anonymous surveys store no member ids, show nothing below the minimum, and export shuffled rows without ids', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('scale-5', 'Mood')], true);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    // Started on 17 March at 15:42:07.123, submitted at 23:59: kept as that day, no finer and no coarser.
    const started = Date.UTC(2026, 2, 17, 15, 42, 7, 123);
    const submitted = Date.UTC(2026, 2, 17, 23, 59);
    const day = Date.UTC(2026, 2, 17);
    for (const [i, mood] of [1, 2].entries()) {
      answerQuestion(db, who(`member-${i}`), id, 0, [mood], started + i * 60_000);
      submitResponse(db, who(`member-${i}`), id, submitted);
    }
    rejects(() => surveyResults(db, 'g1', id), 'show only once it is closed');
    rejects(() => exportSurvey(db, 'g1', id), 'show only once it is closed');
    answerQuestion(db, who('member-2'), id, 0, [5], started);
    submitResponse(db, who('member-2'), id, Date.UTC(2026, 2, 18, 0, 30)); // submitted after midnight: the next day
    // Enough answers, but still open: live results could be compared before and after one member answers.
    rejects(() => surveyResults(db, 'g1', id), 'show only once it is closed');
    closeSurvey(db, 'g1', id, Date.UTC(2026, 2, 19));
    expect(db.select().from(surveys).get()!.respondentSecret).toBeNull();
    expect(surveyResults(db, 'g1', id).questions[0]!.mean).toBeCloseTo(8 / 3);
    const stored = JSON.stringify(db.select().from(surveyResponses).all());
    expect(stored).not.toContain('member-');
    // Only the day is kept, so a time cannot be matched to a member's activity.
    // (In any order: the close rewrote the rows in a random one.)
    expect(db.select().from(surveyResponses).all().map((r) => [r.startedAt, r.submittedAt]).sort((a, b) => a[1]! - b[1]!)).toEqual([[day, day], [day, day], [day, day + 86_400_000]]);

    setMinResponses(db, 'g1', 4);
    expect(minResponses(db, 'g1')).toBe(4);
    rejects(() => surveyResults(db, 'g1', id), 'at least 4');
    rejects(() => setMinResponses(db, 'g1', 2), 'from 3 to 100');
    setMinResponses(db, 'g1', 3);

    const orders = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const { rows } = exportSurvey(db, 'g1', id);
      expect(rows[0]).toEqual(['Q1 Mood']);
      orders.add(rows.slice(1).map((r) => r[0]).join(','));
    }
    expect(orders.size).toBeGreaterThan(1); // shuffled, not in answering order
    expect(db.select().from(surveyAnswers).all()).toHaveLength(3);

    // Closed with too few answers: still nothing.
    const few = draft(db, [q('scale-5', 'Mood')], true);
    publishSurvey(db, 'g1', few, 'c1', null, 0);
    for (const i of [0, 1]) {
      answerQuestion(db, who(`member-${i}`), few, 0, [3], 1);
      submitResponse(db, who(`member-${i}`), few, 1);
    }
    closeSurvey(db, 'g1', few, 2);
    rejects(() => surveyResults(db, 'g1', few), 'only 2 members have answered');
    rejects(() => exportSurvey(db, 'g1', few), 'at least 3');
  });

  it('exports named surveys with member ids and readable answers', () => {
    const db = openDatabase(':memory:');
    const id = draft(db, [q('multi-choice', 'Which?', { choices: 'Games | Talks' }), q('short-text', 'Name a song')]);
    publishSurvey(db, 'g1', id, 'c1', null, 0);
    answerQuestion(db, who('m1'), id, 0, [0, 1], 1);
    answerTexts(db, who('m1'), id, 1, new Map([[2, '=cmd']]), 1);
    submitResponse(db, who('m1'), id, 86_400_000);
    expect(exportSurvey(db, 'g1', id).rows).toEqual([
      ['member_id', 'submitted_at', 'Q1 Which?', 'Q2 Name a song'],
      ['m1', '1970-01-02T00:00:00.000Z', 'Games; Talks', '=cmd'],
    ]);
  });
});

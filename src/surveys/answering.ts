/**
 * A member's private walk through an open survey, one step at a time, resumable after a restart;
 * and a leader's preview of it.
 */
import { ALREADY_COUNTED, anonymousKey, anonymousTime, forgottenKey } from '../anonymity';
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import type { ChannelView } from '../visibility';
import { savedWriteTx, writeTx, type Tx } from '../db/write-tx';
import { queueUnfinishedReminder } from './reminders';
import { timestamp, truncate } from '../format';
import { surveyWithQuestions } from './drafts';
import { isTextKind, SURVEY_LIMITS } from './limits';
import { isOpen } from './publishing';
import { answersOf, deleteAnswer, findResponse, findSurveyAndResponse, insertResponse, markSubmitted, questionsOfPublished, saveAnswer, setResponseStep, type Survey, type SurveyQuestion, type SurveyResponse } from './store';

/**
 * What a member sees one screen at a time: a choice or scale question alone, or up to five text
 * questions in a row answered in one modal. The review screen comes after the last step.
 */
export type Step = { index: number; questions: SurveyQuestion[]; text: boolean };

export function buildSteps(questions: readonly SurveyQuestion[]): Step[] {
  const steps: Step[] = [];
  for (const question of questions) {
    const last = steps.at(-1);
    if (isTextKind(question.kind) && last?.text && last.questions.length < SURVEY_LIMITS.textsPerModal) last.questions.push(question);
    else steps.push({ index: steps.length, questions: [question], text: isTextKind(question.kind) });
  }
  return steps;
}

/** The steps of a published survey's questions, worked out once for each array `questionsOfPublished` keeps. */
const stepsOfQuestions = new WeakMap<readonly SurveyQuestion[], Step[]>();
function stepsOf(questions: readonly SurveyQuestion[]): readonly Step[] {
  let steps = stepsOfQuestions.get(questions);
  if (!steps) stepsOfQuestions.set(questions, (steps = buildSteps(questions)));
  return steps;
}

export type Answer = { num: number | null; text: string | null };

export interface Flow {
  survey: Survey;
  questions: readonly SurveyQuestion[];
  steps: readonly Step[];
  /** The step shown now; `steps.length` is the review screen. */
  step: number;
  answers: Map<number, Answer>;
  submitted: boolean;
}

export interface Respondent {
  guildId: string;
  memberId: string;
  /** A survey posted in a channel the member cannot view does not exist for them. */
  sees: ChannelView;
}

function assertOpen(survey: Survey, now: number): void {
  if (survey.status === 'draft') throw new UserError('This survey is not published yet.');
  if (!isOpen(survey, now)) {
    const when = survey.closedAt ?? survey.closesAt ?? now;
    throw new UserError(`This survey closed ${timestamp(when)}, so it no longer takes answers. Thank you for your interest!`);
  }
}

/** Whose answers these are: the member id, or in an anonymous survey a key only the open survey can compute. */
function respondentKey(survey: Survey, memberId: string): string {
  if (!survey.anonymous) return memberId;
  if (!survey.respondentSecret) throw new UserError('This anonymous survey is closed: Hearth no longer knows which answers were yours.');
  return anonymousKey(survey.respondentSecret, memberId);
}

/** Anonymous responses keep only the day they were started and submitted. */
const responseTime = (survey: Survey, now: number) => (survey.anonymous ? anonymousTime(now) : now);

/**
 * Runs `change` on the member's response (made on first use) in one transaction, and returns the flow
 * after it. The survey, its questions and the member's answers are read once: a change that saves or
 * deletes an answer updates `answers` too, and one that submits sets `submitted`, so nothing is read
 * back (an answer click runs in a rush; the survey itself does not change under a member's click).
 */
function withResponse(db: Db, who: Respondent, surveyId: number, now: number, change: ResponseChange): Flow {
  return writeTx(db, onResponse(who, surveyId, now, change));
}

type ResponseChange = (tx: Tx, context: Omit<Flow, 'step'> & { response: SurveyResponse }) => number;

function onResponse(who: Respondent, surveyId: number, now: number, change: ResponseChange): (tx: Tx) => Flow {
  return (tx) => {
    // The response read with the survey is the member's only where it is stored under their id.
    const found = findSurveyAndResponse(tx, who.guildId, surveyId, who.memberId);
    const survey = found?.survey;
    if (!survey || !who.sees.canView(survey.channelId)) throw new UserError('This survey no longer exists.');
    assertOpen(survey, now);
    const key = respondentKey(survey, who.memberId);
    if (survey.anonymous && findResponse(tx, surveyId, forgottenKey(survey.respondentSecret!, who.memberId))) throw new UserError(ALREADY_COUNTED);
    let response = survey.anonymous ? findResponse(tx, surveyId, key) : (found.response ?? undefined);
    const fresh = !response;
    if (!response) {
      response = insertResponse(tx, who.guildId, surveyId, key, responseTime(survey, now));
      queueUnfinishedReminder(tx, survey, who.memberId, now); // with `remind: on` only
    }
    const questions = questionsOfPublished(tx, survey);
    const steps = stepsOf(questions);
    // A response made just now has no answers yet: nothing to read (the first click of each member in a rush).
    const answers = fresh ? new Map<number, Answer>() : answersOf(tx, response.id);
    const context = { survey, questions, steps, response, answers, submitted: response.submittedAt !== null };
    const step = change(tx, context);
    const clamped = Math.max(0, Math.min(step, steps.length));
    if (clamped !== response.step) setResponseStep(tx, response.id, clamped);
    return { survey, questions, steps, step: clamped, answers: context.answers, submitted: context.submitted };
  };
}

/** Saves one answer and keeps the flow's answers in step with what is stored. */
function keepAnswer(tx: Tx, answers: Map<number, Answer>, responseId: number, surveyId: number, questionId: number, answer: Answer): void {
  saveAnswer(tx, responseId, surveyId, questionId, answer);
  answers.set(questionId, answer);
}

function dropAnswer(tx: Tx, answers: Map<number, Answer>, responseId: number, questionId: number): void {
  deleteAnswer(tx, responseId, questionId);
  answers.delete(questionId);
}

function stepOf(steps: readonly Step[], index: number): Step {
  const step = steps[index];
  if (!step) throw new UserError('That step is not part of this survey any more. Press "Take survey" again.');
  return step;
}

/** "Take survey": a new member starts at the first step; anyone else resumes where they stopped. */
export function startOrResume(db: Db, who: Respondent, surveyId: number, now: number): Flow {
  return withResponse(db, who, surveyId, now, (_tx, { response }) => (response.submittedAt !== null ? Number.MAX_SAFE_INTEGER : response.step));
}

/** Back, or any step chosen without leaving the current one forward. */
export function goToStep(db: Db, who: Respondent, surveyId: number, step: number, now: number): Flow {
  return withResponse(db, who, surveyId, now, () => step);
}

function missingRequired(questions: readonly SurveyQuestion[], answers: Map<number, Answer>): SurveyQuestion[] {
  return questions.filter((q) => q.required && !answers.has(q.id));
}

const capitalised = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
const numbered = (all: readonly SurveyQuestion[], q: SurveyQuestion) => `question ${all.indexOf(q) + 1} ("${truncate(q.prompt, 60)}")`;

/** "Next": only once the step's required questions are answered. */
export function leaveStep(db: Db, who: Respondent, surveyId: number, step: number, now: number): Flow {
  return withResponse(db, who, surveyId, now, (_tx, { steps, questions, answers }) => {
    const missing = missingRequired(stepOf(steps, step).questions, answers);
    if (missing.length) throw new UserError(`Please answer ${missing.map((q) => numbered(questions, q)).join(' and ')} first: it is required.`);
    return step + 1;
  });
}

/** A click on a scale or yes-no button, or a pick in a choice select; saved at once, then on to the next step. */
export function answerQuestion(db: Db, who: Respondent, surveyId: number, step: number, picked: number[], now: number): Flow {
  return withResponse(db, who, surveyId, now, answerChange(step, picked));
}

/** As answerQuestion, in the group commit of this turn (a rush of answers): resolves once the answer is stored. */
export function answerQuestionGrouped(db: Db, who: Respondent, surveyId: number, step: number, picked: number[], now: number): Promise<Flow> {
  return savedWriteTx(db, onResponse(who, surveyId, now, answerChange(step, picked)));
}

function answerChange(step: number, picked: number[]): ResponseChange {
  return (tx, { steps, response, questions, answers }) => {
    const { questions: [question] } = stepOf(steps, step);
    if (!question || isTextKind(question.kind)) throw new UserError('That answer does not fit this question.');
    const valid = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
    const range: Record<string, [number, number]> = {
      'scale-5': [1, 5],
      'scale-10': [0, 10],
      'yes-no': [0, 1],
      'single-choice': [0, (question.choices?.length ?? 0) - 1],
      'multi-choice': [0, (question.choices?.length ?? 0) - 1],
    };
    const [min, max] = range[question.kind]!;
    if (picked.some((v) => !valid(v, min, max)) || (question.kind !== 'multi-choice' && picked.length !== 1)) {
      throw new UserError('That answer is not one of the choices of this question.');
    }
    if (picked.length === 0) {
      if (question.required) throw new UserError(`${capitalised(numbered(questions, question))} is required: pick at least one choice.`);
      dropAnswer(tx, answers, response.id, question.id);
      return step + 1;
    }
    const num = question.kind === 'multi-choice' ? picked.reduce((mask, v) => mask | (1 << v), 0) : picked[0]!;
    keepAnswer(tx, answers, response.id, response.surveyId, question.id, { num, text: null });
    return step + 1;
  };
}

/**
 * A submitted page of text answers, keyed by question number (1-based). Every valid answer on the
 * page is saved, so nothing a member typed is lost when one answer is refused; the refused ones
 * (a required one left empty, one over the length limit) come back as `problems`, and the member
 * stays on the page to fix them.
 */
export function answerTexts(db: Db, who: Respondent, surveyId: number, step: number, typed: Map<number, string>, now: number): Flow & { problems: string[] } {
  const problems: string[] = [];
  const flow = withResponse(db, who, surveyId, now, (tx, { steps, response, questions, answers }) => {
    const page = stepOf(steps, step);
    if (!page.text) throw new UserError('That form does not belong to this question any more. Press "Take survey" again.');
    for (const question of page.questions) {
      const text = (typed.get(questions.indexOf(question) + 1) ?? '').trim();
      const max = question.kind === 'short-text' ? SURVEY_LIMITS.shortTextLength : SURVEY_LIMITS.longTextLength;
      if (text.length > max) problems.push(`Your answer to ${numbered(questions, question)} is ${text.length} characters; the most is ${max}. Shorten it.`);
      else if (!text && question.required) problems.push(`${capitalised(numbered(questions, question))} is required: write an answer.`);
      else if (text) keepAnswer(tx, answers, response.id, surveyId, question.id, { num: null, text });
      else dropAnswer(tx, answers, response.id, question.id);
    }
    return problems.length ? step : step + 1;
  });
  return { ...flow, problems };
}

/**
 * "Submit" the first time counts the response. Every answer is saved as it is made, so later
 * presses ("Done") change nothing: they only check that the required questions are still answered.
 */
export function submitResponse(db: Db, who: Respondent, surveyId: number, now: number): Flow & { first: boolean } {
  let first = false;
  const flow = withResponse(db, who, surveyId, now, (tx, context) => {
    const { survey, steps, questions, answers, response } = context;
    const missing = missingRequired(questions, answers);
    if (missing.length) {
      throw new UserError(
        `${response.submittedAt === null ? 'Your answers are saved, but not submitted yet' : 'Your answers are saved'}: please answer ${missing.map((q) => numbered(questions, q)).join(', ')}. It is required; use Back to get there.`,
      );
    }
    first = markSubmitted(tx, response, responseTime(survey, now));
    context.submitted = true; // now, or already before
    return steps.length;
  });
  return { ...flow, first };
}

/** A leader's walk through a survey as members will see it, with nothing saved. */
export function previewFlow(db: Db, guildId: string, surveyId: number, step: number): Flow {
  const { survey, questions } = surveyWithQuestions(db, guildId, surveyId);
  if (questions.length === 0) throw new UserError(`Survey #${surveyId} has no questions yet. Add some with \`/survey add-question\` first.`);
  const steps = buildSteps(questions);
  return { survey, questions, steps, step: Math.max(0, Math.min(step, steps.length)), answers: new Map(), submitted: false };
}


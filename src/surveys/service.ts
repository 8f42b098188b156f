import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { UserError } from '../user-error';
import { forgetDeletedData, type Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { timestamp } from '../discord-markup';
import { formatDuration, parseDuration } from '../durations';
import { SURVEY_QUESTION_KINDS, type SurveyQuestionKind } from './schema';
import { countOf, frequentTerms, mean, median, netPromoterScore, type Distribution } from './stats';
import {
  allAnswers,
  answersOf,
  cardEditsDue,
  countResponses,
  deleteAnswer,
  deleteQuestion,
  findResponse,
  findSurvey,
  insertQuestion,
  insertResponse,
  insertSurvey,
  listSurveys,
  markClosed,
  markDraft,
  markPublished,
  markSubmitted,
  nextCardEdit,
  nextClosingTime,
  questionsOf,
  readMinResponses,
  saveAnswer,
  searchSurveys,
  setCardEditDue,
  setQuestionPosition,
  setResponseStep,
  setSurveyMessage,
  submittedResponses,
  surveysDueToClose,
  textAnswers,
  valueCounts,
  writeMinResponses,
  type NewQuestion,
  type Reader,
  type Survey,
  type SurveyQuestion,
  type SurveyResponse,
} from './store';
import { SURVEY_TEMPLATES, TEMPLATE_QUESTIONS, type SurveyTemplate } from './templates';

export type { Survey, SurveyQuestion, SurveyQuestionKind, SurveyTemplate };
export { SURVEY_QUESTION_KINDS, SURVEY_TEMPLATES };

export const SURVEY_LIMITS = {
  titleLength: 100,
  descriptionLength: 1000,
  promptLength: 200,
  choiceLength: 80,
  minChoices: 2,
  maxChoices: 25,
  maxQuestions: 20,
  shortTextLength: 300,
  longTextLength: 2000,
  /** Discord modals hold at most five inputs. */
  textsPerModal: 5,
  minDurationMs: 3_600_000,
  maxDurationMs: 60 * 86_400_000,
  /** Anonymous surveys never show anything below this many responses, whatever the setting says. */
  minAnonymousResponses: 3,
  maxAnonymousResponses: 100,
} as const;

export const isTextKind = (kind: SurveyQuestionKind) => kind === 'short-text' || kind === 'long-text';
const isChoiceKind = (kind: SurveyQuestionKind) => kind === 'single-choice' || kind === 'multi-choice';
/** A Discord timestamp: relative ("in 2 hours") or full date and time, shown in each reader's own time zone. */

// ------------------------------------------------------------------ drafting

export interface SurveyRequest {
  title: string;
  description: string | null;
  anonymous: boolean;
  template: string | null;
}

export function createSurvey(db: Db, place: { guildId: string; creatorId: string }, request: SurveyRequest, now: number): { survey: Survey; questions: SurveyQuestion[] } {
  const problems: string[] = [];
  const title = request.title.trim();
  const description = request.description?.trim() || null;
  if (!title) problems.push('The title is empty. Give the survey a short title members will recognise.');
  if (title.length > SURVEY_LIMITS.titleLength) problems.push(`The title is ${title.length} characters; the most is ${SURVEY_LIMITS.titleLength}. Shorten it.`);
  if (description && description.length > SURVEY_LIMITS.descriptionLength) {
    problems.push(`The description is ${description.length} characters; the most is ${SURVEY_LIMITS.descriptionLength}. Shorten it.`);
  }
  if (request.template !== null && !(SURVEY_TEMPLATES as readonly string[]).includes(request.template)) {
    problems.push(`There is no template "${request.template}". Pick one of: ${SURVEY_TEMPLATES.join(', ')}.`);
  }
  if (problems.length) throw new UserError(`The survey was not created:\n- ${problems.join('\n- ')}`);
  const questions = request.template ? TEMPLATE_QUESTIONS[request.template as SurveyTemplate].map((q) => ({ ...q, choices: q.choices ?? null })) : [];
  const id = insertSurvey(db, { ...place, title, description, anonymous: request.anonymous, status: 'draft', createdAt: now }, questions);
  return { survey: findSurvey(db, place.guildId, id)!, questions: questionsOf(db, place.guildId, id) };
}

/** A survey of this server (inside a transaction too), or the one answer for an id that is not. */
export function requireSurvey(db: Reader, guildId: string, surveyId: number): Survey {
  const survey = findSurvey(db, guildId, surveyId);
  if (!survey) throw new UserError(`There is no survey #${surveyId} in this server. Pick one from the list as you type, or see \`/survey list\`.`);
  return survey;
}

function assertDraft(survey: Survey): void {
  if (survey.status !== 'draft') {
    throw new UserError(
      `Survey #${survey.id} is already published, so its questions can no longer change: answers already given must keep meaning the same thing. Create a new survey instead.`,
    );
  }
}

export interface QuestionRequest {
  kind: string;
  prompt: string;
  /** As typed: choices separated by `|`. */
  choices: string | null;
  required: boolean;
}

export function validateQuestion(request: QuestionRequest): NewQuestion {
  const problems: string[] = [];
  const kind = request.kind as SurveyQuestionKind;
  if (!SURVEY_QUESTION_KINDS.includes(kind)) problems.push(`"${request.kind}" is not a question kind. Pick one of: ${SURVEY_QUESTION_KINDS.join(', ')}.`);
  const prompt = request.prompt.trim();
  if (!prompt) problems.push('The prompt is empty. Write the question members will answer.');
  if (prompt.length > SURVEY_LIMITS.promptLength) problems.push(`The prompt is ${prompt.length} characters; the most is ${SURVEY_LIMITS.promptLength}. Shorten it.`);

  let choices: string[] | null = null;
  if (isChoiceKind(kind)) {
    if (request.choices === null || !request.choices.trim()) {
      problems.push(`A ${kind} question needs choices: add \`choices\` with ${SURVEY_LIMITS.minChoices} to ${SURVEY_LIMITS.maxChoices} answers separated by |, e.g. \`Mornings | Evenings | Weekends\`.`);
    } else {
      const listed = request.choices.split('|').map((c) => c.trim());
      const nonEmpty = listed.filter(Boolean);
      if (nonEmpty.length !== listed.length && nonEmpty.length >= SURVEY_LIMITS.minChoices) problems.push('One of the choices is empty. Separate choices with a single | and put text in each.');
      if (nonEmpty.length < SURVEY_LIMITS.minChoices || nonEmpty.length > SURVEY_LIMITS.maxChoices) {
        problems.push(`A question needs ${SURVEY_LIMITS.minChoices} to ${SURVEY_LIMITS.maxChoices} choices separated by |; this one has ${nonEmpty.length}.`);
      }
      const tooLong = nonEmpty.find((c) => c.length > SURVEY_LIMITS.choiceLength);
      if (tooLong) problems.push(`Each choice can be at most ${SURVEY_LIMITS.choiceLength} characters; shorten "${tooLong.slice(0, 30)}…".`);
      const seen = new Set<string>();
      const twice = nonEmpty.find((c) => (seen.has(c.toLocaleLowerCase()) ? true : (seen.add(c.toLocaleLowerCase()), false)));
      if (twice) problems.push(`"${twice}" is listed twice. Each choice must be different.`);
      choices = nonEmpty;
    }
  } else if (request.choices !== null && request.choices.trim()) {
    problems.push(`Only single-choice and multi-choice questions take \`choices\`; leave it out for ${kind}.`);
  }
  if (problems.length) throw new UserError(`The question was not added:\n- ${problems.join('\n- ')}`);
  return { kind, prompt, choices, required: request.required };
}

export function addQuestion(db: Db, guildId: string, surveyId: number, request: QuestionRequest): { survey: Survey; questions: SurveyQuestion[] } {
  const question = validateQuestion(request);
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    assertDraft(survey);
    const questions = questionsOf(tx, guildId, surveyId);
    if (questions.length >= SURVEY_LIMITS.maxQuestions) {
      throw new UserError(`Survey #${surveyId} already has ${SURVEY_LIMITS.maxQuestions} questions, the most a survey can have. Remove one first, or split it into two surveys.`);
    }
    insertQuestion(tx, guildId, surveyId, questions.length, question);
    return { survey, questions: questionsOf(tx, guildId, surveyId) };
  });
}

function questionAt(questions: SurveyQuestion[], number: number, surveyId: number): SurveyQuestion {
  const question = questions[number - 1];
  if (!question) {
    throw new UserError(
      questions.length === 0
        ? `Survey #${surveyId} has no questions yet.`
        : `Survey #${surveyId} has questions 1 to ${questions.length}; there is no question ${number}. See them with \`/survey preview\`.`,
    );
  }
  return question;
}

/** Removes question `number` (1-based) from a draft and closes the gap. */
export function removeQuestion(db: Db, guildId: string, surveyId: number, number: number): { survey: Survey; removed: SurveyQuestion; questions: SurveyQuestion[] } {
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    assertDraft(survey);
    const questions = questionsOf(tx, guildId, surveyId);
    const removed = questionAt(questions, number, surveyId);
    deleteQuestion(tx, removed.id);
    questions.filter((q) => q.id !== removed.id).forEach((q, position) => setQuestionPosition(tx, q.id, position));
    return { survey, removed, questions: questionsOf(tx, guildId, surveyId) };
  });
}

/** Moves question `from` to place `to` (both 1-based) in a draft. */
export function moveQuestion(db: Db, guildId: string, surveyId: number, from: number, to: number): { survey: Survey; questions: SurveyQuestion[] } {
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    assertDraft(survey);
    const questions = questionsOf(tx, guildId, surveyId);
    const moving = questionAt(questions, from, surveyId);
    questionAt(questions, to, surveyId);
    const order = questions.filter((q) => q.id !== moving.id);
    order.splice(to - 1, 0, moving);
    order.forEach((q, position) => setQuestionPosition(tx, q.id, position));
    return { survey, questions: questionsOf(tx, guildId, surveyId) };
  });
}

export function surveyWithQuestions(db: Db, guildId: string, surveyId: number): { survey: Survey; questions: SurveyQuestion[] } {
  const survey = requireSurvey(db, guildId, surveyId);
  return { survey, questions: questionsOf(db, guildId, surveyId) };
}

// ------------------------------------------------------------------ publishing and closing

/** Checks a publish request and opens the draft; the caller then posts the card. */
export function publishSurvey(db: Db, guildId: string, surveyId: number, channelId: string, closesIn: string | null, now: number): Survey {
  const secret = randomBytes(32).toString('hex');
  // One immediate transaction: no question can be removed between the check and the opening.
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    assertDraft(survey);
    if (questionsOf(tx, guildId, surveyId).length === 0) {
      throw new UserError(`Survey #${surveyId} has no questions yet, so there is nothing to answer. Add some with \`/survey add-question\` first.`);
    }
    let closesAt: number | null = null;
    if (closesIn !== null) {
      const parsed = parseDuration(closesIn, { minMs: SURVEY_LIMITS.minDurationMs, maxMs: SURVEY_LIMITS.maxDurationMs });
      if (!parsed.ok) throw new UserError(`\`closes-in\`: ${parsed.problem} A survey can stay open from 1 hour to 60 days.`);
      closesAt = now + parsed.ms;
    }
    if (!markPublished(tx, guildId, surveyId, { channelId, closesAt, respondentSecret: survey.anonymous ? secret : null, now })) assertDraft(requireSurvey(tx, guildId, surveyId));
    return findSurvey(tx, guildId, surveyId)!;
  });
}

/** The card is posted: the survey is live. */
export function attachSurveyMessage(db: Db, guildId: string, surveyId: number, messageId: string): void {
  setSurveyMessage(db, guildId, surveyId, messageId);
}

/** Posting the card failed: nobody saw it, so it is a draft again. */
export function unpublishSurvey(db: Db, guildId: string, surveyId: number): void {
  markDraft(db, guildId, surveyId);
}

/** Open means published, not closed *and* not past its closing time, even if the closing run is still to come. */
export function isOpen(survey: Survey, now: number): boolean {
  return survey.status === 'open' && (survey.closesAt === null || survey.closesAt > now);
}

/**
 * While an anonymous survey is open its key sits in the database, so whoever holds the file could
 * link responses to members. At close the key is deleted, and no copy of it is left behind.
 */
function forgetDeletedSecret(db: Db, survey: Survey): void {
  if (survey.anonymous) forgetDeletedData(db);
}

export function closeSurvey(db: Db, guildId: string, surveyId: number, now: number): Survey {
  const survey = requireSurvey(db, guildId, surveyId);
  if (survey.status === 'draft') throw new UserError(`Survey #${surveyId} is a draft that was never published, so there is nothing to close.`);
  if (!markClosed(db, guildId, surveyId, now)) throw new UserError(`Survey #${surveyId} is already closed.`);
  forgetDeletedSecret(db, survey);
  return findSurvey(db, guildId, surveyId)!;
}

/** Closes every survey whose stored closing time has passed; returns what it closed. */
export function closeDueSurveys(db: Db, now: number): Survey[] {
  const closed: Survey[] = [];
  for (const survey of surveysDueToClose(db, now)) {
    if (markClosed(db, survey.guildId, survey.id, now)) {
      forgetDeletedSecret(db, survey);
      closed.push(findSurvey(db, survey.guildId, survey.id)!);
    }
  }
  return closed;
}

/** The next moment the closing task has work: a survey to close or a closed card to (re)edit. */
export function nextSurveyWork(db: Db): number | null {
  const times = [nextClosingTime(db), nextCardEdit(db)].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

/** Closed surveys whose card still shows them open: the closing edit is due (or due again). */
export function closedCardsDue(db: Db, now: number): Survey[] {
  return cardEditsDue(db, now);
}

/** The closing edit is on the card, or the card is gone: nothing more to do. */
export function closedCardDone(db: Db, survey: Survey): void {
  setCardEditDue(db, survey.guildId, survey.id, null);
}

/** The closing edit failed for now: try again at `at`. */
export function retryClosedCardAt(db: Db, survey: Survey, at: number): void {
  setCardEditDue(db, survey.guildId, survey.id, at);
}

export function findSurveyById(db: Db, guildId: string, surveyId: number): Survey | undefined {
  return findSurvey(db, guildId, surveyId);
}

// ------------------------------------------------------------------ answering

/**
 * What a member sees one screen at a time: a choice or scale question alone, or up to five text
 * questions in a row answered in one modal. The review screen comes after the last step.
 */
export type Step = { index: number; questions: SurveyQuestion[]; text: boolean };

export function buildSteps(questions: SurveyQuestion[]): Step[] {
  const steps: Step[] = [];
  for (const question of questions) {
    const last = steps.at(-1);
    if (isTextKind(question.kind) && last?.text && last.questions.length < SURVEY_LIMITS.textsPerModal) last.questions.push(question);
    else steps.push({ index: steps.length, questions: [question], text: isTextKind(question.kind) });
  }
  return steps;
}

export type Answer = { num: number | null; text: string | null };

export interface Flow {
  survey: Survey;
  questions: SurveyQuestion[];
  steps: Step[];
  /** The step shown now; `steps.length` is the review screen. */
  step: number;
  answers: Map<number, Answer>;
  submitted: boolean;
}

export interface Respondent {
  guildId: string;
  memberId: string;
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
  return createHmac('sha256', survey.respondentSecret).update(memberId).digest('hex').slice(0, 32);
}


const DAY_MS = 86_400_000;
/** Anonymous responses keep only the day they were started and submitted: exact times could be matched to people. */
const responseTime = (survey: Survey, now: number) => (survey.anonymous ? Math.floor(now / DAY_MS) * DAY_MS : now);

/** Runs `change` on the member's response (made on first use) in one transaction, and returns the flow after it. */
function withResponse(db: Db, who: Respondent, surveyId: number, now: number, change: (tx: Tx, context: Omit<Flow, 'step' | 'submitted'> & { response: SurveyResponse }) => number): Flow {
  return writeTx(db, (tx) => {
    const survey = findSurvey(tx, who.guildId, surveyId);
    if (!survey) throw new UserError('This survey no longer exists.');
    assertOpen(survey, now);
    const key = respondentKey(survey, who.memberId);
    const response = findResponse(tx, surveyId, key) ?? insertResponse(tx, who.guildId, surveyId, key, responseTime(survey, now));
    const questions = questionsOf(tx, who.guildId, surveyId);
    const steps = buildSteps(questions);
    const step = change(tx, { survey, questions, steps, response, answers: answersOf(tx, response.id) });
    const clamped = Math.max(0, Math.min(step, steps.length));
    if (clamped !== response.step) setResponseStep(tx, response.id, clamped);
    const after = findResponse(tx, surveyId, key)!;
    return { survey: findSurvey(tx, who.guildId, surveyId)!, questions, steps, step: clamped, answers: answersOf(tx, response.id), submitted: after.submittedAt !== null };
  });
}

function stepOf(steps: Step[], index: number): Step {
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

function missingRequired(questions: SurveyQuestion[], answers: Map<number, Answer>): SurveyQuestion[] {
  return questions.filter((q) => q.required && !answers.has(q.id));
}

const capitalised = (text: string) => `${text[0]!.toUpperCase()}${text.slice(1)}`;
const numbered = (all: SurveyQuestion[], q: SurveyQuestion) => `question ${all.indexOf(q) + 1} ("${q.prompt.length > 60 ? `${q.prompt.slice(0, 59)}…` : q.prompt}")`;

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
  return withResponse(db, who, surveyId, now, (tx, { steps, response, questions }) => {
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
      deleteAnswer(tx, response.id, question.id);
      return step + 1;
    }
    const num = question.kind === 'multi-choice' ? picked.reduce((mask, v) => mask | (1 << v), 0) : picked[0]!;
    saveAnswer(tx, response.id, surveyId, question.id, { num, text: null });
    return step + 1;
  });
}

/**
 * A submitted page of text answers, keyed by question number (1-based). Every valid answer on the
 * page is saved, so nothing a member typed is lost when one answer is refused; the refused ones
 * (a required one left empty, one over the length limit) come back as `problems`, and the member
 * stays on the page to fix them.
 */
export function answerTexts(db: Db, who: Respondent, surveyId: number, step: number, typed: Map<number, string>, now: number): Flow & { problems: string[] } {
  const problems: string[] = [];
  const flow = withResponse(db, who, surveyId, now, (tx, { steps, response, questions }) => {
    const page = stepOf(steps, step);
    if (!page.text) throw new UserError('That form does not belong to this question any more. Press "Take survey" again.');
    for (const question of page.questions) {
      const text = (typed.get(questions.indexOf(question) + 1) ?? '').trim();
      const max = question.kind === 'short-text' ? SURVEY_LIMITS.shortTextLength : SURVEY_LIMITS.longTextLength;
      if (text.length > max) problems.push(`Your answer to ${numbered(questions, question)} is ${text.length} characters; the most is ${max}. Shorten it.`);
      else if (!text && question.required) problems.push(`${capitalised(numbered(questions, question))} is required: write an answer.`);
      else if (text) saveAnswer(tx, response.id, surveyId, question.id, { num: null, text });
      else deleteAnswer(tx, response.id, question.id);
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
  const flow = withResponse(db, who, surveyId, now, (tx, { survey, steps, questions, answers, response }) => {
    const missing = missingRequired(questions, answers);
    if (missing.length) {
      throw new UserError(
        `${response.submittedAt === null ? 'Your answers are saved, but not submitted yet' : 'Your answers are saved'}: please answer ${missing.map((q) => numbered(questions, q)).join(', ')}. It is required; use Back to get there.`,
      );
    }
    first = markSubmitted(tx, response, responseTime(survey, now));
    return steps.length;
  });
  return { ...flow, first };
}

// ------------------------------------------------------------------ results

export function minResponses(db: Db, guildId: string): number {
  return Math.max(SURVEY_LIMITS.minAnonymousResponses, readMinResponses(db, guildId) ?? SURVEY_LIMITS.minAnonymousResponses);
}

export function setMinResponses(db: Db, guildId: string, count: number): number {
  if (!Number.isInteger(count) || count < SURVEY_LIMITS.minAnonymousResponses || count > SURVEY_LIMITS.maxAnonymousResponses) {
    throw new UserError(
      `The minimum must be a whole number from ${SURVEY_LIMITS.minAnonymousResponses} to ${SURVEY_LIMITS.maxAnonymousResponses}: with fewer than ${SURVEY_LIMITS.minAnonymousResponses} answers, anyone could work out who said what.`,
    );
  }
  writeMinResponses(db, guildId, count);
  return count;
}

export interface QuestionSummary {
  question: SurveyQuestion;
  /** Submitted responses that answered this question. */
  answered: number;
  /** Scales: value -> count, every value of the scale present. */
  distribution?: { value: number; count: number }[];
  mean?: number | null;
  median?: number | null;
  nps?: ReturnType<typeof netPromoterScore>;
  /** Choices and yes-no: count and percentage of those who answered. */
  choices?: { label: string; count: number; percent: number }[];
  /** Text: how many answers, the first few, and what people mention most. */
  texts?: { total: number; first: string[]; words: { term: string; count: number }[]; phrases: { term: string; count: number }[] };
}

export interface SurveyResults {
  survey: Survey;
  started: number;
  submitted: number;
  /** Submitted as a share of members who started, 0-100. */
  completionRate: number;
  questions: QuestionSummary[];
}

export const TEXT_PAGE_SIZE = 10;

/**
 * Anonymous results show only once the survey is closed and enough members answered: results that
 * change while it is open would let a leader compare them before and after one member answers.
 */
function assertResultsVisible(db: Db, survey: Survey, submitted: number): void {
  if (survey.status === 'draft') throw new UserError(`Survey #${survey.id} is a draft: publish it with \`/survey publish\` before there can be results.`);
  if (!survey.anonymous) return;
  const needed = minResponses(db, survey.guildId);
  if (survey.status !== 'closed') {
    throw new UserError(
      `Survey #${survey.id} is anonymous, so its results show only once it is closed (and at least ${needed} members have answered): ` +
        'results that change while it is open could show what one member answered. Close it with `/survey close`.',
    );
  }
  if (submitted < needed) {
    throw new UserError(
      `Survey #${survey.id} is anonymous and ${submitted === 1 ? 'only 1 member has' : `only ${submitted} members have`} answered: ` +
        `its results show only if at least ${needed} have, so that no one's answers can be worked out.`,
    );
  }
}

/** Anonymous text answers are shown in an order that says nothing about who answered when. */
function orderTexts(survey: Survey, texts: string[]): string[] {
  return survey.anonymous ? [...texts].sort((a, b) => a.localeCompare(b)) : texts;
}

export function surveyResults(db: Db, guildId: string, surveyId: number): SurveyResults {
  const survey = requireSurvey(db, guildId, surveyId);
  const { started, submitted } = countResponses(db, surveyId);
  assertResultsVisible(db, survey, submitted);
  const questions = questionsOf(db, guildId, surveyId);
  const counts = new Map<number, Distribution>();
  for (const row of valueCounts(db, surveyId)) {
    let distribution = counts.get(row.questionId);
    if (!distribution) counts.set(row.questionId, (distribution = new Map()));
    distribution.set(row.num, row.n);
  }
  const texts = new Map<number, string[]>();
  for (const row of textAnswers(db, surveyId, questions.filter((q) => isTextKind(q.kind)).map((q) => q.id))) {
    let list = texts.get(row.questionId);
    if (!list) texts.set(row.questionId, (list = []));
    list.push(row.text);
  }

  const summaries = questions.map((question): QuestionSummary => {
    const distribution = counts.get(question.id) ?? new Map<number, number>();
    if (isTextKind(question.kind)) {
      const list = orderTexts(survey, texts.get(question.id) ?? []);
      return { question, answered: list.length, texts: { total: list.length, first: list.slice(0, 3), ...frequentTerms(list) } };
    }
    if (question.kind === 'scale-5' || question.kind === 'scale-10') {
      const [low, high] = question.kind === 'scale-5' ? [1, 5] : [0, 10];
      const values = Array.from({ length: high - low + 1 }, (_, i) => low + i);
      return {
        question,
        answered: countOf(distribution),
        distribution: values.map((value) => ({ value, count: distribution.get(value) ?? 0 })),
        mean: mean(distribution),
        median: median(distribution),
        ...(question.kind === 'scale-10' ? { nps: netPromoterScore(distribution) } : {}),
      };
    }
    const labels = question.kind === 'yes-no' ? ['Yes', 'No'] : question.choices ?? [];
    const perChoice = labels.map(() => 0);
    let answered = 0;
    for (const [num, n] of distribution) {
      answered += n;
      if (question.kind === 'yes-no') perChoice[num === 1 ? 0 : 1]! += n;
      else if (question.kind === 'single-choice') perChoice[num] = (perChoice[num] ?? 0) + n;
      else labels.forEach((_, i) => (num & (1 << i) ? (perChoice[i]! += n) : undefined));
    }
    return { question, answered, choices: labels.map((label, i) => ({ label, count: perChoice[i]!, percent: answered ? Math.round((perChoice[i]! / answered) * 100) : 0 })) };
  });
  return { survey, started, submitted, completionRate: started ? Math.round((submitted / started) * 100) : 0, questions: summaries };
}

/** One page of a text question's answers, for leaders reading them all. */
export function textAnswerPage(db: Db, guildId: string, surveyId: number, position: number, page: number) {
  const survey = requireSurvey(db, guildId, surveyId);
  assertResultsVisible(db, survey, countResponses(db, surveyId).submitted);
  const question = questionsOf(db, guildId, surveyId)[position];
  if (!question || !isTextKind(question.kind)) throw new UserError('That question has no written answers.');
  const all = orderTexts(survey, textAnswers(db, surveyId, [question.id]).map((t) => t.text));
  const pages = Math.max(1, Math.ceil(all.length / TEXT_PAGE_SIZE));
  const current = Math.max(0, Math.min(page, pages - 1));
  return { survey, question, position, page: current, pages, total: all.length, answers: all.slice(current * TEXT_PAGE_SIZE, (current + 1) * TEXT_PAGE_SIZE) };
}

/** An answer as a person reads it; several choices are joined with `separator`. */
export function formatAnswer(question: SurveyQuestion, answer: Answer | undefined, separator = ', '): string | number | null {
  if (!answer) return null;
  if (answer.text !== null) return answer.text;
  const num = answer.num!;
  if (question.kind === 'yes-no') return num === 1 ? 'Yes' : 'No';
  if (question.kind === 'single-choice') return question.choices?.[num] ?? null;
  if (question.kind === 'multi-choice') return (question.choices ?? []).filter((_, i) => num & (1 << i)).join(separator);
  return num;
}

/**
 * The CSV a leader downloads: one row per submitted response, one column per question. Anonymous
 * surveys carry no member ids or times, and their rows are shuffled so order gives no one away.
 */
export function exportSurvey(db: Db, guildId: string, surveyId: number): { filename: string; rows: (string | number | null)[][] } {
  const survey = requireSurvey(db, guildId, surveyId);
  const responses = submittedResponses(db, surveyId);
  assertResultsVisible(db, survey, responses.length);
  const questions = questionsOf(db, guildId, surveyId);
  const byResponse = new Map<number, Map<number, Answer>>();
  for (const a of allAnswers(db, surveyId)) {
    let answers = byResponse.get(a.responseId);
    if (!answers) byResponse.set(a.responseId, (answers = new Map()));
    answers.set(a.questionId, { num: a.num, text: a.text });
  }
  const header = questions.map((q, i) => `Q${i + 1} ${q.prompt}`);
  const rows = responses.map((r) => {
    const answers = questions.map((q) => formatAnswer(q, byResponse.get(r.id)?.get(q.id), '; '));
    return survey.anonymous ? answers : [r.respondent, new Date(r.submittedAt).toISOString(), ...answers];
  });
  if (survey.anonymous) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
  }
  return { filename: `survey-${survey.id}.csv`, rows: [survey.anonymous ? header : ['member_id', 'submitted_at', ...header], ...rows] };
}

// ------------------------------------------------------------------ lists

export function surveysForList(db: Db, guildId: string, limit = 20) {
  return listSurveys(db, guildId, limit);
}

export function surveySuggestions(db: Db, guildId: string, typed: string, which: 'draft' | 'open' | 'published' | 'any'): { name: string; value: number }[] {
  const statuses = { draft: ['draft'], open: ['open'], published: ['open', 'closed'], any: ['draft', 'open', 'closed'] } as const;
  return searchSurveys(db, guildId, typed, statuses[which]).map((survey) => {
    const suffix = ` (${survey.status})`;
    const prefix = `#${survey.id} · `;
    const room = 100 - prefix.length - suffix.length;
    const title = survey.title.length > room ? `${survey.title.slice(0, room - 1)}…` : survey.title;
    return { name: `${prefix}${title}${suffix}`, value: survey.id };
  });
}

export { formatDuration };

/** A leader's walk through a survey as members will see it, with nothing saved. */
export function previewFlow(db: Db, guildId: string, surveyId: number, step: number): Flow {
  const { survey, questions } = surveyWithQuestions(db, guildId, surveyId);
  if (questions.length === 0) throw new UserError(`Survey #${surveyId} has no questions yet. Add some with \`/survey add-question\` first.`);
  const steps = buildSteps(questions);
  return { survey, questions, steps, step: Math.max(0, Math.min(step, steps.length)), answers: new Map(), submitted: false };
}

/** A survey while it is a draft: creating it (from a template or empty) and changing its questions. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { SURVEY_QUESTION_KINDS, type SurveyQuestionKind } from './schema';
import { isChoiceKind, SURVEY_LIMITS } from './limits';
import { deleteQuestion, findSurvey, insertQuestion, insertSurvey, questionsOf, setQuestionPosition, type NewQuestion, type Reader, type Survey, type SurveyQuestion } from './store';
import { SURVEY_TEMPLATES, TEMPLATE_QUESTIONS, type SurveyTemplate } from './templates';
import { truncate } from '../format';

export type { Survey, SurveyQuestion, SurveyQuestionKind, SurveyTemplate };
export { SURVEY_QUESTION_KINDS, SURVEY_TEMPLATES };

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

export function assertDraft(survey: Survey): void {
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
      if (tooLong) problems.push(`Each choice can be at most ${SURVEY_LIMITS.choiceLength} characters; shorten "${truncate(tooLong, 31)}".`);
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

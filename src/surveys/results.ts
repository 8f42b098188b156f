/** What leaders read once members answered: summaries, every written answer, the CSV export, and the anonymous threshold. */
import { UserError } from '../user-error';
import { shuffled } from '../anonymity';
import type { Db } from '../db/open';
import type { Answer } from './answering';
import { requireSurvey } from './drafts';
import { isTextKind, SURVEY_LIMITS } from './limits';
import { countOf, frequentTerms, mean, median, netPromoterScore, type Distribution } from './stats';
import { allAnswers, countResponses, questionsOf, readMinResponses, submittedResponses, textAnswers, valueCounts, writeMinResponses, type Survey, type SurveyQuestion } from './store';
import { oneOrMany, plural } from '../format';
import { isMemberId } from '../member-data';

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
      `Survey #${survey.id} is anonymous and only ${plural(submitted, 'member')} ${oneOrMany(submitted, 'has', 'have')} answered: ` +
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
    // A response past the server's retention is linked to no one: its member id cell stays empty.
    return survey.anonymous ? answers : [isMemberId(r.respondent) ? r.respondent : '', new Date(r.submittedAt).toISOString(), ...answers];
  });
  return { filename: `survey-${survey.id}.csv`, rows: [survey.anonymous ? header : ['member_id', 'submitted_at', ...header], ...(survey.anonymous ? shuffled(rows) : rows)] };
}

// A member's own survey data: what an export shows, and what forgetting them removes.
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { anonymousKey, forgottenKey } from '../anonymity';
import { isoTime, NO_MEMBER, type FollowUp, type ForgetOutcome } from '../member-data';
import { surveyAnswers, surveyResponses, surveys } from './schema';
import { unlinkPulsesOf } from './pulse-store';
import { answersOfResponses, findResponse, questionsOfSurveys, type SurveyQuestion } from './store';
import { formatAnswer } from './results';

export const ANONYMOUS_RESPONSES_LEFT_OUT =
  'Responses to anonymous surveys are filed under a keyed hash of your id, not your id, and the key is deleted when the survey closes: ' +
  'they cannot be linked to you, so they are not part of this export.';

/**
 * The outbox effect that shows a survey's current count on its card at once, for a
 * `refresh-survey-card` follow-up (payload `{ surveyId }`); its handler is in messages.ts.
 */
export const SURVEY_CARD_REFRESH = 'survey.refresh-card';

export interface SurveyMemberData {
  surveysCreated: { surveyId: number; title: string; description: string | null; anonymous: boolean; status: 'draft' | 'open' | 'closed'; createdAt: string; publishedAt: string | null; closedAt: string | null }[];
  /** Responses to named surveys, submitted or still in progress, with every answer given. */
  responses: { surveyId: number; title: string; startedAt: string; submittedAt: string | null; answers: { question: string; answer: string | number }[] }[];
  anonymousResponses: string;
}

/** Everything surveys store about a member in a server: the surveys they created, their named responses. */
export function memberData(db: Db, guildId: string, memberId: string): SurveyMemberData {
  const created = db
    .select()
    .from(surveys)
    .where(and(eq(surveys.guildId, guildId), eq(surveys.creatorId, memberId)))
    .orderBy(asc(surveys.id))
    .all();
  const responses = db
    .select({ id: surveyResponses.id, surveyId: surveys.id, title: surveys.title, startedAt: surveyResponses.startedAt, submittedAt: surveyResponses.submittedAt })
    .from(surveys)
    .innerJoin(surveyResponses, and(eq(surveyResponses.surveyId, surveys.id), eq(surveyResponses.respondent, memberId)))
    .where(and(eq(surveys.guildId, guildId), eq(surveys.anonymous, false)))
    .orderBy(asc(surveyResponses.startedAt), asc(surveyResponses.id))
    .all();
  // Every answer and question at once (a long history is thousands of responses), grouped here.
  const answersByResponse = new Map<number, Map<number, { num: number | null; text: string | null }>>();
  for (const a of answersOfResponses(db, responses.map((r) => r.id))) {
    let answers = answersByResponse.get(a.responseId);
    if (!answers) answersByResponse.set(a.responseId, (answers = new Map()));
    answers.set(a.questionId, { num: a.num, text: a.text });
  }
  const questionsBySurvey = new Map<number, SurveyQuestion[]>();
  for (const q of questionsOfSurveys(db, guildId, [...new Set(responses.map((r) => r.surveyId))])) {
    let questions = questionsBySurvey.get(q.surveyId);
    if (!questions) questionsBySurvey.set(q.surveyId, (questions = []));
    questions.push(q);
  }
  return {
    surveysCreated: created.map((s) => ({
      surveyId: s.id,
      title: s.title,
      description: s.description,
      anonymous: s.anonymous,
      status: s.status,
      createdAt: isoTime(s.createdAt),
      publishedAt: isoTime(s.publishedAt),
      closedAt: isoTime(s.closedAt),
    })),
    responses: responses.map((r) => {
      const answers = answersByResponse.get(r.id) ?? new Map();
      return {
        surveyId: r.surveyId,
        title: r.title,
        startedAt: isoTime(r.startedAt),
        submittedAt: isoTime(r.submittedAt),
        answers: (questionsBySurvey.get(r.surveyId) ?? []).flatMap((question) => {
          const answer = formatAnswer(question, answers.get(question.id));
          return answer === null ? [] : [{ question: question.prompt, answer }];
        }),
      };
    }),
    anonymousResponses: ANONYMOUS_RESPONSES_LEFT_OUT,
  };
}

/**
 * Removes a member's survey responses and their answers in named surveys of this server (open or
 * closed), inside the caller's write transaction. A submitted response also leaves the survey's
 * kept count (`surveys.responses`), because results are counted from the rows that remain and the
 * card must agree with them; the card then needs refreshing (a follow-up). In an open anonymous
 * survey the member's response (found with the survey's secret) is unlinked instead: filed under a
 * key that stands for nobody and still counted, since a count or a summary changing would show what
 * they answered. Anonymous responses to a closed survey cannot be found any more.
 * Kept: the surveys the member created, with everyone's responses (`kept.surveysCreated`).
 */
/** Lists in pieces SQLite takes as bound values (it allows 32,766 per statement). */
function chunks<T>(items: T[], size = 500): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

export function forgetMember(tx: Tx, guildId: string, memberId: string, _now: number): ForgetOutcome {
  const responses = tx
    .select({ id: surveyResponses.id, surveyId: surveyResponses.surveyId, submittedAt: surveyResponses.submittedAt })
    .from(surveys)
    .innerJoin(surveyResponses, and(eq(surveyResponses.surveyId, surveys.id), eq(surveyResponses.respondent, memberId)))
    .where(and(eq(surveys.guildId, guildId), eq(surveys.anonymous, false)))
    .all();
  // Open anonymous surveys: the member's response is unlinked, still counted, and not reported.
  const keyed = tx
    .select({ id: surveys.id, secret: surveys.respondentSecret })
    .from(surveys)
    .where(and(eq(surveys.guildId, guildId), eq(surveys.status, 'open'), eq(surveys.anonymous, true), isNotNull(surveys.respondentSecret)))
    .all();
  for (const s of keyed) {
    const found = findResponse(tx, s.id, anonymousKey(s.secret!, memberId));
    if (!found) continue;
    tx.update(surveyResponses).set({ respondent: forgottenKey(s.secret!, memberId) }).where(eq(surveyResponses.id, found.id)).run();
    // Their written answers are their own words: those go (choices and scales stay counted).
    tx.delete(surveyAnswers).where(and(eq(surveyAnswers.responseId, found.id), isNotNull(surveyAnswers.text))).run();
  }
  const removed = { responses: responses.length, answers: 0 };
  const followUps: FollowUp[] = [];
  const submitted = new Map<number, number>(); // survey -> its submitted responses removed
  for (const r of responses) if (r.submittedAt !== null) submitted.set(r.surveyId, (submitted.get(r.surveyId) ?? 0) + 1);
  for (const ids of chunks(responses.map((r) => r.id))) {
    removed.answers += tx.delete(surveyAnswers).where(inArray(surveyAnswers.responseId, ids)).run().changes;
    tx.delete(surveyResponses).where(inArray(surveyResponses.id, ids)).run();
  }
  for (const part of chunks([...submitted])) {
    // One statement for many surveys: each count goes down by its own number.
    const byId = sql.join(part.map(([id, n]) => sql`WHEN ${id} THEN ${n}`), sql` `);
    tx.run(sql`UPDATE ${surveys} SET responses = responses - CASE id ${byId} END WHERE ${inArray(surveys.id, part.map(([id]) => id))}`);
  }
  for (const surveyId of submitted.keys()) followUps.push({ kind: 'refresh-survey-card', guildId, surveyId });
  const surveysCreated = tx.update(surveys).set({ creatorId: NO_MEMBER }).where(and(eq(surveys.guildId, guildId), eq(surveys.creatorId, memberId))).run().changes;
  // Pulse schedules they set up stay (their rounds are everyone's), unlinked like the surveys.
  unlinkPulsesOf(tx, guildId, memberId);
  return { removed, kept: { surveysCreated }, followUps };
}

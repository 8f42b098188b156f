// A member's own survey data: what an export shows, and what forgetting them removes.
import { and, asc, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import type { Tx } from '../db/write-tx';
import { anonymousKey, unlinkedKey } from '../anonymity';
import { isoTime, type FollowUp, type ForgetOutcome } from '../member-data';
import { surveyAnswers, surveyResponses, surveys } from './schema';
import { answersOf, findResponse, questionsOf } from './store';
import { formatAnswer } from './results';

export const ANONYMOUS_RESPONSES_LEFT_OUT =
  'Responses to anonymous surveys are filed under a keyed hash of your id, not your id, and the key is deleted when the survey closes: ' +
  'they cannot be linked to you, so they are not part of this export.';

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
      const answers = answersOf(db, r.id);
      return {
        surveyId: r.surveyId,
        title: r.title,
        startedAt: isoTime(r.startedAt),
        submittedAt: isoTime(r.submittedAt),
        answers: questionsOf(db, guildId, r.surveyId).flatMap((question) => {
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
export function forgetMember(tx: Tx, guildId: string, memberId: string): ForgetOutcome {
  const named = tx
    .select({ id: surveyResponses.id, surveyId: surveyResponses.surveyId, submittedAt: surveyResponses.submittedAt })
    .from(surveys)
    .innerJoin(surveyResponses, and(eq(surveyResponses.surveyId, surveys.id), eq(surveyResponses.respondent, memberId)))
    .where(and(eq(surveys.guildId, guildId), eq(surveys.anonymous, false)))
    .all()
    .map((r) => ({ ...r, anonymous: false }));
  const keyed = tx
    .select({ id: surveys.id, secret: surveys.respondentSecret })
    .from(surveys)
    .where(and(eq(surveys.guildId, guildId), eq(surveys.status, 'open'), eq(surveys.anonymous, true), isNotNull(surveys.respondentSecret)))
    .all();
  for (const s of keyed) {
    const found = findResponse(tx, s.id, anonymousKey(s.secret!, memberId));
    if (found) tx.update(surveyResponses).set({ respondent: unlinkedKey() }).where(eq(surveyResponses.id, found.id)).run();
  }
  const responses = named;
  const removed = { responses: 0, answers: 0 };
  const followUps: FollowUp[] = [];
  if (responses.length) {
    const ids = responses.map((r) => r.id);
    removed.answers = tx.delete(surveyAnswers).where(inArray(surveyAnswers.responseId, ids)).run().changes;
    tx.delete(surveyResponses).where(inArray(surveyResponses.id, ids)).run();
  }
  for (const r of responses) {
    removed.responses += 1;
    if (r.submittedAt === null) continue;
    tx.update(surveys).set({ responses: sql`${surveys.responses} - 1` }).where(eq(surveys.id, r.surveyId)).run();
    followUps.push({ kind: 'refresh-survey-card', guildId, surveyId: r.surveyId });
  }
  const { n: surveysCreated } = tx.select({ n: count() }).from(surveys).where(and(eq(surveys.guildId, guildId), eq(surveys.creatorId, memberId))).get()!;
  return { removed, kept: { surveysCreated }, followUps };
}

// What surveys tell other features about taking part: per-member activity and closed-survey summaries.
import { and, asc, count, eq, gte, lt } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import type { Db } from '../db/open';
import { anonymousCount, heldInWindow, memberDays, tagged, type Activity } from '../activity';
import { surveyResponses, surveys } from './schema';
import { minResponses } from './results';
import { countResponses } from './store';

/** Responses submitted in [from, to) to one server's surveys open then: the surveys by index, then their responses by (survey, submitted_at). */
const submittedInWindow = (guildId: string, from: number, to: number, anonymous: boolean) =>
  heldInWindow(surveys, { parentId: surveyResponses.surveyId, at: surveyResponses.submittedAt }, guildId, from, to, anonymous);

/**
 * Who answered this server's surveys in [from, to) (UTC epoch ms). A member counts once they
 * submitted, on the UTC day they first did: a response still in progress is not counted, as it
 * is not in the survey's results either (and may never be finished).
 * - Named surveys: one row per member and day.
 * - Anonymous surveys: one count of submitted responses. They keep only the day they were
 *   submitted, so they count when that day's midnight lies in the window (a survey's card
 *   already shows how many answered, live, so the count gives nothing away).
 */
export function activity(db: Db | Tx, guildId: string, from: number, to: number): Activity {
  const named = memberDays(db, surveys, surveyResponses, surveyResponses.respondent, surveyResponses.submittedAt, submittedInWindow(guildId, from, to, false));
  const { n } = db
    .select({ n: count() })
    .from(surveys)
    .crossJoin(surveyResponses)
    .where(submittedInWindow(guildId, from, to, true))
    .get()!;
  return { members: tagged('survey-response', named), anonymous: anonymousCount('survey-response', n) };
}

export interface ClosedSurvey {
  surveyId: number;
  title: string;
  /** Where its card was posted: insights name it only to readers who can view that channel. */
  channelId: string | null;
  anonymous: boolean;
  closedAt: number;
  /** Members who submitted. */
  completed: number;
  /**
   * Members who started (submitted or not). Null for an anonymous survey below the server's
   * minimum of responses: its results, which show this number, stay hidden too.
   */
  started: number | null;
}

/**
 * This server's surveys that closed in [from, to), oldest close first. The surveys first (a range of
 * one server's closed surveys), then each one's responses counted from its index.
 */
export function closedSurveys(db: Db, guildId: string, from: number, to: number): ClosedSurvey[] {
  const closed = db
    .select({ surveyId: surveys.id, title: surveys.title, channelId: surveys.channelId, anonymous: surveys.anonymous, closedAt: surveys.closedAt })
    .from(surveys)
    .where(and(eq(surveys.guildId, guildId), eq(surveys.status, 'closed'), gte(surveys.closedAt, from), lt(surveys.closedAt, to)))
    .orderBy(asc(surveys.closedAt), asc(surveys.id))
    .all();
  const needed = closed.some((s) => s.anonymous) ? minResponses(db, guildId) : 0;
  return closed.map((survey) => {
    const { started, submitted } = countResponses(db, survey.surveyId);
    return { ...survey, closedAt: survey.closedAt!, completed: submitted, started: survey.anonymous && submitted < needed ? null : started };
  });
}

// Who answered when, as raw pairs, for insights to count distinct members per window or week cheaply.
import { and, count, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open';
import { heldInWindow } from '../activity';
import { NO_MEMBER } from '../member-data';
import { surveyResponses, surveys } from './schema';

/** [member id, submitted at] of every response submitted in [from, to) to this server's named surveys (as `activity` counts them). */
export function responseTimes(db: Db, guildId: string, from: number, to: number): [string, number][] {
  return db
    .select({ member: sql<string>`${surveyResponses.respondent}`, at: sql<number>`${surveyResponses.submittedAt}` })
    .from(surveys)
    .crossJoin(surveyResponses)
    .where(and(heldInWindow(surveys, { parentId: surveyResponses.surveyId, at: surveyResponses.submittedAt }, guildId, from, to, false), lt(surveyResponses.respondent, NO_MEMBER)))
    .all()
    .map((r) => [r.member, r.at]);
}

/** How many responses `responseTimes` would read for [from, to), counted in the database. */
export function responseCount(db: Db, guildId: string, from: number, to: number): number {
  return db
    .select({ n: count() })
    .from(surveys)
    .crossJoin(surveyResponses)
    .where(and(heldInWindow(surveys, { parentId: surveyResponses.surveyId, at: surveyResponses.submittedAt }, guildId, from, to, false), lt(surveyResponses.respondent, NO_MEMBER)))
    .get()!.n;
}

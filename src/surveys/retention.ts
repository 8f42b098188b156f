// Surveys under a server's retention, and removing everything surveys hold for a server.
import { inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/write-tx';
import { childRows, removeInBatch, serverRows } from '../db/batches';
import { NO_MEMBER, type RetentionBatch, type ServerBatch } from '../member-data';
import { surveyAnswers, surveyQuestions, surveyResponses, surveys, surveySettings } from './schema';
import { forgetPublishedQuestions } from './store';

/**
 * Up to `limit` responses to this server's closed surveys, submitted (or, never submitted, started)
 * before `before` and still linked to a member: their written answers are removed and the response
 * is linked to no one (its respondent becomes `~` and its id). Choices and scales stay, so results,
 * response counts and insights read the same; written answers are gone from them. Responses to open
 * surveys stay until the survey closes (members may still change them). Call again while `more`.
 */
export function applyRetention(tx: Tx, guildId: string, before: number, limit: number): RetentionBatch {
  const ids = tx
    .all<{ id: number }>(sql`
      SELECT r.id FROM ${surveys} s CROSS JOIN ${surveyResponses} r
      WHERE s.guild_id = ${guildId} AND s.status = 'closed' AND s.created_at < ${before}
        AND r.survey_id = s.id AND r.respondent < ${sql.raw(`'${NO_MEMBER}'`)} AND coalesce(r.submitted_at, r.started_at) < ${before}
      LIMIT ${limit}
    `)
    .map((r) => r.id);
  if (!ids.length) return { changed: { responses: 0, texts: 0 }, more: false };
  const texts = tx.run(sql`DELETE FROM ${surveyAnswers} WHERE ${inArray(surveyAnswers.responseId, ids)} AND text IS NOT NULL`).changes;
  const responses = tx.run(sql`UPDATE ${surveyResponses} SET respondent = ${NO_MEMBER} || id WHERE ${inArray(surveyResponses.id, ids)}`).changes;
  return { changed: { responses, texts }, more: ids.length >= limit };
}

/** Removes up to `limit` rows of this server's surveys (answers, responses, questions, the surveys, its settings). */
export function forgetServer(tx: Tx, guildId: string, limit: number): ServerBatch {
  forgetPublishedQuestions(tx, guildId);
  const ofSurveys = (child: typeof surveyAnswers | typeof surveyResponses | typeof surveyQuestions) => childRows(surveys, child, 'survey_id', guildId);
  return removeInBatch(tx, limit, [ofSurveys(surveyAnswers), ofSurveys(surveyResponses), ofSurveys(surveyQuestions), serverRows(surveys, guildId), serverRows(surveySettings, guildId)]);
}

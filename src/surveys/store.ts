import { and, asc, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { shuffled } from '../anonymity';
import type { Db } from '../db/open';
import { preparedOnce } from '../db/prepared';
import { writeTx, type Tx } from '../db/write-tx';
import { fairlyDue, inOrderOf, type Batch } from '../scheduler/fair';
import { surveyAnswers, surveyQuestions, surveyResponses, surveys, surveySettings } from './schema';

export type Survey = typeof surveys.$inferSelect;
export type SurveyQuestion = typeof surveyQuestions.$inferSelect;
export type SurveyResponse = typeof surveyResponses.$inferSelect;
export type NewSurveyRow = Omit<typeof surveys.$inferInsert, 'id'>;
export type NewQuestion = Pick<SurveyQuestion, 'kind' | 'prompt' | 'choices' | 'required'>;
export type Reader = Db | Tx;

export function insertSurvey(db: Db, survey: NewSurveyRow, questions: NewQuestion[]): number {
  return writeTx(db, (tx) => {
    const { id } = tx.insert(surveys).values(survey).returning({ id: surveys.id }).get();
    if (questions.length) {
      tx.insert(surveyQuestions).values(questions.map((q, position) => ({ ...q, surveyId: id, guildId: survey.guildId, position }))).run();
    }
    return id;
  });
}

const at = {
  surveyId: sql.placeholder('surveyId'),
  guildId: sql.placeholder('guildId'),
  responseId: sql.placeholder('responseId'),
  questionId: sql.placeholder('questionId'),
  respondent: sql.placeholder('respondent'),
};

// What every step of a member's answering runs: built and prepared once per connection.
const answering = preparedOnce((db) => ({
  survey: db.select().from(surveys).where(and(eq(surveys.id, at.surveyId), eq(surveys.guildId, at.guildId))).prepare(),
  questions: db
    .select()
    .from(surveyQuestions)
    .where(and(eq(surveyQuestions.surveyId, at.surveyId), eq(surveyQuestions.guildId, at.guildId)))
    .orderBy(asc(surveyQuestions.position))
    .prepare(),
  response: db.select().from(surveyResponses).where(and(eq(surveyResponses.surveyId, at.surveyId), eq(surveyResponses.respondent, at.respondent))).prepare(),
  // A member's click needs the survey and their response: one read instead of two.
  surveyAndResponse: db
    .select({ survey: surveys, response: surveyResponses })
    .from(surveys)
    .leftJoin(surveyResponses, and(eq(surveyResponses.surveyId, surveys.id), eq(surveyResponses.respondent, at.respondent)))
    .where(and(eq(surveys.id, at.surveyId), eq(surveys.guildId, at.guildId)))
    .prepare(),
  insertResponse: db
    .insert(surveyResponses)
    .values({ guildId: at.guildId, surveyId: at.surveyId, respondent: at.respondent, startedAt: sql.placeholder('now'), step: 0 })
    .returning()
    .prepare(),
  setStep: db.update(surveyResponses).set({ step: sql`${sql.placeholder('step')}` }).where(eq(surveyResponses.id, at.responseId)).prepare(),
  saveAnswer: db
    .insert(surveyAnswers)
    .values({ responseId: at.responseId, surveyId: at.surveyId, questionId: at.questionId, num: sql.placeholder('num'), text: sql.placeholder('text') })
    .onConflictDoUpdate({ target: [surveyAnswers.responseId, surveyAnswers.questionId], set: { num: sql`excluded.num`, text: sql`excluded.text` } })
    .prepare(),
  deleteAnswer: db.delete(surveyAnswers).where(and(eq(surveyAnswers.responseId, at.responseId), eq(surveyAnswers.questionId, at.questionId))).prepare(),
  answers: db.select().from(surveyAnswers).where(eq(surveyAnswers.responseId, at.responseId)).prepare(),
}));

/** A survey of this server, or undefined: an id from another server behaves like a missing one. */
export function findSurvey(db: Reader, guildId: string, surveyId: number): Survey | undefined {
  return answering(db).survey.get({ surveyId, guildId });
}

/** As findSurvey, with the response stored under `respondent` (null for none yet). */
export function findSurveyAndResponse(db: Reader, guildId: string, surveyId: number, respondent: string): { survey: Survey; response: SurveyResponse | null } | undefined {
  return answering(db).surveyAndResponse.get({ surveyId, guildId, respondent });
}

export function questionsOf(db: Reader, guildId: string, surveyId: number): SurveyQuestion[] {
  return answering(db).questions.all({ surveyId, guildId });
}

/**
 * The questions of a published survey, read once per connection and publication: questions change
 * only in drafts, a survey goes back to a draft only through `markDraft` (which drops its entry), and
 * publishing again sets a new `publishedAt`. A rush of answer clicks then reads them from memory. The
 * array is shared by every click: callers must not change it.
 */
export function questionsOfPublished(db: Reader, survey: Survey): readonly SurveyQuestion[] {
  if (survey.status === 'draft' || survey.publishedAt === null) return questionsOf(db, survey.guildId, survey.id);
  const cache = publishedQuestions(db);
  const kept = cache.get(survey.id);
  cache.delete(survey.id); // set again below: the Map's order is then the order of last use
  if (kept?.publishedAt === survey.publishedAt) {
    cache.set(survey.id, kept);
    return kept.questions;
  }
  const questions = questionsOf(db, survey.guildId, survey.id);
  if (cache.size >= PUBLISHED_QUESTIONS_KEPT) cache.delete(cache.keys().next().value!); // the least recently used
  cache.set(survey.id, { guildId: survey.guildId, publishedAt: survey.publishedAt, questions });
  return questions;
}

/** Published surveys whose questions are kept in memory, per connection (a server answers a few at a time). */
const PUBLISHED_QUESTIONS_KEPT = 256;
const publishedQuestions = preparedOnce(() => new Map<number, { guildId: string; publishedAt: number; questions: readonly SurveyQuestion[] }>());

/**
 * Drops a server's surveys from memory while its data is deleted: the questions go in batches before
 * the surveys, and a click in between must find them gone, as it would in the database.
 */
export function forgetPublishedQuestions(db: Reader, guildId: string): void {
  const cache = publishedQuestions(db);
  for (const [id, kept] of cache) if (kept.guildId === guildId) cache.delete(id);
}

export function insertQuestion(tx: Tx, guildId: string, surveyId: number, position: number, question: NewQuestion): void {
  tx.insert(surveyQuestions).values({ ...question, surveyId, guildId, position }).run();
}

export function deleteQuestion(tx: Tx, questionId: number): void {
  tx.delete(surveyQuestions).where(eq(surveyQuestions.id, questionId)).run();
}

export function setQuestionPosition(tx: Tx, questionId: number, position: number): void {
  tx.update(surveyQuestions).set({ position }).where(eq(surveyQuestions.id, questionId)).run();
}

/** Opens a draft; false if it is no longer a draft (so two publishers cannot both act). */
export function markPublished(db: Reader, guildId: string, surveyId: number, fields: { channelId: string; closesAt: number | null; respondentSecret: string | null; now: number }): boolean {
  return (
    db
      .update(surveys)
      .set({ status: 'open', channelId: fields.channelId, closesAt: fields.closesAt, respondentSecret: fields.respondentSecret, publishedAt: fields.now })
      .where(and(eq(surveys.id, surveyId), eq(surveys.guildId, guildId), eq(surveys.status, 'draft')))
      .run().changes === 1
  );
}

export function setSurveyMessage(db: Db, guildId: string, surveyId: number, messageId: string): void {
  db.update(surveys).set({ messageId }).where(and(eq(surveys.id, surveyId), eq(surveys.guildId, guildId))).run();
}

/** Back to a draft after its card could not be posted; only a survey of this server that is still open. */
export function markDraft(db: Db, guildId: string, surveyId: number): void {
  publishedQuestions(db).delete(surveyId);
  db.update(surveys)
    .set({ status: 'draft', channelId: null, closesAt: null, publishedAt: null, respondentSecret: null })
    .where(and(eq(surveys.id, surveyId), eq(surveys.guildId, guildId), eq(surveys.status, 'open')))
    .run();
}

/** Closes an open survey; false if it was not open (so two closers cannot both act). */
export function markClosed(db: Reader, guildId: string, surveyId: number, now: number): boolean {
  publishedQuestions(db).delete(surveyId); // a closed survey takes no answers
  return (
    db
      .update(surveys)
      .set({ status: 'closed', closedAt: now, respondentSecret: null })
      .where(and(eq(surveys.id, surveyId), eq(surveys.guildId, guildId), eq(surveys.status, 'open')))
      .run().changes === 1
  );
}

export function findResponse(db: Reader, surveyId: number, respondent: string): SurveyResponse | undefined {
  return answering(db).response.get({ surveyId, respondent });
}

export function insertResponse(tx: Tx, guildId: string, surveyId: number, respondent: string, now: number): SurveyResponse {
  return answering(tx).insertResponse.get({ guildId, surveyId, respondent, now })!;
}

export function setResponseStep(tx: Reader, responseId: number, step: number): void {
  answering(tx).setStep.run({ responseId, step });
}

export function saveAnswer(tx: Tx, responseId: number, surveyId: number, questionId: number, answer: { num: number | null; text: string | null }): void {
  answering(tx).saveAnswer.run({ responseId, surveyId, questionId, num: answer.num, text: answer.text });
}

export function deleteAnswer(tx: Tx, responseId: number, questionId: number): void {
  answering(tx).deleteAnswer.run({ responseId, questionId });
}

export function answersOf(db: Reader, responseId: number): Map<number, { num: number | null; text: string | null }> {
  const rows = answering(db).answers.all({ responseId });
  return new Map(rows.map((r) => [r.questionId, { num: r.num, text: r.text }]));
}

/** The answers of many responses, in one read (a member's export). */
export function answersOfResponses(db: Reader, responseIds: number[]): { responseId: number; questionId: number; num: number | null; text: string | null }[] {
  const out: { responseId: number; questionId: number; num: number | null; text: string | null }[] = [];
  for (let i = 0; i < responseIds.length; i += 500) {
    out.push(...db.select({ responseId: surveyAnswers.responseId, questionId: surveyAnswers.questionId, num: surveyAnswers.num, text: surveyAnswers.text }).from(surveyAnswers).where(inArray(surveyAnswers.responseId, responseIds.slice(i, i + 500))).all());
  }
  return out;
}

/** The questions of many surveys of this server, in order, in one read per 500 surveys. */
export function questionsOfSurveys(db: Reader, guildId: string, surveyIds: number[]): SurveyQuestion[] {
  const out: SurveyQuestion[] = [];
  for (let i = 0; i < surveyIds.length; i += 500) {
    out.push(...db.select().from(surveyQuestions).where(and(inArray(surveyQuestions.surveyId, surveyIds.slice(i, i + 500)), eq(surveyQuestions.guildId, guildId))).orderBy(asc(surveyQuestions.surveyId), asc(surveyQuestions.position)).all());
  }
  return out;
}

/** Marks a response submitted the first time and counts it; false if it already was. */
export function markSubmitted(tx: Tx, response: SurveyResponse, now: number): boolean {
  const first = tx
    .update(surveyResponses)
    .set({ submittedAt: now })
    .where(and(eq(surveyResponses.id, response.id), sql`${surveyResponses.submittedAt} IS NULL`))
    .run().changes === 1;
  if (first) tx.update(surveys).set({ responses: sql`${surveys.responses} + 1` }).where(eq(surveys.id, response.surveyId)).run();
  return first;
}

export function countResponses(db: Reader, surveyId: number): { started: number; submitted: number } {
  const row = db.get<{ started: number; submitted: number | null }>(sql`
    SELECT count(*) AS started, sum(submitted_at IS NOT NULL) AS submitted FROM survey_responses WHERE survey_id = ${surveyId}`);
  return { started: row?.started ?? 0, submitted: row?.submitted ?? 0 };
}

/**
 * How many submitted responses gave each value, per question (scales, choices, yes-no). Counted
 * from the answers index alone, minus the answers of responses still in progress (usually few),
 * so a survey with 100,000 answers is summed without touching the responses table per answer.
 */
export function valueCounts(db: Reader, surveyId: number): { questionId: number; num: number; n: number }[] {
  const all = db.all<{ questionId: number; num: number; n: number }>(sql`
    SELECT question_id AS questionId, num, count(*) AS n FROM survey_answers
    WHERE survey_id = ${surveyId} AND num IS NOT NULL
    GROUP BY question_id, num`);
  const unsubmitted = db.all<{ questionId: number; num: number; n: number }>(sql`
    SELECT a.question_id AS questionId, a.num AS num, count(*) AS n
    FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id
    WHERE r.survey_id = ${surveyId} AND r.submitted_at IS NULL AND a.num IS NOT NULL
    GROUP BY a.question_id, a.num`);
  if (unsubmitted.length === 0) return all;
  const minus = new Map(unsubmitted.map((u) => [`${u.questionId}:${u.num}`, u.n]));
  return all.map((row) => ({ ...row, n: row.n - (minus.get(`${row.questionId}:${row.num}`) ?? 0) })).filter((row) => row.n > 0);
}

/**
 * Every answer to the given text questions from submitted responses, in the order they were first
 * written (index order: no sort). Naming the questions lets SQLite seek straight to them.
 */
export function textAnswers(db: Reader, surveyId: number, questionIds: readonly number[]): { questionId: number; text: string }[] {
  if (questionIds.length === 0) return [];
  const unsubmitted = new Set(
    db.all<{ id: number }>(sql`SELECT id FROM survey_responses WHERE survey_id = ${surveyId} AND submitted_at IS NULL`).map((r) => r.id),
  );
  const rows = db.all<{ questionId: number; responseId: number; text: string }>(sql`
    SELECT question_id AS questionId, response_id AS responseId, text FROM survey_answers
    WHERE survey_id = ${surveyId} AND question_id IN (${sql.join(questionIds.map((id) => sql`${id}`), sql`, `)}) AND num IS NULL AND text IS NOT NULL`);
  return unsubmitted.size === 0 ? rows : rows.filter((row) => !unsubmitted.has(row.responseId));
}

/** Submitted responses with every answer, for the export. */
export function submittedResponses(db: Reader, surveyId: number): { id: number; respondent: string; submittedAt: number }[] {
  return db
    .select({ id: surveyResponses.id, respondent: surveyResponses.respondent, submittedAt: surveyResponses.submittedAt })
    .from(surveyResponses)
    .where(and(eq(surveyResponses.surveyId, surveyId), isNotNull(surveyResponses.submittedAt)))
    .orderBy(asc(surveyResponses.submittedAt), asc(surveyResponses.id))
    .all() as { id: number; respondent: string; submittedAt: number }[];
}

export function allAnswers(db: Reader, surveyId: number): { responseId: number; questionId: number; num: number | null; text: string | null }[] {
  return db
    .select({ responseId: surveyAnswers.responseId, questionId: surveyAnswers.questionId, num: surveyAnswers.num, text: surveyAnswers.text })
    .from(surveyAnswers)
    .where(eq(surveyAnswers.surveyId, surveyId))
    .all();
}

export function listSurveys(db: Db, guildId: string, limit: number): { surveys: Survey[]; total: number } {
  const where = eq(surveys.guildId, guildId);
  const rows = db.select().from(surveys).where(where).orderBy(desc(surveys.id)).limit(limit).all();
  const { total } = db.select({ total: sql<number>`count(*)` }).from(surveys).where(where).get()!;
  return { surveys: rows, total };
}

/** For autocomplete: this server's surveys whose title contains the typed text, newest first. */
export function searchSurveys(db: Db, guildId: string, typed: string, statuses: readonly Survey['status'][], limit = 25): Survey[] {
  const needle = typed.trim();
  const conditions = [eq(surveys.guildId, guildId), sql`${surveys.status} IN (${sql.join(statuses.map((s) => sql`${s}`), sql`, `)})`];
  if (needle) conditions.push(sql`${surveys.title} LIKE ${`%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`);
  return db.select().from(surveys).where(and(...conditions)).orderBy(desc(surveys.id)).limit(limit).all();
}

export function nextClosingTime(db: Db): number | null {
  const row = db.select({ at: sql<number | null>`min(${surveys.closesAt})` }).from(surveys).where(and(eq(surveys.status, 'open'), isNotNull(surveys.closesAt))).get();
  return row?.at ?? null;
}

/** Timed surveys due to close, fairly across servers (see `fairlyDue`). */
export function surveysDueToClose(db: Db, now: number, batch: Batch): Survey[] {
  const ids = fairlyDue(db, surveys, now, batch);
  return ids.length ? inOrderOf(ids, db.select().from(surveys).where(inArray(surveys.id, ids)).all()) : [];
}

/**
 * Writes a closed anonymous survey's responses and answers again, each in a random order, so that
 * row ids no longer follow the order members answered in (which whoever watched the card's count
 * could match to members). Counts stay as they are; the caller then empties the log.
 */
export function rewriteResponsesInRandomOrder(tx: Tx, surveyId: number): void {
  const answers = tx.delete(surveyAnswers).where(eq(surveyAnswers.surveyId, surveyId)).returning().all();
  const responses = tx.delete(surveyResponses).where(eq(surveyResponses.surveyId, surveyId)).returning().all();
  const renamed = new Map<number, number>();
  for (const { id, ...response } of shuffled(responses)) renamed.set(id, tx.insert(surveyResponses).values(response).returning({ id: surveyResponses.id }).get().id);
  const rewritten = shuffled(answers).map((answer) => ({ ...answer, responseId: renamed.get(answer.responseId)! }));
  for (let start = 0; start < rewritten.length; start += 500) tx.insert(surveyAnswers).values(rewritten.slice(start, start + 500)).run();
}

export function readMinResponses(db: Reader, guildId: string): number | undefined {
  return db.select({ n: surveySettings.minResponses }).from(surveySettings).where(eq(surveySettings.guildId, guildId)).get()?.n;
}

export function writeMinResponses(db: Db, guildId: string, minResponses: number): void {
  db.insert(surveySettings).values({ guildId, minResponses }).onConflictDoUpdate({ target: surveySettings.guildId, set: { minResponses } }).run();
}

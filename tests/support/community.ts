// A few members taking part in every feature, made through the features' own services, for the
// tests of the public interfaces (activity, member data, forgetting, summaries).
import { openDatabase, type Db } from '../../src/db/open';
import { WHOLE_SERVER } from '../../src/visibility';
import { attachPollMessage, closePoll, createPoll, recordVote, validatePoll } from '../../src/polls/service';
import { addQuestion, createSurvey } from '../../src/surveys/drafts';
import { attachSurveyMessage, closeSurvey, publishSurvey } from '../../src/surveys/publishing';
import { answerQuestion, answerTexts, submitResponse } from '../../src/surveys/answering';
import { createSchedule, validateSchedule } from '../../src/checkins/scheduling';
import { claimDueRuns, markRunPosted } from '../../src/checkins/runs';
import { recordMood, recordNote } from '../../src/checkins/answers';
import { attachShoutOut, giveKudos, removeKudos } from '../../src/kudos/giving';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** Monday 2 March 2026, 00:00 UTC: day 1 of the tests' weeks. */
export const MONDAY = Date.UTC(2026, 2, 2);

export function freshDb(): Db {
  return openDatabase(':memory:');
}

export function poll(db: Db, guildId: string, options: { anonymous?: boolean; multi?: boolean; creator?: string } = {}, now = MONDAY) {
  const created = createPoll(
    db,
    { guildId, channelId: 'polls', creatorId: options.creator ?? 'lead' },
    validatePoll({ question: 'Lunch?', choices: 'Pizza | Tacos | Soup', multi: options.multi ?? false, maxChoices: null, anonymous: options.anonymous ?? false, hideResults: false, closesIn: null, roleId: null }),
    now,
  );
  attachPollMessage(db, created, `poll-message-${created.id}`);
  return created.id;
}

export function vote(db: Db, guildId: string, memberId: string, pollId: number, choice: number, now: number) {
  return recordVote(db, { guildId, memberId, roleIds: [], sees: WHOLE_SERVER }, pollId, choice, now);
}

export function closePollNow(db: Db, guildId: string, pollId: number, now: number) {
  return closePoll(db, { guildId, memberId: 'lead', isLeader: true, sees: WHOLE_SERVER }, pollId, now);
}

/** A published survey: a 1-5 scale, a single choice (Tea | Coffee), a short text. */
export function survey(db: Db, guildId: string, options: { anonymous?: boolean; creator?: string } = {}, now = MONDAY) {
  const { survey: created } = createSurvey(db, { guildId, creatorId: options.creator ?? 'lead' }, { title: 'How are we doing?', description: null, anonymous: options.anonymous ?? false, template: null }, now);
  addQuestion(db, guildId, created.id, { kind: 'scale-5', prompt: 'How happy are you?', choices: null, required: true });
  addQuestion(db, guildId, created.id, { kind: 'single-choice', prompt: 'Tea or coffee?', choices: 'Tea | Coffee', required: false });
  addQuestion(db, guildId, created.id, { kind: 'short-text', prompt: 'Anything else?', choices: null, required: false });
  publishSurvey(db, guildId, created.id, 'surveys', null, now);
  attachSurveyMessage(db, guildId, created.id, `survey-card-${created.id}`);
  return created.id;
}

/** Answers the three questions (scale, choice, text) and submits unless told not to. */
export function respond(db: Db, guildId: string, memberId: string, surveyId: number, now: number, answers: { scale?: number; choice?: number; text?: string; submit?: boolean } = {}) {
  const who = { guildId, memberId, sees: WHOLE_SERVER };
  answerQuestion(db, who, surveyId, 0, [answers.scale ?? 4], now);
  answerQuestion(db, who, surveyId, 1, [answers.choice ?? 1], now);
  answerTexts(db, who, surveyId, 2, new Map([[3, answers.text ?? 'All good']]), now);
  if (answers.submit ?? true) submitResponse(db, who, surveyId, now);
}

export function closeSurveyNow(db: Db, guildId: string, surveyId: number, now: number) {
  return closeSurvey(db, guildId, surveyId, now);
}

/** A check-in every day at 09:00 UTC, created just before `now`. */
export function checkin(db: Db, guildId: string, options: { anonymous?: boolean; creator?: string } = {}, now = MONDAY) {
  const valid = validateSchedule(db, guildId, { when: 'daily 09:00', prompt: 'How are you?', name: null, timezone: 'UTC', anonymous: options.anonymous ?? false }, now);
  return createSchedule(db, { guildId, channelId: 'checkins', createdBy: options.creator ?? 'lead' }, valid, now).schedule.id;
}

/** Posts every run due at `now` (09:00 UTC each day); returns the run ids by schedule id. */
export function postRuns(db: Db, now: number): Map<number, number> {
  const posted = new Map<number, number>();
  for (const run of claimDueRuns(db, now).toPost) {
    markRunPosted(db, run.schedule.guildId, run.runId, `run-message-${run.runId}`);
    posted.set(run.schedule.id, run.runId);
  }
  return posted;
}

export function answerRun(db: Db, guildId: string, memberId: string, runId: number, now: number, answer: { mood?: number; note?: string }) {
  if (answer.mood !== undefined) recordMood(db, { guildId, memberId, sees: WHOLE_SERVER }, runId, answer.mood, now);
  if (answer.note !== undefined) recordNote(db, { guildId, memberId, sees: WHOLE_SERVER }, runId, answer.note, now);
}

export function thank(db: Db, guildId: string, giverId: string, recipientId: string, now: number, value = 'Kindness') {
  const { kudos } = giveKudos(db, { guildId, giverId, recipient: { id: recipientId, bot: false }, channelId: 'wall', value, message: `Thanks, ${recipientId}!`, timezone: 'UTC' }, now);
  attachShoutOut(db, guildId, kudos.id, `shout-out-${kudos.id}`);
  return kudos.id;
}

export function takeDown(db: Db, guildId: string, kudosId: number, leaderId: string, now: number) {
  removeKudos(db, { guildId, memberId: leaderId, isLeader: true }, kudosId, now);
}

/** Rows of a table as sorted JSON lines, for comparing before and after. */
export function rowsOf(db: Db, sql: string, ...parameters: unknown[]): string[] {
  return (db.$client.prepare(sql).all(...parameters) as unknown[]).map((row) => JSON.stringify(row)).sort();
}

/** Tables that reach their server through a parent (no guild_id of their own). */
const CHILD_ROWS: Record<string, string> = {
  poll_choices: 'SELECT c.* FROM poll_choices c JOIN polls p ON p.id = c.poll_id WHERE p.guild_id = ?',
  poll_votes: 'SELECT v.* FROM poll_votes v JOIN polls p ON p.id = v.poll_id WHERE p.guild_id = ?',
  survey_answers: 'SELECT a.* FROM survey_answers a JOIN surveys s ON s.id = a.survey_id WHERE s.guild_id = ?',
};
/** Privacy's own tables and the outbox: removed by privacy after the features (see src/privacy/servers.ts). */
const NOT_A_FEATURE = /^(privacy_|outbox$|__drizzle)/;

/** Every row of the server in every feature's table, found from the database's own list of tables, so a new table cannot be missed. */
export function featureRowsOf(db: Db, guildId: string): string[] {
  const tables = (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name).filter((name) => !NOT_A_FEATURE.test(name));
  return tables.flatMap((table) => {
    const columns = (db.$client.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
    if (columns.includes('guild_id')) return rowsOf(db, `SELECT * FROM ${table} WHERE guild_id = ?`, guildId);
    if (!CHILD_ROWS[table]) throw new Error(`${table} has no guild_id: say how its rows reach their server`);
    return rowsOf(db, CHILD_ROWS[table], guildId);
  });
}

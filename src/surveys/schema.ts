import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const SURVEY_QUESTION_KINDS = ['short-text', 'long-text', 'scale-5', 'scale-10', 'single-choice', 'multi-choice', 'yes-no'] as const;
export type SurveyQuestionKind = (typeof SURVEY_QUESTION_KINDS)[number];

export const surveys = sqliteTable(
  'surveys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    creatorId: text('creator_id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    anonymous: integer('anonymous', { mode: 'boolean' }).notNull(),
    /** Drafts can change; open and closed surveys keep their questions fixed. */
    status: text('status', { enum: ['draft', 'open', 'closed'] }).notNull().default('draft'),
    /** Set when published. */
    channelId: text('channel_id'),
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
    publishedAt: integer('published_at'),
    /** UTC epoch ms; null for a survey that stays open until a leader closes it. */
    closesAt: integer('closes_at'),
    closedAt: integer('closed_at'),
    /**
     * Anonymous surveys only: the key that turns a member id into their response key. Deleted on
     * close, after which no one can link a response to a member.
     */
    respondentSecret: text('respondent_secret'),
    /** Submitted responses; kept in step with survey_responses inside each submit's transaction. */
    responses: integer('responses').notNull().default(0),
    /** Published with `remind: on` (named surveys only): members who started get one reminder to finish. */
    remindUnfinished: integer('remind_unfinished', { mode: 'boolean' }).notNull().default(false),
    /** A round of a pulse survey: its pulse (survey_pulses.id) and its number, from 1. */
    pulseId: integer('pulse_id'),
    round: integer('round'),
  },
  (t) => [
    index('surveys_guild_status').on(t.guildId, t.status, t.id),
    // Insights read the surveys closed in a window.
    index('surveys_guild_closed').on(t.guildId, t.status, t.closedAt),
    index('surveys_open_closing').on(t.closesAt).where(sql`status = 'open' AND closes_at IS NOT NULL`),
    index('surveys_pulse_round').on(t.pulseId, t.round).where(sql`pulse_id IS NOT NULL`),
  ],
);

export const surveyQuestions = sqliteTable(
  'survey_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id').notNull().references(() => surveys.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    /** 0-based order within the survey. */
    position: integer('position').notNull(),
    kind: text('kind', { enum: SURVEY_QUESTION_KINDS }).notNull(),
    prompt: text('prompt').notNull(),
    /** Choice labels as a JSON array, for single- and multi-choice questions. */
    choices: text('choices', { mode: 'json' }).$type<string[]>(),
    required: integer('required', { mode: 'boolean' }).notNull(),
  },
  (t) => [index('survey_questions_survey').on(t.surveyId, t.position)],
);

export const surveyResponses = sqliteTable(
  'survey_responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    surveyId: integer('survey_id').notNull().references(() => surveys.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    /** The member id, or for anonymous surveys a keyed hash of it (see surveys.respondent_secret). */
    respondent: text('respondent').notNull(),
    /** The step the member was last shown, so that "Take survey" resumes there. */
    step: integer('step').notNull().default(0),
    startedAt: integer('started_at').notNull(),
    /** Null while the member is still answering. */
    submittedAt: integer('submitted_at'),
  },
  (t) => [uniqueIndex('survey_responses_member').on(t.surveyId, t.respondent), index('survey_responses_submitted').on(t.surveyId, t.submittedAt)],
);

export const surveyAnswers = sqliteTable(
  'survey_answers',
  {
    responseId: integer('response_id').notNull().references(() => surveyResponses.id, { onDelete: 'cascade' }),
    questionId: integer('question_id').notNull().references(() => surveyQuestions.id, { onDelete: 'cascade' }),
    surveyId: integer('survey_id').notNull(),
    /** Scales: the value; yes-no: 1 or 0; single choice: the index; multi choice: a bit per index. */
    num: integer('num'),
    /** Text questions only. */
    text: text('text'),
  },
  (t) => [primaryKey({ columns: [t.responseId, t.questionId] }), index('survey_answers_question').on(t.surveyId, t.questionId, t.num)],
);

/** Per-server survey settings. */
export const surveySettings = sqliteTable('survey_settings', {
  guildId: text('guild_id').primaryKey(),
  /** Anonymous surveys show nothing until this many members answered (never below 3). */
  minResponses: integer('min_responses').notNull().default(3),
});

/**
 * "You said, we did": a leader's public follow-up to a closed survey, one per survey. Running the
 * command again raises `revision` (each revision is one outbox effect) and edits the posted message.
 */
export const surveyFollowUps = sqliteTable(
  'survey_follow_ups',
  {
    surveyId: integer('survey_id').primaryKey().references(() => surveys.id, { onDelete: 'cascade' }),
    guildId: text('guild_id').notNull(),
    message: text('message').notNull(),
    revision: integer('revision').notNull(),
    /** Null until the follow-up is posted in the survey's channel. */
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  // Insights count a server's follow-ups.
  (t) => [index('survey_follow_ups_guild').on(t.guildId, t.surveyId)],
);

/** Pulse surveys: a survey whose questions are asked again on a schedule, each round a fresh survey of its own. */
export const surveyPulses = sqliteTable(
  'survey_pulses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    guildId: text('guild_id').notNull(),
    /** The survey whose questions each round copies (a draft, or a published survey). */
    surveyId: integer('survey_id').notNull().references(() => surveys.id, { onDelete: 'cascade' }),
    channelId: text('channel_id').notNull(),
    every: text('every', { enum: ['week', '2-weeks', 'month'] }).notNull(),
    /** 0 Monday ... 6 Sunday. */
    weekday: integer('weekday').notNull(),
    hour: integer('hour').notNull(),
    minute: integer('minute').notNull(),
    timezone: text('timezone').notNull(),
    openForMs: integer('open_for_ms').notNull(),
    /** UTC epoch ms of the next round; null once unscheduled. */
    nextRoundAt: integer('next_round_at'),
    rounds: integer('rounds').notNull().default(0),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('survey_pulses_survey').on(t.surveyId), index('survey_pulses_due').on(t.nextRoundAt).where(sql`next_round_at IS NOT NULL`)],
);

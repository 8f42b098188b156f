// A server's surveys for insights' export: surveys, questions, responses and answers, follow-ups.
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { shuffled } from '../anonymity';
import { isMemberId } from '../member-data';
import { EXPORT_PAGE, isoOrEmpty, paged, type Cell, type ExportTable } from '../server-export';
import { formatAnswer, minResponses } from './results';
import { surveyFollowUps, surveys } from './schema';
import { allAnswers, questionsOf, submittedResponses, type Survey } from './store';

function surveyPages(db: Db, guildId: string): Generator<Survey> {
  return paged(
    (after: number | null) => db.select().from(surveys).where(and(eq(surveys.guildId, guildId), after === null ? undefined : gt(surveys.id, after))).orderBy(asc(surveys.id)).limit(EXPORT_PAGE).all(),
    (s) => s.id,
  );
}

export function surveyExportTables(db: Db, guildId: string): ExportTable[] {
  const needed = minResponses(db, guildId);
  // Anonymous answers show only once the survey is closed and enough members answered, as in /survey results.
  const answersShown = (s: Survey) => s.status !== 'draft' && (!s.anonymous || (s.status === 'closed' && s.responses >= needed));
  return [
    {
      file: 'surveys.csv',
      about: 'One row per survey.',
      columns: [
        ['survey_id', 'The survey\'s number, as in /survey commands'],
        ['title', 'Its title'],
        ['anonymous', '1 if anonymous, else 0'],
        ['status', 'draft, open or closed'],
        ['channel_id', 'Where its card was posted (empty for a draft)'],
        ['created_at', 'When it was created (UTC, ISO 8601)'],
        ['closed_at', 'When it closed (empty unless closed)'],
        ['responses', 'Submitted responses (empty for an anonymous survey below the server\'s minimum)'],
      ],
      *rows() {
        for (const s of surveyPages(db, guildId)) {
          const shown = !s.anonymous || s.responses >= needed;
          yield [s.id, s.title, s.anonymous ? 1 : 0, s.status, s.channelId, isoOrEmpty(s.createdAt), isoOrEmpty(s.closedAt), shown ? s.responses : null];
        }
      },
    },
    {
      file: 'survey_questions.csv',
      about: 'One row per question of each survey.',
      columns: [
        ['survey_id', 'The survey (surveys.csv)'],
        ['position', 'The question\'s place in the survey, from 1'],
        ['kind', 'short-text, long-text, scale-5, scale-10, single-choice, multi-choice or yes-no'],
        ['prompt', 'The question'],
        ['choices', 'For choice questions, the choices separated by " | "'],
        ['required', '1 if an answer was required'],
      ],
      *rows() {
        for (const s of surveyPages(db, guildId)) {
          for (const [i, q] of questionsOf(db, guildId, s.id).entries()) yield [s.id, i + 1, q.kind, q.prompt, q.choices?.join(' | ') ?? null, q.required ? 1 : 0];
        }
      },
    },
    {
      file: 'survey_answers.csv',
      about:
        'One row per answer of each submitted response. Anonymous surveys appear only once closed with enough responses, ' +
        'without member ids or times, their responses numbered in a random order.',
      columns: [
        ['survey_id', 'The survey (surveys.csv)'],
        ['response', 'The response the answer belongs to: its id, or for an anonymous survey a number in a random order'],
        ['member_id', 'Who answered (empty for anonymous surveys, or once the server\'s retention unlinked it)'],
        ['submitted_at', 'When the response was submitted (UTC, ISO 8601; empty for anonymous surveys)'],
        ['position', 'The question (survey_questions.csv)'],
        ['answer', 'The answer as members saw it: text, a number on a scale, a choice, several choices separated by "; ", Yes or No'],
      ],
      *rows() {
        for (const s of surveyPages(db, guildId)) {
          if (!answersShown(s)) continue;
          // One survey's answers at a time (at most its responses times its questions).
          const questions = questionsOf(db, guildId, s.id);
          const byResponse = new Map<number, Map<number, { num: number | null; text: string | null }>>();
          for (const a of allAnswers(db, s.id)) {
            let answers = byResponse.get(a.responseId);
            if (!answers) byResponse.set(a.responseId, (answers = new Map()));
            answers.set(a.questionId, { num: a.num, text: a.text });
          }
          const responses = submittedResponses(db, s.id);
          const ordered = s.anonymous ? shuffled(responses) : responses;
          for (const [n, r] of ordered.entries()) {
            const who: Cell[] = s.anonymous ? [`${s.id}-${n + 1}`, null, null] : [r.id, isMemberId(r.respondent) ? r.respondent : null, isoOrEmpty(r.submittedAt)];
            for (const [i, q] of questions.entries()) {
              const answer = formatAnswer(q, byResponse.get(r.id)?.get(q.id), '; ');
              if (answer !== null) yield [s.id, ...who, i + 1, answer];
            }
          }
        }
      },
    },
  ];
}

/** Follow-ups to this server's surveys, as rows of follow_ups.csv (see insights). */
export function* surveyFollowUpRows(db: Db, guildId: string): Generator<Cell[]> {
  const rows = paged(
    (after: number | null) =>
      db.select().from(surveyFollowUps).where(and(eq(surveyFollowUps.guildId, guildId), after === null ? undefined : gt(surveyFollowUps.surveyId, after))).orderBy(asc(surveyFollowUps.surveyId)).limit(EXPORT_PAGE).all(),
    (f) => f.surveyId,
  );
  for (const f of rows) yield ['survey', f.surveyId, f.message, f.revision, f.messageId, isoOrEmpty(f.createdAt), isoOrEmpty(f.updatedAt)];
}

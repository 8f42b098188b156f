/**
 * Survey reminders by direct message. **Remind me later** (any survey): one message 24 hours on.
 * `remind: on` at publish (named surveys only): a member who started gets one reminder to finish,
 * 24 hours before the close (3 days after starting when the survey has no closing time). An
 * anonymous survey keeps no link that could tell who has not finished, so it offers only the first.
 */
import type { Db } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import { cancelEffect, directMessagePayload, queueEffect, queueOrRequeueEffect } from '../outbox/queue';
import { anonymousKey } from '../anonymity';
import { UserError } from '../user-error';
import type { Respondent } from './answering';
import { isOpen } from './publishing';
import { surveyById } from './reminder-store';
import { findResponse, findSurvey, type Survey } from './store';

export const SURVEY_REMINDER = 'survey.reminder';
const HOUR = 60 * 60_000;
export const REMIND_LATER_MS = 24 * HOUR;
export const UNFINISHED_BEFORE_CLOSE_MS = 24 * HOUR;
export const UNFINISHED_WITHOUT_CLOSE_MS = 3 * 24 * HOUR;

export type SurveyReminderWhy = 'later' | 'unfinished';
/** An anonymous survey's reminder key holds the survey's own key for the member, not their id: the row's key does not pair them with it. */
function reminderKey(why: SurveyReminderWhy, survey: Survey, memberId: string): string {
  const who = survey.anonymous && survey.respondentSecret ? anonymousKey(survey.respondentSecret, memberId) : memberId;
  return `${SURVEY_REMINDER}:${why}:${survey.id}:${who}`;
}

/** Has this member submitted? For an anonymous survey worked out from the open survey's key, never stored. */
function hasSubmitted(db: Db | Tx, survey: Survey, memberId: string): boolean {
  const key = survey.anonymous ? (survey.respondentSecret ? anonymousKey(survey.respondentSecret, memberId) : null) : memberId;
  return key !== null && (findResponse(db, survey.id, key)?.submittedAt ?? null) !== null;
}

/** **Remind me later**: one direct message 24 hours on (an hour before the close when that comes first). */
export function requestLaterReminder(db: Db, who: Respondent, surveyId: number, now: number): { survey: Survey; at: number; state: 'queued' | 'pending' | 'delivered' } {
  const survey = findSurvey(db, who.guildId, surveyId);
  if (!survey || !who.sees.canView(survey.channelId)) throw new UserError('This survey no longer exists.');
  if (!isOpen(survey, now)) throw new UserError(`Survey #${survey.id} is closed, so there is nothing left to remind you of.`);
  if (hasSubmitted(db, survey, who.memberId)) throw new UserError('You have already submitted this survey, so there is nothing to remind you of. **Take survey** shows your answers.');
  let at = now + REMIND_LATER_MS;
  if (survey.closesAt !== null && at > survey.closesAt - HOUR) at = Math.max(now, survey.closesAt - HOUR);
  const state = writeTx(db, (tx) =>
    queueOrRequeueEffect(tx, { key: reminderKey('later', survey, who.memberId), guildId: survey.guildId, kind: SURVEY_REMINDER, payload: directMessagePayload(who.memberId, { surveyId: survey.id, why: 'later' }), dueAt: at }, now),
  );
  return { survey, at, state };
}

/**
 * In the transaction that starts a member's response: with `remind: on`, their one reminder to
 * finish. Not for a member who starts within the last day (they are answering now).
 */
export function queueUnfinishedReminder(tx: Tx, survey: Survey, memberId: string, now: number): void {
  if (!survey.remindUnfinished || survey.anonymous) return;
  const at = survey.closesAt !== null ? survey.closesAt - UNFINISHED_BEFORE_CLOSE_MS : now + UNFINISHED_WITHOUT_CLOSE_MS;
  if (at <= now) return;
  queueEffect(tx, { key: reminderKey('unfinished', survey, memberId), guildId: survey.guildId, kind: SURVEY_REMINDER, payload: directMessagePayload(memberId, { surveyId: survey.id, why: 'unfinished' }), dueAt: at }, now);
}

/** **Stop these messages**: cancels both kinds of reminder for this survey; false when none was waiting. */
export function cancelSurveyReminders(db: Db, surveyId: number, memberId: string, now: number): boolean {
  const survey = surveyById(db, surveyId);
  if (!survey) return false;
  return writeTx(db, (tx) => [cancelEffect(tx, reminderKey('later', survey, memberId), now), cancelEffect(tx, reminderKey('unfinished', survey, memberId), now)].some(Boolean));
}

/** The survey to remind of when the message is due, or null: gone, closed, or submitted meanwhile. */
export function surveyToRemind(db: Db, guildId: string, surveyId: number, memberId: string, now: number): Survey | null {
  const survey = surveyById(db, surveyId);
  if (!survey || survey.guildId !== guildId || !survey.messageId || !survey.channelId || !isOpen(survey, now)) return null;
  return hasSubmitted(db, survey, memberId) ? null : survey;
}

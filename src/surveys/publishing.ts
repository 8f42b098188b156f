/** Publishing a draft, closing a survey (by hand or at its time), and the closed card's edit. */
import { randomBytes } from 'node:crypto';
import { UserError } from '../user-error';
import { forgetDeletedData, type Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { parseDuration } from '../durations';
import { assertDraft, requireSurvey } from './drafts';
import { SURVEY_LIMITS } from './limits';
import { changeWithEffect } from '../outbox/queue';
import { setRemindUnfinished } from './reminder-store';
import { yieldTurn, type Batch } from '../scheduler/fair';
import { findSurvey, markClosed, markDraft, markPublished, nextClosingTime, questionsOf, rewriteResponsesInRandomOrder, setSurveyMessage, surveysDueToClose, type Survey } from './store';

/** Checks a publish request and opens the draft; the caller then posts the card. */
export function publishSurvey(db: Db, guildId: string, surveyId: number, channelId: string, closesIn: string | null, now: number, remind = false): Survey {
  const secret = randomBytes(32).toString('hex');
  // One immediate transaction: no question can be removed between the check and the opening.
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    assertDraft(survey);
    if (questionsOf(tx, guildId, surveyId).length === 0) {
      throw new UserError(`Survey #${surveyId} has no questions yet, so there is nothing to answer. Add some with \`/survey add-question\` first.`);
    }
    let closesAt: number | null = null;
    if (closesIn !== null) {
      const parsed = parseDuration(closesIn, { minMs: SURVEY_LIMITS.minDurationMs, maxMs: SURVEY_LIMITS.maxDurationMs });
      if (!parsed.ok) throw new UserError(`\`closes-in\`: ${parsed.problem} A survey can stay open from 1 hour to 60 days.`);
      closesAt = now + parsed.ms;
    }
    if (remind && survey.anonymous) {
      throw new UserError(`Survey #${surveyId} is anonymous: Hearth keeps no link that could tell who has not finished, so it cannot remind them. Publish it without \`remind\`; members can still press **Remind me later** on the card.`);
    }
    if (!markPublished(tx, guildId, surveyId, { channelId, closesAt, respondentSecret: survey.anonymous ? secret : null, now })) assertDraft(requireSurvey(tx, guildId, surveyId));
    if (remind) setRemindUnfinished(tx, surveyId);
    return findSurvey(tx, guildId, surveyId)!;
  });
}

/** The card is posted: the survey is live. */
export function attachSurveyMessage(db: Db, guildId: string, surveyId: number, messageId: string): void {
  setSurveyMessage(db, guildId, surveyId, messageId);
}

/** Posting the card failed: nobody saw it, so it is a draft again. */
export function unpublishSurvey(db: Db, guildId: string, surveyId: number): void {
  markDraft(db, guildId, surveyId);
}

/** Open means published, not closed *and* not past its closing time, even if the closing run is still to come. */
export function isOpen(survey: Survey, now: number): boolean {
  return survey.status === 'open' && (survey.closesAt === null || survey.closesAt > now);
}

/**
 * While an anonymous survey is open its key sits in the database, so whoever holds the file could
 * link responses to members. At close the key is deleted, and no copy of it is left behind.
 */
function forgetDeletedSecret(db: Db, survey: Survey): void {
  if (survey.anonymous) forgetDeletedData(db);
}

export function closeSurvey(db: Db, guildId: string, surveyId: number, now: number): Survey {
  const survey = requireSurvey(db, guildId, surveyId);
  if (survey.status === 'draft') throw new UserError(`Survey #${surveyId} is a draft that was never published, so there is nothing to close.`);
  if (!closeAndQueueCardEdit(db, survey, now)) throw new UserError(`Survey #${surveyId} is already closed.`);
  forgetDeletedSecret(db, survey);
  return findSurvey(db, guildId, surveyId)!;
}

/** One round of the closing task: at most 20 surveys, at most 5 of any one server. */
export const CLOSING_ROUND: Batch = { limit: 20, perServer: 5 };

/**
 * Closes one round of surveys whose stored closing time has passed, fairly across servers, giving
 * other work a turn between surveys; a stop is honoured between them and what is left stays due.
 * The log is emptied once per round that closed an anonymous survey. Returns what it closed.
 */
export async function closeDueSurveys(db: Db, now: number, stopping: () => boolean = () => false, round: Batch = CLOSING_ROUND): Promise<Survey[]> {
  const closed: Survey[] = [];
  for (const survey of surveysDueToClose(db, now, round)) {
    if (stopping()) break;
    if (closeAndQueueCardEdit(db, survey, now)) closed.push(findSurvey(db, survey.guildId, survey.id)!);
    await yieldTurn();
  }
  if (closed.some((survey) => survey.anonymous)) forgetDeletedData(db);
  return closed;
}

/** The outbox effect that marks a closed survey's card closed (final count, button disabled). */
export const SURVEY_CLOSED_CARD = 'survey.closed-card';
export const closedCardKey = (surveyId: number) => `${SURVEY_CLOSED_CARD}:${surveyId}`;

/**
 * Closing, forgetting the order of an anonymous survey's responses and queueing the card's closing
 * edit are one transaction: no card is left looking open, and no order of arrival is left behind.
 */
function closeAndQueueCardEdit(db: Db, survey: Survey, now: number): boolean {
  const effect = { key: closedCardKey(survey.id), guildId: survey.guildId, kind: SURVEY_CLOSED_CARD, payload: { surveyId: survey.id } };
  return changeWithEffect(
    db,
    (tx) => {
      if (!markClosed(tx, survey.guildId, survey.id, now)) return false;
      if (survey.anonymous) rewriteResponsesInRandomOrder(tx, survey.id);
      return true;
    },
    effect,
    now,
  );
}

/** The next stored closing time of a timed survey. */
export function nextSurveyClose(db: Db): number | null {
  return nextClosingTime(db);
}

export function findSurveyById(db: Db, guildId: string, surveyId: number): Survey | undefined {
  return findSurvey(db, guildId, surveyId);
}

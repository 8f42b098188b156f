/** Publishing a draft, closing a survey (by hand or at its time), and the closed card's edit. */
import { randomBytes } from 'node:crypto';
import { UserError } from '../user-error';
import { forgetDeletedData, type Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { parseDuration } from '../durations';
import { assertDraft, requireSurvey } from './drafts';
import { SURVEY_LIMITS } from './limits';
import { cardEditsDue, findSurvey, markClosed, markDraft, markPublished, nextCardEdit, nextClosingTime, questionsOf, setCardEditDue, setSurveyMessage, surveysDueToClose, type Survey } from './store';

/** Checks a publish request and opens the draft; the caller then posts the card. */
export function publishSurvey(db: Db, guildId: string, surveyId: number, channelId: string, closesIn: string | null, now: number): Survey {
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
    if (!markPublished(tx, guildId, surveyId, { channelId, closesAt, respondentSecret: survey.anonymous ? secret : null, now })) assertDraft(requireSurvey(tx, guildId, surveyId));
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
  if (!markClosed(db, guildId, surveyId, now)) throw new UserError(`Survey #${surveyId} is already closed.`);
  forgetDeletedSecret(db, survey);
  return findSurvey(db, guildId, surveyId)!;
}

/** Closes every survey whose stored closing time has passed; returns what it closed. */
export function closeDueSurveys(db: Db, now: number): Survey[] {
  const closed: Survey[] = [];
  for (const survey of surveysDueToClose(db, now)) {
    if (markClosed(db, survey.guildId, survey.id, now)) {
      forgetDeletedSecret(db, survey);
      closed.push(findSurvey(db, survey.guildId, survey.id)!);
    }
  }
  return closed;
}

/** The next moment the closing task has work: a survey to close or a closed card to (re)edit. */
export function nextSurveyWork(db: Db): number | null {
  const times = [nextClosingTime(db), nextCardEdit(db)].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

/** Closed surveys whose card still shows them open: the closing edit is due (or due again). */
export function closedCardsDue(db: Db, now: number): Survey[] {
  return cardEditsDue(db, now);
}

/** The closing edit is on the card, or the card is gone: nothing more to do. */
export function closedCardDone(db: Db, survey: Survey): void {
  setCardEditDue(db, survey.guildId, survey.id, null);
}

/** The closing edit failed for now: try again at `at`. */
export function retryClosedCardAt(db: Db, survey: Survey, at: number): void {
  setCardEditDue(db, survey.guildId, survey.id, at);
}

export function findSurveyById(db: Db, guildId: string, surveyId: number): Survey | undefined {
  return findSurvey(db, guildId, surveyId);
}

// "You said, we did" for surveys: a leader's follow-up to a closed survey, stored, then posted (and
// on later runs edited) through the outbox; once posted, the survey's card links to it.
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { queueEffect } from '../outbox/queue';
import { UserError } from '../user-error';
import { plural } from '../format';
import { requireSurvey, type Survey } from './drafts';
import { findFollowUp, setFollowUpMessage, upsertFollowUp, type SurveyFollowUp } from './follow-up-store';
import { SURVEY_CLOSED_CARD } from './publishing';
import { minResponses, surveyResults, type QuestionSummary } from './results';

/** The outbox effect that posts or edits a survey's follow-up (payload `{ surveyId }`); its handler is in messages.ts. */
export const SURVEY_FOLLOW_UP = 'survey.follow-up';
/** One effect per run of the command: each revision is delivered once. */
export const followUpKey = (surveyId: number, revision: number) => `${SURVEY_FOLLOW_UP}:${surveyId}:${revision}`;
/** What every revision's post shares, so that Discord sees one post however many deliveries try it. */
export const followUpPostKey = (surveyId: number) => `${SURVEY_FOLLOW_UP}:${surveyId}`;
/** The survey's card shown again with the follow-up's link, once. */
export const followUpLinkKey = (surveyId: number) => `${SURVEY_CLOSED_CARD}:${surveyId}:follow-up`;

/** A closed survey of this server, for its follow-up; a draft or an open one is refused with what to do first. */
export function surveyForFollowUp(db: Db, guildId: string, surveyId: number): Survey {
  const survey = requireSurvey(db, guildId, surveyId);
  if (survey.status === 'draft') throw new UserError(`Survey #${survey.id} is a draft: publish it, let members answer, and close it before following it up.`);
  if (survey.status !== 'closed') {
    throw new UserError(`Survey #${survey.id} is still open: close it first with \`/survey close\`, then post its follow-up, so that it quotes the final result.`);
  }
  return survey;
}

/** Stores the follow-up's text (a new revision on every run) and queues its post or edit, in one transaction. */
export function saveSurveyFollowUp(db: Db, guildId: string, surveyId: number, message: string, now: number): { survey: Survey; revision: number; key: string } {
  return writeTx(db, (tx) => {
    const survey = surveyForFollowUp(db, guildId, surveyId);
    const revision = upsertFollowUp(tx, guildId, survey.id, message, now);
    const key = followUpKey(survey.id, revision);
    queueEffect(tx, { key, guildId, kind: SURVEY_FOLLOW_UP, payload: { surveyId: survey.id } }, now);
    return { survey, revision, key };
  });
}

/** Records the posted follow-up and, the first time, queues the survey's card gaining its link. */
export function recordSurveyFollowUpPosted(db: Db, guildId: string, surveyId: number, messageId: string, now: number): void {
  writeTx(db, (tx) => {
    if (!setFollowUpMessage(tx, guildId, surveyId, messageId)) return;
    queueEffect(tx, { key: followUpLinkKey(surveyId), guildId, kind: SURVEY_CLOSED_CARD, payload: { surveyId } }, now);
  });
}

export function surveyFollowUp(db: Db, guildId: string, surveyId: number): SurveyFollowUp | undefined {
  return findFollowUp(db, guildId, surveyId);
}

/**
 * The one result a follow-up quotes: the first question with a clear answer. A written word or
 * phrase is quoted only once `repeated` members' answers share it: one member's own words (a name,
 * something private) are not put on a public post.
 */
function topFinding(question: QuestionSummary, repeated: number): string | null {
  const prompt = question.question.prompt;
  if (question.answered === 0) return null;
  if (question.mean !== undefined && question.mean !== null) {
    const top = question.question.kind === 'scale-5' ? 5 : 10;
    return `${prompt}: ${question.mean.toFixed(1)} out of ${top} on average (${plural(question.answered, 'answer')}).`;
  }
  if (question.choices?.length) {
    const best = question.choices.reduce((a, b) => (b.count > a.count ? b : a));
    return `${prompt}: **${best.label}**, chosen by ${best.percent}% of the ${plural(question.answered, 'member')} who answered.`;
  }
  const term = [...(question.texts?.phrases ?? []), ...(question.texts?.words ?? [])].find((t) => t.count >= repeated);
  return term ? `${prompt}: "${term.term}" came up most (${plural(term.count, 'time')}).` : null;
}

/** The headline a follow-up quotes: how many answered and the top finding; nothing of an anonymous survey below its threshold. */
export function surveyHeadline(db: Db, survey: Survey): string {
  const needed = minResponses(db, survey.guildId);
  if (survey.responses === 0) return 'No one answered.';
  if (survey.anonymous && survey.responses < needed) return `Fewer than ${needed} members answered, so the results of this anonymous survey stay hidden.`;
  const results = surveyResults(db, survey.guildId, survey.id);
  const repeated = Math.max(2, survey.anonymous ? needed : 2);
  const finding = results.questions.map((question) => topFinding(question, repeated)).find((line) => line !== null);
  return [`${plural(results.submitted, 'member')} answered.`, finding].filter(Boolean).join('\n');
}

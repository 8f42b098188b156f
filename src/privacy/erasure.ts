// Deleting a member's data in a server: asked for (by the member, or by a leader for them),
// confirmed with a button within 5 minutes, then done in one transaction across every feature.
import type { Db } from '../db/open';
import { forgetDeletedData } from '../db/open';
import { writeTx, type Tx } from '../db/write-tx';
import type { FollowUp } from '../member-data';
import { queueEffects, type Effect } from '../outbox/queue';
import { POLL_REFRESH } from '../polls';
import { SURVEY_CARD_REFRESH } from '../surveys';
import { UserError } from '../user-error';
import { timestamp } from '../format';
import { FEATURE_NAMES, FEATURES, memberDataOf, type FeatureName } from './features';
import { deleteRequest, deleteRequestsAbout, findRequest, insertRequest, lastErasureAt, recordErasure, type PrivacyRequest } from './store';

/** How long a confirmation button works. */
export const CONFIRM_WITHIN_MS = 5 * 60_000;
/** How long a lapsed request is kept, so a late click is told it expired (then it goes, with the ids in it). */
export const FORGET_REQUESTS_AFTER_MS = 60 * 60_000;
/** A member deletes their own data at most once in this long. */
export const ERASE_EVERY_MS = 24 * 3_600_000;
/** The outbox effect that deletes a message about a member from Discord (a kudos shout-out). */
export const PRIVACY_DELETE_MESSAGE = 'privacy.delete-message';

/** What a deletion would remove and keep, from what the member can see in their export. */
export interface ErasurePreview {
  votes: number;
  responses: number;
  answers: number;
  notes: number;
  kudosGiven: number;
  kudosReceived: number;
  /** Things the member made for the server as a leader: they stay, no longer linked to them. */
  created: { polls: number; surveys: number; checkins: number; skippedDates: number; kudosTakenDown: number };
}

export function previewErasure(db: Db, guildId: string, memberId: string): ErasurePreview {
  const data = memberDataOf(db, guildId, memberId);
  // Named check-ins only: the preview may be a leader's, and must not tell who answered anonymously.
  const named = data.checkins.answers.filter((a) => !a.anonymous);
  return {
    votes: data.polls.votes.length,
    responses: data.surveys.responses.length,
    answers: named.length,
    notes: named.filter((a) => a.note !== null).length,
    kudosGiven: data.kudos.given.length,
    kudosReceived: data.kudos.received.length,
    created: {
      polls: data.polls.pollsCreated.length,
      surveys: data.surveys.surveysCreated.length,
      checkins: data.checkins.schedulesCreated.length,
      skippedDates: data.checkins.datesSkipped.length,
      kudosTakenDown: data.kudos.removedAsLeader.length,
    },
  };
}

function assertNotErasedLately(db: Db | Tx, guildId: string, memberId: string, now: number): void {
  const last = lastErasureAt(db, guildId, memberId);
  if (last !== null && now - last < ERASE_EVERY_MS) {
    throw new UserError(`You already deleted your data here ${timestamp(last, 'R')}. You can do it once a day: try again ${timestamp(last + ERASE_EVERY_MS, 'R')}. Nothing was changed.`);
  }
}

/**
 * Stores a request to delete `memberId`'s data in this server and says what it would remove; the
 * confirmation button carries the request's id. A member deleting their own data may do so once a
 * day; a leader's request for a member (who asked them) is not limited.
 */
export function requestErasure(db: Db, who: { guildId: string; requestedBy: string; memberId: string }, now: number): { request: PrivacyRequest; preview: ErasurePreview } {
  if (who.requestedBy === who.memberId) assertNotErasedLately(db, who.guildId, who.memberId, now);
  const preview = previewErasure(db, who.guildId, who.memberId);
  return { request: insertRequest(db, { ...who, createdAt: now }), preview };
}

/** The stored request behind a confirmation button, if it still stands for this member. */
function standingRequest(db: Db, guildId: string, requestId: number, clickerId: string, now: number): PrivacyRequest {
  const request = findRequest(db, guildId, requestId);
  if (!request) throw new UserError(`This confirmation is no longer valid: it was used, cancelled, or it expired (they work for ${CONFIRM_WITHIN_MS / 60_000} minutes). Nothing was changed; run the command again if you still want to.`);
  if (request.requestedBy !== clickerId) throw new UserError('This confirmation belongs to someone else: only the member who asked can press it. Nothing was changed.');
  if (now - request.createdAt > CONFIRM_WITHIN_MS) {
    deleteRequest(db, request.id);
    throw new UserError(`This confirmation expired: it works for ${CONFIRM_WITHIN_MS / 60_000} minutes. Nothing was changed; run the command again if you still want to.`);
  }
  return request;
}

/** Cancel: the request goes, nothing else changes. */
export function cancelErasure(db: Db, guildId: string, requestId: number, clickerId: string, now: number): PrivacyRequest {
  const request = standingRequest(db, guildId, requestId, clickerId, now);
  deleteRequest(db, request.id);
  return request;
}

export interface ErasureOutcome {
  request: PrivacyRequest;
  removed: Record<FeatureName, Record<string, number>>;
  kept: Record<FeatureName, Record<string, number>>;
  /** The messages to delete from Discord (kudos shout-outs), with their outbox keys. */
  deletions: { key: string; channelId: string; messageId: string }[];
}

/**
 * Confirm: in one transaction, every feature forgets the member, the Discord follow-ups are queued
 * in the outbox, and every pending request naming them goes. Then the log is checkpointed, so the
 * removed rows are gone from the file and its write-ahead log alike (secure_delete overwrote them).
 * A request made for someone else needs the clicker to be a leader still.
 */
export function confirmErasure(db: Db, guildId: string, requestId: number, clicker: { id: string; isLeader: boolean }, now: number): ErasureOutcome {
  const checked = standingRequest(db, guildId, requestId, clicker.id, now);
  const self = checked.memberId === checked.requestedBy;
  if (!self && !clicker.isLeader) throw new UserError('Only leaders can delete another member\'s data, and you are no longer one. Nothing was changed.');
  const outcome = writeTx(db, (tx) => {
    if (!deleteRequest(tx, checked.id)) throw new UserError('This confirmation was already used. Nothing more was changed.');
    if (self) assertNotErasedLately(tx, guildId, checked.memberId, now);
    const removed = {} as ErasureOutcome['removed'];
    const kept = {} as ErasureOutcome['kept'];
    const deletions: ErasureOutcome['deletions'] = [];
    const effects: Effect[] = [];
    for (const name of FEATURE_NAMES) {
      const forgotten = FEATURES[name].forgetMember(tx, guildId, checked.memberId, now);
      removed[name] = forgotten.removed;
      kept[name] = forgotten.kept;
      for (const followUp of forgotten.followUps) {
        const effect = effectOf(followUp, checked.id);
        effects.push(effect);
        if (followUp.kind === 'delete-message') deletions.push({ key: effect.key, channelId: followUp.channelId, messageId: followUp.messageId });
      }
    }
    queueEffects(tx, effects, now);
    deleteRequestsAbout(tx, guildId, checked.memberId);
    if (self) recordErasure(tx, guildId, checked.memberId, now);
    return { request: checked, removed, kept, deletions };
  });
  forgetDeletedData(db);
  return outcome;
}

/** The outbox effect for a Discord change a feature asked for. */
function effectOf(followUp: FollowUp, requestId: number): Effect {
  const place = { guildId: followUp.guildId };
  if (followUp.kind === 'refresh-poll') return { ...place, key: `${POLL_REFRESH}:${followUp.pollId}:erasure-${requestId}`, kind: POLL_REFRESH, payload: { pollId: followUp.pollId } };
  if (followUp.kind === 'refresh-survey-card') return { ...place, key: `${SURVEY_CARD_REFRESH}:${followUp.surveyId}:erasure-${requestId}`, kind: SURVEY_CARD_REFRESH, payload: { surveyId: followUp.surveyId } };
  const { channelId, messageId } = followUp;
  return { ...place, key: `${PRIVACY_DELETE_MESSAGE}:${channelId}:${messageId}`, kind: PRIVACY_DELETE_MESSAGE, payload: { channelId, messageId } };
}

/** Giving kudos (the daily limit and the once-an-hour rule per pair), and a leader taking one down. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { savedWriteTx, writeTx, type Tx } from '../db/write-tx';
import { timestamp } from '../format';
import { nextMidnight, startOfDay } from './calendar';
import { KUDOS_LIMITS } from './limits';
import { getKudosSettings } from './settings';
import { deleteKudos, findKudos, givenSince, insertKudos, spentSince, lastKudosBetween, markRemoved, receivedCount, setShoutOut, type Kudos } from './store';
import { listValues, resolveValue, type KudosValue } from './values';

export type { Kudos };

export interface KudosRequest {
  guildId: string;
  giverId: string;
  /** Null when the member is no longer in the server. */
  recipient: { id: string; bot: boolean } | null;
  /** The channel the shout-out will be posted in. */
  channelId: string;
  value: string;
  message: string;
  timezone: string;
}

export interface KudosOutcome {
  kudos: Kudos;
  /** The recipient's kudos for this value, this one included. */
  valueCount: number;
  totalReceived: number;
  givenToday: number;
  dailyLimit: number;
  resetsAt: number;
  /**
   * Every milestone at or below the recipient's total: the roles they should hold. Granting the
   * missing ones each time means a failed grant is retried, and a milestone added later still
   * reaches members already past it.
   */
  milestones: { count: number; roleId: string }[];
}

/** Checks everything that does not depend on earlier kudos; throws a refusal that says how to fix it. */
export function checkKudosRequest(db: Db, request: Omit<KudosRequest, 'timezone'>): { value: KudosValue; message: string; recipientId: string } {
  const recipientId = checkRecipient(request.giverId, request.recipient);
  const value = resolveValue(listValues(db, request.guildId), request.value);
  const message = request.message.trim();
  if (!message) throw new UserError('The message is empty. Say in a sentence why you are thanking them.');
  if (message.length > KUDOS_LIMITS.messageLength) {
    throw new UserError(`The message is ${message.length} characters; the most is ${KUDOS_LIMITS.messageLength}. Shorten it and try again.`);
  }
  return { value, message, recipientId };
}

/** Who may receive kudos from `giverId`: a member still in the server, not themselves, not a bot. */
export function checkRecipient(giverId: string, recipient: { id: string; bot: boolean } | null): string {
  if (!recipient) {
    throw new UserError('That member is no longer in this server, so they cannot receive kudos. Pick someone who is still here.');
  }
  if (recipient.id === giverId) {
    throw new UserError('You cannot give kudos to yourself. Kudos are for thanking someone else: who helped you lately?');
  }
  if (recipient.bot) throw new UserError('Bots cannot receive kudos: thank the people who made or run it instead.');
  return recipient.id;
}

/**
 * Gives kudos, in one short transaction: the daily limit (which resets at midnight in the server's
 * time zone) and the once-an-hour rule per pair are checked against what is stored.
 */
export function giveKudos(db: Db, request: KudosRequest, now: number): KudosOutcome {
  return giveCheckedKudos(db, request, checkKudosRequest(db, request), now);
}

/** As giveKudos, for a request already through checkKudosRequest (no need to check it twice). */
export function giveCheckedKudos(db: Db, request: KudosRequest, checked: ReturnType<typeof checkKudosRequest>, now: number): KudosOutcome {
  return writeTx(db, kudosWrite(db, request, checked, now));
}

/** As giveCheckedKudos, in the group commit of this turn (a rush of kudos): resolves once the kudos is stored. */
export function giveCheckedKudosGrouped(db: Db, request: KudosRequest, checked: ReturnType<typeof checkKudosRequest>, now: number): Promise<KudosOutcome> {
  return savedWriteTx(db, kudosWrite(db, request, checked, now));
}

function kudosWrite(db: Db, request: KudosRequest, checked: ReturnType<typeof checkKudosRequest>, now: number): (tx: Tx) => KudosOutcome {
  const { value, message, recipientId } = checked;
  const { dailyLimit, milestones } = getKudosSettings(db, request.guildId);
  const dayStart = startOfDay(request.timezone, now);
  const resetsAt = nextMidnight(request.timezone, now);

  return (tx) => {
    const givenToday = givenSince(tx, request.guildId, request.giverId, dayStart) + spentSince(tx, request.guildId, request.giverId, dayStart);
    if (givenToday >= dailyLimit) {
      throw new UserError(
        `You have given all ${dailyLimit} of today's kudos. The limit resets at midnight (${request.timezone}), ${timestamp(resetsAt)}: try again then.`,
      );
    }
    const last = lastKudosBetween(tx, request.guildId, request.giverId, recipientId, now - KUDOS_LIMITS.pairCooldownMs);
    if (last !== null) {
      const again = last + KUDOS_LIMITS.pairCooldownMs;
      throw new UserError(`You thanked <@${recipientId}> ${timestamp(last)}. You can thank the same member once an hour: try again ${timestamp(again)} (${timestamp(again, 't')}).`);
    }
    const stored = insertKudos(tx, {
      guildId: request.guildId,
      giverId: request.giverId,
      recipientId,
      value: value.name,
      message,
      channelId: request.channelId,
      createdAt: now,
    });
    const totalReceived = receivedCount(tx, request.guildId, recipientId);
    return {
      kudos: stored,
      valueCount: receivedCount(tx, request.guildId, recipientId, value.name),
      totalReceived,
      givenToday: givenToday + 1,
      dailyLimit,
      resetsAt,
      milestones: milestones.filter((m) => m.count <= totalReceived),
    };
  };
}

/** The shout-out is posted: remember where, so a leader's removal can take it down. */
export function attachShoutOut(db: Db, guildId: string, kudosId: number, messageId: string): void {
  setShoutOut(db, guildId, kudosId, messageId);
}

/** Posting the shout-out failed: the kudos never happened for anyone. */
export function discardKudos(db: Db, guildId: string, kudosId: number): void {
  deleteKudos(db, guildId, kudosId);
}

/**
 * Takes down a kudos (leaders only). Another server's id is refused exactly like a missing one.
 * An already removed kudos is returned as such (not refused), so that a leader can retry taking
 * its shout-out down when that failed the first time.
 */
export function removeKudos(db: Db, actor: { guildId: string; memberId: string; isLeader: boolean }, kudosId: number, now: number): { kudos: Kudos; alreadyRemoved: boolean } {
  if (!actor.isLeader) throw new UserError('Only leaders can remove kudos. If a kudos looks abusive, tell a leader its number (shown in `/kudos received`).');
  const found = findKudos(db, actor.guildId, kudosId);
  if (!found) throw new UserError(`There is no kudos #${kudosId} in this server. Find the number in \`/kudos received\` or \`/kudos given\`.`);
  const alreadyRemoved = !markRemoved(db, actor.guildId, kudosId, actor.memberId, now);
  return { kudos: findKudos(db, actor.guildId, kudosId)!, alreadyRemoved };
}

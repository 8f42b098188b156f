/** A member's mood and note on a posted run, refused once a newer run has replaced it. */
import { UserError } from '../user-error';
import { ALREADY_COUNTED } from '../anonymity';
import { limitKey } from '../member-data';
import type { Db } from '../db/open';
import type { ChannelView } from '../visibility';
import { savedWriteTx, writeTx, type Tx } from '../db/write-tx';
import { CHECKIN_LIMITS, MOODS } from './limits';
import { currentStreak } from './streaks';
import { findAnswer, runForAnswer, saveAnswer, TAKES_ANSWERS, type Answer, type Reader, type Run, type Schedule } from './store';

export interface Member {
  guildId: string;
  memberId: string;
  /** A check-in in a channel the member cannot view does not exist for them. */
  sees: ChannelView;
  /** Answering from a direct message: runs of direct-message check-ins take answers only this way (from subscribers). */
  viaDirectMessage?: boolean;
}

/** A click on a post a newer one replaced. It carries when the newer one came, for the view to show in the member's own time. */
export class SupersededRunError extends UserError {
  constructor(
    readonly scheduleName: string,
    readonly newerAt: number,
  ) {
    super(`This check-in has been superseded by a newer one, so it no longer takes answers. Answer the latest post of "${scheduleName}" instead.`);
  }
}

/**
 * The run a member is answering, with its schedule and their answer so far, refused if it is gone or
 * a newer run has taken its place, or if the member asked to be forgotten while it was open (their
 * anonymous answer to it still counts).
 */
function answerableRun(db: Reader, member: Member, runId: number): { run: Run; schedule: Schedule; before: Answer | null } {
  const found = runForAnswer(db, member.guildId, runId, member.memberId);
  const wrongWay = (found?.schedule.delivery === 'direct-message') !== (member.viaDirectMessage ?? false);
  if (!found || wrongWay || !member.sees.canView(found.schedule.channelId) || !TAKES_ANSWERS.has(found.run.status)) {
    throw new UserError('This check-in no longer exists, so answers to it are not kept.');
  }
  const { run, schedule, newerAt, answer } = found;
  if (newerAt !== null) throw new SupersededRunError(schedule.name, newerAt);
  if (schedule.anonymous && findAnswer(db, runId, limitKey(member.guildId, member.memberId))) throw new UserError(ALREADY_COUNTED);
  return { run, schedule, before: answer };
}

export interface AnswerOutcome {
  schedule: Schedule;
  mood: number | null;
  note: string | null;
  change: 'added' | 'changed' | 'unchanged';
  /** Slots answered in a row, up to this one (see `currentStreak`). */
  streak: number;
}

export function recordMood(db: Db, member: Member, runId: number, mood: number, now: number): AnswerOutcome {
  return moodOutcome(db, member, mood, writeTx(db, saveMood(member, runId, mood, now)));
}

/** As recordMood, in the group commit of this turn (a rush of clicks): resolves once the mood is stored. */
export async function recordMoodGrouped(db: Db, member: Member, runId: number, mood: number, now: number): Promise<AnswerOutcome> {
  return moodOutcome(db, member, mood, await savedWriteTx(db, saveMood(member, runId, mood, now)));
}

function saveMood(member: Member, runId: number, mood: number, now: number) {
  if (!MOODS.some((m) => m.value === mood)) throw new UserError('That mood is not one of the five on the check-in.');
  return (tx: Tx) => {
    const { run, schedule, before } = answerableRun(tx, member, runId);
    if (before?.mood !== mood) saveAnswer(tx, run, member.memberId, { mood }, now);
    return { schedule, before };
  };
}

// The streak after the commit, not inside it: a long streak is a long read, and the group's write
// lock is held for up to 200 clicks.
function moodOutcome(db: Db, member: Member, mood: number, { schedule, before }: { schedule: Schedule; before: Answer | null }): AnswerOutcome {
  const change = before?.mood === mood ? 'unchanged' : before?.mood ? 'changed' : 'added';
  return { schedule, mood, note: before?.note ?? null, change, streak: currentStreak(db, schedule, member.memberId) };
}

/** The note a member left on a run (to prefill the note form), checking the run still takes answers. */
export function noteFor(db: Db, member: Member, runId: number): string | null {
  return answerableRun(db, member, runId).before?.note ?? null;
}

export function recordNote(db: Db, member: Member, runId: number, typed: string, now: number): AnswerOutcome {
  const note = typed.trim();
  if (note.length > CHECKIN_LIMITS.noteLength) throw new UserError(`Your note is ${note.length} characters; the most is ${CHECKIN_LIMITS.noteLength}. Shorten it and try again.`);
  const { schedule, before } = writeTx(db, (tx) => {
    const { run, schedule, before } = answerableRun(tx, member, runId);
    // An empty note with no answer yet would store an empty answer: nothing to keep.
    if (before || note) saveAnswer(tx, run, member.memberId, { note: note || null }, now);
    return { schedule, before };
  });
  const change = (before?.note ?? null) === (note || null) ? 'unchanged' : before?.note ? 'changed' : 'added';
  return { schedule, mood: before?.mood ?? null, note: note || null, change, streak: currentStreak(db, schedule, member.memberId) };
}

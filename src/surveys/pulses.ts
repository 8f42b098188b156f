/**
 * Recurring pulse surveys: a survey's questions asked again every week, two weeks or month. Each
 * round is a fresh survey of its own (its card, its responses, its close after `open-for`, its
 * anonymous minimum), numbered from 1; `/survey trend` sets the rounds side by side.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { parseDuration } from '../durations';
import { queueEffect } from '../outbox/queue';
import { UserError } from '../user-error';
import { addDays, instantOf, localDate, weekdayFromMonday, type LocalDate } from '../zoned-time';
import { requireSurvey } from './drafts';
import { SURVEY_LIMITS } from './limits';
import { advancePulse, duePulses, insertRound, pulseById, pulseOfSurvey, roundsOf, stopPulse, upsertPulse, type Pulse } from './pulse-store';
import { questionsOf, type Survey } from './store';

export const PULSE_EVERY = ['week', '2-weeks', 'month'] as const;
export type PulseEvery = (typeof PULSE_EVERY)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const SURVEY_ROUND_CARD = 'survey.round-card';
const DAY = 24 * 60 * 60_000;
const DEFAULT_OPEN_FOR_MS = 3 * DAY;
const INTERVAL_MS: Record<PulseEvery, number> = { week: 7 * DAY, '2-weeks': 14 * DAY, month: 28 * DAY };

export interface PulseRequest {
  every: string;
  day: string | null;
  time: string | null;
  openFor: string | null;
  channelId: string;
  timezone: string;
}

/** The first moment after `after` on `weekday` at hh:mm in `zone` (for a month: the first such weekday of a month). */
export function nextRound(every: PulseEvery, weekday: number, hour: number, minute: number, zone: string, after: number, previous: number | null): number {
  if (every === '2-weeks' && previous !== null) return instantOf(zone, addDays(localDate(zone, previous), 14), hour, minute);
  const start = localDate(zone, after);
  if (every !== 'month') {
    for (let d = 0; d <= 7; d++) {
      const date = addDays(start, d);
      const at = instantOf(zone, date, hour, minute);
      if (weekdayFromMonday(date) === weekday && at > after) return at;
    }
  }
  for (let m = 0; m <= 2; m++) {
    const first: LocalDate = { year: start.year + Math.floor((start.month - 1 + m) / 12), month: ((start.month - 1 + m) % 12) + 1, day: 1 };
    const date = addDays(first, (weekday - weekdayFromMonday(first) + 7) % 7);
    const at = instantOf(zone, date, hour, minute);
    if (at > after) return at;
  }
  throw new Error('no next round within three months');
}

/** Checks what a leader typed and schedules the survey's rounds (again, with new timing, if it already had some). */
export function schedulePulse(db: Db, guildId: string, surveyId: number, request: PulseRequest, createdBy: string, now: number): { pulse: Pulse; survey: Survey } {
  if (!(PULSE_EVERY as readonly string[]).includes(request.every)) {
    throw new UserError('`every` must be `week`, `2-weeks` or `month`: Hearth asks a pulse survey at most once a week, so members are not worn out.');
  }
  const every = request.every as PulseEvery;
  const weekday = request.day === null ? 0 : (WEEKDAYS as readonly string[]).indexOf(request.day);
  if (weekday < 0) throw new UserError(`\`day\` must be one of ${WEEKDAYS.join(', ')}.`);
  const time = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec((request.time ?? '09:00').trim());
  if (!time) throw new UserError(`\`time\`: "${(request.time ?? '').slice(0, 20)}" is not a time of day. Write it as HH:MM on a 24-hour clock, e.g. 09:00 or 17:30.`);
  let openForMs = DEFAULT_OPEN_FOR_MS;
  if (request.openFor !== null) {
    const parsed = parseDuration(request.openFor, { minMs: SURVEY_LIMITS.minDurationMs, maxMs: INTERVAL_MS[every] });
    if (!parsed.ok) throw new UserError(`\`open-for\`: ${parsed.problem} A round stays open from 1 hour up to the time between rounds.`);
    openForMs = parsed.ms;
  }
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    if (survey.pulseId !== null) throw new UserError(`Survey #${surveyId} is round ${survey.round} of a pulse survey. Schedule the survey its rounds come from instead.`);
    if (questionsOf(tx, guildId, surveyId).length === 0) throw new UserError(`Survey #${surveyId} has no questions yet, so there is nothing to ask again. Add some with \`/survey add-question\` first.`);
    const [hour, minute] = [Number(time[1]), Number(time[2])];
    // Scheduling again changes the timing, never the pace: no round sooner than a full interval after the last.
    const existing = pulseOfSurvey(tx, guildId, surveyId);
    const last = existing ? roundsOf(tx, guildId, existing.id).at(-1)?.publishedAt ?? null : null;
    const earliest = last === null ? now : Math.max(now, last + INTERVAL_MS[every] - 1);
    const nextRoundAt = nextRound(every, weekday, hour, minute, request.timezone, earliest, null);
    upsertPulse(tx, { guildId, surveyId, channelId: request.channelId, every, weekday, hour, minute, timezone: request.timezone, openForMs, nextRoundAt, rounds: 0, createdBy, createdAt: now });
    return { pulse: pulseOfSurvey(tx, guildId, surveyId)!, survey };
  });
}

/** Stops the rounds (those open stay open until their close). */
export function unschedulePulse(db: Db, guildId: string, surveyId: number): { pulse: Pulse; survey: Survey } {
  return writeTx(db, (tx) => {
    const survey = requireSurvey(tx, guildId, surveyId);
    const pulse = survey.pulseId === null ? pulseOfSurvey(tx, guildId, surveyId) : pulseById(tx, guildId, survey.pulseId);
    if (!pulse || !stopPulse(tx, pulse.id)) throw new UserError(`Survey #${surveyId} has no rounds scheduled, so there is nothing to stop.`);
    return { pulse, survey };
  });
}

/**
 * The round after one due at `now`, on the declared weekday and time. After downtime a 2-weeks
 * pulse keeps its fortnight, skipping the rounds missed: one round now, never several back to back.
 */
function roundAfter(pulse: Pulse, now: number): number {
  const { every, weekday, hour, minute, timezone } = pulse;
  if (every !== '2-weeks') return nextRound(every, weekday, hour, minute, timezone, now, null);
  let next = nextRound(every, weekday, hour, minute, timezone, now, pulse.nextRoundAt);
  for (let skipped = 0; next <= now && skipped < 60; skipped++) next = nextRound(every, weekday, hour, minute, timezone, now, next);
  return next > now ? next : nextRound('week', weekday, hour, minute, timezone, now, null);
}

/**
 * Starts every round due at `now`: one transaction per round moves the pulse on, creates the round
 * (the source's questions, open for `open-for`) and queues its card. Returns the rounds started.
 */
export function startDueRounds(db: Db, now: number, limit = 50): number[] {
  const started: number[] = [];
  for (const pulse of duePulses(db, now, limit)) {
    let next: number;
    try {
      next = roundAfter(pulse, now);
    } catch {
      // Its zone no longer computes (a zone removed from the runtime): stop it rather than retry forever.
      writeTx(db, (tx) => stopPulse(tx, pulse.id));
      continue;
    }
    const id = writeTx(db, (tx) => {
      const source = requireSurvey(tx, pulse.guildId, pulse.surveyId);
      if (!advancePulse(tx, pulse, next)) return null;
      const round = insertRound(tx, source, pulse, pulse.rounds + 1, { closesAt: now + pulse.openForMs, respondentSecret: source.anonymous ? randomBytes(32).toString('hex') : null, now });
      queueEffect(tx, { key: `${SURVEY_ROUND_CARD}:${round}`, guildId: pulse.guildId, kind: SURVEY_ROUND_CARD, payload: { surveyId: round } }, now);
      return round;
    });
    if (id !== null) started.push(id);
  }
  return started;
}

/** The pulse a survey belongs to (its source, or one of its rounds), and its rounds, oldest first. */
export function pulseRounds(db: Db, guildId: string, surveyId: number): { pulse: Pulse; rounds: Survey[] } {
  const survey = requireSurvey(db, guildId, surveyId);
  const pulse = survey.pulseId !== null ? pulseById(db, guildId, survey.pulseId) : pulseOfSurvey(db, guildId, surveyId);
  if (!pulse) throw new UserError(`Survey #${surveyId} is not a pulse survey: schedule it with \`/survey schedule\` to ask it again and see a trend.`);
  return { pulse, rounds: roundsOf(db, guildId, pulse.id) };
}

/** The round to show for `/survey results … round`: the one asked for, or the latest closed one. */
export function roundFor(db: Db, guildId: string, surveyId: number, round: number | null): Survey {
  const { rounds } = pulseRounds(db, guildId, surveyId);
  if (round === null) {
    const closed = rounds.filter((r) => r.status === 'closed');
    const latest = closed.at(-1);
    if (!latest) throw new UserError(`No round of survey #${surveyId} has closed yet. Pick an open one with \`round\`, or wait for the first to close.`);
    return latest;
  }
  const found = rounds.find((r) => r.round === round);
  if (!found) throw new UserError(`Survey #${surveyId} has no round ${round}: it has had ${rounds.length === 1 ? '1 round' : `${rounds.length} rounds`} so far.`);
  return found;
}

/**
 * What `/survey results` shows: a round when one is asked for; else the survey itself when it was
 * published on its own (its own responses stay reachable once it is scheduled), else a pulse
 * survey's latest closed round.
 */
export function resultsTarget(db: Db, guildId: string, surveyId: number, round: number | null): number {
  if (round !== null) return roundFor(db, guildId, surveyId, round).id;
  const survey = requireSurvey(db, guildId, surveyId);
  const template = survey.pulseId === null && survey.publishedAt === null && pulseOfSurvey(db, guildId, surveyId);
  return template ? roundFor(db, guildId, surveyId, null).id : surveyId;
}

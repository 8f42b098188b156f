/** A leader's scheduling of check-ins: checking what they typed, creating, pausing, resuming, deleting, skipping a date. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { canonicalTimeZone, getSettings } from '../settings';
import { instantOf, wallTime as zonedWallTime } from '../zoned-time';
import { CHECKIN_LIMITS } from './limits';
import { anchorWeekFor, compileRule, localDate, nextRun, nextRuns, parseDate, parseWhen, type Recurrence, type Rule } from './schedule';
import { nextClaim, queueAnnouncement, subscriberZones } from './subscriptions';
import { writeTx } from '../db/write-tx';
import { addSkip, callOffQueuedRuns, deleteSchedule, findSchedule, insertSchedule, setScheduleState, skipDates, type Run, type Schedule } from './store';

export type { Run, Schedule };

export const SKIPPED = 'Skipped by a leader.';
const PAUSED_AHEAD = 'Called off: the check-in was paused before this run\'s time (members east of its zone may have had it already).';

// Compiled rules by schedule, so that a rush of mood clicks on a re-posted check-in does not parse
// the same cron expression thousands of times. Rules are never changed once compiled.
const compiled = new Map<string, Rule>();
const COMPILED_KEPT = 1000;

/** A stored schedule's rule, ready to compute its runs with (see ./schedule.ts). */
export function ruleOf(schedule: Pick<Schedule, 'cron' | 'everyWeeks' | 'anchorWeek'>): Rule {
  const key = `${schedule.cron}|${schedule.everyWeeks}|${schedule.anchorWeek}`;
  let rule = compiled.get(key);
  if (!rule) {
    rule = compileRule({ cron: schedule.cron, everyWeeks: schedule.everyWeeks }, schedule.anchorWeek);
    if (compiled.size >= COMPILED_KEPT) compiled.clear();
    compiled.set(key, rule);
  }
  return rule;
}

/**
 * Why a stored schedule's runs cannot be computed any more, in words a leader can act on. Its
 * time zone or cron was valid when stored; a Node/ICU update can drop a zone, for instance.
 */
export function brokenScheduleProblem(schedule: Schedule, error: unknown): string {
  try {
    zonedWallTime(schedule.timezone, 0);
  } catch {
    return `its time zone "${schedule.timezone.slice(0, 64)}" is not known on this system any more (after an update of Node.js or its time zone data?).`;
  }
  return `its schedule \`${schedule.cron.slice(0, 100)}\` can no longer be worked out (${String((error as Error)?.message ?? error).slice(0, 200)}).`;
}

export interface ScheduleRequest {
  when: string;
  prompt: string;
  name: string | null;
  /** As typed; null for the server's time zone. */
  timezone: string | null;
  anonymous: boolean;
}

export interface ValidSchedule {
  whenText: string;
  recurrence: Recurrence;
  prompt: string;
  name: string;
  timezone: string;
  anonymous: boolean;
}

/** Checks everything a leader typed; every problem is reported at once, with how to fix it. */
export function validateSchedule(db: Db, guildId: string, request: ScheduleRequest, now: number): ValidSchedule {
  const problems: string[] = [];
  const when = parseWhen(request.when);
  if (!when.ok) problems.push(`\`when\`: ${when.problem}`);

  let timezone = getSettings(db, guildId).timezone;
  if (request.timezone !== null) {
    const zone = canonicalTimeZone(request.timezone);
    if (zone) timezone = zone;
    else problems.push(`\`timezone\`: "${request.timezone.slice(0, 64)}" is not a time zone Hearth knows. Use an IANA name such as Europe/Berlin or America/New_York: start typing a city and pick one from the list.`);
  }

  const prompt = request.prompt.trim();
  if (!prompt) problems.push('The prompt is empty. Write the question members will answer, e.g. "How was your week?".');
  if (prompt.length > CHECKIN_LIMITS.promptLength) problems.push(`The prompt is ${prompt.length} characters; the most is ${CHECKIN_LIMITS.promptLength}. Shorten it.`);
  const name = (request.name?.trim() || prompt.split('\n')[0]!.slice(0, 40)).trim();
  if (name.length > CHECKIN_LIMITS.nameLength) problems.push(`The name is ${name.length} characters; the most is ${CHECKIN_LIMITS.nameLength}.`);

  if (when.ok && problems.length === 0 && nextRun(compileRule(when.recurrence, null), timezone, now) === null) {
    problems.push(`\`when\`: "${request.when.trim()}" never happens (no such date in the next 8 years). Check the day and month fields.`);
  }
  if (problems.length || !when.ok) throw new UserError(`The check-in was not scheduled:\n- ${problems.join('\n- ')}`);
  return { whenText: request.when.trim().replace(/\s+/g, ' '), recurrence: when.recurrence, prompt, name, timezone, anonymous: request.anonymous };
}

/** Stores a validated schedule, armed for its first run; returns it with its next three runs. */
export function createSchedule(
  db: Db,
  place: { guildId: string; channelId: string; createdBy: string },
  valid: ValidSchedule,
  now: number,
  delivery: Schedule['delivery'] = 'channel',
): { schedule: Schedule; upcoming: number[] } {
  const anchorWeek = anchorWeekFor(valid.recurrence, valid.timezone, now);
  const rule = compileRule(valid.recurrence, anchorWeek);
  const upcoming = nextRuns(rule, valid.timezone, now, 3);
  const id = insertSchedule(
    db,
    {
      ...place,
      name: valid.name,
      prompt: valid.prompt,
      whenText: valid.whenText,
      cron: valid.recurrence.cron,
      everyWeeks: valid.recurrence.everyWeeks,
      anchorWeek,
      timezone: valid.timezone,
      anonymous: valid.anonymous,
      status: 'active',
      createdAt: now,
      nextRunAt: upcoming[0] ?? null,
      claimAt: upcoming[0] ?? null, // no subscribers yet: nobody to reach ahead of it
      delivery,
    },
    CHECKIN_LIMITS.perServer,
    // A direct-message check-in's announcement goes with it, or neither does.
    delivery === 'direct-message' ? (tx, id) => queueAnnouncement(tx, place.guildId, id, now) : undefined,
  );
  if (id === null) {
    throw new UserError(`This server already has ${CHECKIN_LIMITS.perServer} check-ins, the most Hearth keeps per server. Delete one you no longer need with \`/checkin delete\` first.`);
  }
  return { schedule: findSchedule(db, place.guildId, id)!, upcoming };
}

export function requireSchedule(db: Db, guildId: string, id: number): Schedule {
  const schedule = findSchedule(db, guildId, id);
  if (!schedule) throw new UserError(`There is no check-in #${id} in this server. Pick one from the list as you type, or see \`/checkin list\`.`);
  return schedule;
}

/** Pauses a schedule; `calledOff`: a direct-message run already on its way east of its zone was called off. */
export function pauseSchedule(db: Db, guildId: string, id: number): { schedule: Schedule; calledOff: boolean } {
  const schedule = requireSchedule(db, guildId, id);
  if (schedule.status === 'paused') throw new UserError(`Check-in #${id} is already paused. Resume it with \`/checkin resume\`.`);
  const calledOff = writeTx(db, (tx) => {
    setScheduleState(tx, guildId, id, 'paused', null);
    return callOffQueuedRuns(tx, id, PAUSED_AHEAD) > 0;
  });
  return { schedule: requireSchedule(db, guildId, id), calledOff };
}

/** Resumes from now on: runs that fell while paused are not made up. */
export function resumeSchedule(db: Db, guildId: string, id: number, now: number): { schedule: Schedule; upcoming: number[] } {
  const schedule = requireSchedule(db, guildId, id);
  if (schedule.status === 'active') throw new UserError(`Check-in #${id} is not paused; it is already running.`);
  let upcoming: number[];
  let next: number | null;
  try {
    upcoming = nextRuns(ruleOf(schedule), schedule.timezone, now, 3, skipDates(db, id));
    next = nextRun(ruleOf(schedule), schedule.timezone, now);
  } catch (error) {
    throw new UserError(`Check-in #${id} cannot be resumed: ${brokenScheduleProblem(schedule, error)} Delete it and schedule it again with \`/checkin schedule\`.`);
  }
  const claim = nextClaim(schedule, next, subscriberZones(db, schedule));
  writeTx(db, (tx) => setScheduleState(tx, guildId, id, 'active', claim));
  return { schedule: requireSchedule(db, guildId, id), upcoming };
}

export function removeSchedule(db: Db, guildId: string, id: number): Schedule {
  const schedule = requireSchedule(db, guildId, id);
  deleteSchedule(db, guildId, id);
  return schedule;
}

/** Skips the run(s) on one date in the schedule's time zone, e.g. a holiday. */
export function skipRunOn(db: Db, guildId: string, id: number, typed: string, who: string, now: number): { schedule: Schedule; date: string; skippedRun: number } {
  const schedule = requireSchedule(db, guildId, id);
  const parsed = parseDate(typed);
  if (!parsed) throw new UserError(`"${typed.slice(0, 40)}" is not a date Hearth understands. Write it as YYYY-MM-DD, e.g. 2026-12-24.`);
  const date = typed.trim();
  let today: string;
  let run: number | null;
  try {
    today = localDate(schedule.timezone, now);
    run = nextRun(ruleOf(schedule), schedule.timezone, Math.max(now, instantOf(schedule.timezone, parsed, 0, 0) - 1));
  } catch (error) {
    throw new UserError(`Check-in #${id} has no runs to skip: ${brokenScheduleProblem(schedule, error)} Delete it and schedule it again with \`/checkin schedule\`.`);
  }
  if (date < today) throw new UserError(`${date} is in the past (today is ${today} in ${schedule.timezone}). Pick a date from today on.`);
  if (run === null || localDate(schedule.timezone, run) !== date) {
    throw new UserError(`Check-in #${id} has no run left on ${date}, so there is nothing to skip. \`/checkin list\` shows when it runs next.`);
  }
  // A direct-message run already on its way to members east of the check-in's zone is called off too.
  const added = writeTx(db, (tx) => addSkip(tx, { scheduleId: id, guildId, date, createdBy: who }) && (callOffQueuedRuns(tx, id, SKIPPED, run!), true));
  if (!added) throw new UserError(`The run on ${date} is already skipped.`);
  return { schedule, date, skippedRun: run };
}

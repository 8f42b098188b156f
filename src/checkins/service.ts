import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { getSettings } from '../settings/service';
import { canonicalTimeZone } from '../settings/timezones';
import { anchorWeekFor, compileRule, localDate, nextRun, nextRuns, parseDate, parseWhen, previousRun, wallTime, type Recurrence, type Rule } from './schedule';
import { instantOf, wallTime as zonedWallTime } from '../zoned-time';
import {
  addSkip,
  advanceSchedule,
  answeredRunIds,
  answersTo,
  deleteSchedule,
  dueSchedules,
  earliestNextRun,
  failStuckRuns,
  findAnswer,
  findRun,
  findSchedule,
  insertRunOnce,
  insertSchedule,
  laterPostedRun,
  latestPostedRun,
  latestRun,
  listSchedules,
  moodCounts,
  membersAnswering,
  notesBetween,
  pauseBrokenSchedule,
  postedRuns,
  postedRunsBetween,
  saveAnswer,
  setRunOutcome,
  setScheduleState,
  skipDates,
  skipDatesOf,
  type PostedRun,
  type Reader,
  type Run,
  type Schedule,
} from './store';

export type { Run, Schedule };

export const CHECKIN_LIMITS = {
  promptLength: 500,
  nameLength: 60,
  noteLength: 1000,
  perServer: 25,
  reportWeeks: 8,
  maxReportWeeks: 104,
  /** Anonymous check-ins show nothing for a run with fewer answers than this. */
  anonymousMinimum: 3,
  /** A run missed by less than this (Hearth was down) is still posted at start; older ones are recorded as missed. */
  catchUpMs: 3_600_000,
  notesPerRun: 50,
} as const;

export const MOODS = [
  { value: 1, label: 'rough', emoji: '😣' },
  { value: 2, label: 'low', emoji: '😕' },
  { value: 3, label: 'okay', emoji: '😐' },
  { value: 4, label: 'good', emoji: '🙂' },
  { value: 5, label: 'great', emoji: '😄' },
] as const;

const WEEK_MS = 7 * 86_400_000;

export function ruleOf(schedule: Pick<Schedule, 'cron' | 'everyWeeks' | 'anchorWeek'>): Rule {
  return compileRule({ cron: schedule.cron, everyWeeks: schedule.everyWeeks }, schedule.anchorWeek);
}

// ---------------------------------------------------------------- scheduling

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
export function createSchedule(db: Db, place: { guildId: string; channelId: string; createdBy: string }, valid: ValidSchedule, now: number): { schedule: Schedule; upcoming: number[] } {
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
    },
    CHECKIN_LIMITS.perServer,
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

export function pauseSchedule(db: Db, guildId: string, id: number): Schedule {
  const schedule = requireSchedule(db, guildId, id);
  if (schedule.status === 'paused') throw new UserError(`Check-in #${id} is already paused. Resume it with \`/checkin resume\`.`);
  setScheduleState(db, guildId, id, 'paused', null);
  return requireSchedule(db, guildId, id);
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
  setScheduleState(db, guildId, id, 'active', next);
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
  if (!addSkip(db, { scheduleId: id, guildId, date, createdBy: who })) throw new UserError(`The run on ${date} is already skipped.`);
  return { schedule, date, skippedRun: run };
}

// ---------------------------------------------------------------- running

export function nextCheckinDue(db: Db): number | null {
  return earliestNextRun(db);
}

export interface RunToPost {
  schedule: Schedule;
  runId: number;
}

export interface DueOutcome {
  toPost: RunToPost[];
  /** Schedules whose next run could not be worked out: each got a failed run saying why, and was paused. */
  broken: { scheduleId: number; guildId: string; reason: string }[];
  /** One entry per schedule that missed runs: the first and the last run of the gap (the same run if only one was missed). */
  missed: { scheduleId: number; scheduledFor: number; firstMissed: number }[];
  skipped: { scheduleId: number; scheduledFor: number }[];
}

const hhmm = (zone: string, at: number) => {
  const w = wallTime(zone, at);
  return `${localDate(zone, at)} ${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
};

/** How many schedules one call of `claimDueRuns` handles: the caller yields between batches. */
export const CLAIM_BATCH = 200;

/** What to record for one due schedule, worked out before the write transaction. */
interface Plan {
  schedule: Schedule;
  from: number;
  to: number | null;
  runs: { scheduledFor: number; status: 'posting' | 'missed' | 'skipped'; reason: string | null; firstMissed?: number }[];
}

/**
 * Why a stored schedule's runs cannot be computed any more, in words a leader can act on. Its
 * time zone or cron was valid when stored; a Node/ICU update can drop a zone, for instance.
 */
function brokenScheduleProblem(schedule: Schedule, error: unknown): string {
  try {
    zonedWallTime(schedule.timezone, 0);
  } catch {
    return `its time zone "${schedule.timezone.slice(0, 64)}" is not known on this system any more (after an update of Node.js or its time zone data?).`;
  }
  return `its schedule \`${schedule.cron.slice(0, 100)}\` can no longer be worked out (${String((error as Error)?.message ?? error).slice(0, 200)}).`;
}

function brokenScheduleReason(schedule: Schedule, error: unknown): string {
  return `Hearth paused this check-in: ${brokenScheduleProblem(schedule, error)} Delete it and schedule it again with \`/checkin schedule\`.`;
}

function planFor(schedule: Schedule, skips: ReadonlySet<string>, now: number): Plan {
  const rule = ruleOf(schedule);
  const zone = schedule.timezone;
  const plan: Plan = { schedule, from: schedule.nextRunAt!, to: schedule.nextRunAt, runs: [] };
  let at: number | null = schedule.nextRunAt!;
  if (now - at >= CHECKIN_LIMITS.catchUpMs) {
    // Jump to the first run still inside the catch-up window (or in the future): every run before
    // it is at least an hour late, and the last of them stands for the whole gap.
    const resume = nextRun(rule, zone, now - CHECKIN_LIMITS.catchUpMs);
    const last = previousRun(rule, zone, now - CHECKIN_LIMITS.catchUpMs + 1, at) ?? at;
    const reason =
      last === at
        ? `due at ${hhmm(zone, at)} (${zone}), it was more than 1 hour late when Hearth got to it, so it was not posted.`
        : `every run due from ${hhmm(zone, at)} to ${hhmm(zone, last)} (${zone}) was more than 1 hour late when Hearth got to it, so none was posted.`;
    plan.runs.push({ scheduledFor: last, status: 'missed', reason, firstMissed: at });
    at = resume;
  }
  while (at !== null && at <= now) {
    const skipped = skips.has(localDate(zone, at));
    plan.runs.push({ scheduledFor: at, status: skipped ? 'skipped' : 'posting', reason: skipped ? 'Skipped by a leader.' : null });
    at = nextRun(rule, zone, at);
  }
  plan.to = at;
  return plan;
}

/**
 * Claims the runs due at `now` of up to `limit` schedules (earliest first; `more` says whether
 * others are still due). Each run is recorded once (unique per schedule and moment) and the
 * schedule moves on with a compare-and-set, so a second timer or a restart cannot post twice.
 * Runs an hour or more late (Hearth was down, or busy) are not posted: the schedule jumps straight
 * to its first run inside the last hour, and the gap is recorded as ONE missed row (the last run
 * missed, the range in `reason`), so catching up after weeks costs the same as after minutes.
 * The maths happens before the write transaction, which then only compares, sets and inserts.
 */
export function claimDueRuns(db: Db, now: number, limit = CLAIM_BATCH): DueOutcome & { more: boolean } {
  const outcome: DueOutcome = { toPost: [], broken: [], missed: [], skipped: [] };
  const due = dueSchedules(db, now, limit + 1);
  const batch = due.slice(0, limit);
  const skips = skipDatesOf(db, batch.map((s) => s.id));
  const broken: { schedule: Schedule; reason: string }[] = [];
  const plans: Plan[] = [];
  for (const schedule of batch) {
    // One schedule that can no longer be computed must not stop every other check-in from posting.
    try {
      plans.push(planFor(schedule, skips.get(schedule.id) ?? new Set(), now));
    } catch (error) {
      broken.push({ schedule, reason: brokenScheduleReason(schedule, error) });
    }
  }
  writeTx(db, (tx) => {
    for (const { schedule, reason } of broken) {
      if (!pauseBrokenSchedule(tx, schedule.guildId, schedule.id, schedule.nextRunAt!)) continue; // someone else moved it on
      insertRunOnce(tx, { scheduleId: schedule.id, guildId: schedule.guildId, scheduledFor: schedule.nextRunAt!, status: 'failed', reason, recordedAt: now });
      outcome.broken.push({ scheduleId: schedule.id, guildId: schedule.guildId, reason });
    }
    for (const { schedule, from, to, runs } of plans) {
      if (!advanceSchedule(tx, schedule.guildId, schedule.id, from, to)) continue; // someone else moved it on
      for (const run of runs) {
        const runId = insertRunOnce(tx, { scheduleId: schedule.id, guildId: schedule.guildId, scheduledFor: run.scheduledFor, status: run.status, reason: run.reason, recordedAt: now });
        if (runId === null) continue;
        if (run.status === 'posting') outcome.toPost.push({ schedule, runId });
        else if (run.status === 'missed') outcome.missed.push({ scheduleId: schedule.id, scheduledFor: run.scheduledFor, firstMissed: run.firstMissed! });
        else outcome.skipped.push({ scheduleId: schedule.id, scheduledFor: run.scheduledFor });
      }
    }
  });
  return { ...outcome, more: due.length > batch.length };
}

export const INTERRUPTED_REASON = 'Interrupted while posting (Hearth stopped before Discord confirmed the post). It is not posted again; the next run goes ahead.';

/**
 * At start: runs a previous process left in "posting" (it stopped between claiming and posting)
 * are marked failed, so `/checkin list` shows them and nothing waits on them.
 */
export function failInterruptedRuns(db: Db, startedAt: number): number {
  return failStuckRuns(db, startedAt, INTERRUPTED_REASON);
}

/** A leader's "post now": a run of its own, which does not move the regular schedule. */
export function startManualRun(db: Db, guildId: string, id: number, now: number): RunToPost {
  const schedule = requireSchedule(db, guildId, id);
  const runId = writeTx(db, (tx) => insertRunOnce(tx, { scheduleId: id, guildId, scheduledFor: now, status: 'posting', manual: true, recordedAt: now }));
  if (runId === null) throw new UserError(`Check-in #${id} already has a run at this very moment. Try again in a few seconds.`);
  return { schedule, runId };
}

export function markRunPosted(db: Db, guildId: string, runId: number, messageId: string): void {
  setRunOutcome(db, guildId, runId, { status: 'posted', messageId });
}

export function markRunFailed(db: Db, guildId: string, runId: number, reason: string): void {
  setRunOutcome(db, guildId, runId, { status: 'failed', reason });
}

// ---------------------------------------------------------------- answering

export interface Streak {
  current: number;
  longest: number;
  answered: number;
}

/**
 * Groups a schedule's posted runs (oldest first) into slots: one scheduled run plus any "post now"
 * re-posts that came before the schedule's next run. A re-post replaces the run before it (whose
 * buttons then stop taking answers), so answering either counts once, for streaks and reports.
 * A hand-posted run with no scheduled run before it in the same period starts a slot of its own.
 */
export function slotsOf<R extends PostedRun>(schedule: Pick<Schedule, 'cron' | 'everyWeeks' | 'anchorWeek' | 'timezone'>, runs: readonly R[]): R[][] {
  // Hand-posted runs are rare: without one, every run is a slot and the rule is not needed (clicks stay cheap).
  if (!runs.some((r) => r.manual)) return runs.map((r) => [r]);
  const rule = ruleOf(schedule);
  const slots: R[][] = [];
  let slotEnds = -Infinity; // the schedule's next run after the current slot began
  for (const run of runs) {
    if (run.manual && slots.length && run.scheduledFor < slotEnds) {
      slots.at(-1)!.push(run);
      continue;
    }
    slots.push([run]);
    slotEnds = nextRun(rule, schedule.timezone, run.scheduledFor) ?? Infinity;
  }
  return slots;
}

/**
 * Consecutive slots answered (see `slotsOf`; answering any run of a slot counts). Skipped, missed
 * and failed runs are not counted either way, so a holiday does not break anyone's streak; the
 * newest slot does not break it while still open.
 */
export function streakOf(slots: readonly (readonly number[])[], answered: ReadonlySet<number>): Streak {
  const done = slots.map((slot) => slot.some((id) => answered.has(id)));
  let longest = 0;
  let run = 0;
  for (const yes of done) {
    run = yes ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  let current = 0;
  for (let i = done.length - 1; i >= 0; i--) {
    if (done[i]) current++;
    else if (i === done.length - 1) continue;
    else break;
  }
  return { current, longest, answered: done.filter(Boolean).length };
}

function memberStreak(db: Db, schedule: Schedule, memberId: string): Streak {
  const slots = slotsOf(schedule, postedRuns(db, schedule.id)).map((slot) => slot.map((r) => r.id));
  return streakOf(slots, answeredRunIds(db, schedule.id, memberId));
}

export interface Member {
  guildId: string;
  memberId: string;
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

/** The run a member is answering, refused if it is gone or a newer run has taken its place. */
function answerableRun(db: Reader, member: Member, runId: number): { run: Run; schedule: Schedule } {
  const run = findRun(db, member.guildId, runId);
  const schedule = run && findSchedule(db, member.guildId, run.scheduleId);
  if (!run || !schedule || (run.status !== 'posted' && run.status !== 'posting')) {
    throw new UserError('This check-in no longer exists, so answers to it are not kept.');
  }
  const later = laterPostedRun(db, run);
  if (later) throw new SupersededRunError(schedule.name, later.scheduledFor);
  return { run, schedule };
}

export interface AnswerOutcome {
  schedule: Schedule;
  mood: number | null;
  note: string | null;
  change: 'added' | 'changed' | 'unchanged';
  streak: Streak;
}

export function recordMood(db: Db, member: Member, runId: number, mood: number, now: number): AnswerOutcome {
  if (!MOODS.some((m) => m.value === mood)) throw new UserError('That mood is not one of the five on the check-in.');
  const { schedule, before } = writeTx(db, (tx) => {
    const { run, schedule } = answerableRun(tx, member, runId);
    const before = findAnswer(tx, runId, member.memberId);
    if (before?.mood !== mood) saveAnswer(tx, run, member.memberId, { mood }, now);
    return { schedule, before };
  });
  const change = before?.mood === mood ? 'unchanged' : before?.mood ? 'changed' : 'added';
  return { schedule, mood, note: before?.note ?? null, change, streak: memberStreak(db, schedule, member.memberId) };
}

/** The note a member left on a run (to prefill the note form), checking the run still takes answers. */
export function noteFor(db: Db, member: Member, runId: number): string | null {
  answerableRun(db, member, runId);
  return findAnswer(db, runId, member.memberId)?.note ?? null;
}

export function recordNote(db: Db, member: Member, runId: number, typed: string, now: number): AnswerOutcome {
  const note = typed.trim();
  if (note.length > CHECKIN_LIMITS.noteLength) throw new UserError(`Your note is ${note.length} characters; the most is ${CHECKIN_LIMITS.noteLength}. Shorten it and try again.`);
  const { schedule, before } = writeTx(db, (tx) => {
    const { run, schedule } = answerableRun(tx, member, runId);
    const before = findAnswer(tx, runId, member.memberId);
    // An empty note with no answer yet would store an empty answer: nothing to keep.
    if (before || note) saveAnswer(tx, run, member.memberId, { note: note || null }, now);
    return { schedule, before };
  });
  const change = (before?.note ?? null) === (note || null) ? 'unchanged' : before?.note ? 'changed' : 'added';
  return { schedule, mood: before?.mood ?? null, note: note || null, change, streak: memberStreak(db, schedule, member.memberId) };
}

export interface MemberStreaks {
  streaks: { schedule: Schedule; streak: Streak }[];
  /** Anonymous check-ins were left out (asking about someone else), and this server has some. */
  anonymousLeftOut: boolean;
}

/**
 * A member's streaks. Asked about someone else, anonymous check-ins are left out: a streak there
 * would tell who answered them.
 */
export function streaksOf(db: Db, guildId: string, memberId: string, options: { self: boolean }): MemberStreaks {
  const all = listSchedules(db, guildId);
  const shown = options.self ? all : all.filter((s) => !s.anonymous);
  return {
    streaks: shown.map((schedule) => ({ schedule, streak: memberStreak(db, schedule, memberId) })).filter((s) => s.streak.answered > 0),
    anonymousLeftOut: shown.length < all.length,
  };
}

// ---------------------------------------------------------------- list

export interface ScheduleSummary {
  schedule: Schedule;
  /** The next run that will actually post (skipped dates left out); null while paused. */
  nextRunAt: number | null;
  lastRun: Run | null;
  /** Members answering each of the last few posted runs, newest first (a run and its re-posts count once). */
  recentAnswers: number[];
  skippedDates: string[];
}

/** `work()`, or `fallback` if the schedule's stored zone or cron cannot be computed with any more. */
function orIfBroken<T>(work: () => T, fallback: () => T): T {
  try {
    return work();
  } catch {
    return fallback();
  }
}

export function schedulesForList(db: Db, guildId: string, now: number): ScheduleSummary[] {
  return listSchedules(db, guildId).map((schedule) => {
    const skips = skipDates(db, schedule.id);
    // A schedule that became uncomputable is paused with a failed run saying why: the list must still show it.
    const nextRunAt = orIfBroken(
      () => (schedule.status === 'active' && schedule.nextRunAt !== null ? (nextRuns(ruleOf(schedule), schedule.timezone, schedule.nextRunAt - 1, 1, skips)[0] ?? null) : null),
      () => null,
    );
    const today = orIfBroken(
      () => localDate(schedule.timezone, now),
      () => new Date(now).toISOString().slice(0, 10),
    );
    const runs = postedRuns(db, schedule.id);
    const slots = orIfBroken(
      () => slotsOf(schedule, runs),
      () => runs.map((r) => [r]),
    );
    // Anonymous: the newest slot still takes answers, so its count before and after a member
    // answers would tell a leader who answered. It counts once the next run is posted.
    const finished = schedule.anonymous ? slots.slice(0, -1) : slots;
    return {
      schedule,
      nextRunAt,
      lastRun: latestRun(db, schedule.id) ?? null,
      recentAnswers: finished
        .slice(-4)
        .reverse()
        .map((slot) => membersAnswering(db, slot.map((r) => r.id))),
      skippedDates: [...skips].filter((d) => d >= today).sort(),
    };
  });
}

export function scheduleSuggestions(db: Db, guildId: string, typed: string): { name: string; value: number }[] {
  const needle = typed.trim().toLowerCase();
  return listSchedules(db, guildId)
    .filter((s) => !needle || `${s.id} ${s.name}`.toLowerCase().includes(needle))
    .slice(0, 25)
    .map((s) => ({ name: `#${s.id} · ${s.name}${s.status === 'paused' ? ' (paused)' : ''}`.slice(0, 100), value: s.id }));
}

// ---------------------------------------------------------------- report

export interface MoodStats {
  answered: number;
  average: number | null;
  /** Count per mood, index 0 = mood 1. */
  distribution: number[];
}

export interface RunReport extends MoodStats {
  /** The slot's first run (its date is the report's); see `slotsOf`. */
  run: Run;
  /** How many times a leader re-posted it by hand ("post now"); their answers are counted here, once per member. */
  reposts: number;
  /** Anonymous check-in with too few answers: nothing about this run is shown. */
  hidden: boolean;
  /** Average mood compared with the previous shown run. */
  change: number | null;
  notes: { memberId: string | null; note: string }[];
  moreNotes: number;
}

export interface PeriodStats extends MoodStats {
  runs: number;
  answersPerRun: number | null;
}

export interface CheckinReport {
  schedule: Schedule;
  weeks: number;
  from: number;
  to: number;
  runs: RunReport[];
  /**
   * Anonymous only: the moment of the run still taking answers, left out of everything above
   * (reporting it before and after someone answers would tell what they chose); null if none.
   */
  openRunAt: number | null;
  period: PeriodStats;
  previous: PeriodStats;
}

/** Checks a report request (quickly, before the command defers); returns the schedule and the span in weeks. */
export function reportRequest(db: Db, guildId: string, id: number, weeks: number | null): { schedule: Schedule; weeks: number } {
  const span = weeks ?? CHECKIN_LIMITS.reportWeeks;
  if (!Number.isInteger(span) || span < 1 || span > CHECKIN_LIMITS.maxReportWeeks) {
    throw new UserError(`\`weeks\` must be from 1 to ${CHECKIN_LIMITS.maxReportWeeks}.`);
  }
  const schedule = requireSchedule(db, guildId, id);
  try {
    ruleOf(schedule);
    zonedWallTime(schedule.timezone, 0);
  } catch (error) {
    // Its dates cannot be shown without its zone and rule: say so instead of an error reference.
    throw new UserError(`Check-in #${id} has no report: ${brokenScheduleProblem(schedule, error)} Delete it and schedule it again with \`/checkin schedule\`.`);
  }
  return { schedule, weeks: span };
}

function statsOf(distribution: number[]): MoodStats {
  const answered = distribution.reduce((a, b) => a + b, 0);
  const sum = distribution.reduce((a, count, i) => a + count * (i + 1), 0);
  return { answered, average: answered ? sum / answered : null, distribution };
}

function periodOf(runs: { hidden: boolean; distribution: number[] }[]): PeriodStats {
  const shown = runs.filter((r) => !r.hidden);
  const total = [0, 0, 0, 0, 0];
  for (const r of shown) r.distribution.forEach((c, i) => (total[i]! += c));
  const stats = statsOf(total);
  return { ...stats, runs: shown.length, answersPerRun: shown.length ? stats.answered / shown.length : null };
}

/**
 * Per run and per period: answers, average mood, distribution, change, notes (authors unless
 * anonymous). A run and its hand re-posts are one row (see `slotsOf`): each member counts once,
 * with their latest answer, and a replaced post does not show up as a run nobody answered.
 */
export function checkinReport(db: Db, guildId: string, id: number, weeks: number | null, now: number): CheckinReport {
  const { schedule, weeks: span } = reportRequest(db, guildId, id, weeks);
  const to = now + 1;
  const from = to - span * WEEK_MS;
  const previousFrom = from - span * WEEK_MS;

  const byRun = new Map<number, number[]>();
  for (const row of moodCounts(db, id, previousFrom, to)) {
    let d = byRun.get(row.runId);
    if (!d) byRun.set(row.runId, (d = [0, 0, 0, 0, 0]));
    d[row.mood - 1] = row.count;
  }
  const { notes, totals } = notesBetween(db, id, from, to, CHECKIN_LIMITS.notesPerRun);
  const notesByRun = new Map<number, { memberId: string; note: string }[]>();
  for (const n of notes) {
    const list = notesByRun.get(n.runId) ?? [];
    list.push({ memberId: n.memberId, note: n.note });
    notesByRun.set(n.runId, list);
  }

  const hide = (answered: number) => schedule.anonymous && answered < CHECKIN_LIMITS.anonymousMinimum;
  const slotStats = (slot: Run[]) => {
    let distribution: number[];
    let slotNotes: { memberId: string; note: string }[];
    let totalNotes: number;
    if (slot.length === 1) {
      distribution = byRun.get(slot[0]!.id) ?? [0, 0, 0, 0, 0];
      slotNotes = notesByRun.get(slot[0]!.id) ?? [];
      totalNotes = totals.get(slot[0]!.id) ?? 0;
    } else {
      // Re-posted (rare): each member's latest mood and latest note across the slot's runs.
      const latest = new Map<string, { mood: number | null; note: string | null; moodAt: number; noteAt: number }>();
      for (const a of answersTo(db, slot.map((r) => r.id))) {
        const seen = latest.get(a.memberId) ?? { mood: null, note: null, moodAt: -1, noteAt: -1 };
        if (a.mood !== null && a.updatedAt >= seen.moodAt) Object.assign(seen, { mood: a.mood, moodAt: a.updatedAt });
        if (a.note !== null && a.updatedAt >= seen.noteAt) Object.assign(seen, { note: a.note, noteAt: a.updatedAt });
        latest.set(a.memberId, seen);
      }
      distribution = [0, 0, 0, 0, 0];
      const withNotes: { memberId: string; note: string; at: number }[] = [];
      for (const [memberId, a] of latest) {
        if (a.mood !== null) distribution[a.mood - 1]!++;
        if (a.note !== null) withNotes.push({ memberId, note: a.note, at: a.noteAt });
      }
      withNotes.sort((a, b) => a.at - b.at || a.memberId.localeCompare(b.memberId));
      slotNotes = withNotes.slice(0, CHECKIN_LIMITS.notesPerRun);
      totalNotes = withNotes.length;
    }
    const stats = statsOf(distribution);
    return { run: slot[0]!, reposts: slot.length - 1, ...stats, hidden: hide(stats.answered), slotNotes, totalNotes };
  };
  let slotRuns = slotsOf(schedule, postedRunsBetween(db, id, previousFrom, to));
  let openRunAt: number | null = null;
  if (schedule.anonymous) {
    // The newest posted run (and any re-post of it) still takes answers: left out until the next run is posted.
    const open = latestPostedRun(db, id);
    const openSlot = open && slotRuns.find((slot) => slot.some((r) => r.id === open.id));
    if (openSlot) {
      slotRuns = slotRuns.filter((slot) => slot !== openSlot);
      openRunAt = openSlot[0]!.scheduledFor;
    }
  }
  const slots = slotRuns.map(slotStats);
  const previousRuns = slots.filter((s) => s.run.scheduledFor < from);
  const currentRuns = slots.filter((s) => s.run.scheduledFor >= from);

  let lastShown = [...previousRuns].reverse().find((r) => !r.hidden && r.average !== null)?.average ?? null;
  const runs: RunReport[] = currentRuns.map(({ slotNotes, totalNotes, ...r }) => {
    if (r.hidden) return { ...r, answered: 0, average: null, distribution: [0, 0, 0, 0, 0], change: null, notes: [], moreNotes: 0 };
    const change = r.average !== null && lastShown !== null ? r.average - lastShown : null;
    if (r.average !== null) lastShown = r.average;
    let runNotes: { memberId: string | null; note: string }[] = slotNotes.map((n) => ({ memberId: schedule.anonymous ? null : n.memberId, note: n.note }));
    // Anonymous notes are listed in text order, so their order says nothing about who answered when.
    if (schedule.anonymous) runNotes = [...runNotes].sort((a, b) => a.note.localeCompare(b.note));
    return { ...r, change, notes: runNotes, moreNotes: totalNotes - runNotes.length };
  });
  return { schedule, weeks: span, from, to, runs, openRunAt, period: periodOf(currentRuns), previous: periodOf(previousRuns) };
}

/** Running check-ins: claiming due runs once (missed and skipped ones recorded), a leader's "post now", and each run's outcome. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { CHECKIN_LIMITS } from './limits';
import { localDate, nextRun, previousRun, wallTime } from './schedule';
import { brokenScheduleProblem, requireSchedule, ruleOf, SKIPPED } from './scheduling';
import { assertManualDirectRunAllowed, claimLead, nextClaim, subscriberZones } from './subscriptions';
import { advanceSchedule, dueSchedules, earliestNextRun, failStuckRuns, insertRunOnce, pauseBrokenSchedule, postQueuedRuns, setRunOutcome, skipDatesOf, type NextRun, type Schedule } from './store';

export function nextCheckinDue(db: Db): number | null {
  return earliestNextRun(db);
}

/** Direct-message runs claimed ahead whose moment has come become posted (see `postQueuedRuns`). */
export function postRunsWhoseTimeCame(db: Db, now: number): number {
  return postQueuedRuns(db, now);
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
  to: NextRun;
  runs: { scheduledFor: number; status: 'posting' | 'missed' | 'skipped'; reason: string | null; firstMissed?: number }[];
}

function brokenScheduleReason(schedule: Schedule, error: unknown): string {
  return `Hearth paused this check-in: ${brokenScheduleProblem(schedule, error)} Delete it and schedule it again with \`/checkin schedule\`.`;
}

function planFor(schedule: Schedule, skips: ReadonlySet<string>, zones: readonly string[], now: number): Plan {
  const rule = ruleOf(schedule);
  const zone = schedule.timezone;
  const plan: Plan = { schedule, from: schedule.nextRunAt!, to: null, runs: [] };
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
  // A direct-message run is claimed once its earliest subscriber's own time for it has come.
  while (at !== null && at - claimLead(schedule, at, zones) <= now) {
    const skipped = skips.has(localDate(zone, at));
    plan.runs.push({ scheduledFor: at, status: skipped ? 'skipped' : 'posting', reason: skipped ? SKIPPED : null });
    at = nextRun(rule, zone, at);
  }
  plan.to = nextClaim(schedule, at, zones);
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
      plans.push(planFor(schedule, skips.get(schedule.id) ?? new Set(), subscriberZones(db, schedule), now));
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
  if (schedule.delivery === 'direct-message') assertManualDirectRunAllowed(db, schedule, now);
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

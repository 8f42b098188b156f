/** Slots (a run and its hand re-posts, counted once) and the streaks of answered slots. */
import type { Db } from '../db/open';
import type { ChannelView } from '../visibility';
import { nextRun } from './schedule';
import { ruleOf } from './scheduling';
import { answeredRunIds, listSchedules, postedRuns, runsNewestFirst, queuedRuns, type PostedRun, type RunAnswered, type Schedule } from './store';

export interface Streak {
  current: number;
  longest: number;
  answered: number;
}

type Timing = Pick<Schedule, 'cron' | 'everyWeeks' | 'anchorWeek' | 'timezone'>;

// When the slot begun by a scheduled run ends, by schedule and run: a rush of mood clicks on a
// hand-posted run would otherwise work out the same next run (time zone look-ups) on every click.
const knownSlotEnds = new Map<string, number>();
const SLOT_ENDS_KEPT = 5000;

function slotEndAfter(schedule: Timing, at: number): number {
  const key = `${schedule.cron}|${schedule.everyWeeks}|${schedule.anchorWeek}|${schedule.timezone}|${at}`;
  let end = knownSlotEnds.get(key);
  if (end === undefined) {
    end = nextRun(ruleOf(schedule), schedule.timezone, at) ?? Infinity;
    if (knownSlotEnds.size >= SLOT_ENDS_KEPT) knownSlotEnds.clear();
    knownSlotEnds.set(key, end);
  }
  return end;
}

/**
 * Groups a schedule's posted runs (oldest first) into slots: one scheduled run plus any "post now"
 * re-posts that came before the schedule's next run. A re-post replaces the run before it (whose
 * buttons then stop taking answers), so answering either counts once, for streaks and reports.
 * A hand-posted run with no scheduled run before it in the same period starts a slot of its own.
 */
export function slotsOf<R extends PostedRun>(schedule: Timing, runs: readonly R[]): R[][] {
  // Hand-posted runs are rare: without one, every run is a slot and the rule is not needed (clicks stay cheap).
  if (!runs.some((r) => r.manual)) return runs.map((r) => [r]);
  const slots: R[][] = [];
  let slotEnds = -Infinity; // the schedule's next run after the current slot began
  for (const run of runs) {
    if (run.manual && slots.length && run.scheduledFor < slotEnds) {
      slots.at(-1)!.push(run);
      continue;
    }
    slots.push([run]);
    slotEnds = slotEndAfter(schedule, run.scheduledFor);
  }
  return slots;
}

/**
 * Consecutive slots answered (see `slotsOf`; answering any run of a slot counts). Skipped, missed
 * and failed runs are not counted either way, so a holiday does not break anyone's streak; the
 * newest `open` slots (the newest posted one, and any queued after it) do not break it.
 */
export function streakOf(slots: readonly (readonly number[])[], answered: ReadonlySet<number>, open = 1): Streak {
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
    else if (i >= done.length - open) continue;
    else break;
  }
  return { current, longest, answered: done.filter(Boolean).length };
}

/**
 * A member's current streak on one schedule, as `memberStreak(...).current`, reading only as far
 * back as the streak goes: from the newest run back to the first slot not answered (and, when a
 * hand-posted run sits there, to the scheduled run before it, which its slot depends on). A click
 * then costs the same after two years of runs as after two weeks.
 */
export function currentStreak(db: Db, schedule: Schedule, memberId: string): number {
  let current = 0;
  let open = true; // the newest posted slot, and queued ones after it, do not break it
  // Runs back to a scheduled one: a scheduled run always begins a slot, so this stretch can be slotted on its own.
  let stretch: RunAnswered[] = [];
  const count = (): boolean => {
    for (const slot of slotsOf(schedule, stretch.reverse()).reverse()) {
      if (slot.some((run) => run.answered)) current++;
      else if (!open) return false; // the streak ends here
      if (!slot[0]!.queued) open = false;
    }
    stretch = [];
    return true;
  };
  for (const run of runsNewestFirst(db, schedule.id, memberId)) {
    stretch.push(run);
    if (!run.manual && !count()) return current;
  }
  count(); // hand-posted runs older than any scheduled run
  return current;
}

/** A member's streak on one schedule: current, longest and answered in all (reads every run). */
export function memberStreak(db: Db, schedule: Schedule, memberId: string): Streak {
  const queued = queuedRuns(db, schedule.id);
  const runs = [...postedRuns(db, schedule.id), ...queued].sort((a, b) => a.scheduledFor - b.scheduledFor || a.id - b.id);
  const slots = slotsOf(schedule, runs).map((slot) => slot.map((r) => r.id));
  return streakOf(slots, answeredRunIds(db, schedule.id, memberId), queued.length + 1);
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
export function streaksOf(db: Db, guildId: string, memberId: string, options: { self: boolean; sees: ChannelView }): MemberStreaks {
  // Check-ins in channels the one asking cannot view are not theirs to count (leaders see all).
  const all = listSchedules(db, guildId).filter((s) => options.sees.canView(s.channelId));
  const shown = options.self ? all : all.filter((s) => !s.anonymous);
  return {
    streaks: shown.map((schedule) => ({ schedule, streak: memberStreak(db, schedule, memberId) })).filter((s) => s.streak.answered > 0),
    anonymousLeftOut: shown.length < all.length,
  };
}

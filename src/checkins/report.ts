/** `/checkin report`: per run and per period, answers, average mood, its change, and notes. */
import { UserError } from '../user-error';
import type { Db } from '../db/open';
import { wallTime as zonedWallTime } from '../zoned-time';
import { CHECKIN_LIMITS } from './limits';
import { brokenScheduleProblem, requireSchedule, ruleOf } from './scheduling';
import { slotsOf } from './streaks';
import { answersTo, latestPostedRun, moodCounts, notesBetween, postedRunsBetween, type Run, type Schedule } from './store';

const WEEK_MS = 7 * 86_400_000;

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

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
  const window = reportWindow(span, now);
  const answers = answersPerRun(db, schedule, window);
  const { slots, openRunAt } = reportedSlots(db, schedule, window);
  const tallies = slots.map((slot) => tallySlot(db, schedule, slot, answers));
  const previous = tallies.filter((t) => t.run.scheduledFor < window.from);
  const current = tallies.filter((t) => t.run.scheduledFor >= window.from);
  return {
    schedule,
    weeks: span,
    from: window.from,
    to: window.to,
    runs: runRows(schedule, current, previous),
    openRunAt,
    period: periodOf(current),
    previous: periodOf(previous),
  };
}

/** The report's weeks, up to now, and as many weeks before them to compare with. */
interface ReportWindow {
  previousFrom: number;
  from: number;
  to: number;
}

function reportWindow(weeks: number, now: number): ReportWindow {
  const to = now + 1;
  const from = to - weeks * WEEK_MS;
  return { previousFrom: from - weeks * WEEK_MS, from, to };
}

type Note = { memberId: string; note: string };

/** What members answered to one run, or across a slot's runs. */
interface SlotAnswers {
  /** Count per mood, index 0 = mood 1. */
  distribution: number[];
  /** The first notes, at most `notesPerRun`. */
  notes: Note[];
  totalNotes: number;
}

/** Moods of every run in the window, and notes of the runs in the report's own weeks, each read once in a query. */
interface RunAnswers {
  moods: Map<number, number[]>;
  notes: Map<number, Note[]>;
  noteTotals: Map<number, number>;
}

function answersPerRun(db: Db, schedule: Schedule, window: ReportWindow): RunAnswers {
  const moods = new Map<number, number[]>();
  for (const row of moodCounts(db, schedule.id, window.previousFrom, window.to)) {
    let d = moods.get(row.runId);
    if (!d) moods.set(row.runId, (d = [0, 0, 0, 0, 0]));
    d[row.mood - 1] = row.count;
  }
  const { notes, totals } = notesBetween(db, schedule.id, window.from, window.to, CHECKIN_LIMITS.notesPerRun);
  const notesByRun = new Map<number, Note[]>();
  for (const n of notes) {
    const list = notesByRun.get(n.runId) ?? [];
    list.push({ memberId: n.memberId, note: n.note });
    notesByRun.set(n.runId, list);
  }
  return { moods, notes: notesByRun, noteTotals: totals };
}

/**
 * The slots the report covers, oldest first. In an anonymous check-in the newest posted run (and
 * any re-post of it) still takes answers: it is left out until the next run is posted.
 */
function reportedSlots(db: Db, schedule: Schedule, window: ReportWindow): { slots: Run[][]; openRunAt: number | null } {
  const slots = slotsOf(schedule, postedRunsBetween(db, schedule.id, window.previousFrom, window.to));
  if (!schedule.anonymous) return { slots, openRunAt: null };
  const open = latestPostedRun(db, schedule.id);
  const openSlot = open && slots.find((slot) => slot.some((r) => r.id === open.id));
  if (!openSlot) return { slots, openRunAt: null };
  return { slots: slots.filter((slot) => slot !== openSlot), openRunAt: openSlot[0]!.scheduledFor };
}

interface SlotTally extends MoodStats {
  run: Run;
  reposts: number;
  hidden: boolean;
  notes: Note[];
  totalNotes: number;
}

function tallySlot(db: Db, schedule: Schedule, slot: Run[], answers: RunAnswers): SlotTally {
  const { distribution, notes, totalNotes } = slot.length === 1 ? answersToRun(slot[0]!.id, answers) : latestAnswersAcross(db, slot);
  const stats = statsOf(distribution);
  const hidden = schedule.anonymous && stats.answered < CHECKIN_LIMITS.anonymousMinimum;
  return { run: slot[0]!, reposts: slot.length - 1, ...stats, hidden, notes, totalNotes };
}

function answersToRun(runId: number, answers: RunAnswers): SlotAnswers {
  return { distribution: answers.moods.get(runId) ?? [0, 0, 0, 0, 0], notes: answers.notes.get(runId) ?? [], totalNotes: answers.noteTotals.get(runId) ?? 0 };
}

/** A re-posted slot (rare): each member's latest mood and latest note across the slot's runs. */
function latestAnswersAcross(db: Db, slot: Run[]): SlotAnswers {
  const latest = new Map<string, { mood: number | null; note: string | null; moodAt: number; noteAt: number }>();
  for (const a of answersTo(db, slot.map((r) => r.id))) {
    const seen = latest.get(a.memberId) ?? { mood: null, note: null, moodAt: -1, noteAt: -1 };
    if (a.mood !== null && a.updatedAt >= seen.moodAt) Object.assign(seen, { mood: a.mood, moodAt: a.updatedAt });
    if (a.note !== null && a.updatedAt >= seen.noteAt) Object.assign(seen, { note: a.note, noteAt: a.updatedAt });
    latest.set(a.memberId, seen);
  }
  const distribution = [0, 0, 0, 0, 0];
  const withNotes: (Note & { at: number })[] = [];
  for (const [memberId, a] of latest) {
    if (a.mood !== null) distribution[a.mood - 1]!++;
    if (a.note !== null) withNotes.push({ memberId, note: a.note, at: a.noteAt });
  }
  withNotes.sort((a, b) => a.at - b.at || a.memberId.localeCompare(b.memberId));
  return { distribution, notes: withNotes.slice(0, CHECKIN_LIMITS.notesPerRun), totalNotes: withNotes.length };
}

/**
 * One row per slot of the report's weeks. A hidden run shows nothing; a shown run's change is
 * against the shown run before it, looking back into the weeks before for the first one.
 */
function runRows(schedule: Schedule, current: SlotTally[], previous: SlotTally[]): RunReport[] {
  let lastShown = [...previous].reverse().find((t) => !t.hidden && t.average !== null)?.average ?? null;
  return current.map(({ notes, totalNotes, ...row }) => {
    if (row.hidden) return { ...row, answered: 0, average: null, distribution: [0, 0, 0, 0, 0], change: null, notes: [], moreNotes: 0 };
    const change = row.average !== null && lastShown !== null ? row.average - lastShown : null;
    if (row.average !== null) lastShown = row.average;
    const shown = shownNotes(schedule, notes);
    return { ...row, change, notes: shown, moreNotes: totalNotes - shown.length };
  });
}

/** Notes with their authors; anonymous ones without, in text order, so their order says nothing about who answered when. */
function shownNotes(schedule: Schedule, notes: Note[]): RunReport['notes'] {
  if (!schedule.anonymous) return notes.map((n) => ({ memberId: n.memberId, note: n.note }));
  return notes.map((n) => ({ memberId: null, note: n.note })).sort((a, b) => a.note.localeCompare(b.note));
}

/** What `/checkin list` and the check-in autocomplete show. */
import type { Db } from '../db/open';
import { localDate, nextRuns } from './schedule';
import { ruleOf } from './scheduling';
import { slotsOf } from './streaks';
import { latestRun, listSchedules, membersAnswering, postedRuns, queuedRuns, skipDates, type Run, type Schedule } from './store';
import { DISCORD_LIMITS } from '../format';

export interface ScheduleSummary {
  schedule: Schedule;
  /** The next run that will actually post (skipped dates left out); null while paused. */
  nextRunAt: number | null;
  /** That run is a direct-message run already on its way to members east of the check-in's zone. */
  onItsWay: boolean;
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
    const queued = schedule.status === 'active' ? queuedRuns(db, schedule.id)[0] : undefined;
    const nextRunAt =
      queued?.scheduledFor ??
      orIfBroken(
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
      onItsWay: queued !== undefined,
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
    .slice(0, DISCORD_LIMITS.autocompleteChoices)
    .map((s) => ({ name: `#${s.id} · ${s.name}${s.status === 'paused' ? ' (paused)' : ''}`.slice(0, DISCORD_LIMITS.autocompleteName), value: s.id }));
}

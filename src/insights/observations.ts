// The sentences under an overview: rules with stated thresholds, most important first, each with
// its numbers. Documented in README.md ("Insights").
import { plural, truncate } from '../format';
import type { PeriodNumbers } from './overview';
import type { RunSummary } from './sources';

const DAY_MS = 86_400_000;

/** Thresholds, named so that the README and the rules say the same. */
export const OBSERVATION_RULES = {
  /** Mood: the last four shown runs of a check-in against the four before, moved by at least this much. */
  moodChange: 0.3,
  moodRuns: 4,
  /** Not thanked: at least this many active members, and at least this share of them. */
  unthankedAtLeast: 3,
  unthankedShare: 20,
  /** No follow-up: a poll or survey closed at least this many days ago. */
  followUpDays: 7,
  /** Active members: changed by at least this share, from at least this many. */
  activeChange: 20,
  activeFrom: 5,
  /** New members: at least this many took part for the first time. */
  newAtLeast: 3,
  /** Polls: at least this many closed, with an average turnout under this. */
  lowTurnoutPolls: 2,
  lowTurnout: 10,
} as const;

const R = OBSERVATION_RULES;
const one = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

function moodAverage(runs: readonly RunSummary[]): number {
  let sum = 0;
  let n = 0;
  for (const run of runs) run.distribution!.forEach((count, i) => ((sum += count * (i + 1)), (n += count)));
  return n ? sum / n : NaN;
}

/** The check-in whose mood moved most over its last four shown runs (of both periods), if by enough. */
function moodObservation(runs: readonly RunSummary[]): { weight: number; text: string } | null {
  const bySchedule = new Map<number, RunSummary[]>();
  for (const run of runs) if (!run.hidden && run.answered) bySchedule.set(run.scheduleId, [...(bySchedule.get(run.scheduleId) ?? []), run]);
  let best: { weight: number; text: string } | null = null;
  for (const list of bySchedule.values()) {
    if (list.length < R.moodRuns * 2) continue;
    const last = moodAverage(list.slice(-R.moodRuns));
    const before = moodAverage(list.slice(-R.moodRuns * 2, -R.moodRuns));
    const change = Math.round((last - before) * 10) / 10;
    if (Math.abs(change) < R.moodChange || (best && Math.abs(change) <= best.weight)) continue;
    best = { weight: Math.abs(change), text: `Mood ${change < 0 ? 'fell' : 'rose'} from ${one(before)} to ${one(last)} over the last four runs of ${list[0]!.scheduleName}.` };
  }
  return best;
}

/** Three to five sentences about `current`, against `previous`; `periodName` is e.g. "the last 30 days". */
export function observations(current: PeriodNumbers, previous: PeriodNumbers, now: number, periodName: string): string[] {
  const found: string[] = [];
  const mood = moodObservation([...previous.listened.runs, ...current.listened.runs]);
  if (mood) found.push(mood.text);

  const { active } = current.people;
  const { unthanked } = current.recognition;
  if (unthanked >= R.unthankedAtLeast && unthanked * 100 >= active * R.unthankedShare) {
    found.push(`${plural(unthanked, 'member')} who took part in ${periodName} ${unthanked === 1 ? 'was' : 'were'} not thanked.`);
  }

  const due = now - R.followUpDays * DAY_MS;
  const waiting = [
    ...current.listened.polls.filter((p) => !p.followedUp && p.closedAt <= due).map((p) => ({ at: p.closedAt, what: `The poll ${truncate(p.question, 80)}` })),
    ...current.listened.surveys.filter((s) => !s.followedUp && s.closedAt <= due).map((s) => ({ at: s.closedAt, what: `The survey ${truncate(s.title, 80)}` })),
  ].sort((a, b) => a.at - b.at);
  if (waiting.length) {
    const oldest = waiting[0]!;
    const more = waiting.length > 1 ? ` (and ${waiting.length - 1} more)` : '';
    found.push(`${oldest.what} closed ${plural(Math.floor((now - oldest.at) / DAY_MS), 'day')} ago without a follow-up${more}.`);
  }

  const before = previous.people.active;
  if (before >= R.activeFrom) {
    const change = Math.round(((active - before) / before) * 100);
    if (Math.abs(change) >= R.activeChange) {
      found.push(`Active members ${change > 0 ? 'rose' : 'fell'} from ${before} to ${active} (${change > 0 ? '+' : ''}${change}%) compared with the period before.`);
    }
  }
  if (current.people.new >= R.newAtLeast) found.push(`${plural(current.people.new, 'member')} took part for the first time.`);
  const { pollsClosed, pollTurnout } = current.listening;
  if (pollsClosed >= R.lowTurnoutPolls && pollTurnout !== null && pollTurnout < R.lowTurnout) {
    found.push(`The ${pollsClosed} polls that closed reached only ${pollTurnout}% of members on average.`);
  }

  // Always true, to make three: what happened, in plain numbers.
  const k = current.recognition;
  found.push(
    k.given
      ? `${plural(k.given, 'kudos', 'kudos')} ${k.given === 1 ? 'was' : 'were'} given by ${plural(k.givers, 'member')} to ${plural(k.recipients, 'member')}${k.topValues[0] ? `, most often for ${k.topValues[0].value}` : ''}.`
      : `No kudos were given in ${periodName}.`,
  );
  const { closed, followedUp } = current.followThrough;
  found.push(closed ? `${followedUp} of the ${plural(closed, 'poll and survey', 'polls and surveys')} that closed got a follow-up.` : `No poll or survey closed in ${periodName}.`);
  found.push(`${plural(active, 'member')} took part${current.people.activeShare !== null ? `, ${current.people.activeShare}% of the server` : ''}.`);
  return found.slice(0, 5);
}

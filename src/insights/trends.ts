// `/insights trends`: one metric per week over 4 to 104 weeks, with the overview's rules.
import type { Db } from '../db/open';
import { UserError } from '../user-error';
import { endOfToday } from './overview';
import { refreshRollup } from './rollup';
import { series, WEEK_MS, type Series } from './weekly';

export const TREND_METRICS = {
  'active-members': { title: 'Active members per week', unit: '', pick: (s: Series) => s.activeMembers },
  mood: { title: 'Average mood per week (1 to 5)', unit: '', pick: (s: Series) => s.mood },
  kudos: { title: 'Kudos given per week', unit: '', pick: (s: Series) => s.kudos },
  'poll-turnout': { title: 'Average poll turnout per week (% of members)', unit: '%', pick: (s: Series) => s.pollTurnout },
  'survey-response': { title: 'Average survey response rate per week (% of members)', unit: '%', pick: (s: Series) => s.surveyResponse },
} as const;
export type TrendMetric = keyof typeof TREND_METRICS;

export const TREND_WEEKS = { min: 4, max: 104, default: 26 } as const;

export interface Trend {
  metric: TrendMetric;
  title: string;
  unit: string;
  /** Each week's first day (UTC epoch ms) and value; null where there was nothing to average. */
  weeks: { start: number; value: number | null }[];
}

/** Checks what a leader typed: a metric from the list, and 4 to 104 weeks. */
export function validTrend(metric: string, weeks: number | null): { metric: TrendMetric; weeks: number } {
  if (!Object.hasOwn(TREND_METRICS, metric)) throw new UserError(`The metric must be one of ${Object.keys(TREND_METRICS).join(', ')}. Pick one from the list.`);
  const count = weeks ?? TREND_WEEKS.default;
  if (!Number.isInteger(count) || count < TREND_WEEKS.min || count > TREND_WEEKS.max) {
    throw new UserError(`\`weeks\` must be a whole number from ${TREND_WEEKS.min} to ${TREND_WEEKS.max} (about two years); you gave ${count}. Leave it out for ${TREND_WEEKS.default}.`);
  }
  return { metric: metric as TrendMetric, weeks: count };
}

/** The last `weeks` weeks (7 whole UTC days each, the last ending today) of one metric. */
export function buildTrend(db: Db, guildId: string, metric: TrendMetric, weeks: number, now: number, memberCount: number | null): Trend {
  const to = endOfToday(now);
  refreshRollup(db, guildId, now);
  const points = series(db, guildId, to - weeks * WEEK_MS, to, WEEK_MS, memberCount);
  const { title, unit, pick } = TREND_METRICS[metric];
  const values = pick(points);
  return { metric, title, unit, weeks: points.starts.map((start, i) => ({ start, value: values[i] ?? null })) };
}

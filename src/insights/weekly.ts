// Numbers per week (or per day, for a week's overview), for the dashboard and `/insights trends`.
// Each reads its whole range once and sorts it into buckets, with the same rules as the overview.
import type { Db } from '../db/open';
import { kudosIn, listening, memberMoments, pollCounts, type Listening } from './sources';
import { daysIn } from './rollup-store';
import { DAY_MS } from './rollup';
import { activeIn } from './taking-part';

export const WEEK_MS = 7 * 86_400_000;

export interface Series {
  /** Each bucket's start (UTC epoch ms); buckets are `size` long and end at `to` (the first may be shorter). */
  starts: number[];
  activeMembers: number[];
  kudos: number[];
  /** Average mood of the runs scheduled in the bucket whose answers may show; null with none. */
  mood: (number | null)[];
  /** Average turnout (percent of the server's members) of the polls closed in the bucket whose counts may show. */
  pollTurnout: (number | null)[];
  /** Average response rate (percent) of the surveys closed in the bucket whose counts may show. */
  surveyResponse: (number | null)[];
}

/**
 * Active members and kudos per bucket. Buckets of whole UTC days read the rollup's day totals (a
 * day's count, or the 7 days ending on a day); others (a digest's local days) read the raw rows.
 */
function takingPart(db: Db, guildId: string, starts: number[], to: number, size: number): { activeMembers: number[]; kudos: number[] } {
  const ends = starts.map((_, i) => starts[i + 1] ?? to);
  const whole = (ms: number) => ms % DAY_MS === 0;
  if (!starts.every(whole) || !whole(to)) {
    const from = starts[0]!;
    const count = starts.length;
    const bucketOf = (at: number) => count - 1 - Math.floor((to - 1 - at) / size);
    const members = starts.map(() => new Set<string>());
    memberMoments(db, guildId, from, to, (member, at) => members[bucketOf(at)]?.add(member));
    return { activeMembers: members.map((m) => m.size), kudos: starts.map((start, i) => kudosIn(db, guildId, start, ends[i]!).given) };
  }
  const byDay = new Map(daysIn(db, guildId, starts[0]! / DAY_MS, to / DAY_MS).map((d) => [d.day, d]));
  const activeMembers = starts.map((start, i) => {
    const days = (ends[i]! - start) / DAY_MS;
    const lastDay = ends[i]! / DAY_MS - 1;
    if (days === 1) return byDay.get(lastDay)?.active ?? 0;
    if (days === 7) return byDay.get(lastDay)?.active7 ?? 0;
    return activeIn(db, guildId, start, ends[i]!).size;
  });
  const kudos = starts.map((start, i) => {
    let sum = 0;
    for (let day = start / DAY_MS; day < ends[i]! / DAY_MS; day++) sum += byDay.get(day)?.kudos ?? 0;
    return sum;
  });
  return { activeMembers, kudos };
}

/**
 * [from, to) in buckets of `size` ms counted back from `to`; the oldest is cut at `from`. The
 * rollup must be up to date; `heard` is what closed and ran in [from, to), when already read.
 */
export function series(db: Db, guildId: string, from: number, to: number, size: number, memberCount: number | null, heard: Listening = listening(db, guildId, from, to)): Series {
  const count = Math.ceil((to - from) / size);
  const starts = Array.from({ length: count }, (_, i) => Math.max(from, to - (count - i) * size));
  const bucketOf = (at: number) => count - 1 - Math.floor((to - 1 - at) / size);
  const part = takingPart(db, guildId, starts, to, size);

  const moods = starts.map(() => ({ sum: 0, n: 0 }));
  for (const run of heard.runs) {
    if (run.hidden) continue;
    const bucket = moods[bucketOf(run.scheduledFor)]!;
    run.distribution!.forEach((n, i) => {
      bucket.sum += n * (i + 1);
      bucket.n += n;
    });
  }
  const rates = () => starts.map(() => [] as number[]);
  const turnouts = rates();
  const responses = rates();
  if (memberCount) {
    for (const poll of heard.polls) if (pollCounts(poll) && poll.roleId === null) turnouts[bucketOf(poll.closedAt)]!.push((poll.voters / memberCount) * 100);
    for (const survey of heard.surveys) if (survey.started !== null) responses[bucketOf(survey.closedAt)]!.push((survey.completed / memberCount) * 100);
  }
  const averaged = (values: number[][]) => values.map((v) => (v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : null));

  return {
    starts,
    activeMembers: part.activeMembers,
    kudos: part.kudos,
    mood: moods.map((m) => (m.n ? Math.round((m.sum / m.n) * 10) / 10 : null)),
    pollTurnout: averaged(turnouts),
    surveyResponse: averaged(responses),
  };
}

// Who took part in a window, and the kudos in it: whole UTC days from the rollup, the part days at
// either end (a digest's local midnights) and windows under a week from the features' raw readers.
import type { Db } from '../db/open';
import { kudosCount, topKudosValues } from '../kudos';
import { daysIn, firstDaysIn, membersActive } from './rollup-store';
import { DAY_MS } from './rollup';
import { activeMembers, memberMomentsByKind, type KudosSummary } from './sources';

/** Named members who took part in a window, and of them who gave and who received kudos. */
export interface People {
  active: Set<string>;
  givers: Set<string>;
  recipients: Set<string>;
}

/** Under a week, the raw rows are as quick to read as the rollup. */
const ROLLUP_FROM_DAYS = 7;

/** [from, to) as the whole days inside it (null when under a week), and the part days before and after them. */
function split(from: number, to: number): { first: number; last: number; edges: [number, number][] } | null {
  const first = Math.ceil(from / DAY_MS);
  const last = Math.floor(to / DAY_MS);
  if (last - first < ROLLUP_FROM_DAYS) return null;
  return { first, last, edges: ([[from, first * DAY_MS], [last * DAY_MS, to]] as [number, number][]).filter(([a, b]) => a < b) };
}

function addRaw(db: Db, guildId: string, from: number, to: number, people: People): void {
  memberMomentsByKind(db, guildId, from, to, (member, _at, kind) => {
    people.active.add(member);
    if (kind === 1) people.givers.add(member);
    if (kind === 2) people.recipients.add(member);
  }, () => {});
}

/** Who took part in [from, to). The rollup must be up to date (refreshRollup). */
export function peopleIn(db: Db, guildId: string, from: number, to: number): People {
  const parts = split(from, to);
  if (!parts) {
    const people: People = { active: new Set(), givers: new Set(), recipients: new Set() };
    addRaw(db, guildId, from, to, people);
    return people;
  }
  const found = membersActive(db, guildId, parts.first, parts.last);
  const people: People = { active: new Set(found.active), givers: new Set(found.gave), recipients: new Set(found.received) };
  for (const [a, b] of parts.edges) addRaw(db, guildId, a, b, people);
  return people;
}

/** Named members who took part in [from, to). */
export function activeIn(db: Db, guildId: string, from: number, to: number): Set<string> {
  return split(from, to) ? peopleIn(db, guildId, from, to).active : activeMembers(db, guildId, from, to);
}

/** How many of `active` (who took part in a window from `from` on) took part then for the first time ever. */
export function newAmong(db: Db, guildId: string, active: ReadonlySet<string>, from: number): number {
  const day = Math.floor(from / DAY_MS);
  const recent = firstDaysIn(db, guildId, day, Number.MAX_SAFE_INTEGER);
  const earlierThatDay = from > day * DAY_MS ? activeMembers(db, guildId, day * DAY_MS, from) : new Set<string>();
  let fresh = 0;
  for (const member of active) {
    const first = recent.get(member);
    if (first !== undefined && !(first === day && earlierThatDay.has(member))) fresh++;
  }
  return fresh;
}

/**
 * The kudos of [from, to) as kudos' own summary counts them (top 3 values, unless `topValues` is
 * false: only the period shown needs them), with `people` from peopleIn.
 */
export function kudosBetween(db: Db, guildId: string, from: number, to: number, people: People, topValues = true): KudosSummary {
  const parts = split(from, to);
  let given = 0;
  if (!parts) given = kudosCount(db, guildId, from, to);
  else {
    given = daysIn(db, guildId, parts.first, parts.last).reduce((sum, d) => sum + d.kudos, 0);
    for (const [a, b] of parts.edges) given += kudosCount(db, guildId, a, b);
  }
  return { given, givers: people.givers.size, recipients: people.recipients.size, topValues: topValues ? topKudosValues(db, guildId, from, to, 3) : [] };
}

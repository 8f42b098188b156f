// The rollup: who took part on which UTC day, built from the features' public readers and kept up
// to date when insights are asked for, so an overview or a trend reads small indexed tables
// instead of every raw row of two years. It always says what the raw rows say: each refresh builds
// again the days from the last refresh on, and every month whose raw row counts changed since it
// was built (a vote moved or taken back, kudos removed, a check-in deleted, a member forgotten,
// retention), so no number changes its meaning.
import type { Db } from '../db/open';
import { writeTx } from '../db/write-tx';
import { answerCount } from '../checkins';
import { kudosCount } from '../kudos';
import { voteCount } from '../polls';
import { responseCount } from '../surveys';
import { memberMomentsByKind } from './sources';
import {
  builtTo,
  clearRollup,
  earliestDay,
  KIND_GAVE,
  KIND_OTHER,
  KIND_RECEIVED,
  refreshFirstDays,
  replaceDays,
  replaceMemberDays,
  saveMonth,
  setBuiltTo,
  storedMonths,
  type DayRow,
  type MonthCounts,
} from './rollup-store';

export const DAY_MS = 86_400_000;
const WINDOW_DAYS = 7;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
/** The UTC month a day is in, as the epoch ms of its first midnight. */
export const monthOf = (day: number) => {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};
const nextMonth = (month: number) => {
  const d = new Date(month);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
};

type Counts = Omit<MonthCounts, 'guildId' | 'month' | 'until'>;

/** The features' raw row counts in [from, to): what a month's check compares. */
function countsOf(db: Db, guildId: string, from: number, to: number): Counts {
  return {
    votes: voteCount(db, guildId, from, to),
    responses: responseCount(db, guildId, from, to),
    answers: answerCount(db, guildId, from, to),
    kudos: kudosCount(db, guildId, from, to),
  };
}

/**
 * Builds [from, to) (UTC midnights) again from the readers: the member days in it, and the day
 * totals from `from` to `to` plus the 7 days after (each day's 7-day count reaches back 6 days).
 */
function buildRange(db: Db, guildId: string, from: number, to: number, end: number): void {
  const readFrom = Math.max(0, from - (WINDOW_DAYS - 1) * DAY_MS);
  const readTo = Math.min(end, to + (WINDOW_DAYS - 1) * DAY_MS);
  const [fromDay, toDay, firstDay, lastDay] = [dayOf(from), dayOf(to), dayOf(readFrom), dayOf(readTo)];
  const kindsOf = new Map<string, number>(); // `${day}\u0000${member}` -> kinds
  const kudosPerDay = new Map<number, number>();
  memberMomentsByKind(db, guildId, readFrom, readTo, (member, at, kind) => {
    const key = `${dayOf(at)}\u0000${member}`;
    kindsOf.set(key, (kindsOf.get(key) ?? 0) | kind);
  }, (at) => kudosPerDay.set(dayOf(at), (kudosPerDay.get(dayOf(at)) ?? 0) + 1));

  const perDay = new Map<number, string[]>();
  const memberDays: [string, number, number][] = [];
  const seen = new Set<string>();
  for (const [key, kinds] of kindsOf) {
    const cut = key.indexOf('\u0000');
    const day = Number(key.slice(0, cut));
    const member = key.slice(cut + 1);
    let list = perDay.get(day);
    if (!list) perDay.set(day, (list = []));
    list.push(member);
    if (day >= fromDay && day < toDay) {
      memberDays.push([member, day, kinds]);
      seen.add(member);
    }
  }
  memberDays.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])); // in primary key order: faster inserts
  replaceMemberDays(db, guildId, fromDay, toDay, memberDays);
  refreshFirstDays(db, guildId, fromDay, seen);

  // Members in the last 7 days, kept as a count per member as the window slides.
  const inWindow = new Map<string, number>();
  const days: Omit<DayRow, 'guildId'>[] = [];
  for (let day = firstDay; day < lastDay; day++) {
    for (const member of perDay.get(day) ?? []) inWindow.set(member, (inWindow.get(member) ?? 0) + 1);
    for (const member of perDay.get(day - WINDOW_DAYS) ?? []) {
      const n = inWindow.get(member)! - 1;
      if (n) inWindow.set(member, n);
      else inWindow.delete(member);
    }
    const active = perDay.get(day)?.length ?? 0;
    const kudos = kudosPerDay.get(day) ?? 0;
    if (day >= fromDay && (active || inWindow.size || kudos)) days.push({ day, active, active7: inWindow.size, kudos });
  }
  replaceDays(db, guildId, fromDay, lastDay, days);
}

/**
 * Brings a server's rollup up to `now` (called before every overview, trend and digest): one
 * transaction that checks each stored month's counts against the features', builds again the
 * months that changed and the days since the last refresh, and stores the new counts. The first
 * call for a server builds everything once.
 */
export function refreshRollup(db: Db, guildId: string, now: number): void {
  const today = dayOf(now) * DAY_MS;
  const end = today + DAY_MS;
  writeTx(db, () => {
    const built = builtTo(db, guildId);
    const ranges: [number, number][] = [];
    if (built === null) {
      clearRollup(db, guildId);
      ranges.push([0, end]);
    } else {
      const months = storedMonths(db, guildId).sort((a, b) => a.month - b.month);
      const same = (a: Counts, b: Counts) => a.votes === b.votes && a.responses === b.responses && a.answers === b.answers && a.kudos === b.kudos;
      // Most refreshes find nothing changed: one count per feature over every stored month says so.
      const total = months.reduce((sum, m) => ({ votes: sum.votes + m.votes, responses: sum.responses + m.responses, answers: sum.answers + m.answers, kudos: sum.kudos + m.kudos }), { votes: 0, responses: 0, answers: 0, kudos: 0 });
      if (months.length && !same(total, countsOf(db, guildId, months[0]!.month, months.at(-1)!.until))) {
        for (const month of months) if (!same(month, countsOf(db, guildId, month.month, month.until))) ranges.push([month.month, month.until]);
      }
      ranges.push([Math.min(built, today), end]);
    }
    // Adjacent ranges are built as one.
    const merged: [number, number][] = [];
    for (const range of ranges.sort((a, b) => a[0] - b[0])) {
      const last = merged.at(-1);
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push([...range]);
    }
    for (const [from, to] of merged) buildRange(db, guildId, from, to, end);
    // Counts for every month touched, up to today (today is built again at each refresh).
    for (const [from, to] of merged) {
      const first = from === 0 ? earliestMonth(db, guildId, today) : monthOf(dayOf(from));
      for (let month = first; month < Math.min(to, today); month = nextMonth(month)) {
        const until = Math.min(nextMonth(month), today);
        saveMonth(db, { guildId, month, until, ...countsOf(db, guildId, month, until) });
      }
    }
    setBuiltTo(db, guildId, today);
  });
}

/** Discord's epoch (1 January 2015): nothing in a server is older, so a first build starts there. */
const DISCORD_EPOCH = Date.UTC(2015, 0, 1);
const catchingUp = new Map<string, Promise<void>>();

/**
 * The first build of a server's rollup (after the upgrade that added it, or after its data was
 * removed): one month per short transaction, with `pause` between, up to the start of this month.
 * Built in one transaction, two years of a large server held the database and every interaction
 * for seconds. refreshRollup then builds the rest, as on every refresh. Callers asking for the
 * same server meanwhile wait for the same build.
 */
export function catchUpRollup(db: Db, guildId: string, now: number, pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))): Promise<void> {
  const running = catchingUp.get(guildId); // first: a build under way has already moved builtTo
  if (running) return running;
  const today = dayOf(now) * DAY_MS;
  const end = today + DAY_MS;
  const thisMonth = monthOf(dayOf(today));
  const built = builtTo(db, guildId);
  // Built this month already: refreshRollup does the rest. Otherwise go on from where the rollup
  // stands (a build a restart cut short, or a server not looked at for months) a month at a time.
  if (built !== null && built >= thisMonth) return Promise.resolve();
  const start = built === null ? DISCORD_EPOCH : monthOf(dayOf(built));
  const build = (async () => {
    for (let month = start; month < thisMonth; month = nextMonth(month)) {
      const until = nextMonth(month);
      writeTx(db, () => {
        if (built === null && month === DISCORD_EPOCH) clearRollup(db, guildId);
        buildRange(db, guildId, month, until, end);
        saveMonth(db, { guildId, month, until, ...countsOf(db, guildId, month, until) });
        setBuiltTo(db, guildId, until);
      });
      await pause();
    }
  })().finally(() => catchingUp.delete(guildId));
  catchingUp.set(guildId, build);
  return build;
}

/** The month of a server's first member day (or this month, with none): a build from nothing counts from there. */
function earliestMonth(db: Db, guildId: string, today: number): number {
  const first = earliestDay(db, guildId);
  return monthOf(first ?? dayOf(today));
}

export { KIND_GAVE, KIND_OTHER, KIND_RECEIVED };

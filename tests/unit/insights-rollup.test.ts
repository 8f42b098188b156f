import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/open';
import { writeTx } from '../../src/db/write-tx';
import * as checkins from '../../src/checkins';
import * as insights from '../../src/insights';
import * as kudos from '../../src/kudos';
import * as polls from '../../src/polls';
import * as surveys from '../../src/surveys';
import { retractVote } from '../../src/polls/service';
import { catchUpRollup, refreshRollup } from '../../src/insights/rollup';
import { activeMembers, kudosIn } from '../../src/insights/sources';
import { kudosBetween, newAmong, peopleIn } from '../../src/insights/taking-part';
import { series } from '../../src/insights/weekly';
import { WHOLE_SERVER } from '../../src/visibility';
import { answerRun, checkin, DAY, HOUR, MONDAY, poll, postRuns, respond, rowsOf, survey, takeDown, thank, vote } from '../support/community';

const G = 'g1';
const OTHER = 'g2';
const WEEK = 7 * DAY;
const MEMBERS = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'];

/** Days `from` to `to` (days after MONDAY) of taking part everywhere, a little different each day. */
function takePart(db: Db, ids: { named: number; secret: number; checkinId: number; surveyId: number }, from: number, to: number): void {
  for (let d = from; d < to; d++) {
    const morning = MONDAY + d * DAY + 9 * HOUR;
    const runs = postRuns(db, morning);
    const run = runs.get(ids.checkinId);
    for (let i = 0; i < MEMBERS.length; i++) {
      const member = MEMBERS[i]!;
      if ((d + i) % 3 === 0) vote(db, G, member, ids.named, (d + i) % 3, morning + HOUR + i * 60_000);
      if ((d + i) % 4 === 1) vote(db, G, member, ids.secret, d % 2, morning + HOUR + i * 60_000);
      if (run && (d * i) % 5 === 1) answerRun(db, G, member, run, morning + 2 * HOUR + i * 60_000, { mood: 1 + ((d + i) % 5) });
    }
    if (d % 7 === 2) respond(db, G, MEMBERS[d % MEMBERS.length]!, ids.surveyId, morning + 3 * HOUR);
    // Kudos most days, from one member to the next (a few members only give, a few only receive).
    if (d % 5 !== 4) thank(db, G, MEMBERS[d % 5]!, MEMBERS[3 + (d % 5)]!, morning + 4 * HOUR, d % 2 ? 'Kindness' : 'Helpfulness');
    thank(db, OTHER, 'x1', 'x2', morning + 4 * HOUR);
  }
}

/** Every number the rollup gives, beside the same counted from the features' raw rows, over several windows ending at `now`'s day. */
function expectRollupMatchesRaw(db: Db, now: number): void {
  refreshRollup(db, G, now);
  const to = Math.floor(now / DAY) * DAY + DAY;
  const windows: [number, number][] = [7, 30, 60].flatMap((days) => [[to - days * DAY, to], [to - 2 * days * DAY, to - days * DAY]] as [number, number][]);
  windows.push([to - 30 * DAY + 5 * HOUR, to - 2 * HOUR]); // a digest's local midnights
  for (const [from, until] of windows) {
    const people = peopleIn(db, G, from, until);
    const raw = activeMembers(db, G, from, until);
    const before = activeMembers(db, G, 0, from);
    expect([...people.active].sort(), `active ${from}`).toEqual([...raw].sort());
    expect(newAmong(db, G, people.active, from), `new ${from}`).toBe([...raw].filter((m) => !before.has(m)).length);
    expect(kudosBetween(db, G, from, until, people), `kudos ${from}`).toEqual(kudosIn(db, G, from, until));
  }
  const weekly = series(db, G, to - 9 * WEEK, to, WEEK, 8);
  const daily = series(db, G, to - 10 * DAY, to, DAY, 8);
  for (const points of [weekly, daily]) {
    const size = points.starts[1]! - points.starts[0]!;
    expect(points.activeMembers).toEqual(points.starts.map((start) => activeMembers(db, G, start, start + size).size));
    expect(points.kudos).toEqual(points.starts.map((start) => kudosIn(db, G, start, start + size).given));
  }
}

function community(db: Db) {
  const ids = { named: poll(db, G), secret: poll(db, G, { anonymous: true }), checkinId: checkin(db, G), surveyId: survey(db, G) };
  checkin(db, OTHER);
  return ids;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function fileDb(): { db: Db; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-rollup-'));
  dirs.push(dir);
  const path = join(dir, 'hearth.sqlite');
  return { db: openDatabase(path), path };
}

describe('the insights rollup', () => {
  it('is first built a month per transaction with pauses between, to the same rows as built at once', async () => {
    const tables = ['insights_member_days', 'insights_members', 'insights_days'];
    const rollupOf = (db: Db) => tables.flatMap((table) => rowsOf(db, `SELECT * FROM ${table} WHERE guild_id = ? ORDER BY 1, 2, 3`, G));
    const now = MONDAY + 69 * DAY + 20 * HOUR; // over two months after the first activity
    const atOnce = fileDb().db;
    takePart(atOnce, community(atOnce), 0, 70);
    refreshRollup(atOnce, G, now);
    const inSteps = fileDb().db;
    takePart(inSteps, community(inSteps), 0, 70);
    let pauses = 0;
    await catchUpRollup(inSteps, G, now, async () => void pauses++);
    await catchUpRollup(inSteps, G, now, async () => void pauses++); // built: nothing more to do
    const months = (new Date(now).getUTCFullYear() - 2015) * 12 + new Date(now).getUTCMonth();
    expect(pauses).toBe(months); // each month from January 2015 to the last one before this month
    refreshRollup(inSteps, G, now);
    expect(rollupOf(inSteps)).toEqual(rollupOf(atOnce));
    expectRollupMatchesRaw(inSteps, now);
  });

  it('shares one first build between callers, and goes on after a restart from where it stopped', async () => {
    const now = MONDAY + 69 * DAY + 20 * HOUR;
    const { db, path } = fileDb();
    takePart(db, community(db), 0, 70);
    let stopAfter = 12; // months, then "Hearth stops"
    const first = catchUpRollup(db, G, now, async () => {
      if (--stopAfter === 0) throw new Error('stopped');
    });
    expect(catchUpRollup(db, G, now)).toBe(first); // a second leader waits for the same build
    await expect(first).rejects.toThrow('stopped');

    db.$client.close();
    const again = openDatabase(path);
    let pauses = 0;
    await catchUpRollup(again, G, now, async () => void pauses++);
    const months = (new Date(now).getUTCFullYear() - 2015) * 12 + new Date(now).getUTCMonth();
    expect(pauses).toBe(months - 12); // only the months not built yet
    expectRollupMatchesRaw(again, now);
  });

  it('matches the raw counts, and still does after more activity arrives, votes move or are taken back and kudos are taken down', () => {
    const { db } = fileDb();
    const ids = community(db);
    takePart(db, ids, 0, 40);
    expectRollupMatchesRaw(db, MONDAY + 39 * DAY + 20 * HOUR);

    // The same day, later, and the days after: built again from the last refresh on.
    thank(db, G, 'm8', 'm1', MONDAY + 39 * DAY + 21 * HOUR);
    expectRollupMatchesRaw(db, MONDAY + 39 * DAY + 22 * HOUR);
    takePart(db, ids, 40, 50);
    expectRollupMatchesRaw(db, MONDAY + 49 * DAY + 20 * HOUR);

    // Changes to weeks already rolled up: a vote from day 3 moved today, one taken back, kudos from day 10 taken down.
    const now = MONDAY + 49 * DAY + 21 * HOUR;
    vote(db, G, 'm1', ids.named, 2, now);
    retractVote(db, { guildId: G, memberId: 'm6', roleIds: [], sees: WHOLE_SERVER }, ids.named, now);
    const old = (db.$client.prepare('SELECT id FROM kudos WHERE guild_id = ? AND created_at < ? ORDER BY created_at DESC LIMIT 1').get(G, MONDAY + 11 * DAY) as { id: number }).id;
    takeDown(db, G, old, 'lead', now);
    expectRollupMatchesRaw(db, now + HOUR);
  });

  it('forgets a member at once, with every feature, and then matches the raw counts', () => {
    const { db } = fileDb();
    const ids = community(db);
    takePart(db, ids, 0, 30);
    const now = MONDAY + 29 * DAY + 20 * HOUR;
    refreshRollup(db, G, now);
    expect(insights.memberData(db, G, 'm4').daysTakingPart.length).toBeGreaterThan(5);

    const outcome = writeTx(db, (tx) => {
      for (const feature of [polls, surveys, checkins, kudos]) feature.forgetMember(tx, G, 'm4', now);
      return insights.forgetMember(tx, G, 'm4');
    });
    expect(outcome.removed.daysTakingPart).toBeGreaterThan(5);
    expect(rowsOf(db, "SELECT * FROM insights_member_days WHERE member_id = 'm4'")).toEqual([]);
    expect(rowsOf(db, "SELECT * FROM insights_members WHERE member_id = 'm4'")).toEqual([]);
    expect(insights.memberData(db, G, 'm4').daysTakingPart).toEqual([]);
    expectRollupMatchesRaw(db, now + HOUR);
  });

  it('follows retention: the links older than it go at once, and what the features keep is counted again', () => {
    const { db } = fileDb();
    const ids = community(db);
    takePart(db, ids, 0, 45);
    const now = MONDAY + 44 * DAY + 20 * HOUR;
    refreshRollup(db, G, now);
    // Everything before day 20, in batches of 7 rows, every feature as privacy runs them.
    const before = MONDAY + 20 * DAY + 12 * HOUR;
    for (const feature of [polls, surveys, checkins, kudos, insights]) {
      while (writeTx(db, (tx) => feature.applyRetention(tx, G, before, 7)).more);
    }
    // At once: no day up to then links a member to a vote or an answer; kudos keep who thanked whom.
    const lastDay = Math.floor(before / DAY);
    expect(rowsOf(db, 'SELECT * FROM insights_member_days WHERE guild_id = ? AND day <= ? AND (kinds & 4) <> 0', G, lastDay)).toEqual([]);
    expect(rowsOf(db, 'SELECT DISTINCT kinds FROM insights_member_days WHERE guild_id = ? AND day <= ?', G, lastDay)).toEqual(['{"kinds":1}', '{"kinds":2}']);
    // Then the numbers follow the features (the open poll keeps its votes until it closes).
    expectRollupMatchesRaw(db, now + HOUR);
    // A second pass the next day changes only what came back from the open poll.
    for (const feature of [polls, surveys, checkins, kudos, insights]) {
      while (writeTx(db, (tx) => feature.applyRetention(tx, G, before + DAY, 7)).more);
    }
    expectRollupMatchesRaw(db, now + 2 * HOUR);
  });

  it('is kept across a restart, and brought up to date after it', () => {
    const { db, path } = fileDb();
    const ids = community(db);
    takePart(db, ids, 0, 20);
    refreshRollup(db, G, MONDAY + 19 * DAY + 20 * HOUR);
    const built = rowsOf(db, 'SELECT * FROM insights_member_days');
    db.$client.close();

    const reopened = openDatabase(path);
    expect(rowsOf(reopened, 'SELECT * FROM insights_member_days')).toEqual(built);
    takePart(reopened, ids, 20, 30);
    expectRollupMatchesRaw(reopened, MONDAY + 29 * DAY + 20 * HOUR);
    reopened.$client.close();
  });

  it('removes a server\'s rollup with the server, and nothing of another server', () => {
    const db = openDatabase(':memory:');
    const ids = community(db);
    takePart(db, ids, 0, 10);
    const now = MONDAY + 9 * DAY + 20 * HOUR;
    refreshRollup(db, G, now);
    refreshRollup(db, OTHER, now);
    const other = rowsOf(db, "SELECT * FROM insights_member_days WHERE guild_id = 'g2'");
    expect(other.length).toBeGreaterThan(0);
    let batches = 0;
    while (writeTx(db, (tx) => insights.forgetServer(tx, G, 5)).more) batches++;
    expect(batches).toBeGreaterThan(2);
    for (const table of ['insights_member_days', 'insights_members', 'insights_days', 'insights_rollup_months', 'insights_rollups']) {
      expect(rowsOf(db, `SELECT * FROM ${table} WHERE guild_id = ?`, G)).toEqual([]);
    }
    expect(rowsOf(db, "SELECT * FROM insights_member_days WHERE guild_id = 'g2'")).toEqual(other);
  });
});

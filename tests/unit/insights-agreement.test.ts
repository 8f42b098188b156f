// The overview, the trends, the digest and the export count the same period the same way, and agree
// with each feature's own results: a leader comparing them never finds two answers to one question.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { WHOLE_SERVER } from '../../src/visibility';
import { buildOverview } from '../../src/insights/overview';
import { buildTrend } from '../../src/insights/trends';
import { buildDigest, lastCompletePeriod } from '../../src/insights/digest';
import { writeServerExport } from '../../src/insights/export';
import { closedPolls } from '../../src/polls';
import { kudosSummary } from '../../src/kudos';
import { answerRun, checkin, closePollNow, DAY, freshDb, HOUR, MONDAY, poll, postRuns, thank, vote } from '../support/community';

const G = 'g1';
const MEMBERS = 20;

describe('insights agree with each other and with the features', () => {
  it('gives the same numbers for one week in the overview, the trends, the digest and the export', async () => {
    const db = freshDb();
    const mood = checkin(db, G);
    // Two weeks: the first (Monday 2 March 2026) is the digest's, the second ends today (Sunday).
    const week = (n: number) => MONDAY + n * 7 * DAY;
    const activity: [number, string[], [string, string][], number[]][] = [
      // week, voters, kudos (giver, recipient), moods of that Monday's run
      [0, ['ann', 'bob', 'cat'], [['ann', 'bob'], ['cat', 'dan'], ['eve', 'ann']], [4, 5, 2]],
      [1, ['ann', 'fay'], [['bob', 'ann']], [3, 3]],
    ];
    for (const [n, voters, thanks, moods] of activity) {
      const p = poll(db, G, {}, week(n));
      for (const [i, who] of voters.entries()) vote(db, G, who, p, i % 2, week(n) + HOUR);
      closePollNow(db, G, p, week(n) + 2 * DAY);
      for (const [i, [giver, recipient]] of thanks.entries()) thank(db, G, giver, recipient, week(n) + DAY + i * HOUR);
      const run = postRuns(db, week(n) + 9 * HOUR).get(mood)!;
      for (const [i, m] of moods.entries()) answerRun(db, G, `mood-${i}`, run, week(n) + 10 * HOUR, { mood: m });
    }
    const now = week(1) + 6 * DAY + 12 * HOUR; // Sunday of the second week, noon

    const overview = buildOverview(db, G, '7d', now, MEMBERS);
    const trend = (metric: Parameters<typeof buildTrend>[2]) => buildTrend(db, G, metric, 4, now, MEMBERS).weeks.slice(-2).map((w) => w.value);
    const digest = buildDigest(db, G, lastCompletePeriod(db, G, now), now, MEMBERS, WHOLE_SERVER).overview;
    expect(digest.label).toBe('the week of 2 March 2026');
    expect([overview.previous.from, overview.current.from]).toEqual([week(0), week(1)]);

    // Each week as the overview, the trends and the digest count it.
    const [first, second] = [overview.previous, overview.current];
    expect(trend('active-members')).toEqual([first.people.active, second.people.active]);
    expect(trend('kudos')).toEqual([first.recognition.given, second.recognition.given]);
    expect(trend('mood')).toEqual([first.listening.averageMood, second.listening.averageMood].map((m) => (m === null ? null : Math.round(m * 10) / 10)));
    expect(digest.current.people).toEqual(first.people);
    expect(digest.current.recognition.given).toBe(first.recognition.given);
    expect(digest.current.listening).toEqual(first.listening);

    // ... and the numbers themselves, from what happened and from each feature's own summaries.
    expect(first.people.active).toBe(8); // ann, bob, cat voted; dan and eve in kudos; three answered the check-in
    expect(second.people.active).toBe(5); // ann and fay voted, bob thanked, two answered the check-in
    expect(first.recognition.given).toBe(kudosSummary(db, G, week(0), week(1), 3).given);
    expect(first.listening.pollsClosed).toBe(closedPolls(db, G, week(0), week(1)).length);
    expect(first.listening.averageMood).toBeCloseTo(11 / 3);

    // The export holds the same rows.
    const dir = mkdtempSync(join(tmpdir(), 'hearth-agreement-'));
    try {
      const path = join(dir, 'export.zip');
      await writeServerExport(db, G, path, now);
      const files = unzipSync(readFileSync(path));
      // Fields are quoted when they hold a comma or a quote (a kudos message does).
      const fields = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, '').replaceAll('""', '"'));
      const csv = (name: string) => strFromU8(files[name]!.subarray(3)).trimEnd().split('\r\n').map(fields);
      const inWeek = (iso: string, n: number) => Date.parse(iso) >= week(n) && Date.parse(iso) < week(n + 1);
      const kudosRows = csv('kudos.csv');
      const createdAt = kudosRows[0]!.indexOf('created_at');
      expect(kudosRows.slice(1).filter((row) => inWeek(row[createdAt]!, 0))).toHaveLength(first.recognition.given);
      const votes = csv('poll_votes.csv');
      const voter = votes[0]!.indexOf('member_id');
      expect(new Set(votes.slice(1).map((row) => row[voter])).size).toBe(4); // ann, bob, cat, fay
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

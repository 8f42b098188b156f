import { describe, expect, it } from 'vitest';
import { mergeActivity, utcDay, type Activity } from '../../src/activity';
import * as checkins from '../../src/checkins';
import * as kudos from '../../src/kudos';
import * as polls from '../../src/polls';
import * as surveys from '../../src/surveys';
import { answerRun, checkin, closePollNow, DAY, freshDb, HOUR, MONDAY, poll, postRuns, respond, survey, takeDown, thank, vote } from '../support/community';
import { fullScans, withQueryPlans } from '../support/query-plans';

const G = 'g1';
const OTHER = 'g2';
const WEEK = { from: MONDAY, to: MONDAY + 7 * DAY };
const monday = '2026-03-02';
const tuesday = '2026-03-03';

/** Member rows as sorted "member kind day" strings: easy to read when a test fails. */
const rows = (activity: Activity) => activity.members.map((m) => `${m.memberId} ${m.kind} ${m.day}`).sort();

describe('activity() of polls', () => {
  it('lists named voters once per day, counts anonymous ballots, and reads only this server and window', () => {
    const db = freshDb();
    const named = poll(db, G, { multi: true }, MONDAY - 2 * DAY);
    const secret = poll(db, G, { anonymous: true }, MONDAY - 2 * DAY);
    const foreign = poll(db, OTHER, {}, MONDAY - 2 * DAY);
    vote(db, G, 'ann', named, 0, MONDAY + 10 * HOUR);
    vote(db, G, 'ann', named, 1, MONDAY + 11 * HOUR); // a second vote the same day: one row
    vote(db, G, 'bob', named, 2, MONDAY + DAY + HOUR);
    vote(db, G, 'early', named, 0, MONDAY - 1); // before the window
    vote(db, G, 'first', named, 1, MONDAY); // the window's first moment counts
    vote(db, G, 'last', named, 2, WEEK.to); // its end does not
    vote(db, G, 'cat', secret, 0, MONDAY + 10 * HOUR);
    vote(db, G, 'dan', secret, 1, MONDAY + DAY);
    vote(db, OTHER, 'eve', foreign, 0, MONDAY + HOUR);

    const activity = polls.activity(db, G, WEEK.from, WEEK.to);
    expect(rows(activity)).toEqual([`ann poll-vote ${monday}`, `bob poll-vote ${tuesday}`, `first poll-vote ${monday}`]);
    expect(activity.anonymous).toEqual([{ kind: 'poll-vote', count: 2 }]);
    expect(JSON.stringify(activity)).not.toMatch(/cat|dan/);
    expect(rows(polls.activity(db, OTHER, WEEK.from, WEEK.to))).toEqual([`eve poll-vote ${monday}`]);
  });

  it('counts anonymous votes by the day they are stored under, so a window finer than a day tells no more', () => {
    const db = freshDb();
    const secret = poll(db, G, { anonymous: true }, MONDAY - DAY);
    vote(db, G, 'cat', secret, 0, MONDAY + 15 * HOUR);
    // The vote is stored under Monday 00:00: a window from Monday noon does not see it, one from midnight does.
    expect(polls.activity(db, G, MONDAY + 12 * HOUR, MONDAY + 18 * HOUR).anonymous).toEqual([]);
    expect(polls.activity(db, G, MONDAY, MONDAY + 1).anonymous).toEqual([{ kind: 'poll-vote', count: 1 }]);
    // The same for a poll created after such a window ends, the same day.
    const later = poll(db, G, { anonymous: true }, MONDAY + 20 * HOUR);
    vote(db, G, 'dan', later, 0, MONDAY + 21 * HOUR);
    expect(polls.activity(db, G, MONDAY, MONDAY + 1).anonymous).toEqual([{ kind: 'poll-vote', count: 2 }]);
  });

  it('still finds votes of a poll closed during the window, and none of one closed before it', () => {
    const db = freshDb();
    const during = poll(db, G, {}, MONDAY - DAY);
    const before = poll(db, G, {}, MONDAY - 3 * DAY);
    vote(db, G, 'ann', during, 0, MONDAY + HOUR);
    vote(db, G, 'bob', before, 0, MONDAY - 2 * DAY);
    closePollNow(db, G, during, MONDAY + 2 * HOUR);
    closePollNow(db, G, before, MONDAY - DAY);
    expect(rows(polls.activity(db, G, WEEK.from, WEEK.to))).toEqual([`ann poll-vote ${monday}`]);
  });
});

describe('activity() of surveys', () => {
  it('counts a member once they submitted (not while in progress), anonymous surveys as a count', () => {
    const db = freshDb();
    const named = survey(db, G, {}, MONDAY - DAY);
    const secret = survey(db, G, { anonymous: true }, MONDAY - DAY);
    const foreign = survey(db, OTHER, {}, MONDAY - DAY);
    respond(db, G, 'ann', named, MONDAY + HOUR);
    respond(db, G, 'bob', named, MONDAY + DAY, { submit: false }); // started, never submitted
    respond(db, G, 'old', named, MONDAY - HOUR);
    respond(db, G, 'cat', secret, MONDAY + 2 * DAY);
    respond(db, G, 'dan', secret, MONDAY + 2 * DAY);
    respond(db, G, 'fay', secret, MONDAY + 2 * DAY, { submit: false });
    respond(db, OTHER, 'eve', foreign, MONDAY + HOUR);

    const activity = surveys.activity(db, G, WEEK.from, WEEK.to);
    expect(rows(activity)).toEqual([`ann survey-response ${monday}`]);
    expect(activity.anonymous).toEqual([{ kind: 'survey-response', count: 2 }]);
    expect(rows(surveys.activity(db, OTHER, WEEK.from, WEEK.to))).toEqual([`eve survey-response ${monday}`]);
  });
});

describe('activity() of check-ins', () => {
  it('lists moods and notes of named check-ins per day; anonymous ones only as a count, without the run still open', () => {
    const db = freshDb();
    const named = checkin(db, G, {}, MONDAY);
    const secret = checkin(db, G, { anonymous: true }, MONDAY);
    const foreign = checkin(db, OTHER, {}, MONDAY);
    const monRuns = postRuns(db, MONDAY + 9 * HOUR);
    answerRun(db, G, 'ann', monRuns.get(named)!, MONDAY + 10 * HOUR, { mood: 4 });
    answerRun(db, G, 'bob', monRuns.get(named)!, MONDAY + 10 * HOUR, { note: 'Only a note' });
    for (const who of ['cat', 'dan', 'fay']) answerRun(db, G, who, monRuns.get(secret)!, MONDAY + 10 * HOUR, { mood: 3 });
    answerRun(db, OTHER, 'eve', monRuns.get(foreign)!, MONDAY + 10 * HOUR, { mood: 5 });

    // Monday's anonymous run still takes answers: its three answers are held back.
    expect(checkins.activity(db, G, WEEK.from, WEEK.to).anonymous).toEqual([]);

    const tueRuns = postRuns(db, MONDAY + DAY + 9 * HOUR);
    answerRun(db, G, 'ann', tueRuns.get(named)!, MONDAY + DAY + 10 * HOUR, { mood: 5 });
    answerRun(db, G, 'cat', tueRuns.get(secret)!, MONDAY + DAY + 10 * HOUR, { mood: 2 });

    const activity = checkins.activity(db, G, WEEK.from, WEEK.to);
    expect(rows(activity)).toEqual([`ann checkin-answer ${monday}`, `ann checkin-answer ${tuesday}`, `bob checkin-answer ${monday}`]);
    expect(activity.anonymous).toEqual([{ kind: 'checkin-answer', count: 3 }]); // Monday's; Tuesday's run is the open one now
    expect(JSON.stringify(activity)).not.toMatch(/cat|dan|fay/);
    // Anonymous answers count by day: a window from Monday noon does not see Monday's.
    expect(checkins.activity(db, G, MONDAY + 12 * HOUR, WEEK.to).anonymous).toEqual([]);
    expect(rows(checkins.activity(db, OTHER, WEEK.from, WEEK.to))).toEqual([`eve checkin-answer ${monday}`]);
  });
});

describe('activity() of kudos', () => {
  it('lists givers and recipients per day; removed kudos and other servers do not count', () => {
    const db = freshDb();
    thank(db, G, 'ann', 'bob', MONDAY + HOUR);
    thank(db, G, 'ann', 'cat', MONDAY + 2 * HOUR);
    thank(db, G, 'bob', 'ann', MONDAY + DAY);
    const removed = thank(db, G, 'dan', 'eve', MONDAY + DAY);
    takeDown(db, G, removed, 'lead', MONDAY + DAY + HOUR);
    thank(db, G, 'old', 'ann', MONDAY - HOUR);
    thank(db, OTHER, 'fay', 'gus', MONDAY + HOUR);

    const activity = kudos.activity(db, G, WEEK.from, WEEK.to);
    expect(rows(activity)).toEqual([
      `ann kudos-given ${monday}`,
      `ann kudos-received ${tuesday}`,
      `bob kudos-given ${tuesday}`,
      `bob kudos-received ${monday}`,
      `cat kudos-received ${monday}`,
    ]);
    expect(activity.anonymous).toEqual([]);
    expect(rows(kudos.activity(db, OTHER, WEEK.from, WEEK.to))).toEqual([`fay kudos-given ${monday}`, `gus kudos-received ${monday}`]);
  });
});

describe('the shared activity type', () => {
  it('names UTC days and merges features without repeating a row', () => {
    expect(utcDay(Date.UTC(2026, 2, 2, 23, 59, 59, 999))).toBe('2026-03-02');
    expect(utcDay(Date.UTC(2026, 2, 3))).toBe('2026-03-03');
    const merged = mergeActivity(
      { members: [{ memberId: 'ann', kind: 'poll-vote', day: monday }], anonymous: [{ kind: 'poll-vote', count: 2 }] },
      { members: [{ memberId: 'ann', kind: 'poll-vote', day: monday }, { memberId: 'ann', kind: 'kudos-given', day: monday }], anonymous: [{ kind: 'poll-vote', count: 1 }, { kind: 'checkin-answer', count: 0 }] },
    );
    expect(merged).toEqual({
      members: [
        { memberId: 'ann', kind: 'poll-vote', day: monday },
        { memberId: 'ann', kind: 'kudos-given', day: monday },
      ],
      anonymous: [{ kind: 'poll-vote', count: 3 }],
    });
  });
});

describe('cost', () => {
  const big = ['poll_votes', 'survey_responses', 'survey_answers', 'checkin_answers', 'checkin_runs', 'kudos'];
  const readers = [polls.activity, surveys.activity, checkins.activity, kudos.activity];
  const scansOf = (db: ReturnType<typeof freshDb>) =>
    readers.flatMap((read) => {
      const { statements } = withQueryPlans(db, () => read(db, G, WEEK.from, WEEK.to));
      expect(statements.length).toBeGreaterThan(0);
      return fullScans(statements, big);
    });

  it('reads the window through indexes, whatever the statistics say: no statement scans a table of votes, responses, answers, runs or kudos', () => {
    const db = freshDb();
    db.$client.exec('ANALYZE'); // statistics of empty tables: no index looks selective
    checkin(db, G, { anonymous: true }, MONDAY);
    expect(scansOf(db)).toEqual([]);
    const p = poll(db, G, {}, MONDAY - DAY);
    const s = survey(db, G, {}, MONDAY - DAY);
    const c = checkin(db, G, {}, MONDAY);
    const runs = postRuns(db, MONDAY + 9 * HOUR);
    for (let i = 0; i < 30; i++) {
      vote(db, G, `m${i}`, p, i % 3, MONDAY + i * HOUR);
      respond(db, G, `m${i}`, s, MONDAY + i * HOUR);
      answerRun(db, G, `m${i}`, runs.get(c)!, MONDAY + 10 * HOUR, { mood: 1 + (i % 5) });
      thank(db, G, `m${i}`, `m${(i + 1) % 30}`, MONDAY + i * HOUR);
    }
    db.$client.exec('ANALYZE');
    expect(scansOf(db)).toEqual([]);
  });
});

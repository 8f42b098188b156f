import { describe, expect, it } from 'vitest';
import * as checkins from '../../src/checkins';
import * as kudos from '../../src/kudos';
import * as polls from '../../src/polls';
import * as surveys from '../../src/surveys';
import { setMinResponses } from '../../src/surveys/results';
import { answerRun, checkin, closePollNow, closeSurveyNow, DAY, freshDb, HOUR, MONDAY, poll, postRuns, respond, survey, takeDown, thank, vote } from '../support/community';
import { fullScans, withQueryPlans } from '../support/query-plans';

const G = 'g1';
const OTHER = 'g2';
const WEEK = { from: MONDAY, to: MONDAY + 7 * DAY };

describe('closedPolls()', () => {
  it('lists the polls closed in the window with their voters and whether they were anonymous', () => {
    const db = freshDb();
    const before = poll(db, G, {}, MONDAY - 3 * DAY);
    const named = poll(db, G, {}, MONDAY - 3 * DAY);
    const secret = poll(db, G, { anonymous: true }, MONDAY - 3 * DAY);
    const atEnd = poll(db, G, {}, MONDAY - 3 * DAY);
    poll(db, G, {}, MONDAY - 3 * DAY); // still open
    const elsewhere = poll(db, OTHER, {}, MONDAY - 3 * DAY);
    for (const who of ['ann', 'bob', 'cat']) vote(db, G, who, named, 0, MONDAY - DAY);
    for (const who of ['ann', 'bob']) vote(db, G, who, secret, 1, MONDAY - DAY);
    closePollNow(db, G, before, MONDAY - 1);
    closePollNow(db, G, secret, MONDAY + DAY);
    closePollNow(db, G, named, MONDAY + HOUR);
    closePollNow(db, G, atEnd, WEEK.to);
    closePollNow(db, OTHER, elsewhere, MONDAY + HOUR);

    expect(polls.closedPolls(db, G, WEEK.from, WEEK.to)).toEqual([
      { pollId: named, question: 'Lunch?', channelId: 'polls', anonymous: false, roleId: null, closedAt: MONDAY + HOUR, voters: 3 },
      { pollId: secret, question: 'Lunch?', channelId: 'polls', anonymous: true, roleId: null, closedAt: MONDAY + DAY, voters: 2 },
    ]);
  });
});

describe('closedSurveys()', () => {
  it('counts responses started and completed; an anonymous survey below the minimum hides how many started', () => {
    const db = freshDb();
    const named = survey(db, G, {}, MONDAY - DAY);
    const fewSecret = survey(db, G, { anonymous: true }, MONDAY - DAY);
    const enoughSecret = survey(db, G, { anonymous: true }, MONDAY - DAY);
    const before = survey(db, G, {}, MONDAY - 2 * DAY);
    survey(db, G, {}, MONDAY - DAY); // still open
    const elsewhere = survey(db, OTHER, {}, MONDAY - DAY);
    const at = MONDAY - HOUR;
    for (const who of ['ann', 'bob']) respond(db, G, who, named, at);
    respond(db, G, 'cat', named, at, { submit: false });
    for (const who of ['ann', 'bob']) respond(db, G, who, fewSecret, at);
    respond(db, G, 'cat', fewSecret, at, { submit: false });
    for (const who of ['ann', 'bob', 'cat']) respond(db, G, who, enoughSecret, at);
    respond(db, G, 'dan', enoughSecret, at, { submit: false });
    respond(db, OTHER, 'eve', elsewhere, at);
    closeSurveyNow(db, G, before, MONDAY - 1);
    closeSurveyNow(db, G, named, MONDAY + HOUR);
    closeSurveyNow(db, G, fewSecret, MONDAY + 2 * HOUR);
    closeSurveyNow(db, G, enoughSecret, MONDAY + 3 * HOUR);
    closeSurveyNow(db, OTHER, elsewhere, MONDAY + HOUR);

    const title = 'How are we doing?';
    expect(surveys.closedSurveys(db, G, WEEK.from, WEEK.to)).toEqual([
      { surveyId: named, title, channelId: 'surveys', anonymous: false, closedAt: MONDAY + HOUR, completed: 2, started: 3 },
      { surveyId: fewSecret, title, channelId: 'surveys', anonymous: true, closedAt: MONDAY + 2 * HOUR, completed: 2, started: null },
      { surveyId: enoughSecret, title, channelId: 'surveys', anonymous: true, closedAt: MONDAY + 3 * HOUR, completed: 3, started: 4 },
    ]);
    // The server's own minimum decides, as for the survey's results.
    setMinResponses(db, G, 4);
    expect(surveys.closedSurveys(db, G, WEEK.from, WEEK.to)[2]).toMatchObject({ completed: 3, started: null });
  });
});

describe('runSummaries()', () => {
  it('gives each run its answers, average and distribution; anonymous runs only from 3 moods and once the next run is posted', () => {
    const db = freshDb();
    const named = checkin(db, G);
    const secret = checkin(db, G, { anonymous: true });
    const elsewhere = checkin(db, OTHER);
    const mon = postRuns(db, MONDAY + 9 * HOUR);
    const later = MONDAY + 10 * HOUR;
    answerRun(db, G, 'ann', mon.get(named)!, later, { mood: 5 });
    answerRun(db, G, 'bob', mon.get(named)!, later, { mood: 4 });
    answerRun(db, G, 'cat', mon.get(named)!, later, { mood: 4 });
    answerRun(db, G, 'dan', mon.get(named)!, later, { note: 'A note, no mood' });
    for (const [who, mood] of [['ann', 2], ['bob', 3], ['cat', 3]] as const) answerRun(db, G, who, mon.get(secret)!, later, { mood });
    answerRun(db, OTHER, 'eve', mon.get(elsewhere)!, later, { mood: 1 });
    const tue = postRuns(db, MONDAY + DAY + 9 * HOUR);
    for (const who of ['ann', 'bob']) answerRun(db, G, who, tue.get(secret)!, later + DAY, { mood: 5 });
    const wed = postRuns(db, MONDAY + 2 * DAY + 9 * HOUR);
    for (const who of ['ann', 'bob', 'cat']) answerRun(db, G, who, wed.get(secret)!, later + 2 * DAY, { mood: 4 });

    const place = (runs: Map<number, number>, scheduleId: number, day: number) => ({
      runId: runs.get(scheduleId)!,
      scheduleId,
      scheduleName: 'How are you?',
      channelId: 'checkins',
      anonymous: scheduleId === secret,
      scheduledFor: MONDAY + day * DAY + 9 * HOUR,
      manual: false,
    });
    const hidden = { hidden: true, answered: null, average: null, distribution: null };
    expect(checkins.runSummaries(db, G, MONDAY, MONDAY + 3 * DAY)).toEqual([
      { ...place(mon, named, 0), hidden: false, answered: 3, average: 13 / 3, distribution: [0, 0, 0, 2, 1] },
      { ...place(mon, secret, 0), hidden: false, answered: 3, average: 8 / 3, distribution: [0, 1, 2, 0, 0] },
      { ...place(tue, named, 1), hidden: false, answered: 0, average: null, distribution: [0, 0, 0, 0, 0] },
      { ...place(tue, secret, 1), ...hidden }, // 2 moods
      { ...place(wed, named, 2), hidden: false, answered: 0, average: null, distribution: [0, 0, 0, 0, 0] },
      { ...place(wed, secret, 2), ...hidden }, // 3 moods, but it still takes answers
    ]);
    expect(checkins.runSummaries(db, G, MONDAY + DAY, MONDAY + 2 * DAY).map((r) => r.runId)).toEqual([tue.get(named), tue.get(secret)]);
  });
});

describe('kudosSummary()', () => {
  it('counts kudos, givers, recipients and the values given most; removed kudos do not count', () => {
    const db = freshDb();
    thank(db, G, 'ann', 'bob', MONDAY + HOUR, 'Kindness');
    thank(db, G, 'ann', 'cat', MONDAY + 2 * HOUR, 'Kindness');
    thank(db, G, 'bob', 'cat', MONDAY + 3 * HOUR, 'Wisdom');
    thank(db, G, 'cat', 'ann', MONDAY + 4 * HOUR, 'Teaching');
    takeDown(db, G, thank(db, G, 'dan', 'eve', MONDAY + 5 * HOUR, 'Kindness'), 'lead', MONDAY + 6 * HOUR);
    thank(db, G, 'old', 'ann', MONDAY - 1, 'Kindness');
    thank(db, OTHER, 'fay', 'gus', MONDAY + HOUR, 'Kindness');

    expect(kudos.kudosSummary(db, G, WEEK.from, WEEK.to)).toEqual({
      given: 4,
      givers: 3,
      recipients: 3,
      topValues: [
        { value: 'Kindness', count: 2 },
        { value: 'Teaching', count: 1 },
        { value: 'Wisdom', count: 1 },
      ],
    });
    expect(kudos.kudosSummary(db, G, WEEK.from, WEEK.to, 1).topValues).toEqual([{ value: 'Kindness', count: 2 }]);
    expect(kudos.kudosSummary(db, G, WEEK.to, WEEK.to + DAY)).toEqual({ given: 0, givers: 0, recipients: 0, topValues: [] });
  });
});

describe('cost', () => {
  it('reads no table of polls, surveys, votes, responses, answers, runs or kudos whole, and only the closed polls and surveys of the window', () => {
    const db = freshDb();
    for (let i = 0; i < 30; i++) {
      const p = poll(db, G, {}, MONDAY - 40 * DAY);
      vote(db, G, `v${i}`, p, 0, MONDAY - 40 * DAY);
      closePollNow(db, G, p, MONDAY - 30 * DAY + i); // closed long before the window
    }
    const inWindow = poll(db, G, {}, MONDAY - DAY);
    vote(db, G, 'v', inWindow, 1, MONDAY - DAY);
    closePollNow(db, G, inWindow, MONDAY + HOUR);
    const s = survey(db, G, {}, MONDAY - DAY);
    const c = checkin(db, G, { anonymous: true });
    const runs = postRuns(db, MONDAY + 9 * HOUR);
    for (let i = 0; i < 20; i++) {
      respond(db, G, `m${i}`, s, MONDAY + i * HOUR);
      answerRun(db, G, `m${i}`, runs.get(c)!, MONDAY + 10 * HOUR, { mood: 1 + (i % 5) });
      thank(db, G, `m${i}`, `m${(i + 1) % 20}`, MONDAY + i * HOUR);
    }
    closeSurveyNow(db, G, s, MONDAY + DAY);
    db.$client.exec('ANALYZE');
    const big = ['polls', 'surveys', 'poll_votes', 'survey_responses', 'survey_answers', 'checkin_answers', 'checkin_runs', 'kudos'];
    for (const read of [polls.closedPolls, surveys.closedSurveys, checkins.runSummaries, kudos.kudosSummary]) {
      const { statements } = withQueryPlans(db, () => read(db, G, WEEK.from, WEEK.to));
      expect(statements.length, read.name).toBeGreaterThan(0);
      expect(fullScans(statements, big)).toEqual([]);
    }
    // The closed ones of the window, by the index on (guild, status, closed_at): not every closed one ever.
    const plan = (read: (db: ReturnType<typeof freshDb>, guildId: string, from: number, to: number) => unknown) => withQueryPlans(db, () => read(db, G, WEEK.from, WEEK.to)).statements.flatMap((s) => s.plan).join('\n');
    expect(plan(polls.closedPolls)).toMatch(/polls_guild_closed \(guild_id=\? AND status=\? AND closed_at>\? AND closed_at<\?\)|polls_guild_closed \(guild_id=\? AND status=\? AND closed_at>=\? AND closed_at<\?\)/);
    expect(plan(surveys.closedSurveys)).toMatch(/surveys_guild_closed/);
    expect(polls.closedPolls(db, G, WEEK.from, WEEK.to).map((p) => p.pollId)).toContain(inWindow);
  });
});

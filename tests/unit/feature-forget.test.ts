import { describe, expect, it } from 'vitest';
import { anonymousKey } from '../../src/anonymity';
import type { Db } from '../../src/db/open';
import { writeTx } from '../../src/db/write-tx';
import { isMemberId, limitKey, NO_MEMBER, type FollowUp } from '../../src/member-data';
import { UserError } from '../../src/user-error';
import { WHOLE_SERVER } from '../../src/visibility';
import * as checkins from '../../src/checkins';
import * as kudos from '../../src/kudos';
import * as polls from '../../src/polls';
import * as settings from '../../src/settings';
import * as surveys from '../../src/surveys';
import { findPollById, retractVote } from '../../src/polls/service';
import { skipRunOn } from '../../src/checkins/scheduling';
import { streaksOf } from '../../src/checkins/streaks';
import { surveyResults } from '../../src/surveys/results';
import { answerRun, checkin, closePollNow, closeSurveyNow, DAY, freshDb, HOUR, MONDAY, poll, postRuns, respond, rowsOf, survey, takeDown, thank, vote } from '../support/community';

const G = 'g1';
const OTHER = 'g2';

const forget = (db: Db, forgetMember: typeof polls.forgetMember, guildId: string, memberId: string, now = MONDAY + 30 * DAY) => writeTx(db, (tx) => forgetMember(tx, guildId, memberId, now));

const sortedFollowUps = (followUps: FollowUp[]) => followUps.map((f) => JSON.stringify(f)).sort();

// ------------------------------------------------------------------ polls

/** A poll's kept counts (votes per choice, voters) and the same counted from its rows. */
function pollCounts(db: Db, pollId: number) {
  const kept = {
    choices: (db.$client.prepare('SELECT votes FROM poll_choices WHERE poll_id = ? ORDER BY position').all(pollId) as { votes: number }[]).map((r) => r.votes),
    voters: (db.$client.prepare('SELECT voters FROM polls WHERE id = ?').get(pollId) as { voters: number }).voters,
  };
  const perChoice = db.$client.prepare('SELECT choice, count(*) AS n FROM poll_votes WHERE poll_id = ? GROUP BY choice').all(pollId) as { choice: number; n: number }[];
  const rows = {
    choices: kept.choices.map((_, position) => perChoice.find((c) => c.choice === position)?.n ?? 0),
    voters: (db.$client.prepare('SELECT count(DISTINCT voter) AS n FROM poll_votes WHERE poll_id = ?').get(pollId) as { n: number }).n,
  };
  return { kept, rows };
}

const allVotes = (db: Db) => db.$client.prepare('SELECT poll_id, voter, choice, voted_at FROM poll_votes').all() as { poll_id: number; voter: string; choice: number; voted_at: number }[];
const asLines = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('forgetMember() of polls', () => {
  it("removes the member's votes in this server: open polls' counts go down, closed polls keep their totals, anonymous votes are only unlinked", () => {
    const db = freshDb();
    const openNamed = poll(db, G);
    const openMulti = poll(db, G, { multi: true });
    const openSecret = poll(db, G, { anonymous: true });
    const closedNamed = poll(db, G);
    const closedSecret = poll(db, G, { anonymous: true });
    const theirs = poll(db, G, { creator: 'ann' });
    const elsewhere = poll(db, OTHER);
    const at = MONDAY + HOUR;
    for (const who of ['ann', 'bob']) {
      vote(db, G, who, openNamed, 0, at);
      vote(db, G, who, openMulti, 0, at);
      vote(db, G, who, openMulti, 2, at);
      vote(db, G, who, openSecret, 1, at);
      vote(db, G, who, closedNamed, 1, at);
      vote(db, G, who, closedSecret, 2, at);
      vote(db, G, who, theirs, who === 'ann' ? 0 : 1, at);
    }
    vote(db, OTHER, 'ann', elsewhere, 0, at);
    closePollNow(db, G, closedNamed, at + HOUR);
    closePollNow(db, G, closedSecret, at + HOUR);

    const annSecretKey = anonymousKey(findPollById(db, openSecret)!.voterSecret!, 'ann');
    const notSecret = (rows: ReturnType<typeof allVotes>) => rows.filter((v) => v.poll_id !== openSecret);
    const expectedLeft = notSecret(allVotes(db)).filter((v) => !(v.poll_id !== elsewhere && v.voter === 'ann'));
    const secretBefore = allVotes(db).filter((v) => v.poll_id === openSecret);
    const secretCounts = pollCounts(db, openSecret);

    const outcome = forget(db, polls.forgetMember, G, 'ann');
    expect(outcome.removed).toEqual({ votes: 1 + 2 + 1 + 1 }); // nothing says ann voted in the anonymous poll
    expect(outcome.kept).toEqual({ pollsCreated: 1 });
    expect(sortedFollowUps(outcome.followUps)).toEqual(sortedFollowUps([openNamed, openMulti, theirs].map((pollId) => ({ kind: 'refresh-poll', guildId: G, pollId }))));
    expect(asLines(notSecret(allVotes(db)))).toEqual(asLines(expectedLeft));
    // The anonymous poll: the same votes, still counted, but ann's key is gone (a count going down would show her choice).
    const secretAfter = allVotes(db).filter((v) => v.poll_id === openSecret);
    expect(secretAfter.map((v) => v.choice).sort()).toEqual(secretBefore.map((v) => v.choice).sort());
    expect(secretAfter.some((v) => v.voter === annSecretKey)).toBe(false);
    expect(secretBefore.some((v) => v.voter === annSecretKey)).toBe(true);
    expect(pollCounts(db, openSecret)).toEqual(secretCounts);
    // While the poll is open she cannot vote again: her vote already counts, under nobody's name.
    expect(() => vote(db, G, 'ann', openSecret, 0, at + 2 * HOUR)).toThrow('you cannot answer it again');
    expect(pollCounts(db, openSecret)).toEqual(secretCounts);

    expect(pollCounts(db, openNamed).kept).toEqual({ choices: [1, 0, 0], voters: 1 });
    expect(pollCounts(db, openMulti).kept).toEqual({ choices: [1, 0, 1], voters: 1 });
    expect(pollCounts(db, theirs).kept).toEqual({ choices: [0, 1, 0], voters: 1 });
    for (const id of [openNamed, openMulti, openSecret, theirs]) expect(pollCounts(db, id).kept).toEqual(pollCounts(db, id).rows);
    // Closed: the history stays. The named vote row is gone, the anonymous one cannot be found.
    expect(pollCounts(db, closedNamed)).toEqual({ kept: { choices: [0, 2, 0], voters: 2 }, rows: { choices: [0, 1, 0], voters: 1 } });
    expect(pollCounts(db, closedSecret)).toEqual({ kept: { choices: [0, 0, 2], voters: 2 }, rows: { choices: [0, 0, 2], voters: 2 } });
    expect(pollCounts(db, elsewhere).kept).toEqual({ choices: [1, 0, 0], voters: 1 });

    // The poll she created stays with everyone's votes, no longer linked to her; while it is open it
    // counts toward her limit of open polls under a one-way key, which goes when it closes.
    expect(findPollById(db, theirs)).toMatchObject({ creatorId: limitKey(G, 'ann'), status: 'open' });
    expect(isMemberId(findPollById(db, theirs)!.creatorId)).toBe(false);
    // A second time there is nothing left to remove, and nothing of hers left to keep.
    expect(forget(db, polls.forgetMember, G, 'ann')).toEqual({ removed: { votes: 0 }, kept: { pollsCreated: 0 }, followUps: [] });
    closePollNow(db, G, theirs, at + 3 * HOUR);
    expect(findPollById(db, theirs)).toMatchObject({ creatorId: NO_MEMBER, status: 'closed' });
  });

  it('keeps every kept count equal to the rows through random votes, closes and forgets, and touches no one else', () => {
    const db = freshDb();
    let seed = 11;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const all: { id: number; guildId: string }[] = [];
    for (const guildId of [G, OTHER]) {
      for (const anonymous of [false, true]) for (const multi of [false, true]) for (let copy = 0; copy < 2; copy++) all.push({ id: poll(db, guildId, { anonymous, multi }), guildId });
    }
    const keptOf = (id: number) => JSON.stringify(pollCounts(db, id).kept);
    const closedTotals = new Map<number, string>();
    const keyOf = (pollId: number, memberId: string) => {
      const p = findPollById(db, pollId)!;
      if (!p.anonymous) return memberId;
      return p.voterSecret ? anonymousKey(p.voterSecret, memberId) : null;
    };
    const expectOpenCountsTrue = () => {
      for (const { id } of all) if (!closedTotals.has(id)) expect(pollCounts(db, id).kept, `poll ${id}`).toEqual(pollCounts(db, id).rows);
    };

    let now = MONDAY;
    let forgets = 0;
    let removedSomething = 0;
    for (let step = 0; step < 1500; step++) {
      now += 1000;
      const target = all[random(all.length)]!;
      const memberId = `m${random(20)}`;
      const roll = random(100);
      if (roll < 2) {
        if (!closedTotals.has(target.id)) {
          closePollNow(db, target.guildId, target.id, now);
          closedTotals.set(target.id, keptOf(target.id));
        }
      } else if (roll < 6) {
        const guildId = [G, OTHER][random(2)]!;
        const theirs = all.filter((p) => p.guildId === guildId).map((p) => ({ id: p.id, key: keyOf(p.id, memberId), anonymous: findPollById(db, p.id)!.anonymous }));
        const before = allVotes(db);
        // Named votes go; anonymous ones stay, under a key that is no longer theirs.
        const expectedLeft = before.filter((v) => !theirs.some((t) => !t.anonymous && t.id === v.poll_id && t.key === v.voter));
        const anonymousIds = new Set(theirs.filter((t) => t.anonymous).map((t) => t.id));
        const comparable = (rows: ReturnType<typeof allVotes>) => rows.map((v) => (anonymousIds.has(v.poll_id) ? { ...v, voter: '?' } : v));
        const untouched = all.filter((p) => p.guildId !== guildId || closedTotals.has(p.id)).map((p) => [p.id, keptOf(p.id)]);
        const outcome = forget(db, polls.forgetMember, guildId, memberId);
        forgets += 1;
        removedSomething += outcome.removed.votes! > 0 ? 1 : 0;
        expect(outcome.removed.votes!).toBe(before.length - expectedLeft.length);
        expect(asLines(comparable(allVotes(db)))).toEqual(asLines(comparable(expectedLeft)));
        for (const t of theirs) if (t.anonymous && t.key) expect(allVotes(db).some((v) => v.poll_id === t.id && v.voter === t.key)).toBe(false);
        expect(untouched.map(([id]) => [id, keptOf(id as number)])).toEqual(untouched);
        expectOpenCountsTrue();
      } else {
        try {
          if (roll < 20) retractVote(db, { guildId: target.guildId, memberId, roleIds: [], sees: WHOLE_SERVER }, target.id, now);
          else vote(db, target.guildId, memberId, target.id, random(3), now);
        } catch (error) {
          if (!(error instanceof UserError)) throw error; // closed poll: refused like for a member
        }
      }
    }
    expect(forgets).toBeGreaterThan(30);
    expect(removedSomething).toBeGreaterThan(10);
    expect(closedTotals.size).toBeGreaterThan(5);
    expectOpenCountsTrue();
    for (const [id, totals] of closedTotals) expect(keptOf(id), `closed poll ${id}`).toBe(totals);
  });
});

// ------------------------------------------------------------------ surveys

const surveyRows = (db: Db, guildId: string) => [
  ...rowsOf(db, 'SELECT * FROM survey_responses WHERE guild_id = ?', guildId),
  ...rowsOf(db, 'SELECT a.* FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.guild_id = ?', guildId),
];
const keptResponses = (db: Db, surveyId: number) => (db.$client.prepare('SELECT responses FROM surveys WHERE id = ?').get(surveyId) as { responses: number }).responses;
const submittedRows = (db: Db, surveyId: number) => (db.$client.prepare('SELECT count(*) AS n FROM survey_responses WHERE survey_id = ? AND submitted_at IS NOT NULL').get(surveyId) as { n: number }).n;

describe('forgetMember() of surveys', () => {
  it("removes the member's responses and answers in this server, keeping each survey's count equal to its rows", () => {
    const db = freshDb();
    const openNamed = survey(db, G);
    const closedNamed = survey(db, G);
    const unfinished = survey(db, G);
    const openSecret = survey(db, G, { anonymous: true });
    const closedSecret = survey(db, G, { anonymous: true });
    const theirs = survey(db, G, { creator: 'ann' });
    const elsewhere = survey(db, OTHER);
    const at = MONDAY + HOUR;
    for (const who of ['ann', 'bob']) {
      for (const id of [openNamed, closedNamed, openSecret, closedSecret, theirs]) respond(db, G, who, id, at);
      respond(db, G, who, unfinished, at, { submit: who !== 'ann' });
    }
    respond(db, OTHER, 'ann', elsewhere, at);
    closeSurveyNow(db, G, closedNamed, at + HOUR);
    closeSurveyNow(db, G, closedSecret, at + HOUR);
    const otherServer = surveyRows(db, OTHER);
    const bobs = rowsOf(db, "SELECT * FROM survey_responses WHERE respondent = 'bob'");

    const outcome = forget(db, surveys.forgetMember, G, 'ann');
    expect(outcome.removed).toEqual({ responses: 4, answers: 4 * 3 }); // the anonymous response is unlinked, not counted here
    expect(outcome.kept).toEqual({ surveysCreated: 1 });
    expect(sortedFollowUps(outcome.followUps)).toEqual(
      sortedFollowUps([openNamed, closedNamed, theirs].map((surveyId) => ({ kind: 'refresh-survey-card', guildId: G, surveyId }))),
    );
    expect(rowsOf(db, "SELECT * FROM survey_responses WHERE respondent = 'ann' AND guild_id = ?", G)).toEqual([]);
    expect(rowsOf(db, 'SELECT * FROM survey_answers WHERE response_id NOT IN (SELECT id FROM survey_responses)')).toEqual([]);
    for (const id of [openNamed, closedNamed, unfinished, theirs]) expect([id, keptResponses(db, id)]).toEqual([id, 1]);
    expect(keptResponses(db, openSecret)).toBe(2); // still counted: the count going down would show which answers were hers
    // Her written answer is her own words and goes; her scale and choice stay counted.
    expect(db.$client.prepare('SELECT count(*) AS n FROM survey_answers WHERE survey_id = ? AND text IS NOT NULL').get(openSecret)).toEqual({ n: 1 });
    expect(db.$client.prepare('SELECT count(*) AS n FROM survey_answers WHERE survey_id = ? AND text IS NULL').get(openSecret)).toEqual({ n: 4 });
    expect(keptResponses(db, closedSecret)).toBe(2); // the anonymous response of a closed survey cannot be found
    for (const id of [openNamed, closedNamed, unfinished, openSecret, closedSecret, theirs]) expect(keptResponses(db, id)).toBe(submittedRows(db, id));
    expect(surveyResults(db, G, openNamed)).toMatchObject({ started: 1, submitted: 1 });
    expect(rowsOf(db, "SELECT * FROM survey_responses WHERE respondent = 'bob'")).toEqual(bobs);
    expect(surveyRows(db, OTHER)).toEqual(otherServer);
    expect(rowsOf(db, "SELECT id FROM surveys WHERE creator_id = 'ann' AND guild_id = ?", G)).toEqual([]);
    expect(rowsOf(db, 'SELECT id FROM surveys WHERE creator_id = ?', NO_MEMBER)).toEqual([JSON.stringify({ id: theirs })]);
  });
});

// ------------------------------------------------------------------ check-ins

describe('forgetMember() of check-ins', () => {
  it("removes the member's answers and notes in this server and unlinks those in anonymous check-ins, and with them their streaks", () => {
    const db = freshDb();
    const named = checkin(db, G, { creator: 'ann' });
    const secret = checkin(db, G, { anonymous: true });
    const elsewhere = checkin(db, OTHER);
    const monday = postRuns(db, MONDAY + 9 * HOUR);
    answerRun(db, G, 'ann', monday.get(named)!, MONDAY + 10 * HOUR, { mood: 4, note: 'Busy week' });
    answerRun(db, G, 'ann', monday.get(secret)!, MONDAY + 10 * HOUR, { mood: 2, note: 'My own words' });
    answerRun(db, G, 'bob', monday.get(named)!, MONDAY + 10 * HOUR, { mood: 5 });
    answerRun(db, G, 'bob', monday.get(secret)!, MONDAY + 10 * HOUR, { note: 'Only words' });
    answerRun(db, OTHER, 'ann', monday.get(elsewhere)!, MONDAY + 10 * HOUR, { mood: 3 });
    const tuesday = postRuns(db, MONDAY + DAY + 9 * HOUR);
    answerRun(db, G, 'ann', tuesday.get(named)!, MONDAY + DAY + 10 * HOUR, { mood: 5 });
    skipRunOn(db, G, named, '2026-03-10', 'ann', MONDAY + DAY + 11 * HOUR);
    expect(streaksOf(db, G, 'ann', { self: true, sees: WHOLE_SERVER }).streaks).toHaveLength(2);
    const bobs = rowsOf(db, "SELECT * FROM checkin_answers WHERE member_id = 'bob'");
    const otherServer = rowsOf(db, 'SELECT * FROM checkin_answers WHERE guild_id = ?', OTHER);

    const outcome = forget(db, checkins.forgetMember, G, 'ann');
    expect(outcome).toEqual({ removed: { answers: 2, moods: 2, notes: 1, subscriptions: 0 }, kept: { schedulesCreated: 1, datesSkipped: 1 }, followUps: [] });
    expect(rowsOf(db, "SELECT * FROM checkin_answers WHERE member_id = 'ann' AND guild_id = ?", G)).toEqual([]);
    // The anonymous run still has both its answers (a mood vanishing would show which was hers).
    expect(db.$client.prepare('SELECT mood, note FROM checkin_answers WHERE schedule_id = ? ORDER BY mood').all(secret)).toEqual([{ mood: null, note: 'Only words' }, { mood: 2, note: null }]);
    expect(streaksOf(db, G, 'ann', { self: true, sees: WHOLE_SERVER }).streaks).toEqual([]);
    expect(rowsOf(db, "SELECT * FROM checkin_answers WHERE member_id = 'bob'")).toEqual(bobs);
    // Her schedule and skipped date stay for the server, no longer naming her.
    expect(rowsOf(db, "SELECT id FROM checkin_schedules WHERE created_by = 'ann'")).toEqual([]);
    expect(rowsOf(db, "SELECT schedule_id FROM checkin_skips WHERE created_by = 'ann'")).toEqual([]);
    expect(rowsOf(db, 'SELECT id FROM checkin_schedules WHERE created_by = ?', NO_MEMBER)).toEqual([JSON.stringify({ id: named })]);
    expect(rowsOf(db, 'SELECT * FROM checkin_answers WHERE guild_id = ?', OTHER)).toEqual(otherServer);
  });
});

// ------------------------------------------------------------------ kudos

describe('forgetMember() of kudos', () => {
  it('removes the kudos the member gave and received in this server and asks for their shout-outs to go', () => {
    const db = freshDb();
    const given = thank(db, G, 'ann', 'bob', MONDAY + HOUR);
    const received = thank(db, G, 'cat', 'ann', MONDAY + 2 * HOUR);
    const receivedThenRemoved = thank(db, G, 'dan', 'ann', MONDAY + 3 * HOUR);
    takeDown(db, G, receivedThenRemoved, 'lead', MONDAY + 4 * HOUR);
    const removedByAnn = thank(db, G, 'bob', 'cat', MONDAY + 5 * HOUR);
    takeDown(db, G, removedByAnn, 'ann', MONDAY + 6 * HOUR);
    const unrelated = thank(db, G, 'cat', 'bob', MONDAY + 7 * HOUR);
    thank(db, OTHER, 'ann', 'bob', MONDAY + HOUR);
    const otherServer = rowsOf(db, 'SELECT * FROM kudos WHERE guild_id = ?', OTHER);

    const outcome = forget(db, kudos.forgetMember, G, 'ann');
    expect(outcome.removed).toEqual({ given: 1, received: 2 });
    expect(outcome.kept).toEqual({ removedAsLeader: 1 });
    expect(sortedFollowUps(outcome.followUps)).toEqual(
      sortedFollowUps([given, received, receivedThenRemoved].map((id) => ({ kind: 'delete-message', guildId: G, channelId: 'wall', messageId: `shout-out-${id}` }))),
    );
    const left = db.$client.prepare('SELECT id FROM kudos WHERE guild_id = ? ORDER BY id').all(G) as { id: number }[];
    expect(left.map((k) => k.id)).toEqual([removedByAnn, unrelated]);
    // The takedown stays on record, no longer saying who did it.
    expect(rowsOf(db, 'SELECT id, removed_by FROM kudos WHERE id = ?', removedByAnn)).toEqual([JSON.stringify({ id: removedByAnn, removed_by: NO_MEMBER })]);
    expect(rowsOf(db, 'SELECT * FROM kudos WHERE guild_id = ?', OTHER)).toEqual(otherServer);
  });
});

describe('forgetMember() of settings', () => {
  it('has nothing to remove: no setting is kept per member', () => {
    const db = freshDb();
    expect(forget(db, settings.forgetMember, G, 'ann')).toEqual({ removed: {}, kept: {}, followUps: [] });
  });
});

import { WHOLE_SERVER } from '../../src/visibility';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/open';
import { writeTx } from '../../src/db/write-tx';
import { isMemberId, type RetentionBatch, type ServerBatch } from '../../src/member-data';
import type { Tx } from '../../src/db/write-tx';
import * as checkins from '../../src/checkins';
import * as kudos from '../../src/kudos';
import { FEATURES } from '../../src/privacy/features';
import * as polls from '../../src/polls';
import * as settings from '../../src/settings';
import * as surveys from '../../src/surveys';
import { results, findPollById } from '../../src/polls/service';
import { surveyResults } from '../../src/surveys/results';
import { streaksOf } from '../../src/checkins/streaks';
import { leaderboard } from '../../src/kudos/standings';
import { answerRun, checkin, closePollNow, closeSurveyNow, DAY, featureRowsOf as serverRows, freshDb, HOUR, MONDAY, poll, postRuns, respond, rowsOf, survey, thank, vote } from '../support/community';

const G = 'g1';
const OTHER = 'g2';
const CUTOFF = MONDAY + 10 * DAY;
const LATER = MONDAY + 20 * DAY;

/** Runs a feature's retention in batches of `limit` until it says there is no more; the summed counts and the number of batches. */
function drain(db: Db, applyRetention: (tx: Tx, guildId: string, before: number, limit: number) => RetentionBatch, limit = 2, guildId = G) {
  const total: Record<string, number> = {};
  let batches = 0;
  for (let more = true; more; ) {
    const batch = writeTx(db, (tx) => applyRetention(tx, guildId, CUTOFF, limit));
    for (const [kind, n] of Object.entries(batch.changed)) total[kind] = (total[kind] ?? 0) + n;
    more = batch.more;
    batches += 1;
    expect(batches).toBeLessThan(100);
  }
  return { total, batches };
}

describe('applyRetention() of polls', () => {
  it("removes old named votes of closed polls in batches, keeping every total; open and anonymous polls and other servers stay", () => {
    const db = freshDb();
    const closedOld = poll(db, G);
    const straddling = poll(db, G);
    const open = poll(db, G);
    const secret = poll(db, G, { anonymous: true });
    const elsewhere = poll(db, OTHER);
    for (const who of ['ann', 'bob', 'cat']) {
      vote(db, G, who, closedOld, 1, MONDAY + HOUR);
      vote(db, G, who, open, 0, MONDAY + HOUR);
      vote(db, G, who, secret, 2, MONDAY + HOUR);
      vote(db, OTHER, who, elsewhere, 0, MONDAY + HOUR);
    }
    vote(db, G, 'ann', straddling, 0, MONDAY + HOUR);
    vote(db, G, 'bob', straddling, 2, LATER);
    for (const id of [closedOld, secret]) closePollNow(db, G, id, MONDAY + DAY);
    closePollNow(db, G, straddling, LATER + HOUR);
    closePollNow(db, OTHER, elsewhere, MONDAY + DAY);
    const totals = () => [closedOld, straddling, open, secret].map((id) => results(db, findPollById(db, id)!)).map((r) => ({ voters: r.voters, counts: r.choices.map((c) => c.count) }));
    const before = totals();
    const untouched = [rowsOf(db, 'SELECT * FROM poll_votes WHERE poll_id IN (?, ?, ?)', open, secret, elsewhere)];

    const { total, batches } = drain(db, polls.applyRetention);
    expect(total).toEqual({ votes: 4 });
    expect(batches).toBe(3); // 2 + 2 + an empty one
    expect(totals()).toEqual(before);
    expect(rowsOf(db, 'SELECT voter FROM poll_votes WHERE poll_id IN (?, ?)', closedOld, straddling)).toEqual([JSON.stringify({ voter: 'bob' })]);
    expect([rowsOf(db, 'SELECT * FROM poll_votes WHERE poll_id IN (?, ?, ?)', open, secret, elsewhere)]).toEqual(untouched);
    expect(polls.memberData(db, G, 'ann').votes.map((v) => v.pollId)).toEqual([open]);
    expect(drain(db, polls.applyRetention).total).toEqual({ votes: 0 });
  });
});

describe('applyRetention() of surveys', () => {
  it("removes old written answers of closed surveys and links their responses to no one, keeping every count", () => {
    const db = freshDb();
    const closedOld = survey(db, G);
    const open = survey(db, G);
    const closedNew = survey(db, G, {}, CUTOFF + HOUR);
    const elsewhere = survey(db, OTHER);
    for (const who of ['ann', 'bob', 'cat']) {
      respond(db, G, who, closedOld, MONDAY + HOUR, { text: `Words of ${who}`, submit: who !== 'cat' });
      respond(db, G, who, open, MONDAY + HOUR, { text: `Open words of ${who}` });
      respond(db, G, who, closedNew, LATER, { text: `New words of ${who}` });
      respond(db, OTHER, who, elsewhere, MONDAY + HOUR);
    }
    for (const id of [closedOld, closedNew]) closeSurveyNow(db, G, id, LATER + HOUR);
    closeSurveyNow(db, OTHER, elsewhere, LATER + HOUR);
    const summary = (id: number) => {
      const r = surveyResults(db, G, id);
      return { started: r.started, submitted: r.submitted, answered: r.questions.map((q) => q.answered), responses: r.survey.responses };
    };
    const [oldBefore, openBefore, newBefore] = [closedOld, open, closedNew].map(summary);
    const untouched = rowsOf(db, 'SELECT * FROM survey_responses WHERE survey_id <> ?', closedOld);

    const { total } = drain(db, surveys.applyRetention);
    expect(total).toEqual({ responses: 3, texts: 3 });
    const after = summary(closedOld);
    expect(after).toEqual({ ...oldBefore!, answered: [oldBefore!.answered[0], oldBefore!.answered[1], 0] }); // the written answers are gone, nothing else
    expect(summary(open)).toEqual(openBefore);
    expect(summary(closedNew)).toEqual(newBefore);
    const respondents = rowsOf(db, 'SELECT respondent FROM survey_responses WHERE survey_id = ?', closedOld).map((r) => JSON.parse(r).respondent as string);
    expect(respondents.some(isMemberId)).toBe(false);
    expect(rowsOf(db, 'SELECT * FROM survey_responses WHERE survey_id <> ?', closedOld)).toEqual(untouched);
    expect(surveys.memberData(db, G, 'ann').responses.map((r) => r.surveyId).sort()).toEqual([open, closedNew].sort());
    expect(surveys.activity(db, G, MONDAY, MONDAY + DAY).members.map((m) => m.memberId).sort()).toEqual(['ann', 'bob', 'cat']); // the open survey's
    expect(drain(db, surveys.applyRetention).total).toEqual({ responses: 0, texts: 0 });
  });
});

describe('applyRetention() of check-ins', () => {
  it('removes old notes and links old answers to no one, keeping every mood: reports read the same, streaks start after the limit', () => {
    const db = freshDb();
    const named = checkin(db, G);
    const secret = checkin(db, G, { anonymous: true });
    const elsewhere = checkin(db, OTHER);
    const first = postRuns(db, MONDAY + 9 * HOUR);
    for (const [i, who] of ['ann', 'bob'].entries()) {
      answerRun(db, G, who, first.get(named)!, MONDAY + 10 * HOUR, { mood: 4 + i, note: `Old note of ${who}` });
      answerRun(db, G, who, first.get(secret)!, MONDAY + 10 * HOUR, { mood: 2 + i });
      answerRun(db, OTHER, who, first.get(elsewhere)!, MONDAY + 10 * HOUR, { mood: 3, note: 'Elsewhere' });
    }
    const late = postRuns(db, LATER + 9 * HOUR);
    answerRun(db, G, 'ann', late.get(named)!, LATER + 10 * HOUR, { mood: 5, note: 'A new note' });
    const reports = () => checkins.runSummaries(db, G, MONDAY, LATER + DAY);
    const reportsBefore = reports();
    const otherServer = rowsOf(db, 'SELECT * FROM checkin_answers WHERE guild_id = ?', OTHER);

    const { total } = drain(db, checkins.applyRetention);
    expect(total).toEqual({ answers: 4, notes: 2 });
    expect(reports()).toEqual(reportsBefore);
    expect(rowsOf(db, 'SELECT note FROM checkin_answers WHERE guild_id = ? AND note IS NOT NULL', G)).toEqual([JSON.stringify({ note: 'A new note' })]);
    expect(checkins.memberData(db, G, 'ann').answers.map((a) => a.note)).toEqual(['A new note']);
    expect(streaksOf(db, G, 'ann', { self: true, sees: WHOLE_SERVER }).streaks.map((s) => s.streak.answered)).toEqual([1]);
    // Nobody is named any more; anonymous answers were counted only, and still are.
    expect(checkins.activity(db, G, MONDAY, MONDAY + DAY)).toEqual({ members: [], anonymous: [{ kind: 'checkin-answer', count: 2 }] });
    expect(rowsOf(db, 'SELECT * FROM checkin_answers WHERE guild_id = ?', OTHER)).toEqual(otherServer);
    expect(drain(db, checkins.applyRetention).total).toEqual({ answers: 0, notes: 0 });
  });

  it('reads only the answers still to do, through the partial index', () => {
    const db = freshDb();
    const plan = db.$client.prepare("EXPLAIN QUERY PLAN SELECT rowid FROM checkin_answers WHERE guild_id = 'g1' AND answered_at < 5 AND member_id < '~' LIMIT 10").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toContain('USING INDEX checkin_answers_linked');
    const kudosPlan = db.$client.prepare("EXPLAIN QUERY PLAN SELECT id FROM kudos WHERE guild_id = 'g1' AND created_at < 5 AND message <> '' LIMIT 10").all() as { detail: string }[];
    expect(kudosPlan.map((p) => p.detail).join('\n')).toContain('kudos_with_message');
  });
});

describe('applyRetention() of kudos and settings', () => {
  it('empties old kudos messages and keeps every kudos, so leaderboards and totals stay', () => {
    const db = freshDb();
    const old = [thank(db, G, 'ann', 'bob', MONDAY + HOUR), thank(db, G, 'bob', 'ann', MONDAY + 2 * HOUR), thank(db, G, 'cat', 'ann', MONDAY + 3 * HOUR)];
    const fresh = thank(db, G, 'ann', 'cat', LATER);
    thank(db, OTHER, 'ann', 'bob', MONDAY + HOUR);
    const board = () => leaderboard(db, G, 'ann', 'all', null, 'UTC', LATER + DAY);
    const boardBefore = board();
    const otherServer = rowsOf(db, 'SELECT * FROM kudos WHERE guild_id = ?', OTHER);

    expect(drain(db, kudos.applyRetention).total).toEqual({ messages: 3 });
    expect(board()).toEqual(boardBefore);
    const messages = db.$client.prepare('SELECT id, message FROM kudos WHERE guild_id = ? ORDER BY id').all(G);
    expect(messages).toEqual([...old.map((id) => ({ id, message: '' })), { id: fresh, message: 'Thanks, cat!' }]);
    expect(rowsOf(db, 'SELECT * FROM kudos WHERE guild_id = ?', OTHER)).toEqual(otherServer);
    expect(writeTx(db, (tx) => settings.applyRetention(tx, G, CUTOFF, 10))).toEqual({ changed: {}, more: false });
  });
});

// ------------------------------------------------------------------ a whole server

/** Every row of every table that belongs to a server (children found through their parents). */
/** A server where every feature holds something. */
function busyServer(db: Db, guildId: string): void {
  const p = poll(db, guildId);
  const s = survey(db, guildId);
  const c = checkin(db, guildId);
  for (const who of ['ann', 'bob']) {
    vote(db, guildId, who, p, 0, MONDAY + HOUR);
    respond(db, guildId, who, s, MONDAY + HOUR);
    thank(db, guildId, who, who === 'ann' ? 'bob' : 'ann', MONDAY + HOUR);
  }
  answerRun(db, guildId, 'ann', postRuns(db, MONDAY + 9 * HOUR).get(c)!, MONDAY + 10 * HOUR, { mood: 3, note: 'Hi' });
  db.$client.prepare('INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (?, ?, ?)').run(guildId, 'Europe/Berlin', MONDAY);
  db.$client.prepare('INSERT INTO survey_settings (guild_id, min_responses) VALUES (?, 5)').run(guildId);
  db.$client.prepare('INSERT INTO kudos_milestones (guild_id, count, role_id) VALUES (?, 5, ?)').run(guildId, 'role');
  // A member who gave kudos today and was forgotten: the daily limit's bare rows stay for a day.
  thank(db, guildId, 'zed', 'ann', MONDAY + 11 * HOUR);
  writeTx(db, (tx) => kudos.forgetMember(tx, guildId, 'zed', MONDAY + 12 * HOUR));
  // Follow-ups, the digest, a member's preferences, a subscription and a pulse schedule.
  const run = db.$client.prepare.bind(db.$client);
  run('INSERT INTO poll_follow_ups (poll_id, guild_id, message, revision, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)').run(p, guildId, 'We listened', MONDAY, MONDAY);
  run('INSERT INTO survey_follow_ups (survey_id, guild_id, message, revision, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)').run(s, guildId, 'We listened', MONDAY, MONDAY);
  run("INSERT INTO insights_digests (guild_id, channel_id, every, day, minute, since) VALUES (?, 'digest', 'week', 0, 540, ?)").run(guildId, MONDAY);
  run('INSERT INTO member_preferences (guild_id, user_id, time_zone, updated_at) VALUES (?, ?, ?, ?)').run(guildId, 'ann', 'Asia/Tokyo', MONDAY);
  run('INSERT INTO checkin_subscriptions (schedule_id, guild_id, member_id, subscribed_at) VALUES (?, ?, ?, ?)').run(c, guildId, 'ann', MONDAY);
  run("INSERT INTO survey_pulses (guild_id, survey_id, channel_id, every, weekday, hour, minute, timezone, open_for_ms, created_by, created_at) VALUES (?, ?, 'surveys', 'week', 0, 9, 0, 'UTC', ?, 'lead', ?)").run(guildId, s, DAY, MONDAY);
}

describe('forgetServer() of every feature', () => {
  it("removes everything of one server in batches, and nothing of another", () => {
    const db = freshDb();
    busyServer(db, G);
    busyServer(db, OTHER);
    const other = serverRows(db, OTHER);
    expect(serverRows(db, G).length).toBeGreaterThan(20);
    expect(rowsOf(db, 'SELECT * FROM kudos_spent WHERE guild_id = ?', G)).toHaveLength(1);
    // Every feature privacy deletes a server through, in its order, in batches of 3.
    for (const [name, feature] of Object.entries(FEATURES)) {
      let batches = 0;
      for (let more = true; more; batches++) more = writeTx(db, (tx): ServerBatch => feature.forgetServer(tx, G, 3)).more;
      // Those holding more than 3 rows here take several batches; settings, insights and preferences hold one or two.
      expect(batches > 1, `batches of ${name}`).toBe(!['settings', 'insights', 'preferences'].includes(name));
    }
    expect(serverRows(db, G)).toEqual([]);
    expect(serverRows(db, OTHER)).toEqual(other);
    expect((db.$client.pragma('foreign_key_check') as unknown[]).length).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { Db } from '../../src/db/open';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { UserError } from '../../src/user-error';
import { cancelErasure, confirmErasure, previewErasure, requestErasure } from '../../src/privacy/erasure';
import { retentionPasses, setRetention } from '../../src/privacy/retention';
import { deleteServerData, requestServerDeletion, serverDeletions, serverLeft, serverJoined } from '../../src/privacy/servers';
import { readRetention, readServer } from '../../src/privacy/store';
import { outbox } from '../../src/outbox/schema';
import { answerRun, checkin, closePollNow, closeSurveyNow, DAY, freshDb, HOUR, MONDAY, poll, postRuns, respond, rowsOf, survey, thank, vote } from '../support/community';

const G = 'g1';
const OTHER = 'g2';

function logger() {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(...chunk.toString().split('\n').filter(Boolean)), done()) });
  return { lines, log: createLogger(loadConfig({ DISCORD_TOKEN: 'x.y.z', LOG_LEVEL: 'info' }), sink) };
}

const erase = (db: Db, guildId: string, memberId: string, now: number, by = memberId) => {
  const { request } = requestErasure(db, { guildId, requestedBy: by, memberId }, now);
  return confirmErasure(db, guildId, request.id, { id: by, isLeader: by !== memberId }, now);
};
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
};

/** Every kept count equals the rows it counts: open polls' choices and voters, surveys' submitted responses. */
function expectCountsTrue(db: Db): void {
  const open = db.$client.prepare(`
    SELECT c.poll_id, c.position, c.votes, (SELECT count(*) FROM poll_votes v WHERE v.poll_id = c.poll_id AND v.choice = c.position) AS rows
    FROM poll_choices c JOIN polls p ON p.id = c.poll_id WHERE p.status = 'open'`).all() as { votes: number; rows: number }[];
  for (const choice of open) expect(choice.votes).toBe(choice.rows);
  const voters = db.$client.prepare("SELECT voters, (SELECT count(DISTINCT voter) FROM poll_votes v WHERE v.poll_id = p.id) AS rows FROM polls p WHERE status = 'open'").all() as { voters: number; rows: number }[];
  for (const p of voters) expect(p.voters).toBe(p.rows);
  const surveys = db.$client.prepare('SELECT responses, (SELECT count(*) FROM survey_responses r WHERE r.survey_id = s.id AND r.submitted_at IS NOT NULL) AS rows FROM surveys s').all() as { responses: number; rows: number }[];
  for (const s of surveys) expect(s.responses).toBe(s.rows);
}

/** Every row naming a member in a server, as lines: votes, responses, answers and kudos. */
const rowsNaming = (db: Db, memberId: string, guildId: string) => [
  ...rowsOf(db, 'SELECT v.* FROM poll_votes v JOIN polls p ON p.id = v.poll_id WHERE v.voter = ? AND p.guild_id = ?', memberId, guildId),
  ...rowsOf(db, 'SELECT * FROM survey_responses WHERE respondent = ? AND guild_id = ?', memberId, guildId),
  ...rowsOf(db, 'SELECT * FROM checkin_answers WHERE member_id = ? AND guild_id = ?', memberId, guildId),
  ...rowsOf(db, 'SELECT * FROM kudos WHERE (giver_id = ? OR recipient_id = ?) AND guild_id = ?', memberId, memberId, guildId),
];

describe('deleting a member (one transaction across every feature)', () => {
  it('keeps every count true and leaves every other member as they were, through random activity and deletions', () => {
    const db = freshDb();
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    const members = Array.from({ length: 12 }, (_, i) => `m${i}`);
    const places = [G, OTHER].map((guildId) => ({
      guildId,
      polls: [poll(db, guildId), poll(db, guildId, { multi: true }), poll(db, guildId, { anonymous: true })],
      surveys: [survey(db, guildId), survey(db, guildId, { anonymous: true })],
      checkin: checkin(db, guildId),
    }));
    let now = MONDAY + HOUR;
    let erasures = 0;
    for (let step = 0; step < 250; step++) {
      now += 10 * 60_000;
      const place = places[random(2)]!;
      const who = members[random(members.length)]!;
      const roll = random(100);
      try {
        if (roll < 35) vote(db, place.guildId, who, place.polls[random(3)]!, random(3), now);
        else if (roll < 50) respond(db, place.guildId, who, place.surveys[random(2)]!, now, { submit: random(2) === 0 });
        else if (roll < 60) thank(db, place.guildId, who, members[random(members.length)]!, now);
        else if (roll < 68) answerRun(db, place.guildId, who, postRuns(db, now).get(place.checkin) ?? lastRun(db, place.checkin), now, { mood: 1 + random(5), note: `note ${step}` });
        else if (roll < 70) closePollNow(db, place.guildId, place.polls[random(3)]!, now);
        else if (roll < 71) closeSurveyNow(db, place.guildId, place.surveys[random(2)]!, now);
        else if (roll < 80) {
          const elsewhere = place.guildId === G ? OTHER : G;
          const theirsElsewhere = rowsNaming(db, who, elsewhere);
          // Other members, minus the kudos they share with `who` here (those are hers too).
          const others = members.filter((m) => m !== who).map((m) => [m, [...rowsNaming(db, m, place.guildId).filter((row) => !row.includes(`"${who}"`)), ...rowsNaming(db, m, elsewhere)]] as const);
          erase(db, place.guildId, who, now + erasures * DAY); // once a day: each erasure a day apart
          erasures += 1;
          expect(rowsNaming(db, who, place.guildId)).toEqual([]);
          expect(rowsNaming(db, who, elsewhere)).toEqual(theirsElsewhere);
          for (const [m, rows] of others) expect([...rowsNaming(db, m, place.guildId), ...rowsNaming(db, m, elsewhere)], m).toEqual(rows);
        }
      } catch (error) {
        if (!(error instanceof UserError)) throw error; // a closed poll or survey, a self-thank, the hourly rule: refused as for a member
      }
      expectCountsTrue(db);
    }
    expect(erasures).toBeGreaterThan(20);
  });
});

function lastRun(db: Db, scheduleId: number): number {
  return (db.$client.prepare('SELECT max(id) AS id FROM checkin_runs WHERE schedule_id = ?').get(scheduleId) as { id: number }).id;
}

describe('confirming a deletion', () => {
  it('works once, for the member who asked, within 5 minutes; a member deletes their own data once a day', () => {
    const db = freshDb();
    const id = poll(db, G);
    vote(db, G, 'ann', id, 0, MONDAY);
    const { request } = requestErasure(db, { guildId: G, requestedBy: 'ann', memberId: 'ann' }, MONDAY);
    expect(refusal(() => confirmErasure(db, G, request.id, { id: 'bob', isLeader: true }, MONDAY))).toContain('belongs to someone else');
    expect(refusal(() => confirmErasure(db, OTHER, request.id, { id: 'ann', isLeader: false }, MONDAY))).toContain('no longer valid');
    expect(refusal(() => confirmErasure(db, G, request.id, { id: 'ann', isLeader: false }, MONDAY + 5 * 60_000 + 1))).toContain('expired');
    expect(rowsNaming(db, 'ann', G)).toHaveLength(1);

    const again = requestErasure(db, { guildId: G, requestedBy: 'ann', memberId: 'ann' }, MONDAY + HOUR).request;
    expect(confirmErasure(db, G, again.id, { id: 'ann', isLeader: false }, MONDAY + HOUR).removed.polls).toEqual({ votes: 1 });
    expect(refusal(() => confirmErasure(db, G, again.id, { id: 'ann', isLeader: false }, MONDAY + HOUR))).toContain('no longer valid');
    expect(refusal(() => requestErasure(db, { guildId: G, requestedBy: 'ann', memberId: 'ann' }, MONDAY + 2 * HOUR))).toContain('once a day');
    // In another server, or a day later, she may again; a leader may for her at any time.
    expect(requestErasure(db, { guildId: OTHER, requestedBy: 'ann', memberId: 'ann' }, MONDAY + 2 * HOUR).request.id).toBeGreaterThan(0);
    expect(requestErasure(db, { guildId: G, requestedBy: 'ann', memberId: 'ann' }, MONDAY + HOUR + DAY).request.id).toBeGreaterThan(0);
    const forLeader = requestErasure(db, { guildId: G, requestedBy: 'lead', memberId: 'ann' }, MONDAY + 2 * HOUR).request;
    expect(refusal(() => confirmErasure(db, G, forLeader.id, { id: 'lead', isLeader: false }, MONDAY + 2 * HOUR))).toContain('no longer one');
    expect(cancelErasure(db, G, forLeader.id, 'lead', MONDAY + 2 * HOUR).memberId).toBe('ann');
  });

  it("leaves no row naming the member: requests made by or for her go with her data; what she created stays, unnamed", () => {
    const db = freshDb();
    const hers = poll(db, G, { creator: 'ann' });
    vote(db, G, 'bob', hers, 1, MONDAY);
    requestErasure(db, { guildId: G, requestedBy: 'ann', memberId: 'bob' }, MONDAY); // as a leader, for bob
    thank(db, G, 'ann', 'bob', MONDAY);
    const outcome = erase(db, G, 'ann', MONDAY + HOUR);
    expect(outcome.kept.polls).toEqual({ pollsCreated: 1 });
    expect(outcome.deletions).toHaveLength(1);
    expect(db.select().from(outbox).all().map((e) => e.kind)).toEqual(['privacy.delete-message']);
    const everything = JSON.stringify(db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'").all().map((t) => db.$client.prepare(`SELECT * FROM "${(t as { name: string }).name}"`).all()));
    expect(everything).not.toContain('"ann"');
    expect(everything).toContain('"bob"');
  });
});

describe('retention passes', () => {
  it('run in short steps across rounds (and restarts), log the first pass once with what it changed, then come back daily', async () => {
    const db = freshDb();
    const { lines, log } = logger();
    for (let i = 0; i < 9; i++) thank(db, G, `giver${i}`, 'ann', MONDAY + i * HOUR);
    const now = MONDAY + 90 * DAY;
    setRetention(db, G, 1, now);
    const pace = { batch: 2, stepMs: 8, budgetMs: 0, pause: async () => {}, stopping: () => false };
    await retentionPasses(db, log.child({})).runDue(now, pace); // one step, then the budget is spent
    expect(rowsOf(db, "SELECT id FROM kudos WHERE message = ''")).toHaveLength(2);
    await retentionPasses(db, log).runDue(now, { ...pace, stopping: () => true }); // a new process, stopping at once: no step
    expect(rowsOf(db, "SELECT id FROM kudos WHERE message = ''")).toHaveLength(2);
    const passes = retentionPasses(db, log);
    expect(readRetention(db, G)?.nextRunAt).toBe(now); // still due
    await passes.runDue(now, { ...pace, budgetMs: 10_000 });
    expect(rowsOf(db, "SELECT id FROM kudos WHERE message <> ''")).toEqual([]);
    expect(readRetention(db, G)?.nextRunAt).toBe(now + DAY);
    const first = lines.filter((line) => line.includes('retention switched on'));
    expect(first).toHaveLength(1);
    expect(JSON.parse(first[0]!)).toMatchObject({ guild: G, months: 1, 'kudos.messages': 7 }); // what this process's rounds changed
    await passes.runDue(now + DAY, { ...pace, budgetMs: 10_000 });
    expect(lines.filter((line) => line.includes('retention switched on'))).toHaveLength(1);
    expect(() => setRetention(db, G, 0, now)).toThrow(UserError);
    expect(() => setRetention(db, G, 1.5, now)).toThrow(UserError);
    expect(setRetention(db, G, null, now)).toBeNull();
    expect(readRetention(db, G)).toBeUndefined();
  });
});

describe('deleting a server Hearth left', () => {
  it('is due 30 days after the removal, called off by an invitation back, and done once', async () => {
    const db = freshDb();
    const { lines, log } = logger();
    for (const guildId of [G, OTHER]) {
      thank(db, guildId, 'ann', 'bob', MONDAY);
      vote(db, guildId, 'ann', poll(db, guildId), 0, MONDAY);
    }
    serverLeft(db, G, MONDAY);
    expect(serverJoined(db, G)).toBe(true);
    expect(readServer(db, G)).toMatchObject({ leftAt: null, deleteAt: null });
    serverLeft(db, G, MONDAY + DAY);
    const pace = { batch: 1, stepMs: 8, budgetMs: 10_000, pause: async () => {}, stopping: () => false };
    const deletions = serverDeletions(db, log, () => false);
    expect(deletions.nextDueAt()).toBe(MONDAY + 31 * DAY);
    await deletions.runDue(MONDAY + 31 * DAY - 1, pace);
    expect(rowsNaming(db, 'ann', G)).toHaveLength(2);
    await deletions.runDue(MONDAY + 31 * DAY, pace);
    expect(rowsNaming(db, 'ann', G)).toEqual([]);
    expect(rowsNaming(db, 'ann', OTHER)).toHaveLength(2);
    expect(readServer(db, G)).toBeUndefined();
    expect(deletions.nextDueAt()).toBeNull();
    const row = { guildId: G, leftAt: MONDAY + DAY, deleteAt: MONDAY + 31 * DAY, ownerAsked: false, deleting: false };
    expect(await deleteServerData(db, row, pace, log)).toBe(true); // a second runner finds nothing to do, and says nothing
    expect(lines.filter((line) => line.includes('deleted everything Hearth held for a server'))).toHaveLength(1);

    // Back in the server by the time it is due (the event was missed): nothing is deleted.
    serverLeft(db, OTHER, MONDAY);
    await serverDeletions(db, log, (guildId) => guildId === OTHER).runDue(MONDAY + 40 * DAY, pace);
    expect(rowsNaming(db, 'ann', OTHER)).toHaveLength(2);
    expect(readServer(db, OTHER)).toMatchObject({ leftAt: null, deleteAt: null });
  });
});

describe('a server deletion that must not be called off', () => {
  const pace = { batch: 1, stepMs: 8, budgetMs: 10_000, pause: async () => {}, stopping: () => false };
  const seed = (db: Db) => {
    for (let i = 0; i < 4; i++) thank(db, G, `giver${i}`, 'ann', MONDAY + i * HOUR);
    vote(db, G, 'ann', poll(db, G), 0, MONDAY);
  };

  it("the owner's: Hearth kicked and invited back before it ran still deletes everything", async () => {
    const db = freshDb();
    const { lines, log } = logger();
    seed(db);
    requestServerDeletion(db, { id: G, name: 'Home' }, 'Home', true, MONDAY);
    serverLeft(db, G, MONDAY + HOUR);
    expect(serverJoined(db, G)).toBe(false); // not called off
    expect(readServer(db, G)).toMatchObject({ leftAt: null, deleteAt: MONDAY, ownerAsked: true });
    await serverDeletions(db, log, () => true).runDue(MONDAY + 2 * HOUR, pace);
    expect(rowsNaming(db, 'ann', G)).toEqual([]);
    expect(readServer(db, G)).toMatchObject({ leftAt: null, deleteAt: null, ownerAsked: false, deleting: false }); // Hearth is still there
    expect(lines.filter((line) => line.includes('the server owner asked for it'))).toHaveLength(1);
  });

  it('one under way: an invitation back in the middle lets it finish instead of leaving half the data', async () => {
    const db = freshDb();
    const { lines, log } = logger();
    seed(db);
    serverLeft(db, G, MONDAY);
    const due = MONDAY + 30 * DAY;
    const deletions = serverDeletions(db, log, () => false);
    await deletions.runDue(due, { ...pace, budgetMs: 0 }); // one step, then the round's budget is spent
    const partly = rowsNaming(db, 'ann', G).length;
    expect(partly).toBeGreaterThan(0);
    expect(readServer(db, G)).toMatchObject({ deleting: true });
    expect(serverJoined(db, G)).toBe(false);
    await serverDeletions(db, log, () => true).runDue(due + HOUR, pace);
    expect(rowsNaming(db, 'ann', G)).toEqual([]);
    expect(readServer(db, G)).toMatchObject({ leftAt: null, deleteAt: null, deleting: false });
    expect(lines.filter((line) => line.includes('deleted everything Hearth held for a server'))).toHaveLength(1);
  });
});

describe('what a deletion preview shows', () => {
  it('is the same for a member who answered an anonymous check-in and one who did not, so a leader learns nothing from it', () => {
    const db = freshDb();
    const G = 'guild-preview';
    const secret = checkin(db, G, { anonymous: true });
    const run = postRuns(db, MONDAY + 9 * HOUR).get(secret)!;
    answerRun(db, G, 'answered', run, MONDAY + 10 * HOUR, { mood: 2, note: 'Private words' });
    expect(previewErasure(db, G, 'answered')).toEqual(previewErasure(db, G, 'silent'));
  });
});

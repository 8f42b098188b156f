/**
 * Privacy benchmarks, on temporary SQLite files (secure_delete on, as in production):
 * 1. A member with 10,000 rows across every feature (3,000 poll votes, 1,000 survey responses with
 *    2,000 answers, 2,500 check-in answers with notes, 1,500 kudos): their export as JSON, and
 *    deleting them (one transaction, the outbox effects queued, the log checkpointed).
 *    Targets: export under 500 ms, deletion under 1 s.
 * 2. A retention pass over 1,000,000 rows of one server (300,000 votes, 100,000 survey responses
 *    with written answers, 400,000 check-in answers with notes, 200,000 kudos messages), run as the
 *    scheduler runs it, while a member votes every 5 ms in another server: how long each vote
 *    waited. Target: no vote waits more than 50 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { closeDatabase, openDatabase, type Db } from '../src/db/open';
import { confirmErasure, requestErasure } from '../src/privacy/erasure';
import { exportMemberData } from '../src/privacy/export';
import { retentionPasses, setRetention } from '../src/privacy/retention';
import { DEFAULT_PACE } from '../src/privacy/steps';
import { readRetention } from '../src/privacy/store';
import { createLogger } from '../src/logger';
import { loadConfig } from '../src/config';
import { createPoll, recordVote, validatePoll } from '../src/polls/service';
import { WHOLE_SERVER } from '../src/visibility';

const NOW = Date.UTC(2026, 10, 25, 12);

/** A full garbage collection now (the flag lets a fresh context see `gc`). */
function collectGarbage(): void {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
}
const DAY = 86_400_000;
const MEMBERS = 3; // each with 10,000 rows; each deleted once
const ms = (n: number) => `${n.toFixed(1)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

/** Inserts many rows through one prepared statement. */
const inserter = (sqlite: Database.Database, sql: string) => {
  const statement = sqlite.prepare(sql);
  return (...values: unknown[]) => statement.run(...values);
};

/** Members member-0 .. member-2, each with 10,000 rows in one server, among others' rows. */
export function seedMembers(db: Db, guildId: string): void {
  const sqlite = db.$client;
  const poll = inserter(sqlite, "INSERT INTO polls (guild_id, channel_id, message_id, creator_id, question, multi, anonymous, hide_results, status, created_at, closed_at) VALUES (?, 'c', ?, 'lead', 'Which?', 1, 0, 0, ?, ?, ?)");
  const choice = inserter(sqlite, 'INSERT INTO poll_choices (poll_id, position, label) VALUES (?, ?, ?)');
  const vote = inserter(sqlite, 'INSERT INTO poll_votes (poll_id, voter, choice, voted_at) VALUES (?, ?, ?, ?)');
  const survey = inserter(sqlite, "INSERT INTO surveys (guild_id, creator_id, title, anonymous, status, channel_id, message_id, created_at, published_at, closed_at) VALUES (?, 'lead', 'How are we?', 0, 'closed', 'c', ?, ?, ?, ?)");
  const question = inserter(sqlite, 'INSERT INTO survey_questions (survey_id, guild_id, position, kind, prompt, required) VALUES (?, ?, ?, ?, ?, 0)');
  const response = inserter(sqlite, 'INSERT INTO survey_responses (survey_id, guild_id, respondent, step, started_at, submitted_at) VALUES (?, ?, ?, 0, ?, ?)');
  const answer = inserter(sqlite, 'INSERT INTO survey_answers (response_id, question_id, survey_id, num, text) VALUES (?, ?, ?, ?, ?)');
  const run = inserter(sqlite, "INSERT INTO checkin_runs (schedule_id, guild_id, scheduled_for, manual, status, message_id, recorded_at) VALUES (?, ?, ?, 0, 'posted', ?, ?)");
  const checkinAnswer = inserter(sqlite, 'INSERT INTO checkin_answers (run_id, member_id, schedule_id, guild_id, mood, note, answered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const kudos = inserter(sqlite, "INSERT INTO kudos (guild_id, giver_id, recipient_id, value, message, channel_id, message_id, created_at) VALUES (?, ?, ?, 'Kindness', ?, 'wall', ?, ?)");
  const members = Array.from({ length: MEMBERS }, (_, i) => `member-${i}`);
  sqlite.transaction(() => {
    let t = NOW - 300 * DAY;
    for (let p = 0; p < 150; p++) {
      const open = p % 2 === 0;
      const id = Number(poll(guildId, `poll-${p}`, open ? 'open' : 'closed', t, open ? null : t + DAY).lastInsertRowid);
      for (let c = 0; c < 20; c++) choice(id, c, `Choice ${c}`);
      for (const m of [...members, ...Array.from({ length: 20 }, (_, i) => `other-${i}`)]) for (let c = 0; c < 20; c++) if (m.startsWith('member') || c === 0) vote(id, m, c, t);
      t += 3_600_000;
    }
    sqlite.exec("UPDATE poll_choices SET votes = (SELECT count(*) FROM poll_votes v WHERE v.poll_id = poll_choices.poll_id AND v.choice = poll_choices.position)");
    sqlite.exec('UPDATE polls SET voters = (SELECT count(DISTINCT voter) FROM poll_votes v WHERE v.poll_id = polls.id)');
    for (let s = 0; s < 1000; s++) {
      const id = Number(survey(guildId, `card-${s}`, t, t, t + DAY).lastInsertRowid);
      const scale = Number(question(id, guildId, 0, 'scale-5', 'How happy are you?').lastInsertRowid);
      const text = Number(question(id, guildId, 1, 'short-text', 'Anything else?').lastInsertRowid);
      for (const m of members) {
        const r = Number(response(id, guildId, m, t, t).lastInsertRowid);
        answer(r, scale, id, 4, null);
        answer(r, text, id, null, `Some thoughts from ${m} on survey ${s}`);
      }
      sqlite.prepare('UPDATE surveys SET responses = ? WHERE id = ?').run(members.length, id);
      t += 600_000;
    }
    const schedule = Number(sqlite.prepare("INSERT INTO checkin_schedules (guild_id, channel_id, name, prompt, when_text, cron, timezone, anonymous, status, created_by, created_at) VALUES (?, 'c', 'Daily', 'How are you?', 'daily 09:00', '0 9 * * *', 'UTC', 0, 'paused', 'lead', ?)").run(guildId, t).lastInsertRowid);
    for (let r = 0; r < 2500; r++) {
      const id = Number(run(schedule, guildId, t, `run-${r}`, t).lastInsertRowid);
      for (const m of members) checkinAnswer(id, m, schedule, guildId, 1 + (r % 5), `A note from ${m} on day ${r}`, t, t);
      t += 3_600_000;
    }
    let k = 0;
    for (const m of members) {
      for (let i = 0; i < 750; i++) {
        kudos(guildId, m, `friend-${i % 50}`, `Thank you ${i}`, `shout-${k++}`, t);
        kudos(guildId, `friend-${i % 50}`, m, `Thanks back ${i}`, `shout-${k++}`, t);
        t += 60_000;
      }
    }
  })();
}

/** Rows of one member across features, as an export lists them (the deletion's size). */
function rowsOf(sqlite: Database.Database, guildId: string, member: string): number {
  const one = (sql: string, ...values: unknown[]) => (sqlite.prepare(sql).get(...values) as { n: number }).n;
  return (
    one('SELECT count(*) AS n FROM poll_votes WHERE voter = ?', member) +
    one('SELECT count(*) AS n FROM survey_responses WHERE respondent = ? AND guild_id = ?', member, guildId) +
    one('SELECT count(*) AS n FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE r.respondent = ?', member) +
    one('SELECT count(*) AS n FROM checkin_answers WHERE member_id = ? AND guild_id = ?', member, guildId) +
    one('SELECT count(*) AS n FROM kudos WHERE (giver_id = ? OR recipient_id = ?) AND guild_id = ?', member, member, guildId)
  );
}

async function benchMember(dir: string): Promise<string[]> {
  const db = openDatabase(join(dir, 'members.sqlite'));
  try {
    const guildId = 'bench-guild';
    const seeding = timed(() => seedMembers(db, guildId));
    const size = rowsOf(db.$client, guildId, 'member-0');
    const guild = { id: guildId, name: 'Bench' };
    exportMemberData(db, guild, 'member-0', NOW); // warm the statement cache, as a running bot would be
    const exports = Array.from({ length: 5 }, () => timed(() => exportMemberData(db, guild, 'member-0', NOW)));
    const previews: number[] = [];
    const deletions: number[] = [];
    let effects = 0;
    for (const [i, member] of Array.from({ length: MEMBERS }, (_, n) => `member-${n}`).entries()) {
      const asked = timed(() => requestErasure(db, { guildId, requestedBy: member, memberId: member }, NOW + i));
      previews.push(asked.ms);
      const done = timed(() => confirmErasure(db, guildId, asked.value.request.id, { id: member, isLeader: false }, NOW + i));
      deletions.push(done.ms);
      effects = done.value.deletions.length;
      if (rowsOf(db.$client, guildId, member) !== 0) throw new Error(`${member} was not deleted`);
    }
    return [
      `## Privacy: a member with ${size.toLocaleString('en')} rows`,
      '',
      `One server, the member among others: 150 polls (20 choices, half open), 1,000 surveys, 2,500 check-in runs, 1,500 kudos. Each figure is in-process, from the database to the result.`,
      '',
      '| scenario | median | slowest | target |',
      '|---|---|---|---|',
      `| \`/privacy export\` (gather and write the JSON, ${(exports[0]!.value.json.length / 1e6).toFixed(1)} MB) | ${ms(median(exports.map((e) => e.ms)))} | ${ms(Math.max(...exports.map((e) => e.ms)))} | < 500 ms |`,
      `| \`/privacy delete\`: the confirmation's list of what goes | ${ms(median(previews))} | ${ms(Math.max(...previews))} | - |`,
      `| \`/privacy delete\` confirmed: one transaction, ${effects.toLocaleString('en')} shout-out deletions and 75 poll refreshes queued, checkpoint | ${ms(median(deletions))} | ${ms(Math.max(...deletions))} | < 1 s |`,
      '',
      `(seeding took ${(seeding.ms / 1000).toFixed(1)} s; ${MEMBERS} members deleted one after another)`,
    ];
  } finally {
    closeDatabase(db);
  }
}

/** 1,000,000 rows of one server older than its retention, and an open poll in another server. */
export function seedRetention(db: Db, guildId: string): void {
  const sqlite = db.$client;
  const old = NOW - 2 * 365 * DAY;
  const vote = inserter(sqlite, 'INSERT INTO poll_votes (poll_id, voter, choice, voted_at) VALUES (?, ?, ?, ?)');
  const response = inserter(sqlite, 'INSERT INTO survey_responses (survey_id, guild_id, respondent, step, started_at, submitted_at) VALUES (?, ?, ?, 0, ?, ?)');
  const answer = inserter(sqlite, 'INSERT INTO survey_answers (response_id, question_id, survey_id, num, text) VALUES (?, ?, ?, NULL, ?)');
  const checkinAnswer = inserter(sqlite, 'INSERT INTO checkin_answers (run_id, member_id, schedule_id, guild_id, mood, note, answered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const kudos = inserter(sqlite, "INSERT INTO kudos (guild_id, giver_id, recipient_id, value, message, channel_id, message_id, created_at) VALUES (?, ?, ?, 'Kindness', ?, 'wall', ?, ?)");
  sqlite.transaction(() => {
    for (let p = 0; p < 1000; p++) {
      const id = Number(sqlite.prepare("INSERT INTO polls (guild_id, channel_id, message_id, creator_id, question, multi, anonymous, hide_results, status, created_at, closed_at, voters) VALUES (?, 'c', ?, 'lead', 'Which?', 0, 0, 0, 'closed', ?, ?, 300)").run(guildId, `poll-${p}`, old, old + DAY).lastInsertRowid);
      for (let c = 0; c < 3; c++) sqlite.prepare('INSERT INTO poll_choices (poll_id, position, label, votes) VALUES (?, ?, ?, 100)').run(id, c, `Choice ${c}`);
      for (let v = 0; v < 300; v++) vote(id, `member-${v}`, v % 3, old);
    }
    for (let s = 0; s < 100; s++) {
      const id = Number(sqlite.prepare("INSERT INTO surveys (guild_id, creator_id, title, anonymous, status, created_at, closed_at, responses) VALUES (?, 'lead', 'How are we?', 0, 'closed', ?, ?, 1000)").run(guildId, old, old + DAY).lastInsertRowid);
      const question = Number(sqlite.prepare("INSERT INTO survey_questions (survey_id, guild_id, position, kind, prompt, required) VALUES (?, ?, 0, 'short-text', 'Anything else?', 0)").run(id, guildId).lastInsertRowid);
      for (let r = 0; r < 1000; r++) answer(Number(response(id, guildId, `member-${r}`, old, old).lastInsertRowid), question, id, `Thoughts of member ${r} on survey ${s}`);
    }
    const schedule = Number(sqlite.prepare("INSERT INTO checkin_schedules (guild_id, channel_id, name, prompt, when_text, cron, timezone, anonymous, status, created_by, created_at) VALUES (?, 'c', 'Daily', 'How are you?', 'daily 09:00', '0 9 * * *', 'UTC', 0, 'paused', 'lead', ?)").run(guildId, old).lastInsertRowid);
    for (let r = 0; r < 2000; r++) {
      const run = Number(sqlite.prepare("INSERT INTO checkin_runs (schedule_id, guild_id, scheduled_for, manual, status, recorded_at) VALUES (?, ?, ?, 0, 'posted', ?)").run(schedule, guildId, old + r * 60_000, old).lastInsertRowid);
      for (let m = 0; m < 200; m++) checkinAnswer(run, `member-${m}`, schedule, guildId, 1 + (m % 5), `A note from member ${m} on run ${r}`, old + r * 60_000, old);
    }
    for (let k = 0; k < 200_000; k++) kudos(guildId, `member-${k % 500}`, `member-${(k + 1) % 500}`, `Thank you for everything, number ${k}`, `shout-${k}`, old + k);
  })();
}

async function benchRetention(dir: string): Promise<string[]> {
  const db = openDatabase(join(dir, 'retention.sqlite'));
  try {
    const guildId = 'old-guild';
    const seeding = timed(() => seedRetention(db, guildId));
    // Seeding a million rows left as much garbage in this process; a running bot would not have it,
    // so it is collected now rather than in the middle of the pass.
    collectGarbage();
    const live = createPoll(db, { guildId: 'live-guild', channelId: 'c', creatorId: 'lead' }, validatePoll({ question: 'Now?', choices: 'Yes | No', multi: false, maxChoices: null, anonymous: false, hideResults: false, closesIn: null, roleId: null }), NOW);
    setRetention(db, guildId, 12, NOW);
    const config = loadConfig({ DISCORD_TOKEN: 'bench.token.x', LOG_LEVEL: 'warn' });
    const passes = retentionPasses(db, createLogger(config));

    // A member votes every 5 ms in another server; each vote's wait is measured from when it was due.
    let n = 0;
    const voting = () => {
      const waits: number[] = [];
      let running = true;
      let due = performance.now() + 5;
      const done = (async () => {
        while (running) {
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
          recordVote(db, { guildId: 'live-guild', memberId: `voter-${n % 1000}`, roleIds: [], sees: WHOLE_SERVER }, live.id, n++ % 2, NOW);
          waits.push(performance.now() - due);
          due = Math.max(due + 5, performance.now());
        }
      })();
      return { waits, stop: async () => ((running = false), await done) };
    };
    // The same votes with no pass running: what this machine's load alone costs them.
    const quiet = voting();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await quiet.stop();

    const during = voting();
    const started = performance.now();
    let rounds = 0;
    while ((readRetention(db, guildId)?.nextRunAt ?? Infinity) <= NOW) {
      await passes.runDue(NOW, { ...DEFAULT_PACE, stopping: () => false });
      rounds += 1;
      await new Promise((resolve) => setImmediate(resolve)); // the scheduler's other tasks would run here
    }
    const passMs = performance.now() - started;
    await during.stop();
    const row = (what: string, waits: number[]) => `| ${what} | ${waits.length.toLocaleString('en')} | ${ms(median(waits))} | ${ms(percentile(waits, 0.99))} | ${ms(Math.max(...waits))} |`;
    const left = (db.$client.prepare("SELECT (SELECT count(*) FROM poll_votes v JOIN polls p ON p.id = v.poll_id WHERE p.guild_id = ?) + (SELECT count(*) FROM checkin_answers WHERE guild_id = ? AND member_id < '~') + (SELECT count(*) FROM kudos WHERE guild_id = ? AND message <> '') + (SELECT count(*) FROM survey_responses WHERE guild_id = ? AND respondent < '~') AS n").get(guildId, guildId, guildId, guildId) as { n: number }).n;
    if (left !== 0) throw new Error(`${left} rows were left behind`);
    return [
      '## Privacy: a retention pass over 1,000,000 rows',
      '',
      `One server with 1,000,000 rows past its retention (300,000 votes, 100,000 survey responses and their written answers, 400,000 check-in answers with notes, 200,000 kudos messages), passed in steps sized to take about ${DEFAULT_PACE.stepMs} ms each, rounds of at most ${DEFAULT_PACE.budgetMs / 1000} s, while a member in another server votes every 5 ms.`,
      '',
      '| votes every 5 ms | votes | wait p50 | p99 | max |',
      '|---|---|---|---|---|',
      row(`during the pass (${(passMs / 1000).toFixed(1)} s in ${rounds} rounds; target: max < 50 ms)`, during.waits),
      row('with no pass running, for comparison (5 s)', quiet.waits),
      '',
      `(seeding took ${(seeding.ms / 1000).toFixed(1)} s)`,
    ];
  } finally {
    closeDatabase(db);
  }
}

export async function benchPrivacy(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-privacy-'));
  try {
    return [...(await benchMember(dir)), '', ...(await benchRetention(dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Insights benchmarks, through the real bot and the Discord double, on a temporary SQLite file:
 * 1. One server with 5,000 members and two years of history (100,000 poll votes, 52,000 check-in
 *    answers, 10,000 survey responses, 200,000 kudos): `/insights overview` and `/insights trends`
 *    as the leader waits for them, from sending the command to the final reply with its PNG.
 *    Target: under 300 ms each.
 * 2. `/insights export` of that server: time and how much the resident memory grew.
 *    Target: under 10 s, under 200 MB.
 * 3. 1,000 servers whose digests fall due in the same minute: how long queueing them all takes,
 *    while a member votes every 5 ms. Target: all queued within 5 s, no vote waiting over 100 ms.
 */
import type Database from 'better-sqlite3';
import { TestHearth, eventually, type StoredMessage } from '../tests/support/harness';
import type { InteractionRecord } from '../tests/support/discord-double';
import { insightsDigestTask } from '../src/insights/messages';
import { refreshRollup } from '../src/insights/rollup';

const DAY = 86_400_000;
const YEARS_DAYS = 730;
const MEMBERS = 5_000;
const DIGEST_SERVERS = 1_000;
const RUNS = 5;
const ms = (n: number) => `${n.toFixed(0)} ms`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (n: number) => new Promise<void>((r) => setTimeout(r, n));

const inserter = (sqlite: Database.Database, sql: string) => {
  const statement = sqlite.prepare(sql);
  return (...values: unknown[]) => statement.run(...values);
};

/** Two years of one server's history, ending at `now`, written straight into the tables. */
export function seedHistory(sqlite: Database.Database, guildId: string, now: number): void {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  const member = () => `member-${random(MEMBERS)}`;
  const start = now - YEARS_DAYS * DAY;
  const poll = inserter(sqlite, "INSERT INTO polls (guild_id, channel_id, message_id, creator_id, question, multi, anonymous, hide_results, status, created_at, closed_at, voters) VALUES (?, 'c', ?, 'lead', ?, 0, ?, 0, 'closed', ?, ?, ?)");
  const choice = inserter(sqlite, 'INSERT INTO poll_choices (poll_id, position, label, votes) VALUES (?, ?, ?, ?)');
  const vote = inserter(sqlite, 'INSERT OR IGNORE INTO poll_votes (poll_id, voter, choice, voted_at) VALUES (?, ?, ?, ?)');
  const survey = inserter(sqlite, "INSERT INTO surveys (guild_id, creator_id, title, anonymous, status, channel_id, message_id, created_at, published_at, closed_at, responses) VALUES (?, 'lead', ?, 0, 'closed', 'c', ?, ?, ?, ?, ?)");
  const question = inserter(sqlite, 'INSERT INTO survey_questions (survey_id, guild_id, position, kind, prompt, required) VALUES (?, ?, ?, ?, ?, 0)');
  const response = inserter(sqlite, 'INSERT OR IGNORE INTO survey_responses (survey_id, guild_id, respondent, step, started_at, submitted_at) VALUES (?, ?, ?, 0, ?, ?)');
  const answer = inserter(sqlite, 'INSERT INTO survey_answers (response_id, question_id, survey_id, num, text) VALUES (?, ?, ?, ?, ?)');
  const schedule = inserter(sqlite, "INSERT INTO checkin_schedules (guild_id, channel_id, name, prompt, when_text, cron, every_weeks, timezone, anonymous, status, created_by, created_at) VALUES (?, 'c', ?, 'How are you?', ?, ?, 1, 'UTC', 0, 'paused', 'lead', ?)");
  const run = inserter(sqlite, "INSERT INTO checkin_runs (schedule_id, guild_id, scheduled_for, manual, status, message_id, recorded_at) VALUES (?, ?, ?, 0, 'posted', ?, ?)");
  const checkinAnswer = inserter(sqlite, 'INSERT OR IGNORE INTO checkin_answers (run_id, member_id, schedule_id, guild_id, mood, note, answered_at, updated_at) VALUES (?, ?, ?, ?, ?, NULL, ?, ?)');
  const kudos = inserter(sqlite, "INSERT INTO kudos (guild_id, giver_id, recipient_id, value, message, channel_id, message_id, created_at) VALUES (?, ?, ?, ?, 'Thank you!', 'wall', ?, ?)");
  const values = ['Kindness', 'Helpfulness', 'Creativity', 'Leadership', 'Humour'];
  sqlite.transaction(() => {
    // 200 polls of 500 votes: 100,000 votes.
    for (let p = 0; p < 200; p++) {
      const at = start + Math.floor((p * YEARS_DAYS * DAY) / 200);
      const id = Number(poll(guildId, `poll-${p}`, `Question ${p}?`, p % 10 === 0 ? 1 : 0, at, at + 3 * DAY, 500).lastInsertRowid);
      for (let c = 0; c < 3; c++) choice(id, c, `Choice ${c}`, 0);
      for (let v = 0; v < 500; v++) vote(id, p % 10 === 0 ? `hash-${v}` : `member-${(p * 37 + v) % MEMBERS}`, v % 3, at + (v % 72) * 3_600_000);
    }
    sqlite.exec('UPDATE poll_choices SET votes = (SELECT count(*) FROM poll_votes v WHERE v.poll_id = poll_choices.poll_id AND v.choice = poll_choices.position)');
    // 50 surveys of 200 responses: 10,000 responses, two answers each.
    for (let s = 0; s < 50; s++) {
      const at = start + Math.floor((s * YEARS_DAYS * DAY) / 50);
      const id = Number(survey(guildId, `Survey ${s}`, `card-${s}`, at, at, at + 7 * DAY, 200).lastInsertRowid);
      const scale = Number(question(id, guildId, 0, 'scale-5', 'How happy are you?').lastInsertRowid);
      const yesNo = Number(question(id, guildId, 1, 'yes-no', 'Saturdays?').lastInsertRowid);
      for (let r = 0; r < 200; r++) {
        const responseId = Number(response(id, guildId, `member-${(s * 97 + r) % MEMBERS}`, at + r * 60_000, at + r * 60_000 + 1).lastInsertRowid);
        answer(responseId, scale, id, 1 + (r % 5), null);
        answer(responseId, yesNo, id, r % 2, null);
      }
    }
    // A daily check-in (730 runs of 50 answers) and a weekly one (104 runs of 150): 52,100 answers.
    for (const [name, every, perRun] of [['Daily', 1, 50], ['Weekly', 7, 150]] as const) {
      const scheduleId = Number(schedule(guildId, name, every === 1 ? 'daily 09:00' : 'mon 09:00', every === 1 ? '0 9 * * *' : '0 9 * * 1', start).lastInsertRowid);
      for (let at = start + 9 * 3_600_000; at < now; at += every * DAY) {
        const runId = Number(run(scheduleId, guildId, at, `run-${scheduleId}-${at}`, at).lastInsertRowid);
        for (let a = 0; a < perRun; a++) checkinAnswer(runId, member(), scheduleId, guildId, 1 + random(5), at + a * 1000, at + a * 1000);
      }
    }
    // 200,000 kudos over two years.
    for (let k = 0; k < 200_000; k++) {
      const at = start + Math.floor((k * YEARS_DAYS * DAY) / 200_000);
      kudos(guildId, member(), member(), values[k % values.length], `shout-${k}`, at);
    }
  })();
  sqlite.exec('ANALYZE');
}

async function timedCommand(harness: TestHearth, line: string, options: Record<string, string | number> = {}): Promise<{ median: number; max: number; reply: StoredMessage }> {
  const leader = harness.leader('bench-leader');
  const times: number[] = [];
  let reply: StoredMessage | undefined;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    ({ reply } = await leader.run(line, options));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), max: times.at(-1)!, reply: reply! };
}

async function votesDuring(harness: TestHearth, message: StoredMessage, work: () => Promise<void>): Promise<{ workMs: number; waits: number[] }> {
  const records: InteractionRecord[] = [];
  let done = false;
  const voting = (async () => {
    const started = performance.now();
    for (let i = 0; !done || i < 20; i++) {
      const wait = started + i * 5 - performance.now();
      if (wait > 1) await sleep(wait);
      records.push(harness.double.sendInteraction(harness.clickPayload(harness.member(`v${records.length}-${Math.random()}`), message, ['A', 'B'][i % 2]!)));
    }
  })();
  const started = performance.now();
  await work();
  const workMs = performance.now() - started;
  done = true;
  await voting;
  await eventually(() => records.every((r) => r.callback), 'every vote acknowledged', 60_000);
  return { workMs, waits: records.map((r) => r.callback!.at - r.dispatchedAt).sort((a, b) => a - b) };
}

/** Only the digests (`npm run bench -- insights-digests`): 1,000 servers due at once, votes meanwhile. */
export async function benchInsightsDigests(): Promise<string[]> {
  const harness = await TestHearth.start();
  try {
    return await benchDigests(harness);
  } finally {
    await harness.stop();
  }
}

async function benchDigests(harness: TestHearth): Promise<string[]> {
  await harness.runCommand(harness.owner(), 'poll create', { question: 'Rush?', choices: 'A | B' });
  const message = harness.double.channelMessages(harness.general.id).find((m) => m.embeds.length > 0)!;
  const { db } = harness.context;
  const monday = Date.UTC(2026, 10, 30, 9);
  // As a round leaves them: each digest's next look stored (Monday 09:00 UTC), so only those due are read.
  const add = db.$client.prepare("INSERT INTO insights_digests (guild_id, channel_id, every, day, minute, since, next_due_at) VALUES (?, 'c', 'week', 0, 540, ?, ?)");
  db.$client.transaction(() => {
    for (let i = 0; i < DIGEST_SERVERS; i++) add.run(`digest-server-${i}`, monday - 7 * DAY, monday);
  })();
  const idle = await votesDuring(harness, message, async () => void (await sleep(1000))); // the same votes with nothing else running
  const task = insightsDigestTask(harness.context);
  // Rounds as the scheduler runs them: a round stops after 2 s and leaves the rest due, so it comes back at once.
  const now = monday + 30_000;
  const { workMs, waits } = await votesDuring(harness, message, async () => {
    while ((task.nextDueAt() ?? Infinity) <= now) await task.runDue(now, () => false);
  });
  const queued = (db.$client.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'insights.digest'").get() as { n: number }).n;
  return [
    `Digests: ${DIGEST_SERVERS.toLocaleString('en')} servers due in the same minute, ${queued} queued in ${ms(workMs)} (target < 5 s), while a member voted every 5 ms:`,
    `${waits.length} votes acknowledged after p50 ${percentile(waits, 50).toFixed(1)} ms, p99 ${percentile(waits, 99).toFixed(1)} ms, worst ${waits.at(-1)!.toFixed(1)} ms (target < 100 ms);`,
    `the same votes with nothing else running: p50 ${percentile(idle.waits, 50).toFixed(1)} ms, p99 ${percentile(idle.waits, 99).toFixed(1)} ms, worst ${idle.waits.at(-1)!.toFixed(1)} ms.`,
  ];
}

export async function benchInsights(): Promise<string[]> {
  const harness = await TestHearth.start();
  try {
    const guildId = harness.guild.id;
    for (let i = 0; i < MEMBERS; i++) harness.double.addMember(harness.guild, harness.double.addUser(`m${i}`), []);
    const seedStarted = performance.now();
    seedHistory(harness.context.db.$client, guildId, harness.clock.now());
    const seedMs = performance.now() - seedStarted;
    // The rollup of who took part when, built once from the two years (as it would have been kept up
    // to date over them); each command then only brings it up to date.
    const buildStarted = performance.now();
    refreshRollup(harness.context.db, guildId, harness.clock.now());
    const buildMs = performance.now() - buildStarted;

    const lines = [
      `## Insights: one server with ${MEMBERS.toLocaleString('en')} members and two years of history`,
      '100,000 poll votes, 52,100 check-in answers, 10,000 survey responses, 200,000 kudos; each command as the leader waits for it (sent to final reply, deferral and PNG included), median and worst of ' +
        `${RUNS} runs.`,
      '',
      '| command | median | worst | target |',
      '|---|---|---|---|',
    ];
    for (const [line, options] of [
      ['insights overview', {}],
      ['insights overview', { period: '365d' }],
      ['insights trends', { metric: 'active-members', weeks: 104 }],
      ['insights trends', { metric: 'kudos', weeks: 104 }],
      ['insights trends', { metric: 'mood', weeks: 26 }],
    ] as [string, Record<string, string | number>][]) {
      const { median, max, reply } = await timedCommand(harness, line, options);
      if (!reply.files.length) throw new Error(`${line} gave no chart: ${reply.content}`);
      lines.push(`| /${line} ${Object.entries(options).map(([k, v]) => `${k}:${v}`).join(' ')} | ${ms(median)} | ${ms(max)} | < 300 ms |`);
      console.error(lines.at(-1)); // progress, in case a later step fails on a busy machine
    }

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const exportStarted = performance.now();
    const exported = await harness.leader('bench-leader').run('insights export');
    const exportMs = performance.now() - exportStarted;
    clearInterval(sampler);
    const size = exported.reply.files[0]?.data.length ?? 0;
    lines.push(
      `| /insights export (${(size / 1_048_576).toFixed(1)} MB ZIP) | ${(exportMs / 1000).toFixed(1)} s | resident memory +${((rssPeak - rssBefore) / 1_048_576).toFixed(0)} MB | < 10 s, < 200 MB |`,
      '',
    );

    lines.push(...(await benchDigests(harness)));
    lines.push(
      `(seeding took ${(seedMs / 1000).toFixed(1)} s; building the rollup from nothing over the two years, once, ${(buildMs / 1000).toFixed(1)} s)`,
    );
    return lines;
  } finally {
    await harness.stop();
  }
}

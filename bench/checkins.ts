/**
 * Check-in benchmarks, on a temporary SQLite file through the feature's own store and service:
 * 1. Start-up with 10,000 stored schedules across 1,000 servers: database open, scheduler armed
 *    (in a fresh process, so its resident memory is reported alone).
 * 2. `/checkin report` over two years of weekly runs with 500 answers each.
 * 3. Catch-up after downtime: the same 10,000 schedules with Hearth down for a day, so every one
 *    has missed runs (and some have a run inside the last hour to post) when it starts.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeDatabase, openDatabase } from '../src/db/open';
import { writeTx } from '../src/db/write-tx';
import { checkinReport } from '../src/checkins/report';
import { claimDueRuns, markRunPosted } from '../src/checkins/runs';
import { createSchedule, ruleOf, validateSchedule } from '../src/checkins/scheduling';
import { nextRun } from '../src/checkins/schedule';
import { findRun, saveAnswer } from '../src/checkins/store';
import { renderReport } from '../src/checkins/view';

const ROOT = resolve(import.meta.dirname, '..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const SERVERS = 1000;
const PER_SERVER = 10;
const WEEKS = 104;
const ANSWERS = 500;
const WHEN = ['daily 09:00', 'weekdays 17:30', 'mon 09:00', 'mon,thu 18:00', 'every 2 weeks fri 16:00', '0 9 * * 1', '30 7 * * *', 'sun 20:00', '0 * * * *', 'wed 12:15'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];

const ms = (n: number) => `${n.toFixed(1)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Stores 10 schedules in each of 1,000 servers (ids made up, or the given ones); returns the ms taken. */
export function seedSchedules(path: string, servers: { guildId: string; channelId: string }[] = []): number {
  const db = openDatabase(path);
  // Every first run at least two hours ahead, so nothing falls due while the benchmark runs.
  const now = Date.now() + 2 * 3_600_000;
  const started = performance.now();
  for (let g = 0; g < SERVERS; g++) {
    const guildId = servers[g]?.guildId ?? `guild-${g}`;
    const channelId = servers[g]?.channelId ?? `channel-${g}`;
    for (let s = 0; s < PER_SERVER; s++) {
      const valid = validateSchedule(db, guildId, { when: WHEN[s]!, prompt: 'How was your week?', name: null, timezone: ZONES[(g + s) % ZONES.length]!, anonymous: s % 2 === 0 }, now);
      createSchedule(db, { guildId, channelId, createdBy: 'leader' }, valid, now);
    }
  }
  closeDatabase(db);
  return performance.now() - started;
}

function startup(path: string): { readyMs: number; armed: number; rssMb: number } {
  const out = execFileSync(process.execPath, ['--import', TSX, join(ROOT, 'bench/checkins-startup.ts'), path], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

/**
 * Winds every schedule back to its first run after `downSince`, as if Hearth had stopped then, and
 * times the catch-up `claimDueRuns` does at start (one write transaction per schedule).
 */
function catchUp(path: string, downMs: number): { ms: number; worstBatchMs: number; batches: number; schedules: number; missed: number; toPost: number; runRows: number } {
  const db = openDatabase(path);
  const now = Date.now();
  const rows = db.$client.prepare('SELECT id, cron, every_weeks AS everyWeeks, anchor_week AS anchorWeek, timezone FROM checkin_schedules').all() as {
    id: number;
    cron: string;
    everyWeeks: number;
    anchorWeek: number | null;
    timezone: string;
  }[];
  const update = db.$client.prepare('UPDATE checkin_schedules SET next_run_at = @at, claim_at = @at WHERE id = @id');
  db.$client.transaction(() => {
    for (const r of rows) update.run({ at: nextRun(ruleOf(r), r.timezone, now - downMs), id: r.id });
  })();
  // As the check-in task does at start: batch after batch (it lets other work run in between).
  let missed = 0;
  let toPost = 0;
  let batches = 0;
  let worstBatchMs = 0;
  const started = performance.now();
  for (let more = true; more; batches++) {
    const batchStarted = performance.now();
    const outcome = claimDueRuns(db, now);
    worstBatchMs = Math.max(worstBatchMs, performance.now() - batchStarted);
    missed += outcome.missed.length;
    toPost += outcome.toPost.length;
    more = outcome.more;
  }
  const ms = performance.now() - started;
  const runRows = (db.$client.prepare('SELECT count(*) AS n FROM checkin_runs').get() as { n: number }).n;
  closeDatabase(db);
  return { ms, worstBatchMs, batches, schedules: rows.length, missed, toPost, runRows };
}

function seedReport(path: string): { guildId: string; id: number; now: number; answers: number } {
  const db = openDatabase(path);
  const guildId = 'report-guild';
  const start = Date.UTC(2024, 10, 25, 12);
  const { schedule } = createSchedule(db, { guildId, channelId: 'c', createdBy: 'leader' }, validateSchedule(db, guildId, { when: 'mon 09:00', prompt: 'How was your week?', name: 'Weekly', timezone: 'Europe/Berlin', anonymous: false }, start), start);
  let at = schedule.nextRunAt!;
  let answers = 0;
  for (let week = 0; week < WEEKS; week++) {
    const [claimed] = claimDueRuns(db, at).toPost;
    markRunPosted(db, guildId, claimed!.runId, `message-${week}`);
    const run = findRun(db, guildId, claimed!.runId)!;
    writeTx(db, (tx) => {
      for (let m = 0; m < ANSWERS; m++) {
        const note = m % 5 === 0 ? `Week ${week}: a note from member ${m} about how things went.` : null;
        saveAnswer(tx, run, `member-${m}`, { mood: 1 + ((m + week) % 5) }, at + m * 1000);
        if (note) saveAnswer(tx, run, `member-${m}`, { note }, at + m * 1000);
        answers++;
      }
    });
    at = db.$client.prepare('SELECT next_run_at AS at FROM checkin_schedules WHERE id = ?').pluck().get(schedule.id) as number;
  }
  closeDatabase(db);
  return { guildId, id: schedule.id, now: at - 1, answers };
}

export async function benchCheckins(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-checkins-'));
  try {
    const schedulesPath = join(dir, 'schedules.sqlite');
    const seedMs = seedSchedules(schedulesPath);
    const boot = startup(schedulesPath);
    const downPath = join(dir, 'down.sqlite');
    copyFileSync(schedulesPath, downPath);
    const down = catchUp(downPath, 86_400_000);

    const reportPath = join(dir, 'report.sqlite');
    const seeded = seedReport(reportPath);
    const db = openDatabase(reportPath);
    const queryTimes: number[] = [];
    const fullTimes: number[] = [];
    let runs = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const report = checkinReport(db, seeded.guildId, seeded.id, 104, seeded.now);
      const t1 = performance.now();
      renderReport(report);
      const t2 = performance.now();
      queryTimes.push(t1 - t0);
      fullTimes.push(t2 - t0);
      runs = report.runs.length;
    }
    closeDatabase(db);

    return [
      '## Check-ins',
      '',
      '| scenario | result | target |',
      '|---|---|---|',
      `| start-up with ${(SERVERS * PER_SERVER).toLocaleString('en')} schedules across ${SERVERS.toLocaleString('en')} servers: database open, catch-up, timer armed | ${ms(boot.readyMs)} (${boot.armed.toLocaleString('en')} schedules armed) | < 1 s |`,
      `| resident memory of that process after start-up | ${boot.rssMb.toFixed(0)} MB | report |`,
      `| catch-up at start after a day down, ${down.schedules.toLocaleString('en')} schedules (claim and record; posting not included) | ${ms(down.ms)} in ${down.batches} batches (longest ${ms(down.worstBatchMs)} without a break): ${down.missed.toLocaleString('en')} schedules with missed runs, one row each; ${down.toPost.toLocaleString('en')} runs inside the last hour to post | report (walking every missed run took ~16 s in one go) |`,
      `| \`/checkin report\` over ${runs} weekly runs, ${seeded.answers.toLocaleString('en')} answers: data (median of 10) | ${ms(median(queryTimes))} | < 100 ms |`,
      `| the same with the summary, file and chart rendered (median of 10) | ${ms(median(fullTimes))} | |`,
      '',
      `(seeding ${(SERVERS * PER_SERVER).toLocaleString('en')} schedules through the service took ${(seedMs / 1000).toFixed(1)} s)`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Direct-message check-in benchmark: Hearth in its own process (real clock) against the Discord
 * double in this one, as in a server. A leader schedules a direct-message check-in for the next
 * whole minute at least LEAD_MS away (UTC), 5,000 members click Subscribe, and then: votes on an
 * idle bot; how soon after the run's time every message is queued; the pace they are sent at
 * (DM_RATE); votes while they are sent; Hearth's process killed half-way (SIGKILL, a crash: the
 * outbox must survive it) and started again; and, from the double, how many each member got.
 * `REACH_RESTART=term` stops it with SIGTERM instead (the CPU profile of BENCH_PROFILE is only
 * written on SIGTERM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { TestHearth, eventually, textOf, type StoredMessage } from '../tests/support/harness';
import type { InteractionRecord } from '../tests/support/discord-double';
import { countFailures, startBot } from './processes';
import { spacedVotes, VOTE_EVERY_MS } from './spaced-votes';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 5000);
const RATE = Number(process.env.BENCH_DM_RATE ?? 15);
const RESTART_SIGNAL = process.env.REACH_RESTART === 'term' ? 'SIGTERM' : 'SIGKILL';
// Votes in each phase, one every 5 ms: 2,000 take 10 s, so a p99 (the 20th slowest) is not made by
// one garbage collection that lands in the window on one side and not on the other.
const VOTES = Number(process.env.BENCH_VOTES ?? 2000);
// Set-up (5,000 subscriptions, warm-up and idle votes) must end before the run: at least this long.
const LEAD_MS = 90_000;
const SUBSCRIBE_BATCH = 250;
// The gap between the warm votes and the idle ones, and between the idle ones and the run.
const IDLE_BEFORE_RUN_MS = 3000;
const WARM_VOTES = 500;
const KIND = 'checkin.direct-message';

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Hearth's process: ready once it says it is connected; counts interactions it could not answer. */
interface Running {
  child: ChildProcess;
  failures: () => number;
}

async function launch(env: Record<string, string>): Promise<Running> {
  const { child, ready } = startBot('main', env);
  const failures = countFailures(child);
  await ready;
  return { child, failures };
}

async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill(signal);
  await exited;
}

async function waitUntil(check: () => boolean, what: string, timeoutMs: number, everyMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** `daily HH:MM` (UTC) for the first whole minute at least `lead` ms after `now`, and that moment. */
function nextWholeMinute(now: number, lead: number): { when: string; at: number } {
  const at = Math.ceil((now + lead) / 60_000) * 60_000;
  const d = new Date(at);
  return { when: `daily ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`, at };
}

/** Sends every payload in batches, waiting for each batch's acknowledgements. */
async function inBatches(harness: TestHearth, payloads: ReturnType<TestHearth['clickPayload']>[]): Promise<InteractionRecord[]> {
  const records: InteractionRecord[] = [];
  for (let i = 0; i < payloads.length; i += SUBSCRIBE_BATCH) {
    const batch = payloads.slice(i, i + SUBSCRIBE_BATCH).map((p) => harness.double.sendInteraction(p));
    await eventually(() => batch.every((r) => r.callback), 'a batch of Subscribe clicks acknowledged', 60_000);
    records.push(...batch);
  }
  return records;
}

export async function benchReach(): Promise<string[]> {
  const harness = await TestHearth.start({ startBot: false });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-reach-'));
  const databasePath = join(dir, 'reach.sqlite');
  const env = { DISCORD_TOKEN: harness.double.token, DISCORD_API_URL: harness.double.apiUrl, DATABASE_PATH: databasePath, DM_RATE: String(RATE) };
  let hearth = await launch(env);
  let failures = 0;
  // The bench reads what Hearth stored through its own connection (WAL: readers never block Hearth).
  const db = new Database(databasePath, { readonly: true });
  const number = (query: string, ...params: unknown[]) => (db.prepare(query).get(...params) as { n: number }).n;
  try {
    const owner = harness.owner();
    const general = harness.general.id;
    const latest = (find: (m: StoredMessage) => boolean) => [...harness.double.channelMessages(general)].reverse().find(find);

    await harness.runCommand(owner, 'poll create', { question: 'Rush?', choices: 'A | B' });
    const poll = latest((m) => m.embeds.length > 0)!;
    const { when, at: runAt } = nextWholeMinute(Date.now(), LEAD_MS);
    await harness.runCommand(owner, 'checkin schedule', { channel: { id: general }, when, timezone: 'UTC', prompt: 'How are you?', delivery: 'direct-message' });
    if (number('SELECT next_run_at AS n FROM checkin_schedules') !== runAt) throw new Error(`the check-in was not scheduled for ${new Date(runAt).toISOString()}`);
    const announcement = await harness.double.waitFor(() => latest((m) => textOf(m).includes('How are you?')), 'the announcement with its Subscribe button');

    const members = Array.from({ length: SUBSCRIBERS }, (_, i) => harness.member(`sub${i}`));
    const subscribeStarted = Date.now();
    const clicks = await inBatches(harness, members.map((m) => harness.clickPayload(m, announcement, 'Subscribe')));
    const subscribeMs = Date.now() - subscribeStarted;
    const subscribed = number('SELECT count(*) AS n FROM checkin_subscriptions');
    if (subscribed !== SUBSCRIBERS) throw new Error(`${subscribed} subscriptions stored for ${SUBSCRIBERS} clicks`);
    const subscribeP99 = clicks.map((r) => r.callback!.at - r.dispatchedAt).sort((a, b) => a - b)[Math.floor(0.99 * clicks.length)]!;

    // Both measured phases come after the same quiet wait and follow votes by the same gap: warm
    // votes, IDLE_BEFORE_RUN_MS, the idle votes, IDLE_BEFORE_RUN_MS, the run and the votes while
    // sending. Taken right after the subscriptions, the idle votes met a heap V8 had just grown for
    // them, while the votes after the run met one it had shrunk in the quiet minute between.
    const idleFrom = runAt - IDLE_BEFORE_RUN_MS - VOTES * VOTE_EVERY_MS;
    const warmFrom = idleFrom - IDLE_BEFORE_RUN_MS - WARM_VOTES * VOTE_EVERY_MS;
    if (Date.now() > warmFrom) throw new Error(`set-up ended ${Date.now() - warmFrom} ms too late for the run at ${new Date(runAt).toISOString()}: raise LEAD_MS`);
    await sleep(warmFrom - Date.now());
    await spacedVotes(harness, poll, 'warm', WARM_VOTES);
    await sleep(Math.max(0, idleFrom - Date.now()));
    const idle = await spacedVotes(harness, poll, 'idle', VOTES);
    const idleEnd = Date.now();
    if (idleEnd > runAt - 1000) throw new Error(`the idle votes ended ${idleEnd - runAt + 1000} ms too late for the run at ${new Date(runAt).toISOString()}`);

    const queuedRows = () => number('SELECT count(*) AS n FROM outbox WHERE kind = ?', KIND);
    const sent = () => number("SELECT count(*) AS n FROM outbox WHERE kind = ? AND status = 'delivered'", KIND);
    await sleep(Math.max(0, runAt - 1000 - Date.now()));
    await waitUntil(() => queuedRows() === SUBSCRIBERS, 'every message queued', 30_000, 2);
    const queuedMs = Date.now() - runAt;
    const busy = await spacedVotes(harness, poll, 'busy', VOTES);

    await waitUntil(() => sent() >= SUBSCRIBERS / 2, 'half of them sent', 600_000, 20);
    await end(hearth.child, RESTART_SIGNAL);
    const stoppedAt = Date.now();
    failures += hearth.failures();
    const half = sent();
    // Taken by the stopped process but not settled: their lease (3 minutes) must run out first.
    const leased = number("SELECT count(*) AS n FROM outbox WHERE kind = ? AND status = 'pending' AND due_at > ?", KIND, stoppedAt + 60_000);
    hearth = await launch(env);
    const readyAt = Date.now();
    await waitUntil(() => sent() >= SUBSCRIBERS - leased, 'every message but the leased ones sent', 600_000, 20);
    const restDoneAt = Date.now();
    await waitUntil(() => sent() === SUBSCRIBERS, 'every message sent', 600_000, 100);
    const endAt = Date.now();
    failures += hearth.failures();

    // Hearth's own times of delivery, before and after the restart.
    const pace = (from: number, to: number) => {
      const { n, first, last } = db
        .prepare("SELECT count(*) AS n, min(done_at) AS first, max(done_at) AS last FROM outbox WHERE kind = ? AND status = 'delivered' AND done_at > ? AND done_at <= ?")
        .get(KIND, from, to) as { n: number; first: number; last: number };
      return n > 1 ? ((n - 1) / ((last - first) / 1000)).toFixed(0) : '-';
    };
    // What members see: the double's direct messages (a repeated post with the same nonce returns the earlier message).
    const perChannel = new Map<string, number>();
    for (const m of harness.double.messages.values()) perChannel.set(m.channelId, (perChannel.get(m.channelId) ?? 0) + 1);
    const received = members.map((m) => perChannel.get(harness.double.dmChannels.get(m.id) ?? '') ?? 0);
    const once = received.filter((n) => n === 1).length;
    const twice = received.filter((n) => n > 1).length;
    const missing = received.filter((n) => n === 0).length;
    const dmChannels = new Set(members.map((m) => harness.double.dmChannels.get(m.id)));
    const posts = harness.double.requests.filter((r) => r.method === 'POST' && r.status === 200 && dmChannels.has(/^\/channels\/(\d+)\/messages$/.exec(r.path)?.[1])).length;

    const stop = RESTART_SIGNAL === 'SIGKILL' ? 'killed (SIGKILL)' : 'stopped (SIGTERM)';
    return [
      `## Direct-message check-in: ${SUBSCRIBERS.toLocaleString('en')} subscribers, DM_RATE ${RATE}, Hearth ${stop} half-way`,
      `${SUBSCRIBERS.toLocaleString('en')} Subscribe clicks in ${seconds(subscribeMs)} (batches of ${SUBSCRIBE_BATCH}, p99 acknowledgement ${subscribeP99.toFixed(0)} ms). ` +
        `Every message queued ${queuedMs} ms after the run's time (${when} UTC). Sent at ${pace(runAt - 1, stoppedAt)} a second before the restart (${half} sent) and ${pace(stoppedAt, restDoneAt)} a second after it; ` +
        `Hearth ready again ${seconds(readyAt - stoppedAt)} after the ${RESTART_SIGNAL}, ${leased ? `the rest but ${leased}` : 'the rest'} sent ${seconds(restDoneAt - stoppedAt)} after it, ` +
        `${leased ? `the ${leased} it had in hand when ${stop.split(' ')[0]} ${seconds(endAt - stoppedAt)} after it (once their lease ran out)` : 'none was in hand'}. ` +
        `${once} members got exactly one, ${twice} got more than one, ${missing} got none (${posts} posts to their direct messages for ${SUBSCRIBERS}); ${failures} interactions failed.`,
      `| ${VOTES} votes, one every ${VOTE_EVERY_MS} ms | p50 | p99 |`,
      `|---|---|---|`,
      `| idle bot | ${idle.p50.toFixed(2)} ms | ${idle.p99.toFixed(2)} ms |`,
      `| while the run's messages are sent | ${busy.p50.toFixed(2)} ms | ${busy.p99.toFixed(2)} ms |`,
      `Sending / idle: p50 x${(busy.p50 / idle.p50).toFixed(2)}, p99 x${(busy.p99 / idle.p99).toFixed(2)} (goal p99 <= x1.25; Hearth in its own process, the double in the bench's).`,
    ];
  } finally {
    db.close();
    await end(hearth.child, 'SIGTERM');
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Direct-message check-in benchmark: a check-in with 5,000 subscribers. How long its run takes to
 * queue every message, the pace they are sent at (DM_RATE), a restart half-way (the rest sent,
 * none twice), and votes meanwhile against the same votes on an idle bot.
 */
import { and, eq, sql } from 'drizzle-orm';
import { TestHearth, eventually, type StoredMessage } from '../tests/support/harness';
import { spacedVotes, VOTE_EVERY_MS } from './spaced-votes';
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
import { writeTx } from '../src/db/write-tx';
import { outbox } from '../src/outbox/schema';
import { checkinSchedules, checkinSubscriptions } from '../src/checkins/schema';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 5000);
const RATE = Number(process.env.BENCH_DM_RATE ?? 50);
const VOTES = 500;

const votes = (harness: TestHearth, message: StoredMessage, round: string) => spacedVotes(harness, message, round, VOTES);

export async function benchReach(): Promise<string[]> {
  const harness = await TestHearth.start({ env: { DM_RATE: String(RATE) } });
  // The harness clock stands still; here it follows real time, so the pace of direct messages is real.
  let driving = true;
  const drive = (async () => {
    let last = performance.now();
    while (driving) {
      await sleep(10);
      const now = performance.now();
      if (harness.hearth) await harness.clock.advance(Math.round(now - last));
      last = now;
    }
  })();
  try {
    const owner = harness.owner();
    await harness.runCommand(owner, 'poll create', { question: 'Rush?', choices: 'A | B' });
    const poll = harness.double.channelMessages(harness.general.id).find((m) => m.embeds.length > 0)!;
    await harness.runCommand(owner, 'checkin schedule', { channel: { id: harness.general.id }, when: 'daily 09:00', prompt: 'How are you?', delivery: 'direct-message' });
    const db = () => harness.context.db;
    const schedule = db().select().from(checkinSchedules).get()!;
    const members = Array.from({ length: SUBSCRIBERS }, (_, i) => harness.member(`sub${i}`));
    writeTx(db(), (tx) => {
      for (const m of members) tx.insert(checkinSubscriptions).values({ scheduleId: schedule.id, guildId: schedule.guildId, memberId: m.id, subscribedAt: 0 }).run();
    });

    await sleep(3000); // the double's member additions settle
    await votes(harness, poll, 'warm');
    const idle = await votes(harness, poll, 'idle');

    const dms = () => db().select({ n: sql<number>`count(*)` }).from(outbox).where(eq(outbox.kind, 'checkin.direct-message')).get()!.n;
    const sent = () => db().select({ n: sql<number>`count(*)` }).from(outbox).where(and(eq(outbox.kind, 'checkin.direct-message'), eq(outbox.status, 'delivered'))).get()!.n;
    // Move the clock to just before the run, then let real time carry it over.
    await harness.clock.set(schedule.nextRunAt! - 50);
    const runAt = performance.now() + 50;
    await eventually(() => dms() === SUBSCRIBERS, 'every message queued', 30_000);
    const queuedMs = performance.now() - runAt;
    const busy = await votes(harness, poll, 'busy');

    await eventually(() => sent() >= SUBSCRIBERS / 2, 'half of them sent', 600_000);
    const halfAt = performance.now();
    const half = sent();
    await harness.restart();
    await eventually(() => sent() === SUBSCRIBERS, 'every message sent', 600_000);
    const endAt = performance.now();

    const posts = new Map<string, number>();
    for (const r of harness.double.requests) {
      if (r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.status === 200) posts.set(r.path, (posts.get(r.path) ?? 0) + 1);
    }
    const received = members.map((m) => harness.double.directMessages(m.id).length);
    const twice = received.filter((n) => n > 1).length;
    const missing = received.filter((n) => n === 0).length;
    const firstHalfRate = (half / ((halfAt - runAt) / 1000)).toFixed(0);
    const secondHalfRate = ((SUBSCRIBERS - half) / ((endAt - halfAt) / 1000)).toFixed(0);

    return [
      `## Direct-message check-in: ${SUBSCRIBERS.toLocaleString('en')} subscribers, DM_RATE ${RATE}, a restart half-way`,
      `Every message queued ${queuedMs.toFixed(0)} ms after the run's time (one transaction with the run). Sent at ${firstHalfRate} a second before the restart and ${secondHalfRate} a second after it (the restart included); ${received.length - missing - twice} members got exactly one, ${twice} got more than one, ${missing} got none.`,
      `| ${VOTES} votes, one every ${VOTE_EVERY_MS} ms | p50 | p99 |`,
      `|---|---|---|`,
      `| idle bot | ${idle.p50.toFixed(2)} ms | ${idle.p99.toFixed(2)} ms |`,
      `| while the run's messages are sent | ${busy.p50.toFixed(2)} ms | ${busy.p99.toFixed(2)} ms |`,
      `Sending / idle: p50 x${(busy.p50 / idle.p50).toFixed(2)}, p99 x${(busy.p99 / idle.p99).toFixed(2)} (the bot and the double share one process here).`,
    ];
  } finally {
    driving = false;
    await drive;
    await harness.stop();
  }
}

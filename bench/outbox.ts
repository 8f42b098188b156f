/**
 * Outbox benchmark: 5,000 queued Discord side effects across 100 servers, delivered through the
 * Discord double by the real Hearth (in this process), and what a rush of votes feels like while
 * they drain, against the same votes with nothing to deliver.
 */
import { eq, sql } from 'drizzle-orm';
import { TestHearth, eventually, type StoredMessage } from '../tests/support/harness';
import { spacedVotes, VOTE_EVERY_MS } from './spaced-votes';
import { writeTx } from '../src/db/write-tx';
import { queueEffect } from '../src/outbox/queue';
import { outbox } from '../src/outbox/schema';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);
const PER_SERVER = 50;
const VOTES = Number(process.env.BENCH_VOTES ?? 500);

const votes = (harness: TestHearth, message: StoredMessage, round: string, count = VOTES) => spacedVotes(harness, message, round, count);

export async function benchOutbox(): Promise<string[]> {
  const harness = await TestHearth.start();
  try {
    const guilds = Array.from({ length: SERVERS }, (_, i) => harness.double.addGuild(`Server ${i}`));
    await eventually(() => guilds.every((g) => harness.context.client.guilds.cache.has(g.id)), 'every server to reach the bot', 30_000);
    await harness.runCommand(harness.owner(), 'poll create', { question: 'Rush?', choices: 'A | B' });
    const message = harness.double.channelMessages(harness.general.id).find((m) => m.embeds.length > 0)!;

    await votes(harness, message, 'warm', 200); // warm the bot and the double up first
    const idle = await votes(harness, message, 'idle');

    const { db } = harness.context;
    const now = harness.clock.now();
    const queuedAt = performance.now();
    writeTx(db, (tx) => {
      for (const guild of guilds) {
        const channelId = [...guild.channels.values()][0]!.id;
        for (let i = 0; i < PER_SERVER; i++) {
          const payload = { channelId, roleId: `${guild.id}${i}`, count: 10, why: 'a benchmark' };
          queueEffect(tx, { key: `kudos.milestone-note:${guild.id}:${i}`, guildId: guild.id, kind: 'kudos.milestone-note', payload }, now);
        }
      }
    });
    const queueMs = performance.now() - queuedAt;
    void harness.context.scheduler.tick(); // the test clock stands still: start the round by hand; each delivery starts the next
    const pending = () => db.select({ n: sql<number>`count(*)` }).from(outbox).where(eq(outbox.status, 'pending')).get()!.n;
    const draining = await votes(harness, message, 'busy');
    const leftAfterVotes = pending();
    await eventually(() => pending() === 0, 'every effect delivered', 600_000);
    const drainMs = performance.now() - queuedAt;
    const delivered = db.select({ n: sql<number>`count(*)` }).from(outbox).where(eq(outbox.status, 'delivered')).get()!.n;
    const posts = harness.double.requests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path) && r.at >= queuedAt).length;

    const total = SERVERS * PER_SERVER;
    return [
      `## Outbox: ${total.toLocaleString('en')} effects across ${SERVERS} servers, and votes while they drain`,
      `Queued in one transaction in ${queueMs.toFixed(0)} ms; all delivered in ${(drainMs / 1000).toFixed(1)} s (${((total / drainMs) * 1000).toFixed(0)} a second, four servers at a time); ${delivered}/${total} delivered, ${posts} posts sent (none twice).`,
      `| ${VOTES} votes, one every ${VOTE_EVERY_MS} ms | p50 | p99 |`,
      `|---|---|---|`,
      `| nothing to deliver | ${idle.p50.toFixed(2)} ms | ${idle.p99.toFixed(2)} ms |`,
      `| while the outbox drains (${leftAfterVotes} still pending when the votes ended) | ${draining.p50.toFixed(2)} ms | ${draining.p99.toFixed(2)} ms |`,
      `Draining / idle: p50 x${(draining.p50 / idle.p50).toFixed(2)}, p99 x${(draining.p99 / idle.p99).toFixed(2)} (the bot and the double share one process here).`,
    ];
  } finally {
    await harness.stop();
  }
}

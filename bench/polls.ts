/**
 * Poll benchmarks:
 * 1. A burst of 2,000 votes from 2,000 members in about 10 s, sent through the Discord double to
 *    the real Hearth process (`src/main.ts`), against a bot that only acknowledges (the baseline).
 * 2. Results of one poll over 100,000 stored votes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TestHearth, eventually, type StoredMessage } from '../tests/support/harness';
import type { InteractionRecord } from '../tests/support/discord-double';
import { closeDatabase, openDatabase } from '../src/db/open';
import { createPoll, results, validatePoll } from '../src/polls/service';
import { rssMb, startBot } from './processes';

const VOTES = 2000;
const SPREAD_MS = 10_000;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

interface Burst {
  acked: number;
  p50: number;
  p99: number;
  max: number;
  counted: number | null;
  edits: number | null;
  minEditGapMs: number | null;
  rss: number;
}

async function burst(kind: 'hearth' | 'baseline'): Promise<Burst> {
  const harness = await TestHearth.start({ startBot: false });
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const databasePath = join(dir, 'bench.sqlite');
  const { child, ready } = startBot(kind === 'hearth' ? 'main' : 'baseline-bot', {
    DISCORD_TOKEN: harness.double.token,
    DISCORD_API_URL: harness.double.apiUrl,
    DATABASE_PATH: databasePath,
  });
  try {
    await ready;
    let message: StoredMessage;
    if (kind === 'hearth') {
      await harness.runCommand(harness.owner(), 'poll create', { question: 'Burst?', choices: 'A | B | C' });
      message = harness.double.channelMessages(harness.general.id).find((m) => m.embeds.length > 0)!;
    } else {
      message = harness.double.seedMessage(harness.general.id, {
        content: 'baseline',
        components: [{ type: 1, components: ['A', 'B', 'C'].map((label) => ({ type: 2, style: 2, label, custom_id: `x:${label}` })) }],
      });
    }
    const members = Array.from({ length: VOTES }, (_, i) => harness.member(`voter${i}`));
    const payloads = members.map((m, i) => harness.clickPayload(m, message, ['A', 'B', 'C'][i % 3]!));
    const started = performance.now();
    const records: InteractionRecord[] = [];
    for (const [i, payload] of payloads.entries()) {
      const due = started + (i * SPREAD_MS) / VOTES;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      records.push(harness.double.sendInteraction(payload));
    }
    await eventually(() => records.every((r) => r.callback) || performance.now() - started > SPREAD_MS + 10_000, 'acknowledgements', 30_000);
    const times = records.filter((r) => r.callback).map((r) => r.callback!.at - r.dispatchedAt).sort((a, b) => a - b);

    let counted: number | null = null;
    let edits: number | null = null;
    let minEditGapMs: number | null = null;
    if (kind === 'hearth') {
      await sleep(4000); // the last coalesced edit
      const path = `/channels/${message.channelId}/messages/${message.id}`;
      const editTimes = harness.double.requests.filter((r) => r.method === 'PATCH' && r.path === path).map((r) => r.at);
      edits = editTimes.length;
      minEditGapMs = editTimes.slice(1).reduce((min, t, i) => Math.min(min, t - editTimes[i]!), Infinity);
      const db = new Database(databasePath, { readonly: true });
      counted = (db.prepare('SELECT count(*) AS n FROM poll_votes').get() as { n: number }).n;
      db.close();
    }
    return { acked: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1) ?? NaN, counted, edits, minEditGapMs, rss: rssMb(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    await harness.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function resultsOverStoredVotes(count: number): { median: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  const db = openDatabase(join(dir, 'results.sqlite'));
  try {
    const poll = createPoll(
      db,
      { guildId: '1', channelId: '2', creatorId: '3' },
      validatePoll({ question: 'Big?', choices: Array.from({ length: 10 }, (_, i) => `choice ${i}`).join('|'), multi: false, maxChoices: null, anonymous: false, hideResults: false, closesIn: null, roleId: null }),
      Date.now(),
    );
    const insert = db.$client.prepare('INSERT INTO poll_votes (poll_id, voter, choice, voted_at) VALUES (?, ?, ?, ?)');
    db.$client.transaction(() => {
      for (let i = 0; i < count; i++) insert.run(poll.id, String(100_000_000_000_000_000n + BigInt(i)), i % 10, Date.now());
      // Stored the fast way, so the kept counts are set the way the vote path would have set them.
      db.$client.prepare('UPDATE poll_choices SET votes = (SELECT count(*) FROM poll_votes v WHERE v.poll_id = poll_choices.poll_id AND v.choice = poll_choices.position) WHERE poll_id = ?').run(poll.id);
      db.$client.prepare('UPDATE polls SET voters = (SELECT count(DISTINCT voter) FROM poll_votes WHERE poll_id = polls.id) WHERE id = ?').run(poll.id);
    })();
    db.$client.pragma('optimize');
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      results(db, poll);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: percentile(times, 50), p99: percentile(times, 99) };
  } finally {
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchPolls(): Promise<string[]> {
  const hearth = await burst('hearth');
  const baseline = await burst('baseline');
  const stored = resultsOverStoredVotes(100_000);
  return [
    `## Polls: a burst of ${VOTES} votes from ${VOTES} members over ${SPREAD_MS / 1000} s (event -> acknowledgement, seen by the double)`,
    `| bot | acknowledged | p50 | p99 | max | votes counted | poll message edits | shortest gap between edits | bot RSS |`,
    `|---|---|---|---|---|---|---|---|---|`,
    `| Hearth | ${hearth.acked}/${VOTES} | ${ms(hearth.p50)} | ${ms(hearth.p99)} | ${ms(hearth.max)} | ${hearth.counted}/${VOTES} | ${hearth.edits} | ${ms(hearth.minEditGapMs ?? NaN)} | ${hearth.rss.toFixed(0)} MB |`,
    `| acknowledge-only baseline | ${baseline.acked}/${VOTES} | ${ms(baseline.p50)} | ${ms(baseline.p99)} | ${ms(baseline.max)} | - | - | - | ${baseline.rss.toFixed(0)} MB |`,
    `Hearth / baseline: p50 x${(hearth.p50 / baseline.p50).toFixed(2)}, p99 x${(hearth.p99 / baseline.p99).toFixed(2)}.`,
    '',
    `## Polls: results of one poll over 100,000 stored votes`,
    `median ${ms(stored.median)}, p99 ${ms(stored.p99)} (200 runs; target under 10 ms).`,
  ];
}

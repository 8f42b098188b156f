/**
 * Kudos benchmark, on a temporary SQLite file through the feature's own service: leaderboards
 * (week, month, all time, one value) and `/kudos received` over 1,000,000 stored kudos across
 * 100 servers. Each query is timed in every server; the median and the slowest are reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../src/db/open';
import { kudosHistory, leaderboard, type Period } from '../src/kudos/standings';
import { DEFAULT_VALUES } from '../src/kudos/values';
import { renderHistory, renderLeaderboard } from '../src/kudos/view';
import { WHOLE_SERVER } from '../src/visibility';

const SERVERS = 100;
const KUDOS = 1_000_000;
const MEMBERS = 500;
const SPAN_MS = 2 * 365 * 86_400_000;
const NOW = Date.UTC(2026, 10, 25, 12);

const ms = (n: number) => `${n.toFixed(2)} ms`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** A deterministic random sequence, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function seed(path: string): number {
  const db = openDatabase(path);
  const started = performance.now();
  const next = random(42);
  // Some members give and receive far more than others, as in real communities.
  const member = () => `member-${Math.floor(MEMBERS * next() ** 2)}`;
  const insert = db.$client.prepare(
    'INSERT INTO kudos (guild_id, giver_id, recipient_id, value, message, channel_id, message_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  db.$client.transaction(() => {
    for (let i = 0; i < KUDOS; i++) {
      const guild = `guild-${i % SERVERS}`;
      const giver = member();
      let recipient = member();
      if (giver === recipient) recipient = `${recipient}-x`;
      const value = DEFAULT_VALUES[Math.floor(next() * DEFAULT_VALUES.length)]!.name;
      // Recent weeks are busier than two years ago.
      const age = Math.floor(SPAN_MS * next() ** 3);
      insert.run(guild, giver, recipient, value, 'Thank you for helping me out this week!', 'channel', `message-${i}`, NOW - age);
    }
  })();
  db.$client.pragma('optimize');
  closeDatabase(db);
  return performance.now() - started;
}

function time(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

export async function benchKudos(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-kudos-'));
  try {
    const path = join(dir, 'kudos.sqlite');
    const seedMs = seed(path);
    const db = openDatabase(path);
    const caller = 'member-250'; // a member in the middle of the pack, usually outside the top 10

    const scenarios: { name: string; run: (guildId: string) => void }[] = [
      ...(['week', 'month', 'all'] as Period[]).map((period) => ({
        name: `\`/kudos leaderboard period:${period}\``,
        run: (guildId: string) => void renderLeaderboard(leaderboard(db, guildId, caller, period, null, 'Europe/Berlin', NOW)),
      })),
      {
        name: '`/kudos leaderboard period:all value:Kindness`',
        run: (guildId: string) => void renderLeaderboard(leaderboard(db, guildId, caller, 'all', 'Kindness', 'Europe/Berlin', NOW)),
      },
      {
        name: '`/kudos received` for the most thanked member',
        run: (guildId: string) => void renderHistory(kudosHistory(db, guildId, 'member-0', 'received', WHOLE_SERVER), false),
      },
      {
        name: '`/kudos given` for the most thankful member',
        run: (guildId: string) => void renderHistory(kudosHistory(db, guildId, 'member-0', 'given', WHOLE_SERVER), false),
      },
    ];

    const rows: string[] = [];
    for (const scenario of scenarios) {
      scenario.run('guild-0'); // warm the statement cache, as a running bot would be
      const times: number[] = [];
      for (let g = 0; g < SERVERS; g++) times.push(time(() => scenario.run(`guild-${g}`)));
      rows.push(`| ${scenario.name} | ${ms(median(times))} | ${ms(Math.max(...times))} | < 50 ms |`);
    }
    const perServer = (db.$client.prepare("SELECT count(*) AS n FROM kudos WHERE guild_id = 'guild-0'").get() as { n: number }).n;
    closeDatabase(db);

    return [
      '## Kudos',
      '',
      `${KUDOS.toLocaleString('en')} kudos across ${SERVERS} servers (${perServer.toLocaleString('en')} in each), ${MEMBERS} members per server, two years of history. Each query is run once in every server, data and message rendering included.`,
      '',
      '| scenario | median | slowest | target |',
      '|---|---|---|---|',
      ...rows,
      '',
      `(seeding ${KUDOS.toLocaleString('en')} kudos with one prepared statement in one transaction took ${(seedMs / 1000).toFixed(1)} s)`,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

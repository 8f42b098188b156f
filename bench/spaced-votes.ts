// Votes sent one every few milliseconds to a poll of the running bot, for benchmarks that measure
// how long members wait while something else runs.
import { TestHearth, eventually, type StoredMessage } from '../tests/support/harness';
import type { InteractionRecord } from '../tests/support/discord-double';

export const VOTE_EVERY_MS = 5;
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** `count` members named `${round}${i}` vote A or B, one every VOTE_EVERY_MS: p50 and p99 of event -> acknowledgement. */
export async function spacedVotes(harness: TestHearth, message: StoredMessage, round: string, count: number): Promise<{ p50: number; p99: number }> {
  const members = Array.from({ length: count }, (_, i) => harness.member(`${round}${i}`));
  const records: InteractionRecord[] = [];
  const started = performance.now();
  for (const [i, member] of members.entries()) {
    const wait = started + i * VOTE_EVERY_MS - performance.now();
    if (wait > 1) await sleep(wait);
    records.push(harness.double.sendInteraction(harness.clickPayload(member, message, ['A', 'B'][i % 2]!)));
  }
  await eventually(() => records.every((r) => r.callback), 'every vote acknowledged', 60_000);
  const times = records.map((r) => r.callback!.at - r.dispatchedAt).sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/**
 * The long run (`npm run bench -- soak`): 10 minutes of mixed clicks at a steady rate, 100,000
 * interactions in all, from 2,000 members: votes spread over 100 polls, mood clicks on a check-in,
 * survey answers (a scale button and a choice menu) and kudos. Per minute: acknowledgement p50 and
 * p99, failures, Hearth's resident memory, and the V8 heap it still uses right after a forced full
 * garbage collection (Hearth runs with --expose-gc here, see bench/heap-probe.mjs): resident memory
 * also holds garbage not yet collected and heap V8 keeps for later, the heap after a collection only
 * what Hearth still holds. Goal: memory within 10% of its level after the
 * first minute, a steady p99, no failed interaction, every vote stored, poll edits coalesced.
 * `SOAK_MINUTES=1 npm run bench -- soak` tries it shorter (the rate stays the same).
 */
import type { APIInteraction } from 'discord-api-types/v10';
import type { InteractionRecord } from '../tests/support/discord-double';
import { allComponents, eventually, textOf, type StoredMessage } from '../tests/support/harness';
import { rssMb, type HeapReading } from './processes';
import { count, latest, postPoll, startSide, type Side } from './rush';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const PER_SECOND = 100_000 / 600;
const MEMBERS = 2000;
const POLLS = 100;
const MOODS = ['rough', 'low', 'okay', 'good', 'great'];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
// The same sequence of members and polls in every run.
let seed = 42;
const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;

interface Sent {
  record: InteractionRecord;
  minute: number;
  vote?: string;
}

interface Targets {
  polls: StoredMessage[];
  checkin: StoredMessage;
  survey: { screen: StoredMessage; pick: string[]; menu: string };
}

async function setUp(side: Side): Promise<Targets> {
  const { harness } = side;
  const leader = harness.owner();
  const polls: StoredMessage[] = [];
  for (let i = 0; i < POLLS; i++) polls.push(await postPoll(side, {}));
  await harness.runCommand(leader, 'checkin schedule', { channel: { id: harness.general.id }, when: 'daily 09:00', prompt: 'How was your day?' });
  await harness.runCommand(leader, 'checkin run', { id: 1 });
  const checkin = await harness.double.waitFor(() => latest(side, (m) => textOf(m).includes('How was your day?') && m.components.length > 0), 'the check-in post');
  await harness.runCommand(leader, 'survey create', { title: 'Long run' });
  await harness.runCommand(leader, 'survey add-question', { survey: 1, kind: 'scale-5', prompt: 'How was it?' });
  await harness.runCommand(leader, 'survey add-question', { survey: 1, kind: 'single-choice', prompt: 'Which night?', choices: 'Friday | Saturday | Sunday' });
  await harness.runCommand(leader, 'survey publish', { survey: 1 });
  const card = latest(side, (m) => allComponents(m.components).some((c) => c.label === 'Take survey'));
  const holder = harness.member('screen-holder');
  const screen = (await harness.click(holder, card, 'Take survey')).reply;
  const pick = ['1', '2', '3', '4', '5'].map((label) => allComponents(screen.components).find((c) => c.label === label)!.custom_id);
  await harness.click(holder, screen, '4');
  const menu = allComponents(harness.double.messages.get(screen.id)!.components).find((c) => c.type === 3)!.custom_id;
  return { polls, checkin, survey: { screen, pick, menu } };
}

/** The i-th interaction of the run: 60% votes, 15% mood clicks, 20% survey answers, 5% kudos. */
function nextInteraction(side: Side, targets: Targets, i: number, kudosGiven: number[]): { payload: APIInteraction; vote?: string } {
  const { harness, members } = side;
  const member = members[random(members.length)]!;
  const slot = i % 20;
  if (slot < 12) {
    const poll = targets.polls[random(targets.polls.length)]!;
    return { payload: harness.clickPayload(member, poll, ['A', 'B', 'C'][i % 3]!), vote: `${poll.id}:${member.id}` };
  }
  if (slot < 15) return { payload: harness.clickPayload(member, targets.checkin, MOODS[i % 5]!) };
  if (slot < 19) {
    const { screen, pick, menu } = targets.survey;
    return slot % 2 === 0
      ? { payload: harness.customIdPayload(member, 'button', pick[i % 5]!, screen) }
      : { payload: harness.customIdPayload(member, 'select', menu, screen, { values: [String(i % 3)] }) };
  }
  // Kudos: each giver thanks the next members in turn (never the same one twice within the hour).
  const giver = members.indexOf(member);
  const given = (kudosGiven[giver] = (kudosGiven[giver] ?? 0) + 1);
  const recipient = members[(giver + given) % members.length]!;
  return { payload: harness.commandPayload(member, 'kudos give', { member: { id: recipient.id }, value: 'kindness', message: 'Thanks for today!' }) };
}

const heapCell = (h: HeapReading | undefined) => (h ? `${h.heapUsedMb.toFixed(1)} MB (${h.rssMb.toFixed(0)} MB)` : '-');

export async function benchSoak(): Promise<string[]> {
  const side = await startSide('hearth', MEMBERS, { heapProbe: true });
  const lines: string[] = [];
  try {
    const targets = await setUp(side);
    const total = Math.round(PER_SECOND * 60 * MINUTES);
    const sent: Sent[] = [];
    const rss: number[] = [];
    // Asked for at each minute's end without holding up the clicks; the collection itself pauses Hearth briefly.
    const heaps: Promise<HeapReading>[] = [];
    const kudosGiven: number[] = [];
    const started = performance.now();
    let nextMinute = 1;
    for (let i = 0; i < total; ) {
      const elapsed = performance.now() - started;
      const due = Math.min(total, Math.floor((elapsed / 1000) * PER_SECOND));
      for (; i < due; i++) {
        const { payload, vote } = nextInteraction(side, targets, i, kudosGiven);
        sent.push({ record: side.harness.double.sendInteraction(payload), minute: Math.floor(elapsed / 60_000), vote });
      }
      if (elapsed >= nextMinute * 60_000) {
        rss.push(rssMb(side.pid));
        heaps.push(side.heapAfterGc());
        nextMinute++;
      }
      await sleep(10);
    }
    await eventually(() => sent.every((s) => s.record.callback) || performance.now() - started > MINUTES * 60_000 + 10_000, 'the last acknowledgements', 20_000).catch(() => {});
    await sleep(4000); // the last coalesced edits
    if (rss.length < MINUTES) rss.push(rssMb(side.pid));
    const heap = await Promise.all(heaps);
    const atEnd = await side.heapAfterGc(); // once the last clicks and edits are done

    const voted = new Set(sent.filter((s) => s.vote && s.record.callback).map((s) => s.vote!));
    const votesStored = count(side.databasePath, 'SELECT count(*) AS n FROM poll_votes');
    let minGap = Infinity;
    let edits = 0;
    for (const poll of targets.polls) {
      const path = `/channels/${poll.channelId}/messages/${poll.id}`;
      const at = side.harness.double.requests.filter((r) => r.method === 'PATCH' && r.path === path).map((r) => r.at);
      edits += at.length;
      for (let k = 1; k < at.length; k++) minGap = Math.min(minGap, at[k]! - at[k - 1]!);
    }

    lines.push(
      `## Long run: ${total.toLocaleString('en-US')} interactions over ${MINUTES} min (${PER_SECOND.toFixed(0)} a second: votes over ${POLLS} polls, mood clicks, survey answers, kudos), ${MEMBERS} members`,
      '| minute | interactions | acknowledged | p50 | p99 | max | Hearth RSS at its end | heap used after a full GC (RSS then) |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (let m = 0; m < MINUTES; m++) {
      const inMinute = sent.filter((s) => s.minute === m);
      const times = inMinute.filter((s) => s.record.callback).map((s) => s.record.callback!.at - s.record.dispatchedAt).sort((a, b) => a - b);
      lines.push(
        `| ${m + 1} | ${inMinute.length} | ${times.length} | ${percentile(times, 50).toFixed(1)} ms | ${percentile(times, 99).toFixed(1)} ms | ${(times.at(-1) ?? NaN).toFixed(1)} ms | ${(rss[m] ?? NaN).toFixed(0)} MB | ${heapCell(heap[m])} |`,
      );
    }
    const acked = sent.filter((s) => s.record.callback).length;
    // Each heap reading follows a forced full collection, so its RSS is compared with the others taken
    // the same way; the first minute's plain reading still holds that minute's garbage, and would make
    // every later (collected) reading look lower.
    const settled = heap.length ? heap.map((h) => h.rssMb) : rss;
    const first = settled[0]!;
    const highest = Math.max(...settled.slice(1), first);
    lines.push(
      `Acknowledged ${acked}/${sent.length}; failed (Hearth's error answer) ${side.failures()}; votes stored ${votesStored}/${voted.size} (one per member and poll); ` +
        `${edits} poll message edits, ${minGap === Infinity ? 'none closer than 3 s' : `${(minGap / 1000).toFixed(2)} s apart at least`}.`,
      `RSS at ready ${side.readyRss.toFixed(0)} MB, after the first minute ${first.toFixed(0)} MB${heap.length ? ' (after a full collection)' : ''}, highest after it ${highest.toFixed(0)} MB (${(((highest - first) / first) * 100).toFixed(1)}%; goal within 10%), at the end ${rss.at(-1)!.toFixed(0)} MB.`,
    );
    if (heap.length) {
      const used = heap.map((h) => h.heapUsedMb);
      const top = Math.max(...used.slice(1), used[0]!);
      const pct = (mb: number) => `${(((mb - used[0]!) / used[0]!) * 100).toFixed(1)}%`;
      lines.push(
        `Heap used after a full GC: after the first minute ${used[0]!.toFixed(1)} MB, highest after it ${top.toFixed(1)} MB (${pct(top)}), ` +
          `last minute ${used.at(-1)!.toFixed(1)} MB (${pct(used.at(-1)!)}), after the run ${atEnd.heapUsedMb.toFixed(1)} MB (RSS then ${atEnd.rssMb.toFixed(0)} MB).`,
      );
    }
  } finally {
    await side.stop();
  }
  return lines;
}

import { describe, expect, it, vi } from 'vitest';
import { isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { snowflake } from '../support/discord-double';
import { ACK_CONNECTIONS } from '../../src/bot/discord-connections';

const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;

describe('connections to Discord', () => {
  const world = useHearth();

  async function createPoll(question: string): Promise<StoredMessage> {
    const { hearth } = world;
    await world.leader.run('poll create', { question, choices: 'Yes | No' });
    return hearth.double.channelMessages(world.hearth.general.id).find((m) => textOf(m).includes(question) && !isEphemeral(m))!;
  }

  /** 600 members vote at once: what each was told, and how many connections Hearth opened meanwhile. */
  async function rushOfVotes(poll: StoredMessage, who: string, choice: string): Promise<{ replies: string[]; opened: number }> {
    const { hearth } = world;
    const voters = Array.from({ length: 600 }, (_, i) => hearth.member(`${who}${i}`));
    const before = hearth.double.connections;
    const seen = await Promise.all(voters.map((voter) => voter.click(poll, choice)));
    return { replies: seen.map((s) => s.reply.content), opened: hearth.double.connections - before };
  }

  it('a rush of votes is acknowledged over a few kept connections, not a new one per vote', async () => {
    const poll = await createPoll('Rush over kept connections?');

    const { replies, opened } = await rushOfVotes(poll, 'kept', 'Yes');

    expect(replies).toEqual(Array(600).fill('You voted for **Yes**.'));
    // The kept ones, and a few more when a kept one is not idle yet as the next acknowledgement takes
    // its turn; without them, one for nearly every vote.
    expect(opened).toBeLessThan(300);
  });

  // As one bounded set of connections for every request would.
  it('slow requests in flight do not hold back a vote’s acknowledgement', async () => {
    const { hearth } = world;
    const poll = await createPoll('Acknowledged past slow requests?');
    const rest = hearth.context.client.rest;
    // 200 requests Discord is slow to answer (fetches of channels), all in flight at once.
    const held = Array.from({ length: 200 }, () => hearth.double.holdNext('GET', /^\/channels\/\d+$/));
    const slow = held.map((_, i) => rest.get(`/channels/${9_000_000_000 + i}`).catch(() => 'not found'));
    await Promise.all(held.map((h) => h.arrived));

    const seen = await hearth.member('not-held-back').click(poll, 'No');

    expect(seen.reply.content).toBe('You voted for **No**.');
    held.forEach((h) => h.release());
    await Promise.all(slow);
  });

  it('a vote is acknowledged on a connection of its own when every kept one is held up', async () => {
    const { hearth } = world;
    const poll = await createPoll('Acknowledged past held acknowledgements?');
    // Discord is slow to take the acknowledgements of the first voters: every kept connection waits.
    const held = Array.from({ length: ACK_CONNECTIONS }, () => hearth.double.holdNext('POST', CALLBACK));
    const first = Array.from({ length: ACK_CONNECTIONS }, (_, i) => hearth.member(`held${i}`).click(poll, 'Yes'));
    await Promise.all(held.map((h) => h.arrived));
    // One series of a metric (a histogram's `_count`, say) with these labels.
    const metric = async (name: string, series = name, labels: Record<string, string> = {}) =>
      (await hearth.context.metrics.registry.getSingleMetric(name)!.get()).values.find((v) => ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
    const timed = () => metric('hearth_interaction_ack_seconds', 'hearth_interaction_ack_seconds_count', { kind: 'button' });
    const timedBefore = await timed();

    const seen = await hearth.member('next-in-line').click(poll, 'No');

    expect(seen.reply.content).toBe('You voted for **No**.');
    // An operator sees it in /metrics, and its acknowledgement is timed like any other.
    expect(await metric('hearth_acknowledgements_overflowed_total')).toBe(1);
    await vi.waitFor(async () => expect(await timed()).toBe(timedBefore + 1)); // heard a moment after the double answered
    held.forEach((h) => h.release());
    expect((await Promise.all(first)).map((s) => s.reply.content)).toEqual(Array(ACK_CONNECTIONS).fill('You voted for **Yes**.'));
  });

  it('acknowledgements Discord failed with an error page nobody reads leave the kept connections to the next rush', async () => {
    const { hearth } = world;
    const rest = hearth.context.client.rest;
    // Discord answers a lane's worth of acknowledgements with a large error page (discord.js reads
    // none of a 5xx's body): each of those connections is stuck until Discord closes it.
    for (let i = 0; i < ACK_CONNECTIONS; i++) hearth.double.failNextWithPage('POST', CALLBACK, 502, 'x'.repeat(100_000));
    await Promise.allSettled(Array.from({ length: ACK_CONNECTIONS }, () => rest.post(`/interactions/${snowflake()}/token/callback`, { body: { type: 6 }, auth: false })));
    const poll = await createPoll('Rush after failed acknowledgements?');

    const { replies, opened } = await rushOfVotes(poll, 'after-failures', 'No');

    expect(replies).toEqual(Array(600).fill('You voted for **No**.'));
    // The lane goes on over kept connections instead of sending every vote on one of its own.
    expect(opened).toBeLessThan(300);
  });

  it('stops at once while Discord still has not answered a request', async () => {
    const { hearth } = world;
    const held = hearth.double.holdNext('GET', /^\/channels\/\d+$/);
    const fetch = hearth.context.client.rest.get(`/channels/${hearth.general.id}`).catch(() => 'cut off');
    await held.arrived;

    await hearth.stopBot();

    expect(await fetch).toBe('cut off');
    held.release();
  }, 5_000); // a stop that waited for the answer would last until discord.js gives up on it, 15 s
});

import { describe, expect, it } from 'vitest';
import { isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { ACK_CONNECTIONS } from '../../src/bot/discord-connections';

const CALLBACK = /^\/interactions\/\d+\/[^/]+\/callback$/;

describe('connections to Discord', () => {
  const world = useHearth();

  async function createPoll(question: string): Promise<StoredMessage> {
    const { hearth } = world;
    await world.leader.run('poll create', { question, choices: 'Yes | No' });
    return hearth.double.channelMessages(world.hearth.general.id).find((m) => textOf(m).includes(question) && !isEphemeral(m))!;
  }

  it('a rush of votes is acknowledged over a few kept connections, not a new one per vote', async () => {
    const { hearth } = world;
    const poll = await createPoll('Rush over kept connections?');
    const voters = Array.from({ length: 600 }, (_, i) => hearth.member(`kept${i}`));
    const before = hearth.double.connections;

    const seen = await Promise.all(voters.map((voter) => voter.click(poll, 'Yes')));

    expect(seen.map((s) => s.reply.content)).toEqual(Array(600).fill('You voted for **Yes**.'));
    // Each vote's acknowledgement, and the poll's edit; without the kept connections, one each.
    expect(hearth.double.connections - before).toBeLessThanOrEqual(ACK_CONNECTIONS + 4);
  });

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

    const seen = await hearth.member('next-in-line').click(poll, 'No');

    expect(seen.reply.content).toBe('You voted for **No**.');
    held.forEach((h) => h.release());
    expect((await Promise.all(first)).map((s) => s.reply.content)).toEqual(Array(ACK_CONNECTIONS).fill('You voted for **Yes**.'));
  });
});

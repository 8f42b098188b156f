import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useHearth } from '../support/setup';
import { REST_QUEUES_SWEPT_EVERY_MS } from '../../src/app';

// discord.js keeps a request queue per route, and a reply edited through an interaction's token is a
// route of its own: without sweeping, a long run of kudos (each edits its deferred reply) grows the heap.
describe('request queues in a long run', () => {
  // Only intervals are faked (discord.js sweeps on one); the double and the bot still talk for real.
  beforeAll(() => void vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] }));
  afterAll(() => void vi.useRealTimers());
  const world = useHearth();

  it('each kudos leaves a queue behind, and the idle ones are dropped within a minute', async () => {
    const { hearth } = world;
    const rest = hearth.context.client.rest;
    const before = rest.handlers.size;
    for (const [giver, recipient] of [['queue-a', 'queue-b'], ['queue-c', 'queue-d']] as const) {
      const seen = await hearth.member(giver).run('kudos give', { member: { id: hearth.member(recipient).id }, value: 'kindness', message: 'Thanks!' });
      expect(seen.reply.content).toContain('is up');
    }
    const grown = rest.handlers.size;
    expect(grown).toBeGreaterThanOrEqual(before + 2);
    vi.advanceTimersByTime(REST_QUEUES_SWEPT_EVERY_MS);
    expect(rest.handlers.size).toBeLessThanOrEqual(grown - 2);
    expect([...rest.handlers.values()].every((handler) => !handler.inactive)).toBe(true);
  });
});

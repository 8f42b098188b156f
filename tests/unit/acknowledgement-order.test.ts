import type { Interaction } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/db/open';
import { Metrics } from '../../src/ops/metrics';

// A button click as the metrics see it: its id (a snowflake's digits) and its kind.
const click = (id: string) => ({ id, isChatInputCommand: () => false, isAutocomplete: () => false, isContextMenuCommand: () => false, isButton: () => true, customId: 'poll:vote:1:0' }) as unknown as Interaction;

function setUp() {
  const metrics = new Metrics({ db: {} as Db, databasePath: ':memory:', outboxCounts: () => [], gatewayConnected: () => true });
  const acknowledge = (id: string, ok = true) => metrics.answered(ok ? 204 : 404, null, id);
  return { metrics, acknowledge };
}

/** Whether the promise has settled once the pending callbacks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('work that lets the acknowledgements of a rush go first', () => {
  it('goes at once when no interaction has come for 20 ms, and waits for that lull otherwise', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const { metrics, acknowledge } = setUp();
      expect(await settled(metrics.afterAcknowledgements())).toBe(true);
      metrics.interactionReceived(click('1'));
      acknowledge('1');
      const waiting = metrics.afterAcknowledgements(); // every interaction is acknowledged, but one came just now
      expect(await settled(waiting)).toBe(false);
      vi.advanceTimersByTime(19);
      expect(await settled(waiting)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await settled(waiting)).toBe(true);
      expect(await settled(metrics.afterAcknowledgements())).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits until every interaction received is acknowledged or handled, a failed acknowledgement included', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const { metrics, acknowledge } = setUp();
      for (const id of ['1', '2', '3']) metrics.interactionReceived(click(id));
      const waiting = metrics.afterAcknowledgements();
      vi.advanceTimersByTime(20);
      acknowledge('1');
      expect(await settled(waiting)).toBe(false);
      acknowledge('2', false); // too late: still waiting until the router is done with it
      expect(await settled(waiting)).toBe(false);
      metrics.interactionHandled(click('2'), 'failed');
      expect(await settled(waiting)).toBe(false);
      acknowledge('3');
      expect(await settled(waiting)).toBe(true); // and the lull after the last one came has passed
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits for a lull: while interactions keep coming, each acknowledged at once, it goes 20 ms after the last', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const { metrics, acknowledge } = setUp();
      metrics.interactionReceived(click('100000'));
      const waiting = metrics.afterAcknowledgements();
      acknowledge('100000');
      for (let i = 0; i < 50; i++) {
        vi.advanceTimersByTime(10); // a click every 10 ms, none waiting for long
        metrics.interactionReceived(click(`${200000 + i}`));
        acknowledge(`${200000 + i}`);
        expect(await settled(waiting)).toBe(false);
      }
      vi.advanceTimersByTime(19);
      expect(await settled(waiting)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await settled(waiting)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('waits a second at the most, however steady the stream of clicks', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const { metrics, acknowledge } = setUp();
      metrics.interactionReceived(click('400000'));
      const waiting = metrics.afterAcknowledgements();
      acknowledge('400000');
      for (let i = 0; i < 99; i++) {
        vi.advanceTimersByTime(10); // a click every 10 ms, each acknowledged at once: never a lull
        metrics.interactionReceived(click(`${500000 + i}`));
        acknowledge(`${500000 + i}`);
      }
      vi.advanceTimersByTime(9);
      expect(await settled(waiting)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await settled(waiting)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

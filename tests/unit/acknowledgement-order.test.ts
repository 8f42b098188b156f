import type { Interaction } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/db/open';
import { Metrics } from '../../src/ops/metrics';

// A button click as the metrics see it: its id (a snowflake's digits) and its kind.
const click = (id: string) => ({ id, isChatInputCommand: () => false, isAutocomplete: () => false, isContextMenuCommand: () => false, isButton: () => true, customId: 'poll:vote:1:0' }) as unknown as Interaction;

function setUp() {
  const metrics = new Metrics({ db: {} as Db, databasePath: ':memory:', outboxCounts: () => [], gatewayConnected: () => true });
  const acknowledge = (id: string, ok = true) => metrics.answered(ok ? 204 : 404, null, id);
  return { metrics, acknowledge };
}

/**
 * Work starts waiting just after a click was acknowledged, then `clicks` more come, one every 10 ms,
 * each acknowledged at once (on fake timers): never a 20 ms lull. `between` runs after each.
 */
async function streamOfClicks(metrics: Metrics, acknowledge: (id: string) => void, clicks: number, between = async (_waiting: Promise<void>) => {}): Promise<{ waiting: Promise<void> }> {
  metrics.interactionReceived(click('100000'));
  const waiting = metrics.afterAcknowledgements();
  acknowledge('100000');
  for (let i = 0; i < clicks; i++) {
    vi.advanceTimersByTime(10);
    metrics.interactionReceived(click(`${200000 + i}`));
    acknowledge(`${200000 + i}`);
    await between(waiting);
  }
  return { waiting };
}

/** Whether the promise has settled once the pending callbacks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('work that lets the acknowledgements of a rush go first', () => {
  // On fake timers and a fake clock: the lull and the wait are measured in milliseconds.
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => void vi.useRealTimers());

  it('goes at once when no interaction has come for 20 ms, and waits for that lull otherwise', async () => {
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
  });

  it('waits until every interaction received is acknowledged or handled, a failed acknowledgement included', async () => {
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
  });

  it('waits for a lull: while interactions keep coming, each acknowledged at once, it goes 20 ms after the last', async () => {
    const { metrics, acknowledge } = setUp();
    const { waiting } = await streamOfClicks(metrics, acknowledge, 50, async (going) => expect(await settled(going)).toBe(false));
    vi.advanceTimersByTime(19);
    expect(await settled(waiting)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settled(waiting)).toBe(true);
  });

  it('waits a second at the most, however steady the stream of clicks', async () => {
    const { metrics, acknowledge } = setUp();
    const { waiting } = await streamOfClicks(metrics, acknowledge, 99); // 990 ms without a lull
    vi.advanceTimersByTime(9);
    expect(await settled(waiting)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await settled(waiting)).toBe(true);
  });
});

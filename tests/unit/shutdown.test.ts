import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FORCED_EXIT_MS, onStopSignal } from '../../src/shutdown';

describe('stop signals', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setUp = () => {
    const calls: string[] = [];
    const handle = onStopSignal({ logger: pino({ level: 'silent' }), begin: () => calls.push('stop'), exit: (code) => calls.push(`exit ${code}`) });
    return { calls, handle };
  };

  it('a first signal begins a clean stop; if it hangs, the process exits 10 seconds later anyway', () => {
    const { calls, handle } = setUp();
    handle('SIGTERM');
    expect(calls).toEqual(['stop']);
    vi.advanceTimersByTime(FORCED_EXIT_MS - 1);
    expect(calls).toEqual(['stop']);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['stop', 'exit 1']);
    expect(FORCED_EXIT_MS).toBe(10_000);
  });

  it('a second signal exits at once, without beginning another stop', () => {
    const { calls, handle } = setUp();
    handle('SIGINT');
    handle('SIGINT');
    expect(calls).toEqual(['stop', 'exit 1']);
  });
});

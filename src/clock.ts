/**
 * The one source of "now" and of timers. Production uses the system clock; tests drive a
 * manual clock so that timed polls and schedules are tested without sleeping.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` at (or soon after) epoch millisecond `at`; returns a cancel function. */
  at(at: number, fn: () => void): () => void;
}

// setTimeout cannot wait longer than about 24.8 days; longer waits are chained.
const MAX_DELAY = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at, fn) {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      if (delay > MAX_DELAY) {
        handle = setTimeout(arm, MAX_DELAY);
      } else {
        handle = setTimeout(fn, Math.max(0, delay));
      }
      handle.unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

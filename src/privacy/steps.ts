// Large deletions (a retention pass, a whole server) run as short transactions with pauses between,
// so interactions never wait long behind them, and a stop or a crash loses nothing: each step is
// complete in itself, and what is left is still due at the next start.

import type { Db } from '../db/open';
import { checkpointerFor } from '../db/checkpointer';

export interface Pace {
  /** Rows in the first transaction; then as many as fit in `stepMs`. */
  batch: number;
  /** How long one transaction should hold the database (and the event loop); the batch size follows. */
  stepMs: number;
  /** Stop after this long (the rest is done in a later round, so other scheduled work gets its turn). */
  budgetMs: number;
  /** Lets waiting work (interactions) run between two steps. */
  pause: () => Promise<void>;
  stopping: () => boolean;
}

/** Between two steps: everything already waiting on the event loop (a click, a reply) runs first. */
export const yieldToOthers = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const DEFAULT_PACE: Omit<Pace, 'stopping'> = { batch: 100, stepMs: 5, budgetMs: 2_000, pause: yieldToOthers };

const FEWEST = 10;
const MOST = 2_000;

/**
 * Runs `step` with a number of rows (true while there may be more) until done; false when the
 * budget or a stop ended it first. Rows cost more in some tables than others, and more on a busy
 * machine, so the batch follows the time each step took, aiming at `stepMs`.
 */
export async function inSteps(step: (limit: number) => boolean, pace: Pace): Promise<boolean> {
  const deadline = performance.now() + pace.budgetMs;
  let limit = pace.batch;
  for (;;) {
    const started = performance.now();
    if (!step(limit)) return true;
    const took = Math.max(performance.now() - started, 0.1);
    limit = Math.round(Math.min(MOST, Math.max(FEWEST, (limit + (limit * pace.stepMs) / took) / 2)));
    if (pace.stopping() || performance.now() >= deadline) return false;
    await pace.pause();
  }
}

/**
 * A step followed by a passive checkpoint of what it wrote, in the background (see checkpointer):
 * the write-ahead log then never grows to SQLite's automatic checkpoint (a thousand pages copied at
 * once on the main thread, holding every interaction up for tens of milliseconds).
 */
export function checkpointed(db: Db, step: (limit: number) => boolean): (limit: number) => boolean {
  const checkpointer = checkpointerFor(db);
  return (limit) => {
    const more = step(limit);
    checkpointer.request('PASSIVE');
    return more;
  };
}

/** Adds one step's counts to a running total. */
export function addCounts(total: Record<string, number>, add: Record<string, number>, prefix = ''): void {
  for (const [kind, n] of Object.entries(add)) total[`${prefix}${kind}`] = (total[`${prefix}${kind}`] ?? 0) + n;
}

/**
 * The set-up every end-to-end block shares: `const world = useHearth()` starts Hearth against a
 * fresh Discord double before the block's tests, makes a leader, and stops both after the tests.
 *
 * Kept apart from harness.ts so that the harness stays free of vitest (the benchmarks use it).
 */
import { afterAll, beforeAll } from 'vitest';
import { TestHearth, type StartOptions, type TestMember } from './harness';

/** What the tests of one block share. Read the fields inside tests and hooks, not while the block is collected. */
export interface World {
  /** The running bot, the double, the clock and the server they share. */
  readonly hearth: TestHearth;
  /** A member called "host" whose role grants Manage Server, made before the first test. */
  readonly leader: TestMember;
}

/**
 * Registers `beforeAll` and `afterAll` hooks in the calling file or `describe` block: Hearth starts
 * (with `options` passed on to `TestHearth.start`, e.g. a clock or a database path) before the
 * block's first test, and stops after its last.
 */
export function useHearth(options: StartOptions = {}): World {
  let hearth: TestHearth | undefined;
  let leader: TestMember | undefined;
  beforeAll(async () => {
    hearth = await TestHearth.start(options);
    leader = hearth.leader('host');
  });
  afterAll(async () => {
    const running = hearth;
    hearth = leader = undefined;
    await running?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useHearth(): Hearth runs only from the beforeAll it registers until its afterAll; read world.hearth and world.leader inside tests and hooks');
    return value;
  };
  return {
    get hearth() {
      return started(hearth);
    },
    get leader() {
      return started(leader);
    },
  };
}

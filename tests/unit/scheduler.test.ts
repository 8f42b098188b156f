import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Scheduler, type DueTask } from '../../src/scheduler/scheduler';
import { ManualClock } from '../support/harness';

const quiet = pino({ level: 'silent' });

/** A task over a list of stored due times, like a table of timed polls. */
function storedTimes(times: number[]) {
  const done: { due: number; ranAt: number }[] = [];
  const task: DueTask = {
    name: 'test',
    nextDueAt: () => (times.length ? Math.min(...times) : null),
    async runDue(now) {
      for (const due of times.filter((t) => t <= now)) {
        done.push({ due, ranAt: now });
        times.splice(times.indexOf(due), 1);
      }
    },
  };
  return { task, done, times };
}

describe('scheduler', () => {
  it('catches up on work that fell due while stopped, then runs each item at its time and never early', async () => {
    const clock = new ManualClock(1_000_000);
    const { task, done } = storedTimes([999_000, 1_005_000, 1_090_000]);
    const scheduler = new Scheduler(clock, quiet);
    scheduler.register(task);

    await scheduler.start();
    expect(done).toEqual([{ due: 999_000, ranAt: 1_000_000 }]);

    await clock.advance(4_999);
    expect(done).toHaveLength(1);
    await clock.advance(1);
    expect(done[1]).toEqual({ due: 1_005_000, ranAt: 1_005_000 });

    await clock.advance(85_000);
    expect(done[2]).toEqual({ due: 1_090_000, ranAt: 1_090_000 });
    await scheduler.stop();
  });

  it('picks up work stored after start when woken, and does nothing after stop', async () => {
    const clock = new ManualClock(0);
    const { task, done, times } = storedTimes([]);
    const scheduler = new Scheduler(clock, quiet);
    scheduler.register(task);
    await scheduler.start();

    times.push(30_000);
    scheduler.wake();
    await clock.advance(30_000);
    expect(done).toEqual([{ due: 30_000, ranAt: 30_000 }]);

    // After stop, neither a wake nor the five-minute sweep runs anything (both would, were it running).
    await scheduler.stop();
    times.push(40_000);
    scheduler.wake();
    await clock.advance(60 * 60_000);
    expect(done).toHaveLength(1);
    expect(times).toEqual([40_000]);
  });

  it('keeps going when a task fails: the next task still runs, and the failed one is retried a little later, not in a tight loop', async () => {
    const clock = new ManualClock(0);
    let attempts = 0;
    const after: number[] = [];
    const scheduler = new Scheduler(clock, quiet);
    scheduler.register({
      name: 'flaky',
      nextDueAt: () => (attempts < 2 ? 0 : null),
      async runDue() {
        attempts += 1;
        if (attempts === 1) throw new Error('database busy');
      },
    });
    scheduler.register({ name: 'after it', nextDueAt: () => null, runDue: async (now) => void after.push(now) });
    await scheduler.start();
    expect(attempts).toBe(1);
    expect(after).toEqual([0]); // the failure did not stop the round
    await clock.advance(4_999);
    expect(attempts).toBe(1);
    await clock.advance(1);
    expect(attempts).toBe(2);
    expect(after).toEqual([0]); // the retry runs what is due, not the task that had nothing to do
    await scheduler.stop();
  });
  it('a timer round runs the tasks found due and the every-round one; a wake naming a task reads only its due time', async () => {
    const clock = new ManualClock(0);
    const polls = storedTimes([10_000]);
    const checkins = storedTimes([50_000]);
    const ran: string[] = [];
    let outboxDue: number | null = null;
    let checkinReads = 0;
    const outbox: DueTask = { name: 'outbox', everyRound: true, nextDueAt: () => outboxDue, runDue: async () => void (ran.push('outbox'), (outboxDue = null)) };
    const scheduler = new Scheduler(clock, quiet);
    scheduler.register({ ...polls.task, name: 'polls', runDue: async (now) => (ran.push('polls'), polls.task.runDue(now, () => false)) });
    scheduler.register({ ...checkins.task, name: 'checkins', nextDueAt: () => (checkinReads++, checkins.task.nextDueAt()), runDue: async (now) => (ran.push('checkins'), checkins.task.runDue(now, () => false)) });
    scheduler.register(outbox);
    await scheduler.start();
    expect(ran).toEqual(['polls', 'checkins', 'outbox']); // start-up: every task
    ran.length = 0;

    await clock.advance(10_000);
    expect(ran).toEqual(['polls', 'outbox']); // the poll's moment: not the check-ins, whose moment is later
    expect(polls.done).toHaveLength(1);
    ran.length = 0;

    const reads = checkinReads;
    outboxDue = 12_000; // a paced direct message waits
    scheduler.wake(outbox);
    expect(checkinReads).toBe(reads); // only the outbox's next moment was read again
    await clock.advance(2_000);
    expect(ran).toEqual(['outbox']);
    ran.length = 0;

    await clock.advance(38_000);
    expect(ran).toEqual(['checkins', 'outbox']);
    expect(checkins.done).toEqual([{ due: 50_000, ranAt: 50_000 }]);
    await scheduler.stop();
  });
  it('a due time stored without a wake is still found within five minutes, however often another task falls due', async () => {
    const clock = new ManualClock(0);
    const busy = storedTimes(Array.from({ length: 60 }, (_, i) => (i + 1) * 60_000)); // due every minute for an hour
    const quiet = storedTimes([]);
    const scheduler = new Scheduler(clock, pino({ level: 'silent' }));
    scheduler.register({ ...busy.task, name: 'busy' });
    scheduler.register({ ...quiet.task, name: 'quiet' });
    await scheduler.start();
    quiet.times.push(90_000); // stored by something that did not wake the scheduler
    await clock.advance(5 * 60_000);
    expect(quiet.done).toEqual([{ due: 90_000, ranAt: 5 * 60_000 }]);
    expect(busy.done).toHaveLength(5);
    await scheduler.stop();
  });

  it('a due time that could not be read is read again, not taken for "nothing due"', async () => {
    const clock = new ManualClock(0);
    let broken = true;
    const flaky = storedTimes([30_000]);
    const scheduler = new Scheduler(clock, pino({ level: 'silent' }));
    scheduler.register({ ...flaky.task, name: 'flaky', nextDueAt: () => { if (broken) throw new Error('database busy'); return flaky.task.nextDueAt(); } });
    const other: DueTask = { name: 'other', nextDueAt: () => null, runDue: async () => {} };
    scheduler.register(other);
    await scheduler.start();
    broken = false;
    scheduler.wake(other); // any arming reads again a due time that could not be read
    await clock.advance(30_000);
    expect(flaky.done).toEqual([{ due: 30_000, ranAt: 30_000 }]);
    await scheduler.stop();
  });
  it('a timer that fires a millisecond early (the wall clock) waits for the moment and runs only the task due then', async () => {
    const manual = new ManualClock(0);
    const firedEarly = new Set<number>(); // each moment's first timer fires a millisecond early, as a wall clock may
    const early = { now: () => manual.now(), at: (at: number, fn: () => void) => manual.at(firedEarly.has(at) ? at : (firedEarly.add(at), at - 1), fn) };
    const due = storedTimes([10_000]);
    let otherRuns = 0;
    const scheduler = new Scheduler(early, pino({ level: 'silent' }));
    scheduler.register({ ...due.task, name: 'due' });
    scheduler.register({ name: 'other', nextDueAt: () => null, runDue: async () => void otherRuns++ });
    await scheduler.start();
    expect(otherRuns).toBe(1); // start-up runs every task
    await manual.advance(10_000);
    expect(due.done).toEqual([{ due: 10_000, ranAt: 10_000 }]);
    expect(otherRuns).toBe(1); // the early firing did not turn into a round of every task
    await scheduler.stop();
  });
});

import type { Clock } from '../clock';
import type { Logger } from '../logger';

/**
 * A kind of due work whose times live in the database (a poll's close, a check-in's next run).
 * The scheduler only decides *when to look*; the task reads the stored times and acts on what
 * is due with conditional updates, so looking twice, early or after a restart is harmless.
 */
export interface DueTask {
  name: string;
  /** The earliest stored due moment (epoch ms), or null if nothing is waiting. */
  nextDueAt(): number | null;
  /**
   * Do everything due at or before `now`. Long work checks `stopping()` between steps and returns
   * early when Hearth is shutting down (what it leaves is still stored, so the next start does it).
   */
  runDue(now: number, stopping: () => boolean): Promise<void>;
  /** Runs in every round, due or not: it acts on what the others stored (the outbox, registered after them, delivers what they queued). */
  everyRound?: boolean;
}

// Even with nothing due, look again now and then: cheap, and it heals a timer lost to clock jumps.
const SAFETY_SWEEP_MS = 5 * 60_000;
const RETRY_AFTER_FAILURE_MS = 5_000;

/** Which tasks a round runs: every one, or those the timer found due. */
type Wanted = 'all' | Set<DueTask>;

export class Scheduler {
  private readonly tasks: DueTask[] = [];
  /** Each task's next due moment as last read: a wake that names one task reads that one again only. */
  private readonly dueAt = new Map<DueTask, number | null>();
  /** When every task's due time was last read: at most five minutes on, every task runs and is read again. */
  private allReadAt = -Infinity;
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  /** What the next round runs (asked for while one was under way too), or null: nothing asked. */
  private wanted: Wanted | null = null;
  private failed = false;
  private stopped = true;
  /** When the last round of due work finished, and when the one under way began (for /healthz). */
  lastRoundEndedAt: number | null = null;
  roundStartedAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Told how each task's run went (the metrics). */
    private readonly observe: (task: string, outcome: 'ok' | 'failed') => void = () => {},
  ) {}

  register(task: DueTask): void {
    this.tasks.push(task);
  }

  /** Catches up on everything that fell due while Hearth was down, then waits for the next. */
  start(): Promise<void> {
    this.stopped = false;
    return this.tick();
  }

  /**
   * Something new was stored (a timed poll was created): re-arm for the earliest due moment. Given
   * a task, only that task's stored times changed (the outbox after each delivery): the others'
   * are not read again.
   */
  wake(task?: DueTask): void {
    if (!this.stopped) this.arm(task ? new Set([task]) : undefined);
  }

  /** Stops timers and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.running;
  }

  /** Runs every task's due work now (start-up, the safety sweep and tests come through here). */
  tick(): Promise<void> {
    return this.round('all');
  }

  /**
   * The timer's round: only the tasks whose stored moment has come. The outbox's timer fires many
   * times a second while direct messages go out at their pace; a round of every task each time
   * (each reading its tables) held up interactions. Five minutes after every task was last read (the
   * safety sweep): every task.
   */
  private timerFired(): void {
    const now = this.clock.now();
    const isDue = (task: DueTask) => (this.dueAt.get(task) ?? Infinity) <= now;
    // The safety sweep: five minutes since every task was last looked at (a time stored without a
    // wake, another process's writes, a due time that could not be read, a clock that jumped).
    if (now >= this.allReadAt + SAFETY_SWEEP_MS) return void this.round('all');
    // A timer may fire a millisecond before its moment by the wall clock: set it again.
    if (!this.tasks.some(isDue)) return this.arm(new Set());
    void this.round(new Set(this.tasks.filter((task) => task.everyRound || isDue(task))));
  }

  private round(wanted: Wanted): Promise<void> {
    this.wanted = this.wanted === 'all' || wanted === 'all' ? 'all' : new Set([...(this.wanted ?? []), ...wanted]);
    if (this.running) return this.running;
    const ran = new Set<DueTask>();
    this.running = (async () => {
      this.roundStartedAt = this.clock.now();
      while (this.wanted && !this.stopped) {
        const round = this.wanted;
        this.wanted = null;
        const now = this.clock.now();
        for (const task of this.tasks) {
          if (this.stopped) break;
          if (round !== 'all' && !round.has(task)) continue;
          ran.add(task);
          try {
            await task.runDue(now, () => this.stopped);
            this.observe(task.name, 'ok');
          } catch (error) {
            this.failed = true;
            this.observe(task.name, 'failed');
            this.logger.error({ err: error, task: task.name }, 'scheduled work failed; it will be retried');
          }
        }
      }
    })().finally(() => {
      this.lastRoundEndedAt = this.clock.now();
      this.roundStartedAt = null;
      this.running = null;
      this.wanted = null;
      this.arm(ran.size === this.tasks.length ? undefined : ran);
    });
    return this.running;
  }

  /** Sets the timer for the earliest due moment; `changed`: only these tasks' moments are read again. */
  private arm(changed?: Set<DueTask>): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.stopped) return;
    const now = this.clock.now();
    // After a failure, wait a little before retrying what is still due, not in a tight loop.
    const earliest = this.failed ? now + RETRY_AFTER_FAILURE_MS : now;
    this.failed = false;
    if (!changed) this.allReadAt = now;
    let next = this.allReadAt + SAFETY_SWEEP_MS;
    for (const task of this.tasks) {
      if (!changed || changed.has(task) || !this.dueAt.has(task)) {
        const due = this.readDue(task);
        if (due === undefined) this.dueAt.delete(task); // read again at the next arming
        else this.dueAt.set(task, due);
      }
      const due = this.dueAt.get(task);
      if (due != null && due < next) next = due;
    }
    this.cancelTimer = this.clock.at(Math.max(next, earliest), () => this.timerFired());
  }

  /** The task's next due moment; undefined when it could not be read. */
  private readDue(task: DueTask): number | null | undefined {
    try {
      return task.nextDueAt();
    } catch (error) {
      this.logger.error({ err: error, task: task.name }, 'could not read the next due time; looking again within five minutes');
      return undefined;
    }
  }
}

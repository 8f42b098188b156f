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
}

// Even with nothing due, look again now and then: cheap, and it heals a timer lost to clock jumps.
const SAFETY_SWEEP_MS = 5 * 60_000;
const RETRY_AFTER_FAILURE_MS = 5_000;

export class Scheduler {
  private readonly tasks: DueTask[] = [];
  private cancelTimer: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private again = false;
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

  /** Something new was stored (a timed poll was created): re-arm for the earliest due moment. */
  wake(): void {
    if (!this.stopped) this.arm();
  }

  /** Stops timers and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.running;
  }

  /** Runs due work now (tests and the timer both come through here). */
  tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      this.roundStartedAt = this.clock.now();
      do {
        this.again = false;
        const now = this.clock.now();
        for (const task of this.tasks) {
          if (this.stopped) break;
          try {
            await task.runDue(now, () => this.stopped);
            this.observe(task.name, 'ok');
          } catch (error) {
            this.failed = true;
            this.observe(task.name, 'failed');
            this.logger.error({ err: error, task: task.name }, 'scheduled work failed; it will be retried');
          }
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.lastRoundEndedAt = this.clock.now();
      this.roundStartedAt = null;
      this.running = null;
      this.arm();
    });
    return this.running;
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    if (this.stopped) return;
    const now = this.clock.now();
    // After a failure, wait a little before retrying what is still due, not in a tight loop.
    const earliest = this.failed ? now + RETRY_AFTER_FAILURE_MS : now;
    this.failed = false;
    let next = now + SAFETY_SWEEP_MS;
    for (const task of this.tasks) {
      try {
        const due = task.nextDueAt();
        if (due !== null && due < next) next = due;
      } catch (error) {
        this.logger.error({ err: error, task: task.name }, 'could not read the next due time; looking again within five minutes');
      }
    }
    this.cancelTimer = this.clock.at(Math.max(next, earliest), () => void this.tick());
  }
}

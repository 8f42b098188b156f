// A shared pace for one family of effects (direct messages): at most `perSecond` taken in any
// second across every server. Up to five a second, a second's worth may go at once; faster, they
// are spread evenly, one every 1/perSecond of a second (never more than a fifteenth of a second's
// worth at once). Fifteen at once kept the bot busy for part of every second while a large
// check-in went out, and members' clicks waited behind it; spread out, each message's work falls
// between clicks. Time comes from the clock; nothing sleeps.

/** Up to this many a second, all of a second's may go at once. */
const WHOLE_SECOND_AT_ONCE = 5;

export class Pace {
  /** When the last `perSecond` effects were taken, oldest first. */
  private readonly taken: number[] = [];
  /** Effects that may go at once: a token bucket refilled at `perSecond`, holding at most `burst`. */
  private tokens: number;
  private filledAt = -Infinity;
  private readonly burst: number;

  constructor(readonly perSecond: number) {
    if (!Number.isSafeInteger(perSecond) || perSecond < 1) throw new Error(`A pace needs a whole number of effects per second, got ${perSecond}`);
    this.burst = perSecond <= WHOLE_SECOND_AT_ONCE ? perSecond : Math.max(1, Math.floor(perSecond / 15));
    this.tokens = this.burst;
  }

  /** The first moment from `now` on when one more may be taken. */
  nextAt(now: number): number {
    this.fill(now);
    const bySpacing = this.tokens >= 1 ? now : now + Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
    const byWindow = this.taken.length < this.perSecond ? now : this.taken[0]! + 1000;
    return Math.max(now, bySpacing, byWindow);
  }

  /** Records one taken at `now` (the caller checked `nextAt(now) <= now`). */
  took(now: number): void {
    this.fill(now);
    this.tokens -= 1;
    this.taken.push(now);
    while (this.taken.length > this.perSecond) this.taken.shift();
  }

  /**
   * Gives back the one taken at `takenAt`: it turned out to send nothing (the member said no, or
   * left). That one, not the latest: others may have been taken meanwhile, and they did go out.
   */
  gaveBack(takenAt: number): void {
    const at = this.taken.lastIndexOf(takenAt);
    if (at < 0) return; // long enough ago to count for nothing any more
    this.taken.splice(at, 1);
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  private fill(now: number): void {
    if (now > this.filledAt) {
      this.tokens = this.filledAt === -Infinity ? this.burst : Math.min(this.burst, this.tokens + ((now - this.filledAt) * this.perSecond) / 1000);
      this.filledAt = now;
    }
  }
}

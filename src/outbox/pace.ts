// A shared pace for one family of effects (direct messages): at most `perSecond` taken in any
// second across every server, and no more than BURST at once: after those, one every
// 1/perSecond of a second. A second's worth at once (15 and more) kept the bot busy for a
// quarter of every second while a large check-in went out, and members' clicks waited behind it;
// spaced out, each message's work falls between clicks. Time comes from the clock; nothing sleeps.

/** How many may go at once after a quiet while. */
const BURST = 5;

export class Pace {
  /** When the last `perSecond` effects were taken, oldest first. */
  private readonly taken: number[] = [];
  /** Effects that may go at once (a token bucket refilled at `perSecond`, holding at most BURST). */
  private tokens: number;
  private filledAt = -Infinity;

  constructor(readonly perSecond: number) {
    if (!Number.isSafeInteger(perSecond) || perSecond < 1) throw new Error(`A pace needs a whole number of effects per second, got ${perSecond}`);
    this.tokens = Math.min(BURST, perSecond);
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
    this.tokens = Math.min(Math.min(BURST, this.perSecond), this.tokens + 1);
  }

  private fill(now: number): void {
    if (now > this.filledAt) {
      const cap = Math.min(BURST, this.perSecond);
      this.tokens = this.filledAt === -Infinity ? cap : Math.min(cap, this.tokens + ((now - this.filledAt) * this.perSecond) / 1000);
      this.filledAt = now;
    }
  }
}

// A shared pace for one family of effects (direct messages): at most `perSecond` taken in any
// second, across every server. Time comes from the clock; nothing sleeps.

export class Pace {
  /** When the last `perSecond` effects were taken, oldest first. */
  private readonly taken: number[] = [];

  constructor(readonly perSecond: number) {
    if (!Number.isSafeInteger(perSecond) || perSecond < 1) throw new Error(`A pace needs a whole number of effects per second, got ${perSecond}`);
  }

  /** The first moment from `now` on when one more may be taken. */
  nextAt(now: number): number {
    if (this.taken.length < this.perSecond) return now;
    return Math.max(now, this.taken[0]! + 1000);
  }

  /** Records one taken at `now` (the caller checked `nextAt(now) <= now`). */
  took(now: number): void {
    this.taken.push(now);
    while (this.taken.length > this.perSecond) this.taken.shift();
  }

  /** Gives back the latest one taken: it turned out to send nothing (the member said no, or left). */
  gaveBack(): void {
    this.taken.pop();
  }
}

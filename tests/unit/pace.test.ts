import { describe, expect, it } from 'vitest';
import { Pace } from '../../src/outbox/pace';

/** Takes one whenever the pace allows, every millisecond for `ms`: the moments taken. */
function drain(pace: Pace, ms: number, from = 0): number[] {
  const taken: number[] = [];
  for (let now = from; now < from + ms; now++) {
    if (pace.nextAt(now) <= now) {
      pace.took(now);
      taken.push(now);
    }
  }
  return taken;
}

describe('Pace: at most N in any second, spread out above five a second', () => {
  it('at 3 a second: three at once, then the next only a second after the first of them', () => {
    const pace = new Pace(3);
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(pace.nextAt(t + i)).toBe(t + i);
      pace.took(t + i);
    }
    expect(pace.nextAt(t + 3)).toBe(t + 1000);
    pace.took(t + 1000);
    expect(pace.nextAt(t + 5000)).toBe(t + 5000);
  });

  it('at 20 a second: one every 50 ms, never more than 20 in a second', () => {
    const taken = drain(new Pace(20), 10_000);
    expect(taken.slice(0, 3)).toEqual([0, 50, 100]);
    expect(taken.length).toBe(200);
    for (let i = 1; i < taken.length; i++) expect(taken[i]! - taken[i - 1]!).toBe(50);
  });

  it('at 1,000 a second: at most a fifteenth of a second\'s worth at once, never more than 1,000 in a second', () => {
    const pace = new Pace(1000);
    let atOnce = 0;
    while (pace.nextAt(0) <= 0) {
      pace.took(0);
      atOnce++;
    }
    expect(atOnce).toBe(66);
    const taken = drain(new Pace(1000), 5000);
    for (let i = 1000; i < taken.length; i++) expect(taken[i]! - taken[i - 1000]!).toBeGreaterThanOrEqual(1000);
  });

  it('a slot given back (nothing was sent) can be taken again at once, and only that slot goes back', () => {
    const pace = new Pace(2);
    pace.took(1000);
    pace.took(1000);
    expect(pace.nextAt(1000)).toBe(2000);
    pace.gaveBack(1000);
    expect(pace.nextAt(1000)).toBe(1000);

    // A slow skip: taken at 0, given back after two more went out at 900 and 1,500 (the latest
    // real send must keep counting: at most two in any second).
    const slow = new Pace(2);
    slow.took(0);
    slow.took(900);
    slow.took(1500);
    slow.gaveBack(0); // aged out of the window already: nothing to give back
    expect(slow.nextAt(1500)).toBe(1900);
  });

  it('refuses a pace that is not a whole number of at least 1', () => {
    expect(() => new Pace(0)).toThrow(/whole number/);
    expect(() => new Pace(1.5)).toThrow(/whole number/);
  });
});

import { describe, expect, it } from 'vitest';
import { Pace } from '../../src/outbox/pace';

describe('Pace: at most N taken in any second', () => {
  it('lets N go at once, then the next only a second after the first of them', () => {
    const pace = new Pace(3);
    const t = 1_000_000;
    for (let i = 0; i < 3; i++) {
      expect(pace.nextAt(t + i)).toBe(t + i);
      pace.took(t + i);
    }
    expect(pace.nextAt(t + 3)).toBe(t + 1000);
    pace.took(t + 1000);
    expect(pace.nextAt(t + 1000)).toBe(t + 1001);
    expect(pace.nextAt(t + 5000)).toBe(t + 5000);
  });

  it('refuses a pace that is not a whole number of at least 1', () => {
    expect(() => new Pace(0)).toThrow(/whole number/);
    expect(() => new Pace(1.5)).toThrow(/whole number/);
  });
});

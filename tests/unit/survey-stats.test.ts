import { describe, expect, it } from 'vitest';
import { frequentTerms, mean, median, netPromoterScore } from '../../src/surveys/stats';

const dist = (values: number[]) => {
  const map = new Map<number, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return map;
};

describe('survey statistics', () => {
  it('mean, median and NPS of a 0-10 question, checked by hand', () => {
    // sorted: 2 4 6 7 8 | 9 9 10 10 10 -> median (8 + 9) / 2; sum 75
    const answers = dist([10, 10, 9, 8, 7, 6, 2, 9, 10, 4]);
    expect(mean(answers)).toBe(7.5);
    expect(median(answers)).toBe(8.5);
    // promoters 10,10,9,9,10 = 5; passives 8,7 = 2; detractors 6,2,4 = 3 -> (5 - 3) / 10 = +20
    expect(netPromoterScore(answers)).toEqual({ score: 20, promoters: 5, passives: 2, detractors: 3 });
  });

  it('median of an odd count is the middle value; NPS can be negative; nothing answered gives null', () => {
    expect(median(dist([5, 1, 2, 3, 5, 2, 5]))).toBe(3);
    expect(mean(dist([5, 1, 2, 3, 5, 2, 5]))).toBeCloseTo(23 / 7);
    expect(netPromoterScore(dist([0, 6, 7, 9]))).toEqual({ score: -25, promoters: 1, passives: 1, detractors: 2 });
    // Halves round away from zero both ways: (1 - 2) / 8 = -12.5% -> -13, and (2 - 1) / 8 = +12.5% -> +13.
    expect(netPromoterScore(dist([0, 0, 9, 7, 7, 7, 7, 7]))).toEqual({ score: -13, promoters: 1, passives: 5, detractors: 2 });
    expect(netPromoterScore(dist([9, 9, 0, 7, 7, 7, 7, 7]))).toEqual({ score: 13, promoters: 2, passives: 5, detractors: 1 });
    expect(mean(new Map())).toBeNull();
    expect(median(new Map())).toBeNull();
    expect(netPromoterScore(new Map())).toBeNull();
  });

  it('finds the most frequent meaningful words and two-word phrases, without stop words', () => {
    const { words, phrases } = frequentTerms([
      'The weekly game night is great',
      'Game night every week, please!',
      'More game nights and a quiet voice channel',
      'quiet voice channel please, I think',
      'maybe something like a quiz',
    ]);
    expect(words.slice(0, 5)).toEqual([
      { term: 'game', count: 3 },
      { term: 'channel', count: 2 },
      { term: 'night', count: 2 },
      { term: 'quiet', count: 2 },
      { term: 'voice', count: 2 },
    ]);
    for (const stop of ['the', 'and', 'please', 'think', 'maybe', 'like']) expect(words.map((w) => w.term)).not.toContain(stop);
    expect(phrases).toEqual([
      { term: 'game night', count: 2 },
      { term: 'quiet voice', count: 2 },
      { term: 'voice channel', count: 2 },
    ]);
  });

  it('counts a word once per answer, so one long answer cannot outweigh many short ones', () => {
    const { words } = frequentTerms(['pizza pizza pizza pizza', 'tacos', 'tacos']);
    expect(words).toEqual([
      { term: 'tacos', count: 2 },
      { term: 'pizza', count: 1 },
    ]);
  });
});

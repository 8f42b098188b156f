import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX_LENGTH, customId, customIdKey } from '../../src/bot/custom-id';

describe('custom id codec', () => {
  const vote = customId('poll', 'vote', { pollId: 'int', choice: 'int' });
  const answer = customId('survey', 'answer', { token: 'str', page: 'int' });

  it('round-trips typed values', () => {
    const id = vote.build({ pollId: 1234, choice: 7 });
    expect(id).toBe('poll:vote:1234:7');
    expect(vote.parse(id)).toEqual({ pollId: 1234, choice: 7 });
    expect(answer.parse(answer.build({ token: 'abc-DEF', page: 2 }))).toEqual({ token: 'abc-DEF', page: 2 });
    expect(customIdKey(id)).toBe('poll:vote');
  });

  it('refuses ids of another shape instead of guessing', () => {
    for (const garbled of ['poll:vote:12', 'poll:vote:12:3:4', 'poll:vote:abc:1', 'poll:close:1:2', '', 'poll:vote:1.5:2', 'poll:vote:99999999999999999999:1']) {
      expect(vote.parse(garbled)).toBeNull();
    }
  });

  it('will not build an id longer than Discord allows or one whose value would break parsing', () => {
    const long = customId('n', 'a', { text: 'str' });
    expect(long.build({ text: 'x'.repeat(CUSTOM_ID_MAX_LENGTH - 4) })).toHaveLength(CUSTOM_ID_MAX_LENGTH);
    expect(() => long.build({ text: 'x'.repeat(CUSTOM_ID_MAX_LENGTH - 3) })).toThrow(/101 characters; Discord allows 100/);
    expect(() => long.build({ text: 'a:b' })).toThrow(/may not contain/);
    expect(() => vote.build({ pollId: 1.5, choice: 1 })).toThrow(/must be an integer/);
  });
});

import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX_LENGTH, customId, customIdKey, field } from '../../src/bot/custom-id';

describe('custom id codec', () => {
  const vote = customId('poll', 'vote', { pollId: field.rowId, choice: field.int(0, 19) });
  const give = customId('kudos', 'give', { recipientId: field.snowflake });
  const sort = customId('list', 'sort', { by: field.oneOf('name', 'date'), page: field.int(0, 9) });

  it('round-trips typed values', () => {
    const id = vote.build({ pollId: 1234, choice: 7 });
    expect(id).toBe('poll:vote:1234:7');
    expect(vote.parse(id)).toEqual({ pollId: 1234, choice: 7 });
    expect(give.parse(give.build({ recipientId: '123456789012345678' }))).toEqual({ recipientId: '123456789012345678' });
    expect(sort.parse(sort.build({ by: 'date', page: 9 }))).toEqual({ by: 'date', page: 9 });
    expect(customIdKey(id)).toBe('poll:vote');
  });

  it('routes any id, forged ones included, by its first two fields', () => {
    expect(customIdKey('poll:vote')).toBe('poll:vote');
    expect(customIdKey('poll')).toBe('poll:');
    expect(customIdKey('')).toBe(':');
    expect(customIdKey(':vote:1')).toBe(':vote');
    expect(customIdKey('poll::1')).toBe('poll:');
    expect(customIdKey('survey:pick:1:2:3')).toBe('survey:pick');
  });

  it('refuses ids of another shape instead of guessing', () => {
    for (const garbled of ['poll:vote:12', 'poll:vote:12:3:4', 'poll:vote:abc:1', 'poll:close:1:2', '', 'poll:vote:1.5:2', 'poll:vote:99999999999999999999:1']) {
      expect(vote.parse(garbled)).toBeNull();
    }
  });

  it('refuses every value that is not of its declared type, written the one way build writes it', () => {
    const forgedVotes = [
      'poll:vote:0:1', // row ids start at 1
      'poll:vote:-3:1',
      'poll:vote:1:20', // beyond the declared bounds
      'poll:vote:1:-1',
      'poll:vote:9007199254740993:1', // beyond what a number can hold exactly
      'poll:vote:01:1', // leading zero, sign, spaces, exponent, hex, other digits
      'poll:vote:+1:1',
      'poll:vote: 1:1',
      'poll:vote:1e3:1',
      'poll:vote:0x10:1',
      'poll:vote:١:1',
      'poll:vote::1', // empty
      `poll:vote:1:1${' '.repeat(CUSTOM_ID_MAX_LENGTH)}`,
    ];
    for (const forged of forgedVotes) expect(vote.parse(forged), forged).toBeNull();

    const forgedRecipients = [
      'kudos:give:../../123456789012345678/members/123456789012345678',
      'kudos:give:123456789012345678/../1',
      'kudos:give:%2e%2e',
      'kudos:give:1234567890123456', // 16 digits: too short
      'kudos:give:123456789012345678901', // 21 digits: too long
      'kudos:give:012345678901234567',
      'kudos:give:123456789012345678?with_counts=true',
      'kudos:give:',
      'kudos:give:me',
    ];
    for (const forged of forgedRecipients) expect(give.parse(forged), forged).toBeNull();

    for (const forged of ['list:sort:Name:0', 'list:sort:size:0', 'list:sort::0', 'list:sort:name:10']) expect(sort.parse(forged), forged).toBeNull();
  });

  it('will not build an id longer than Discord allows or with a value outside its type', () => {
    const long = customId('n', 'a', { a: field.snowflake, b: field.snowflake, c: field.snowflake, d: field.snowflake, e: field.rowId });
    const id = '12345678901234567890';
    expect(long.build({ a: id, b: id, c: id, d: id, e: 123_456_789_012 })).toHaveLength(CUSTOM_ID_MAX_LENGTH);
    expect(() => long.build({ a: id, b: id, c: id, d: id, e: 1_234_567_890_123 })).toThrow(/would be 101 characters; Discord allows 100/);
    expect(() => vote.build({ pollId: 1.5, choice: 1 })).toThrow(/pollId is not a valid integer from 1/);
    expect(() => vote.build({ pollId: 1, choice: 20 })).toThrow(/choice is not a valid integer from 0 to 19/);
    expect(() => give.build({ recipientId: '../x' })).toThrow(/not a valid Discord id/);
    expect(() => sort.build({ by: 'size' as 'name', page: 0 })).toThrow(/one of name, date/);
  });
});

import { sql } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { closeDatabase, openDatabase } from '../../src/db/open';
import { WHOLE_SERVER } from '../../src/visibility';
import { sqlWord } from '../../src/db/prepared';
import { createPoll, myVote, recordVote, results, validatePoll } from '../../src/polls/service';

const poll = validatePoll({ question: 'Lunch?', choices: 'Pizza | Tacos | Soup', multi: false, maxChoices: null, anonymous: false, hideResults: false, closesIn: null, roleId: null });
const voter = (memberId: string) => ({ guildId: 'g1', memberId, roleIds: [], sees: WHOLE_SERVER });

describe('statements prepared once per connection', () => {
  it('prepares a vote\'s statements on the first click only, and gives each database its own', () => {
    const first = openDatabase(':memory:');
    const second = openDatabase(':memory:');
    const onFirst = createPoll(first, { guildId: 'g1', channelId: 'c1', creatorId: 'lead' }, poll, 0);
    const onSecond = createPoll(second, { guildId: 'g1', channelId: 'c1', creatorId: 'lead' }, poll, 0);
    recordVote(first, voter('warm-up'), onFirst.id, 0, 1);

    const prepares = vi.spyOn(first.$client, 'prepare');
    for (let i = 0; i < 50; i++) recordVote(first, voter(`m${i}`), onFirst.id, i % 3, 1);
    expect(myVote(first, voter('m4'), onFirst.id).mine).toEqual([1]);
    expect(prepares).not.toHaveBeenCalled();

    // The second database runs its own statements: its votes land in its own file.
    recordVote(second, voter('m1'), onSecond.id, 2, 1);
    expect(results(second, onSecond).choices.map((c) => c.count)).toEqual([0, 0, 1]);
    expect(results(first, onFirst).choices.map((c) => c.count)).toEqual([18, 17, 16]);
    closeDatabase(first);
    closeDatabase(second);
  });

  it('a refused click on prepared statements changes nothing', () => {
    const db = openDatabase(':memory:');
    const multi = createPoll(db, { guildId: 'g1', channelId: 'c1', creatorId: 'lead' }, { ...poll, multi: true, maxChoices: 1 }, 0);
    recordVote(db, voter('ana'), multi.id, 0, 1);
    expect(() => recordVote(db, voter('ana'), multi.id, 1, 2)).toThrow('at most 1 choice');
    expect(myVote(db, voter('ana'), multi.id).mine).toEqual([0]);
    expect(results(db, multi)).toMatchObject({ voters: 1, votes: 1 });
    closeDatabase(db);
  });

  it('writes only plain words of the code into a statement as fixed text', () => {
    const db = openDatabase(':memory:');
    expect(db.all(sql`SELECT ${sqlWord('posted')} AS word`)).toEqual([{ word: 'posted' }]);
    for (const word of ["it's", 'a b', 'Posted', '', "x' OR '1'='1"]) expect(() => sqlWord(word)).toThrow('only plain lower-case words');
    closeDatabase(db);
  });
});

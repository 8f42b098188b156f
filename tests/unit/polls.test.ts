import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/user-error';
import { openDatabase } from '../../src/db/open';
import { WHOLE_SERVER } from '../../src/visibility';
import { parseDuration } from '../../src/durations';
import { outbox } from '../../src/outbox/schema';
import { attachPollMessage, closeDuePolls, discardUnpostedPolls, closePoll, createPoll, recordVote, results, retractVote, validatePoll, type PollRequest } from '../../src/polls/service';

const base: PollRequest = { question: 'Lunch?', choices: 'Pizza | Tacos | Soup', multi: false, maxChoices: null, anonymous: false, hideResults: false, closesIn: null, roleId: null };
const place = { guildId: 'g1', channelId: 'c1', creatorId: 'creator' };
const voter = (memberId: string, guildId = 'g1') => ({ guildId, memberId, roleIds: [], sees: WHOLE_SERVER });

describe('poll rules', () => {
  it('trims the question and choices and keeps their order', () => {
    expect(validatePoll({ ...base, question: '  Lunch?  ', choices: ' Pizza|Tacos |  Soup ' })).toMatchObject({ question: 'Lunch?', choices: ['Pizza', 'Tacos', 'Soup'] });
  });

  it('reports every problem at once', () => {
    try {
      validatePoll({ ...base, question: '', choices: 'a', closesIn: 'later' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      const message = (error as Error).message;
      expect(message).toContain('The question is empty');
      expect(message).toContain('at least 2 choices');
      expect(message).toContain('"later" is not a duration');
    }
  });

  it('reads durations from 1 minute to 60 days', () => {
    const limits = { minMs: 60_000, maxMs: 60 * 86_400_000 };
    expect(parseDuration('30m', limits)).toEqual({ ok: true, ms: 1_800_000 });
    expect(parseDuration('1d12h', limits)).toEqual({ ok: true, ms: 129_600_000 });
    expect(parseDuration('1w 2d', limits)).toEqual({ ok: true, ms: 777_600_000 });
    expect(parseDuration('2H', limits)).toEqual({ ok: true, ms: 7_200_000 });
    expect(parseDuration('60d', limits)).toEqual({ ok: true, ms: 60 * 86_400_000 });
    for (const bad of ['', '0m', '-1h', '61d', '12', 'h', '1m1d', '1.5h', '9w']) expect(parseDuration(bad, limits).ok, bad).toBe(false);
  });

  it('keeps the vote counts equal to the stored votes through every kind of change', () => {
    const db = openDatabase(':memory:');
    const single = createPoll(db, place, validatePoll(base), 0);
    const multi = createPoll(db, place, validatePoll({ ...base, multi: true, maxChoices: 2 }), 0);
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let i = 0; i < 2000; i++) {
      const poll = random(2) ? single : multi;
      const who = voter(`m${random(40)}`);
      try {
        if (random(5) === 0) retractVote(db, who, poll.id, 1);
        else recordVote(db, who, poll.id, random(3), 1);
      } catch (error) {
        expect((error as Error).message).toContain('at most 2'); // the only refusal possible here
      }
    }
    for (const poll of [single, multi]) {
      const summary = results(db, poll);
      const truth = db.$client.prepare('SELECT choice, count(*) AS n FROM poll_votes WHERE poll_id = ? GROUP BY choice').all(poll.id) as { choice: number; n: number }[];
      expect(summary.choices.map((c) => c.count)).toEqual([0, 1, 2].map((c) => truth.find((t) => t.choice === c)?.n ?? 0));
      const voters = db.$client.prepare('SELECT count(DISTINCT voter) AS n FROM poll_votes WHERE poll_id = ?').get(poll.id) as { n: number };
      expect(summary.voters).toBe(voters.n);
    }
  });

  it('closes each timed poll once, never before its time, and only in its own server', async () => {
    const db = openDatabase(':memory:');
    const timed = createPoll(db, place, validatePoll({ ...base, closesIn: '1h' }), 1_000);
    expect(await closeDuePolls(db, 1_000 + 3_600_000 - 1)).toBe(0);
    expect(await closeDuePolls(db, 1_000 + 3_600_000)).toBe(1);
    const queued = () => db.select({ key: outbox.key, guildId: outbox.guildId, payload: outbox.payload }).from(outbox).all();
    expect(queued()).toEqual([{ key: `poll.final-results:${timed.id}`, guildId: 'g1', payload: JSON.stringify({ pollId: timed.id }) }]);
    expect(await closeDuePolls(db, 1_000 + 7_200_000)).toBe(0);
    expect(queued()).toHaveLength(1); // the final results are queued once, with the close
    expect(() => recordVote(db, voter('late'), timed.id, 0, 1_000 + 3_600_000)).toThrow(/closed/);

    const other = createPoll(db, place, validatePoll(base), 0);
    attachPollMessage(db, other, 'm1');
    expect(() => closePoll(db, { guildId: 'g2', memberId: 'creator', isLeader: true, sees: WHOLE_SERVER }, other.id, 5)).toThrow(`There is no poll #${other.id} in this server`);
    expect(() => recordVote(db, voter('m', 'g2'), other.id, 0, 5)).toThrow('no longer exists');
  });

  it('refuses a vote that arrives after the closing time even before the closing run', () => {
    const db = openDatabase(':memory:');
    const poll = createPoll(db, place, validatePoll({ ...base, closesIn: '1m' }), 0);
    expect(recordVote(db, voter('early'), poll.id, 0, 59_999).change).toBe('added');
    expect(() => recordVote(db, voter('late'), poll.id, 0, 60_000)).toThrow(/closed/);
  });

  it('removes, at start, polls whose creation a stop interrupted (stored but never linked to a message)', () => {
    const db = openDatabase(':memory:');
    const orphan = createPoll(db, place, validatePoll(base), 1_000);
    const posted = createPoll(db, place, validatePoll(base), 1_000);
    attachPollMessage(db, posted, 'm2');
    const justNow = createPoll(db, place, validatePoll(base), 5_000); // being created as Hearth starts
    const votedOn = createPoll(db, place, validatePoll(base), 1_000); // posted, but its link was lost
    recordVote(db, voter('early'), votedOn.id, 0, 2_000);
    expect(discardUnpostedPolls(db, 5_000)).toBe(1);
    const left = db.$client.prepare('SELECT id FROM polls ORDER BY id').all().map((r) => (r as { id: number }).id);
    expect(left).toEqual([posted.id, justNow.id, votedOn.id]);
    expect(left).not.toContain(orphan.id);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/user-error';
import { openDatabase, type Db } from '../../src/db/open';
import { kudos, kudosRoundups, kudosValues } from '../../src/kudos/schema';
import { giveKudos, removeKudos, type KudosRequest } from '../../src/kudos/giving';
import { buildRoundup, queueRoundup, recordRoundup, roundupSchedule } from '../../src/kudos/roundup';
import { outbox } from '../../src/outbox/schema';
import { getKudosSettings, setDailyLimit, setMilestone, setRoundup } from '../../src/kudos/settings';
import { kudosHistory, leaderboard } from '../../src/kudos/standings';
import { DEFAULT_VALUES, addValue, listValues, removeValue, renameValue } from '../../src/kudos/values';
import { setRecognitionChannel, setTimezone } from '../../src/settings/service';
import { polls, pollVotes } from '../../src/polls/schema';
import { checkinAnswers, checkinRuns, checkinSchedules } from '../../src/checkins/schema';
import { WHOLE_SERVER } from '../../src/visibility';

const G = 'guild-1';
const NOON = Date.UTC(2026, 10, 25, 12); // Wednesday
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function request(giverId: string, recipientId: string, extra: Partial<KudosRequest> = {}): KudosRequest {
  return { guildId: G, giverId, recipient: { id: recipientId, bot: false }, channelId: 'c', value: 'Kindness', message: 'Thank you', timezone: 'UTC', ...extra };
}

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('kudos rules', () => {
  let db: Db;
  beforeEach(() => {
    db = openDatabase(':memory:');
  });
  const stored = () => db.select().from(kudos).all();

  it('gives kudos, counting per value and per day', () => {
    const first = giveKudos(db, request('ana', 'ben'), NOON);
    expect(first).toMatchObject({ valueCount: 1, totalReceived: 1, givenToday: 1, dailyLimit: 5, resetsAt: Date.UTC(2026, 10, 26) });
    const second = giveKudos(db, request('cai', 'ben', { value: 'kindness', message: '  Again, thanks!  ' }), NOON);
    expect(second.valueCount).toBe(2);
    expect(second.kudos).toMatchObject({ value: 'Kindness', message: 'Again, thanks!' });
    expect(giveKudos(db, request('cai', 'ben', { value: 'Wisdom' }), NOON + HOUR).valueCount).toBe(1);
  });

  it('refuses yourself, bots, members who left, unknown values and empty or long messages, storing nothing', () => {
    expect(refusal(() => giveKudos(db, request('ana', 'ana'), NOON))).toContain('yourself');
    expect(refusal(() => giveKudos(db, { ...request('ana', 'bot'), recipient: { id: 'bot', bot: true } }, NOON))).toContain('Bots cannot receive kudos');
    expect(refusal(() => giveKudos(db, { ...request('ana', 'x'), recipient: null }, NOON))).toContain('no longer in this server');
    expect(refusal(() => giveKudos(db, request('ana', 'ben', { value: 'Bravery' }), NOON))).toContain('"Bravery" is not one of this server\'s values');
    expect(refusal(() => giveKudos(db, request('ana', 'ben', { message: ' \n ' }), NOON))).toContain('The message is empty');
    expect(refusal(() => giveKudos(db, request('ana', 'ben', { message: 'x'.repeat(501) }), NOON))).toContain('the most is 500');
    expect(giveKudos(db, request('ana', 'ben', { message: 'x'.repeat(500) }), NOON).kudos.message).toHaveLength(500);
    expect(stored()).toHaveLength(1);
  });

  it('limits each giver per day, resetting at midnight in the server\'s time zone', () => {
    setDailyLimit(db, G, 2, NOON);
    const tokyo = { timezone: 'Asia/Tokyo' };
    // 14:00 UTC is 23:00 in Tokyo; midnight there is 15:00 UTC.
    const late = Date.UTC(2026, 10, 25, 14);
    giveKudos(db, request('ana', 'b1', tokyo), late);
    giveKudos(db, request('ana', 'b2', tokyo), late);
    const message = refusal(() => giveKudos(db, request('ana', 'b3', tokyo), late + 59 * 60_000));
    expect(message).toContain('You have given all 2 of today\'s kudos');
    expect(message).toContain(`<t:${Date.UTC(2026, 10, 25, 15) / 1000}:R>`);
    expect(giveKudos(db, request('ana', 'b3', tokyo), Date.UTC(2026, 10, 25, 15)).givenToday).toBe(1);
    // Another giver is not affected.
    expect(giveKudos(db, request('cai', 'b1', tokyo), late).givenToday).toBe(1);
  });

  it('lets the same giver thank the same member once an hour', () => {
    giveKudos(db, request('ana', 'ben'), NOON);
    const message = refusal(() => giveKudos(db, request('ana', 'ben', { value: 'Wisdom' }), NOON + HOUR - 1));
    expect(message).toContain(`try again <t:${(NOON + HOUR) / 1000}:R>`);
    expect(giveKudos(db, request('ana', 'ben', { value: 'Wisdom' }), NOON + HOUR).valueCount).toBe(1);
  });

  it('reports every milestone the recipient has reached, so a missing role can be granted (again)', () => {
    setMilestone(db, G, 2, { id: 'role-2', managed: false });
    setMilestone(db, G, 3, { id: 'role-3', managed: false });
    expect(giveKudos(db, request('a', 'ben'), NOON).milestones).toEqual([]);
    expect(giveKudos(db, request('b', 'ben'), NOON).milestones).toEqual([{ count: 2, roleId: 'role-2' }]);
    expect(giveKudos(db, request('c', 'ben'), NOON).milestones).toEqual([{ count: 2, roleId: 'role-2' }, { count: 3, roleId: 'role-3' }]);
    // A milestone added later still reaches members already past it.
    setMilestone(db, G, 1, { id: 'role-1', managed: false });
    expect(giveKudos(db, request('d', 'ben'), NOON).milestones.map((m) => m.roleId)).toEqual(['role-1', 'role-2', 'role-3']);
    expect(refusal(() => setMilestone(db, G, 4, { id: G, managed: false }))).toContain('@everyone');
    expect(refusal(() => setMilestone(db, G, 4, { id: 'bot-role', managed: true }))).toContain('managed by an integration');
    expect(refusal(() => setMilestone(db, G, 0, { id: 'r', managed: false }))).toContain('from 1 to 100000');
    expect(getKudosSettings(db, G).milestones).toHaveLength(3);
  });

  it('allows at most 15 milestones, but an existing one can still change role', () => {
    for (let n = 1; n <= 15; n++) setMilestone(db, G, n * 10, { id: `role-${n}`, managed: false });
    expect(refusal(() => setMilestone(db, G, 7, { id: 'role-x', managed: false }))).toContain('at most 15 milestones');
    expect(setMilestone(db, G, 10, { id: 'role-x', managed: false }).milestones[0]).toEqual({ count: 10, roleId: 'role-x' });
    expect(getKudosSettings(db, G).milestones).toHaveLength(15);
  });

  it('matches a typed value in any case and with repeated spaces', () => {
    addValue(db, G, 'Going  the   extra mile', 'Did more than asked.');
    expect(giveKudos(db, request('ana', 'ben', { value: '  going the EXTRA    mile ' }), NOON).kudos.value).toBe('Going the extra mile');
  });

  it('the daily limit resets at local midnight also on a night the clocks go back (Sydney, 5 April 2026)', () => {
    setDailyLimit(db, G, 1, NOON);
    const sydney = { timezone: 'Australia/Sydney' };
    // 23:50 on Saturday 4 April in Sydney, then 00:30 on Sunday: a new day, and the limit is spent
    // again only once that day has started.
    giveKudos(db, request('ana', 'b1', sydney), Date.UTC(2026, 3, 4, 12, 50));
    const sunday = giveKudos(db, request('ana', 'b2', sydney), Date.UTC(2026, 3, 4, 13, 30));
    expect(sunday.givenToday).toBe(1);
    expect(sunday.resetsAt).toBe(Date.UTC(2026, 3, 5, 14)); // Monday 00:00, winter time (UTC+10)
    expect(refusal(() => giveKudos(db, request('ana', 'b3', sydney), Date.UTC(2026, 3, 4, 14, 30)))).toContain('all 1 of today\'s kudos');
  });

  it('validates settings: daily limit 1 to 100; roundup on and off', () => {
    expect(refusal(() => setDailyLimit(db, G, 0, NOON))).toContain('from 1 to 100');
    expect(refusal(() => setDailyLimit(db, G, 101, NOON))).toContain('from 1 to 100');
    expect(getKudosSettings(db, G)).toMatchObject({ dailyLimit: 5, roundupEnabled: true });
    expect(setDailyLimit(db, G, 100, NOON).dailyLimit).toBe(100);
    expect(setRoundup(db, G, false, NOON).roundupEnabled).toBe(false);
  });

  it('starts with ten default values and keeps between 1 and 25 distinct ones', () => {
    expect(listValues(db, G).map((v) => v.name)).toEqual(DEFAULT_VALUES.map((v) => v.name));
    expect(DEFAULT_VALUES).toHaveLength(10);
    for (const value of DEFAULT_VALUES) expect(value.description).toMatch(/^[A-Z].+\.$/);
    expect(db.select().from(kudosValues).all()).toHaveLength(0); // defaults are not stored until changed

    expect(refusal(() => addValue(db, G, ' kindness ', 'Duplicate'))).toContain('already has a value called **kindness**');
    expect(refusal(() => addValue(db, G, '', 'Empty'))).toContain('name is empty');
    expect(refusal(() => addValue(db, G, 'Grit', ' '))).toContain('description is empty');
    for (let i = 11; i <= 25; i++) addValue(db, G, `Value ${i}`, 'A value.');
    expect(listValues(db, G)).toHaveLength(25);
    expect(refusal(() => addValue(db, G, 'Value 26', 'A value.'))).toContain('at most 25 values');

    const other = 'guild-2';
    for (const value of DEFAULT_VALUES.slice(1)) removeValue(db, other, value.name);
    expect(listValues(db, other).map((v) => v.name)).toEqual(['Generosity']);
    expect(refusal(() => removeValue(db, other, 'generosity'))).toContain('needs at least 1 value');
    expect(listValues(db, G)).toHaveLength(25); // servers do not share values
  });

  it('renaming a value renames the kudos given for it, in that server only', () => {
    giveKudos(db, request('ana', 'ben'), NOON);
    giveKudos(db, { ...request('ana', 'ben'), guildId: 'guild-2' }, NOON);
    expect(refusal(() => renameValue(db, G, 'Kindness', 'wisdom', null))).toContain('already has a value called **wisdom**');
    renameValue(db, G, 'kindness', 'Care', null);
    expect(listValues(db, G).find((v) => v.name === 'Care')!.description).toBe(DEFAULT_VALUES[1]!.description);
    expect(stored().map((k) => [k.guildId, k.value])).toEqual([
      [G, 'Care'],
      ['guild-2', 'Kindness'],
    ]);
    // Case-only renames are fine.
    renameValue(db, G, 'care', 'CARE', 'Looked out for someone.');
    expect(listValues(db, G)[1]).toEqual({ name: 'CARE', description: 'Looked out for someone.' });
  });

  it('removing a value keeps the kudos already given for it, in totals and leaderboards', () => {
    giveKudos(db, request('ana', 'ben', { value: 'Humility', message: 'So modest' }), NOON);
    removeValue(db, G, 'humility');
    expect(listValues(db, G).map((v) => v.name)).not.toContain('Humility');
    expect(stored().map((k) => [k.value, k.message])).toEqual([['Humility', 'So modest']]);
    expect(kudosHistory(db, G, 'ben', 'received', WHOLE_SERVER)).toMatchObject({ total: 1, byValue: [{ value: 'Humility', count: 1 }] });
    expect(leaderboard(db, G, 'ben', 'all', null, 'UTC', NOON).recipients).toEqual([{ memberId: 'ben', count: 1, rank: 1 }]);
  });

  it('removal is for leaders, scoped to the server, and happens once', () => {
    const { kudos: given } = giveKudos(db, request('ana', 'ben'), NOON);
    const leader = { guildId: G, memberId: 'lead', isLeader: true };
    expect(refusal(() => removeKudos(db, { ...leader, isLeader: false }, given.id, NOON))).toContain('Only leaders');
    expect(refusal(() => removeKudos(db, { ...leader, guildId: 'guild-2' }, given.id, NOON))).toBe(
      `There is no kudos #${given.id} in this server. Find the number in \`/kudos received\` or \`/kudos given\`.`,
    );
    expect(removeKudos(db, leader, given.id, NOON + 5)).toMatchObject({ alreadyRemoved: false, kudos: { removedAt: NOON + 5, removedBy: 'lead' } });
    // Asking again is not refused (the takedown can be retried) and changes nothing stored.
    expect(removeKudos(db, { ...leader, memberId: 'other' }, given.id, NOON + 9)).toMatchObject({ alreadyRemoved: true, kudos: { removedAt: NOON + 5, removedBy: 'lead' } });
    expect(kudosHistory(db, G, 'ben', 'received', WHOLE_SERVER).total).toBe(0);
    // A removed kudos still used up the pair's hour...
    expect(refusal(() => giveKudos(db, request('ana', 'ben'), NOON + 10))).toContain('once an hour');
  });

  it('a removed kudos still counts toward the giver\'s daily limit', () => {
    setDailyLimit(db, G, 2, NOON);
    const leader = { guildId: G, memberId: 'lead', isLeader: true };
    const first = giveKudos(db, request('ana', 'ben'), NOON);
    removeKudos(db, leader, first.kudos.id, NOON + 1);
    expect(giveKudos(db, request('ana', 'cai'), NOON + 2).givenToday).toBe(2);
    expect(refusal(() => giveKudos(db, request('ana', 'dee'), NOON + 3))).toContain('You have given all 2 of today\'s kudos');
    expect(kudosHistory(db, G, 'ana', 'given', WHOLE_SERVER).total).toBe(1); // yet it no longer counts as given
  });

  it('ranks members by period and value, with ties sharing a rank and the caller\'s standing', () => {
    setDailyLimit(db, G, 100, NOON);
    const at = (iso: string) => Date.parse(iso);
    giveKudos(db, request('a', 'old'), at('2026-10-05T10:00:00Z'));
    giveKudos(db, request('b', 'old'), at('2026-10-05T10:00:00Z'));
    giveKudos(db, request('c', 'old'), at('2026-10-05T10:00:00Z'));
    giveKudos(db, request('a', 'month', { value: 'Wisdom' }), at('2026-11-02T10:00:00Z'));
    giveKudos(db, request('a', 'week'), at('2026-11-23T00:00:00Z')); // Monday 00:00: this week
    giveKudos(db, request('b', 'week'), at('2026-11-24T10:00:00Z'));
    giveKudos(db, request('a', 'me'), at('2026-11-22T23:59:59Z')); // Sunday: last week

    const week = leaderboard(db, G, 'me', 'week', null, 'UTC', NOON);
    expect(week.recipients).toEqual([{ memberId: 'week', count: 2, rank: 1 }]);
    expect(week.givers).toEqual([
      { memberId: 'a', count: 1, rank: 1 },
      { memberId: 'b', count: 1, rank: 1 },
    ]);
    expect(week.me.received).toEqual({ count: 0, rank: null, members: 1 });

    const month = leaderboard(db, G, 'me', 'month', null, 'UTC', NOON);
    expect(month.recipients.map((r) => [r.memberId, r.count, r.rank])).toEqual([
      ['week', 2, 1],
      ['me', 1, 2],
      ['month', 1, 2],
    ]);
    expect(month.me.received).toEqual({ count: 1, rank: 2, members: 3 });

    const all = leaderboard(db, G, 'me', 'all', null, 'UTC', NOON);
    expect(all.recipients[0]).toEqual({ memberId: 'old', count: 3, rank: 1 });
    expect(all.givers[0]).toEqual({ memberId: 'a', count: 4, rank: 1 });

    const wisdom = leaderboard(db, G, 'me', 'all', 'wisdom', 'UTC', NOON);
    expect(wisdom.value).toBe('Wisdom');
    expect(wisdom.recipients).toEqual([{ memberId: 'month', count: 1, rank: 1 }]);

    // In Tokyo the week started 9 hours earlier, so Sunday 23:59 UTC already counts as this week.
    const tokyo = leaderboard(db, G, 'me', 'week', null, 'Asia/Tokyo', NOON);
    expect(tokyo.me.received.count).toBe(1);

    // Only the top 10, but the caller's rank even below that.
    for (let i = 0; i < 12; i++) {
      giveKudos(db, request('x', `top${i}`), NOON + i * 1000);
      giveKudos(db, request('y', `top${i}`), NOON + i * 1000);
    }
    const crowded = leaderboard(db, G, 'week', 'week', null, 'UTC', NOON + DAY);
    expect(crowded.recipients).toHaveLength(10);
    expect(crowded.me.received).toEqual({ count: 2, rank: 1, members: 13 });
    const outside = leaderboard(db, G, 'me', 'month', null, 'UTC', NOON + DAY);
    expect(outside.recipients.some((r) => r.memberId === 'me')).toBe(false);
    expect(outside.me.received).toEqual({ count: 1, rank: 14, members: 15 }); // tied with 'month'
  });

  it('history shows totals by value and the latest messages first', () => {
    giveKudos(db, request('a', 'ben', { message: 'first' }), NOON);
    giveKudos(db, request('b', 'ben', { message: 'second', value: 'Wisdom' }), NOON + 1);
    giveKudos(db, request('c', 'ben', { message: 'third' }), NOON + 2);
    const history = kudosHistory(db, G, 'ben', 'received', WHOLE_SERVER);
    expect(history.total).toBe(3);
    expect(history.byValue).toEqual([
      { value: 'Kindness', count: 2 },
      { value: 'Wisdom', count: 1 },
    ]);
    expect(history.recent.map((k) => k.message)).toEqual(['third', 'second', 'first']);
    expect(kudosHistory(db, G, 'a', 'given', WHOLE_SERVER).total).toBe(1);
    expect(kudosHistory(db, 'guild-2', 'ben', 'received', WHOLE_SERVER).total).toBe(0);
  });
});

describe('weekly roundup', () => {
  let db: Db;
  const MONDAY_9_TOKYO = Date.UTC(2026, 10, 30, 0); // Monday 30 November, 09:00 in Tokyo
  beforeEach(() => {
    db = openDatabase(':memory:');
    setTimezone(db, G, 'Asia/Tokyo', NOON);
    setRecognitionChannel(db, G, 'wall', NOON);
  });

  it('is due on Monday at 09:00 local time, within a day, and claimed exactly once', () => {
    expect(roundupSchedule(db, MONDAY_9_TOKYO - 1)).toEqual({ due: [], nextAt: MONDAY_9_TOKYO, laterAt: MONDAY_9_TOKYO });
    const { due } = roundupSchedule(db, MONDAY_9_TOKYO);
    expect(due).toEqual([{ guildId: G, channelId: 'wall', timezone: 'Asia/Tokyo', week: '2026-11-30', dueAt: MONDAY_9_TOKYO }]);
    expect(queueRoundup(db, due[0]!, MONDAY_9_TOKYO)).toBe(true);
    expect(queueRoundup(db, due[0]!, MONDAY_9_TOKYO + 1)).toBe(false);
    expect(db.select({ key: outbox.key }).from(outbox).all()).toEqual([{ key: `kudos.roundup:${G}:2026-11-30` }]); // queued once
    recordRoundup(db, due[0]!, 'posted', 'm1');
    expect(roundupSchedule(db, MONDAY_9_TOKYO + HOUR)).toEqual({ due: [], nextAt: MONDAY_9_TOKYO + 7 * DAY, laterAt: MONDAY_9_TOKYO + 7 * DAY });
    expect(db.select().from(kudosRoundups).all()).toHaveLength(1);
  });

  it('catches up within a day after the moment, and lets a missed week go after that', () => {
    expect(roundupSchedule(db, MONDAY_9_TOKYO + 23 * HOUR).due).toHaveLength(1);
    expect(roundupSchedule(db, MONDAY_9_TOKYO + 24 * HOUR)).toEqual({ due: [], nextAt: MONDAY_9_TOKYO + 7 * DAY, laterAt: MONDAY_9_TOKYO + 7 * DAY });
  });

  it('is not due where it is turned off or there is no recognition channel', () => {
    setRoundup(db, G, false, NOON);
    expect(roundupSchedule(db, MONDAY_9_TOKYO)).toEqual({ due: [], nextAt: null, laterAt: null });
    setRoundup(db, G, true, NOON);
    setRecognitionChannel(db, G, null, NOON);
    expect(roundupSchedule(db, MONDAY_9_TOKYO)).toEqual({ due: [], nextAt: null, laterAt: null });
  });

  it('sums up the local week: count, top recipients, first-timers, and active members nobody thanked', () => {
    const tokyo = { timezone: 'Asia/Tokyo' };
    const weekStart = Date.UTC(2026, 10, 22, 15); // Monday 23 November, 00:00 in Tokyo
    giveKudos(db, request('quiet', 'vet', tokyo), weekStart - 10 * DAY);
    giveKudos(db, request('ana', 'vet', tokyo), weekStart); // first moment of the week
    giveKudos(db, request('ben', 'vet', tokyo), weekStart + DAY);
    giveKudos(db, request('ana', 'new', tokyo), weekStart + 2 * DAY);
    const removed = giveKudos(db, request('ana', 'gone', tokyo), weekStart + 2 * DAY);
    removeKudos(db, { guildId: G, memberId: 'lead', isLeader: true }, removed.kudos.id, weekStart + 3 * DAY);
    giveKudos(db, request('ana', 'later', tokyo), MONDAY_9_TOKYO - 9 * HOUR); // Monday 00:00 Tokyo: next week
    giveKudos(db, request('ana', 'old', tokyo), weekStart - 1); // last week

    // Poll voters: named polls count as activity, anonymous ones (hashed voters) cannot.
    const named = db.insert(polls).values({ guildId: G, channelId: 'c', creatorId: 'lead', question: 'Q', multi: false, anonymous: false, hideResults: false, createdAt: NOON }).returning().get();
    const secret = db.insert(polls).values({ guildId: G, channelId: 'c', creatorId: 'lead', question: 'S', multi: false, anonymous: true, hideResults: false, createdAt: NOON, voterSecret: 'k' }).returning().get();
    const elsewhere = db.insert(polls).values({ guildId: 'guild-2', channelId: 'c', creatorId: 'lead', question: 'E', multi: false, anonymous: false, hideResults: false, createdAt: NOON }).returning().get();
    db.insert(pollVotes).values([
      { pollId: named.id, voter: 'voter', choice: 0, votedAt: NOON },
      { pollId: named.id, voter: 'vet', choice: 0, votedAt: NOON },
      { pollId: named.id, voter: 'long-ago', choice: 0, votedAt: MONDAY_9_TOKYO - 40 * DAY },
      { pollId: secret.id, voter: 'hashed-voter', choice: 0, votedAt: NOON },
      { pollId: elsewhere.id, voter: 'stranger', choice: 0, votedAt: NOON },
    ]).run();

    // Check-ins: named ones count as activity, anonymous ones and other servers' do not.
    const schedule = (guildId: string, anonymous: boolean) =>
      db.insert(checkinSchedules).values({ guildId, channelId: 'c', name: 'N', prompt: 'P', whenText: 'w', cron: '0 9 * * 1', timezone: 'UTC', anonymous, createdBy: 'lead', createdAt: NOON }).returning().get();
    const run = (scheduleId: number, guildId: string) =>
      db.insert(checkinRuns).values({ scheduleId, guildId, scheduledFor: NOON, status: 'posted', recordedAt: NOON }).returning().get();
    const open = schedule(G, false);
    const hidden = schedule(G, true);
    const foreign = schedule('guild-2', false);
    const answer = (runId: number, scheduleId: number, guildId: string, memberId: string, at: number) =>
      ({ runId, scheduleId, guildId, memberId, mood: 4, answeredAt: at, updatedAt: at });
    const [openRun, hiddenRun, foreignRun] = [run(open.id, G), run(hidden.id, G), run(foreign.id, 'guild-2')];
    db.insert(checkinAnswers).values([
      answer(openRun.id, open.id, G, 'checker', NOON),
      answer(openRun.id, open.id, G, 'new', NOON), // thanked this week: not listed
      answer(openRun.id, open.id, G, 'checker-long-ago', MONDAY_9_TOKYO - 40 * DAY),
      answer(hiddenRun.id, hidden.id, G, 'anonymous-checker', NOON),
      answer(foreignRun.id, foreign.id, 'guild-2', 'foreign-checker', NOON),
    ]).run();

    const slot = roundupSchedule(db, MONDAY_9_TOKYO).due[0]!;
    const roundup = buildRoundup(db, slot);
    expect(roundup).toMatchObject({ week: '2026-11-30', from: weekStart, to: weekStart + 7 * DAY, total: 3 }); // the removed one does not count
    expect(roundup.top).toEqual([
      { memberId: 'vet', count: 2 },
      { memberId: 'new', count: 1 },
    ]);
    expect(roundup.firstTime).toEqual(['new']);
    expect([...roundup.unthanked].sort()).toEqual(['ana', 'ben', 'checker', 'quiet', 'voter']);
  });
  it('names as active only what happened in the window: old votes and old check-ins do not count', () => {
    const weekStart = Date.UTC(2026, 10, 22, 15); // Monday 23 November, 00:00 in Tokyo
    const poll = (createdAt: number, closedAt: number | null) =>
      db.insert(polls).values({ guildId: G, channelId: 'c', creatorId: 'lead', question: 'Q', multi: false, anonymous: false, hideResults: false, createdAt, status: closedAt === null ? 'open' : 'closed', closedAt }).returning().get();
    const finished = poll(weekStart - 90 * DAY, weekStart - 60 * DAY); // closed long before the roundup's month
    const longOpen = poll(weekStart - 90 * DAY, null); // still open: old and new votes on it
    db.insert(pollVotes).values([
      { pollId: finished.id, voter: 'old-voter', choice: 0, votedAt: weekStart - 80 * DAY },
      { pollId: longOpen.id, voter: 'old-voter-2', choice: 0, votedAt: weekStart - 70 * DAY },
      { pollId: longOpen.id, voter: 'recent-voter', choice: 0, votedAt: weekStart + DAY },
    ]).run();

    // A run posted before the window still takes answers in it (nothing newer was posted): those count.
    const schedule = db.insert(checkinSchedules).values({ guildId: G, channelId: 'c', name: 'N', prompt: 'P', whenText: 'w', cron: '0 9 1 * *', timezone: 'UTC', anonymous: false, createdBy: 'lead', createdAt: weekStart - 90 * DAY }).returning().get();
    const run = db.insert(checkinRuns).values({ scheduleId: schedule.id, guildId: G, scheduledFor: weekStart - 40 * DAY, status: 'posted', recordedAt: weekStart - 40 * DAY }).returning().get();
    const answer = (memberId: string, at: number) => ({ runId: run.id, scheduleId: schedule.id, guildId: G, memberId, mood: 3, answeredAt: at, updatedAt: at });
    db.insert(checkinAnswers).values([answer('old-checker', weekStart - 39 * DAY), answer('late-checker', weekStart + 2 * DAY)]).run();

    const roundup = buildRoundup(db, roundupSchedule(db, MONDAY_9_TOKYO).due[0]!);
    expect([...roundup.unthanked].sort()).toEqual(['late-checker', 'recent-voter']);
  });
});

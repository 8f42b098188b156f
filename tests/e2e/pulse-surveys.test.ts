import { describe, expect, it } from 'vitest';
import { isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { surveyPulses, surveys } from '../../src/surveys/schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('pulse surveys: a survey asked again on a schedule, round by round', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC, a Wednesday; the server's zone is UTC
  const rounds = () => world.hearth.context.db.select().from(surveys).all().filter((s) => s.pulseId !== null);

  async function draft(title: string, questions = true): Promise<number> {
    const { leader } = world;
    const created = await leader.run('survey create', { title });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(created.reply))![1]);
    if (questions) {
      await leader.run('survey add-question', { survey: id, kind: 'scale-5', prompt: 'How is the community this week?', required: true });
      await leader.run('survey add-question', { survey: id, kind: 'yes-no', prompt: 'Did you feel welcome?' });
    }
    return id;
  }

  const cardOf = (round: number): StoredMessage => world.hearth.double.messages.get(rounds().find((r) => r.round === round)!.messageId!)!;

  async function answer(member: TestMember, card: StoredMessage, mood: string, welcome: 'Yes' | 'No'): Promise<void> {
    const screen = (await member.click(card, 'Take survey')).reply;
    await member.click(screen, mood);
    await member.click(screen, welcome);
    await member.click(screen, 'Submit');
  }

  it('three weekly rounds, each its own card and responses, closing after open-for; results per round and the trend with a chart', async () => {
    const { hearth, leader } = world;
    const id = await draft('Weekly pulse');
    const scheduled = await leader.run('survey schedule', { survey: id, every: 'week', day: 'wed', time: '13:00', 'open-for': '2d' });
    expect(isEphemeral(scheduled.reply)).toBe(true);
    expect(scheduled.reply.content).toContain('is asked again every week on Wednesday at 13:00 (UTC)');
    expect(scheduled.reply.content).toContain(`<t:${Date.UTC(2026, 10, 25, 13) / 1000}:F>`);

    const members = ['ana', 'bo'].map((name) => hearth.member(name));
    const moods = [['4', '2'], ['4', '4'], ['5', '4']];
    for (let round = 1; round <= 3; round++) {
      await hearth.clock.set(Date.UTC(2026, 10, 25 + 7 * (round - 1), 13));
      await hearth.runDueWork();
      expect(rounds()).toHaveLength(round);
      const card = cardOf(round);
      expect(textOf(card)).toContain('Weekly pulse');
      for (const [i, member] of members.entries()) await answer(member, card, moods[round - 1]![i]!, 'Yes');
      await hearth.clock.advance(2 * DAY);
      await hearth.runDueWork();
      expect(rounds().find((r) => r.round === round)!.status).toBe('closed');
    }
    expect(new Set(rounds().map((r) => r.messageId)).size).toBe(3); // a fresh card each round

    const latest = await leader.run('survey results', { survey: id });
    expect(textOf(latest.reply)).toContain(`Survey #${rounds().find((r) => r.round === 3)!.id}`);
    const second = await leader.run('survey results', { survey: id, round: 2 });
    expect(textOf(second.reply)).toContain(`Survey #${rounds().find((r) => r.round === 2)!.id}`);
    const missing = await leader.run('survey results', { survey: id, round: 9 });
    expect(missing.reply.content).toContain(`Survey #${id} has no round 9: it has had 3 rounds so far.`);

    const trend = await leader.run('survey trend', { survey: id });
    const text = textOf(trend.reply);
    expect(text).toContain('trend over 3 rounds');
    expect(text).toContain('Round 1: mean 3.0\nRound 2: mean 4.0\nRound 3: mean 4.5');
    expect(text).toContain('Round 1: Yes 100%, No 0%');
    expect(trend.reply.files.map((f) => f.filename)).toEqual([`survey-${id}-trend.png`]);

    const stopped = await leader.run('survey unschedule', { survey: id });
    expect(stopped.reply.content).toContain('is no longer asked again');
    await hearth.clock.advance(14 * DAY);
    await hearth.runDueWork();
    expect(rounds()).toHaveLength(3);
    const again = await leader.run('survey unschedule', { survey: id });
    expect(again.reply.content).toContain('has no rounds scheduled');
  }, 60_000); // five weeks of the test clock, with every scheduled task of the bot firing on the way

  it('refuses a schedule more often than weekly, an unknown day or time, a survey without questions, and a trend of a survey that is not a pulse', async () => {
    const { leader } = world;
    const id = await draft('Refusals');
    const daily = await leader.run('survey schedule', { survey: id, every: 'day' });
    expect(daily.reply.content).toContain('at most once a week');
    const badDay = await leader.run('survey schedule', { survey: id, every: 'week', day: 'someday' });
    expect(badDay.reply.content).toContain('`day` must be one of mon, tue, wed, thu, fri, sat, sun.');
    const badTime = await leader.run('survey schedule', { survey: id, every: 'week', time: '25:00' });
    expect(badTime.reply.content).toContain('is not a time of day');
    const tooLong = await leader.run('survey schedule', { survey: id, every: 'week', 'open-for': '10d' });
    expect(tooLong.reply.content).toContain('`open-for`');
    const empty = await leader.run('survey schedule', { survey: await draft('Empty', false), every: 'week' });
    expect(empty.reply.content).toContain('has no questions yet');
    const notPulse = await leader.run('survey trend', { survey: id });
    expect(notPulse.reply.content).toContain('is not a pulse survey');
    expect(rounds().filter((r) => r.title === 'Refusals')).toEqual([]);
    expect(world.hearth.context.db.select().from(surveys).all().filter((s) => s.title === 'Refusals')).toHaveLength(1);

    const member = await world.hearth.member('nobody').run('survey schedule', { survey: id, every: 'week' });
    expect(member.reply.content).toMatch(/leader/i);
  });

  it('an anonymous pulse keeps its minimum per round, and a restart before a round still starts it on time', async () => {
    const { hearth, leader } = world;
    const created = await leader.run('survey create', { title: 'Anonymous pulse', anonymous: true });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(created.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'scale-5', prompt: 'How are you?', required: true });
    const start = hearth.clock.now();
    await leader.run('survey schedule', { survey: id, every: 'month', day: 'mon', time: '10:00', 'open-for': '1d' });
    const pulseRounds = () => rounds().filter((r) => r.title === 'Anonymous pulse');
    await hearth.restart();
    const first = hearth.context.db.select().from(surveyPulses).all().find((p) => p.surveyId === id)!.nextRoundAt!;
    const date = new Date(first);
    expect([date.getUTCDay(), date.getUTCDate() <= 7, date.getUTCHours()]).toEqual([1, true, 10]); // the first Monday of a month, 10:00
    expect(first).toBeGreaterThan(start);
    await hearth.clock.set(first - 1000);
    await hearth.runDueWork();
    expect(pulseRounds()).toEqual([]);
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    expect(pulseRounds()).toHaveLength(1);
    const card = hearth.double.messages.get(pulseRounds()[0]!.messageId!)!;
    const screen = (await hearth.member('solo').click(card, 'Take survey')).reply;
    await hearth.member('solo').click(screen, '3');
    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    const trend = await leader.run('survey trend', { survey: id });
    expect(textOf(trend.reply)).toContain('Round 1: too few answers to show');
  }, 60_000);
});

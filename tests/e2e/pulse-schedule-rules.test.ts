// Pulse surveys keep their pace: scheduling again, or Hearth coming back after downtime, never
// posts rounds closer together than the interval; a leader cannot make Hearth post where they may not.
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { eventually, textOf } from '../support/harness';
import { useHearth } from '../support/setup';
import { surveyPulses, surveys } from '../../src/surveys/schema';

const HOUR = 3_600_000;

describe('pulse survey schedules', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC, a Wednesday; the server's zone is UTC
  const db = () => world.hearth.context.db;
  const roundsOf = (id: number) => {
    const pulse = db().select().from(surveyPulses).all().find((p) => p.surveyId === id)!;
    return db().select().from(surveys).all().filter((s) => s.pulseId === pulse.id);
  };

  async function draft(title: string): Promise<number> {
    const { leader } = world;
    const created = await leader.run('survey create', { title });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(created.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'yes-no', prompt: 'All good?' });
    return id;
  }

  it('is refused in a channel the leader cannot post in', async () => {
    const { hearth, leader } = world;
    const staffOnly = hearth.double.addChannel(hearth.guild, 'staff-only', { overwrites: [{ id: leader.id, type: 1, allow: 0n, deny: PermissionFlagsBits.SendMessages }] });
    await eventually(() => hearth.context.client.channels.cache.has(staffOnly.id), 'the bot to see the channel');
    const id = await draft('Not here');
    const { reply } = await leader.run('survey schedule', { survey: id, every: 'week', channel: { id: staffOnly.id } });
    expect(reply.content).toContain(`You cannot post in <#${staffOnly.id}> yourself`);
    expect(db().select().from(surveyPulses).all().filter((p) => p.surveyId === id)).toEqual([]);
  });

  it('scheduling again right after a round does not bring the next one closer than a week', async () => {
    const { hearth, leader } = world;
    const id = await draft('Weekly');
    await leader.run('survey schedule', { survey: id, every: 'week', day: 'wed', time: '13:00' });
    await hearth.clock.set(Date.UTC(2026, 10, 25, 13));
    await hearth.runDueWork();
    expect(roundsOf(id)).toHaveLength(1);
    // A minute later, the leader moves the round to a minute from now: it waits for the week to pass.
    await hearth.clock.advance(60_000);
    const again = await leader.run('survey schedule', { survey: id, every: 'week', day: 'wed', time: '13:02' });
    expect(again.reply.content).toContain(`<t:${Date.UTC(2026, 11, 2, 13, 2) / 1000}:F>`);
    await hearth.clock.advance(HOUR);
    await hearth.runDueWork();
    expect(roundsOf(id)).toHaveLength(1);
    await hearth.clock.set(Date.UTC(2026, 11, 2, 13, 2));
    await hearth.runDueWork();
    expect(roundsOf(id)).toHaveLength(2);
  });

  it('after weeks of downtime a 2-weeks pulse posts one round and keeps its weekday and time', async () => {
    const { hearth, leader } = world;
    await hearth.clock.set(Date.UTC(2026, 11, 3, 12)); // a Thursday
    const id = await draft('Fortnightly');
    await leader.run('survey schedule', { survey: id, every: '2-weeks', day: 'fri', time: '10:00' });
    await hearth.clock.set(Date.UTC(2026, 11, 4, 10));
    await hearth.runDueWork();
    expect(roundsOf(id)).toHaveLength(1);
    await hearth.stopBot();
    await hearth.clock.set(Date.UTC(2027, 0, 20, 9)); // five weeks later, a Wednesday
    await hearth.startBot();
    await hearth.runDueWork();
    await hearth.clock.advance(60_000);
    await hearth.runDueWork();
    expect(roundsOf(id)).toHaveLength(2);
    const next = db().select().from(surveyPulses).all().find((p) => p.surveyId === id)!.nextRoundAt!;
    expect(next).toBe(Date.UTC(2027, 0, 29, 10)); // the fortnight goes on: Fridays at 10:00
  });

  it('a survey published on its own and then scheduled still shows its own results', async () => {
    const { hearth, leader } = world;
    const id = await draft('Published first');
    await leader.run('survey publish', { survey: id });
    const card = [...hearth.double.channelMessages(hearth.general.id)].reverse().find((m) => textOf(m).includes('Published first'))!;
    const ana = hearth.member('ana');
    const screen = (await ana.click(card, 'Take survey')).reply;
    await ana.click(screen, 'Yes');
    await ana.click(screen, 'Submit');
    await leader.run('survey schedule', { survey: id, every: 'week' });
    const results = textOf((await leader.run('survey results', { survey: id })).reply);
    expect(results).toContain(`Survey #${id}`);
    expect(results).toMatch(/1 response/);
  });
});

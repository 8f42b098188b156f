import { describe, expect, it } from 'vitest';
import { allComponents, isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { surveys } from '../../src/surveys/schema';
import { outbox } from '../../src/outbox/schema';
import { eq } from 'drizzle-orm';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('survey reminders by direct message', () => {
  const world = useHearth();
  const labels = (message: StoredMessage) => allComponents(message.components).filter((c) => c.type === 2).map((c) => c.label);

  async function publishedSurvey(title: string, options: Record<string, string | boolean> = {}, anonymous = false): Promise<{ id: number; card: StoredMessage }> {
    const { leader, hearth } = world;
    const created = await leader.run('survey create', { title, anonymous });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(created.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'short-text', prompt: 'One idea?' });
    const { reply } = await leader.run('survey publish', { survey: id, ...options });
    const url = /Survey #\d+ is up in <#\d+>: \S+\/(\d+)$/.exec(reply.content);
    expect(url, reply.content).not.toBeNull();
    return { id, card: hearth.double.messages.get(url![1]!)! };
  }

  async function submit(member: TestMember, card: StoredMessage, idea: string): Promise<void> {
    const screen = (await member.click(card, 'Take survey')).reply;
    await member.submitModal(await member.click(screen, 'Answer'), { q1: idea });
    await member.click(screen, 'Submit');
  }

  it('Remind me later sends one direct message 24 hours on, with a way back to the card, unless the member submitted', async () => {
    const { hearth } = world;
    const { id, card } = await publishedSurvey('Community feedback', { 'closes-in': '7d' });
    expect(textOf(card)).not.toContain('Hearth will remind you by direct message');
    expect(labels(card)).toEqual(['Take survey', 'Remind me later']);
    const ana = hearth.member('ana');
    const bo = hearth.member('bo');
    const set = await ana.click(card, 'Remind me later');
    expect(isEphemeral(set.reply)).toBe(true);
    expect(set.reply.content).toContain(`Reminder set: Hearth will send you a direct message about survey #${id}`);
    await bo.click(card, 'Remind me later');
    await submit(bo, card, 'More game nights');

    await hearth.clock.advance(DAY - 1000);
    await hearth.runDueWork();
    expect(ana.directMessages()).toEqual([]);
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    const [dm, ...more] = ana.directMessages();
    expect(more).toEqual([]);
    expect(dm!.content).toContain(`From **${hearth.guild.name}**`);
    expect(dm!.content).toContain('You asked Hearth to remind you about survey **Community feedback**');
    expect(labels(dm!)).toEqual(['Continue the survey', 'Stop these messages']);
    const link = allComponents(dm!.components).find((c) => c.label === 'Continue the survey') as { url?: string };
    expect(link.url).toBe(`https://discord.com/channels/${hearth.guild.id}/${card.channelId}/${card.id}`);
    expect(bo.directMessages()).toEqual([]); // submitted meanwhile

    const submitted = await bo.click(card, 'Remind me later');
    expect(submitted.reply.content).toContain('You have already submitted this survey');
  });

  it('remind: on reminds members who started but did not submit, once, 24 hours before the close', async () => {
    const { hearth } = world;
    const { card } = await publishedSurvey('Started, not finished', { 'closes-in': '5d', remind: true });
    const cy = hearth.member('cy');
    const di = hearth.member('di');
    const ed = hearth.member('ed');
    // Starting is what sets the reminder: the card and the first screen say so.
    expect(textOf(card)).toContain('Hearth will remind you by direct message if you do not finish; `/preferences direct-messages off` to stop.');
    const first = (await cy.click(card, 'Take survey')).reply; // starts, then wanders off
    expect(textOf(first)).toContain('Hearth will remind you by direct message if you do not finish; /preferences direct-messages off to stop.');
    await di.click(card, 'Take survey');
    await submit(di, card, 'Done it');
    await hearth.clock.advance(4 * DAY - 1000);
    await hearth.runDueWork();
    expect(cy.directMessages()).toEqual([]);
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    expect(cy.directMessages()).toHaveLength(1);
    expect(cy.directMessages()[0]!.content).toContain('You started survey **Started, not finished** and have not submitted it yet');
    expect(di.directMessages()).toEqual([]);
    expect(ed.directMessages()).toEqual([]); // never started: never asked for anything
    await hearth.clock.advance(HOUR);
    await hearth.runDueWork();
    expect(cy.directMessages()).toHaveLength(1); // once
  });

  it('without a closing time the reminder comes 3 days after the member started; Stop cancels it', async () => {
    const { hearth } = world;
    const { card } = await publishedSurvey('Open ended', { remind: true });
    const fi = hearth.member('fi');
    const gus = hearth.member('gus');
    await fi.click(card, 'Take survey');
    await gus.click(card, 'Take survey');
    const later = await gus.click(card, 'Remind me later');
    const cancelled = await gus.click(later.reply, 'Cancel the reminder');
    expect(cancelled.reply.content).toContain('Done: Hearth will not remind you about survey #');
    await hearth.clock.advance(3 * DAY);
    await hearth.runDueWork();
    expect(fi.directMessages()).toHaveLength(1);
    expect(gus.directMessages()).toEqual([]); // both of Gus's reminders were cancelled
    const stop = await fi.clickInDirectMessage(fi.directMessages()[0]!, 'Stop these messages');
    expect(stop.reply.content).toContain('There is no reminder waiting for survey #');
  });

  it('anonymous surveys: remind: on is refused and nothing is published; Remind me later still works', async () => {
    const { hearth, leader } = world;
    const created = await leader.run('survey create', { title: 'Anonymous pulse', anonymous: true });
    const id = Number(/Draft survey #(\d+)/.exec(textOf(created.reply))![1]);
    await leader.run('survey add-question', { survey: id, kind: 'short-text', prompt: 'Anything?' });
    const refused = await leader.run('survey publish', { survey: id, remind: true });
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toContain('is anonymous: Hearth keeps no link that could tell who has not finished');
    expect(hearth.context.db.select().from(surveys).where(eq(surveys.id, id)).get()!.status).toBe('draft');

    const { card } = await publishedSurvey('Anonymous, reminded later', {}, true);
    const hal = hearth.member('hal');
    const ida = hearth.member('ida');
    await hal.click(card, 'Take survey'); // started, not submitted: no reminder to finish
    await ida.click(card, 'Remind me later');
    // The reminder's row does not pair ida's id with the anonymous survey in its key.
    const keys = hearth.context.db.select().from(outbox).all().filter((e) => e.kind === 'survey.reminder').map((e) => e.key);
    expect(keys.filter((key) => key.includes(ida.id))).toEqual([]);
    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    expect(hal.directMessages()).toEqual([]);
    expect(ida.directMessages()).toHaveLength(1);
  });

  it('a reminder for a survey closed since is not sent, and Remind me later on it is refused', async () => {
    const { hearth, leader } = world;
    const { id, card } = await publishedSurvey('Closed early', { 'closes-in': '3d' });
    const jo = hearth.member('jo');
    await jo.click(card, 'Remind me later');
    await leader.run('survey close', { survey: id });
    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    expect(jo.directMessages()).toEqual([]);
    const late = await hearth.sendCustomId(jo, 'button', `survey:remind:${id}`, card);
    expect(late.reply.content).toContain('is closed, so there is nothing left to remind you of');
  });
});

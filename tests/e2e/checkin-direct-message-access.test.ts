// Direct-message check-ins answer only their subscribers who are still in the server and can still
// view the announcement's channel; forged controls learn nothing (not even a check-in's name).
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { checkinAnswers, checkinRuns, checkinSchedules, checkinSubscriptions } from '../../src/checkins/schema';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('who may answer and receive a direct-message check-in', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC
  const db = () => world.hearth.context.db;
  const answers = () => db().select().from(checkinAnswers).all();

  async function secretCheckin(channelName: string, when = 'daily 13:00'): Promise<{ id: number; announcement: StoredMessage; channel: ReturnType<typeof world.hearth.double.addChannel> }> {
    const { hearth, leader } = world;
    const channel = hearth.double.addChannel(hearth.guild, channelName);
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await leader.run('checkin schedule', { channel: { id: channel.id }, when, prompt: 'What are you hiding?', name: 'Secret plans', delivery: 'direct-message' });
    await hearth.runDueWork(); // the outbox posts the announcement
    const id = Number(/Check-in #(\d+)/.exec(reply.content)![1]);
    const announcement = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
    return { id, announcement, channel };
  }

  it('forged Stop, mood and note controls from a non-subscriber name nothing and store nothing', async () => {
    const { hearth } = world;
    const { id, announcement } = await secretCheckin('plans');
    const ana = hearth.member('ana');
    await ana.click(announcement, 'Subscribe');
    await hearth.clock.set(Date.UTC(2026, 10, 25, 13));
    await hearth.runDueWork();
    expect(ana.directMessages()).toHaveLength(1);
    const runId = db().select().from(checkinRuns).all().find((r) => r.scheduleId === id)!.id;

    const mallory = hearth.member('mallory');
    const stranger = hearth.memberOf(hearth.double.addGuild('Elsewhere'), 'stranger');
    for (const who of [mallory, stranger]) {
      for (const scheduleId of [id, id + 100]) {
        const stop = await hearth.sendCustomIdInDirectMessage(who, 'button', `checkin:dm-stop:${scheduleId}`);
        expect(stop.reply.content).toBe('You are not subscribed to this check-in, or it no longer exists: Hearth sends you nothing from it.');
      }
      const mood = await hearth.sendCustomIdInDirectMessage(who, 'button', `checkin:dm-mood:${runId}:5`);
      expect(mood.reply.content).toContain('you are not subscribed to this check-in, or it no longer exists');
      expect(mood.reply.content).not.toContain('Secret plans');
      const note = await hearth.sendCustomIdInDirectMessage(who, 'modal', `checkin:dm-save-note:${runId}`, { note: 'forged' });
      expect(note.reply.content).not.toContain('Secret plans');
    }
    expect(answers()).toEqual([]);
    expect(db().select().from(checkinSubscriptions).all().map((s) => s.memberId)).toEqual([ana.id]);

    // The channel's own mood buttons do not take answers to a direct-message run, not even a subscriber's.
    for (const who of [mallory, ana]) {
      const forged = await hearth.sendCustomId(who, 'button', `checkin:mood:${runId}:5`, announcement);
      expect(forged.reply.content).toContain('This check-in no longer exists');
    }
    expect(answers()).toEqual([]);

    // The subscriber's own Stop names it.
    const stopped = await ana.clickInDirectMessage(ana.directMessages()[0]!, 'Stop these messages');
    expect(stopped.reply.content).toContain('Unsubscribed: Hearth sends you no more of check-in');
    expect(stopped.reply.content).toContain('Secret plans');
  });

  it('a subscriber who loses the channel or leaves neither gets runs nor answers; unsubscribing still works; a leaver\'s subscription ends', async () => {
    const { hearth } = world;
    const { id, announcement, channel } = await secretCheckin('plans-two');
    const bo = hearth.member('bo');
    const cy = hearth.member('cy');
    const di = hearth.member('di');
    for (const member of [bo, cy, di]) await member.click(announcement, 'Subscribe');
    await hearth.clock.set(db().select().from(checkinSchedules).all().find((s) => s.id === id)!.nextRunAt!);
    await hearth.runDueWork();
    const [boDm] = bo.directMessages();
    const [cyDm] = cy.directMessages();

    hearth.double.setOverwrites(hearth.guild, channel, [{ id: bo.id, type: 1, allow: 0n, deny: PermissionFlagsBits.ViewChannel }]);
    hearth.double.removeMember(hearth.guild, cy.id);
    for (const [member, dm] of [[bo, boDm], [cy, cyDm]] as const) {
      const click = await member.clickInDirectMessage(dm!, 'great');
      expect(click.reply.content).toContain('Hearth keeps no answer from this message');
      const opened = await member.clickInDirectMessage(dm!, 'Add a note');
      const note = await member.submitModalInDirectMessage(opened, { 'Your note': 'still here?' });
      expect(note.reply.content).toContain('Hearth keeps no answer from this message');
    }
    expect(answers()).toEqual([]);

    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    expect(bo.directMessages()).toHaveLength(1);
    expect(cy.directMessages()).toHaveLength(1);
    expect(di.directMessages()).toHaveLength(2);
    // The leaver's subscription is gone; the member without the channel keeps theirs, and may still end it.
    expect(db().select().from(checkinSubscriptions).all().filter((s) => s.scheduleId === id).map((s) => s.memberId).sort()).toEqual([bo.id, di.id].sort());
    const left = await bo.run('checkin unsubscribe', { 'check-in': id });
    expect(left.reply.content).toContain('Unsubscribed');
    const again = await bo.run('checkin unsubscribe', { 'check-in': id });
    expect(again.reply.content).toContain(`There is no check-in #${id} in this server`);
    expect(textOf(di.directMessages()[1]!)).toContain('What are you hiding?');
  });

  it('members who get nothing (direct messages off) do not hold up the others at the shared pace', async () => {
    const { hearth } = world;
    const { id, announcement } = await secretCheckin('plans-three', 'daily 14:00');
    const quiet = Array.from({ length: 5 }, (_, i) => hearth.member(`quiet${i}`));
    const open = Array.from({ length: 5 }, (_, i) => hearth.member(`open${i}`));
    for (const member of quiet) {
      await member.click(announcement, 'Subscribe');
      await member.run('preferences direct-messages', { state: 'off' });
    }
    for (const member of open) await member.click(announcement, 'Subscribe');
    await hearth.clock.set(db().select().from(checkinSchedules).all().find((s) => s.id === id)!.nextRunAt!);
    await hearth.runDueWork();
    expect(open.map((m) => m.directMessages().length)).toEqual([1, 1, 1, 1, 1]); // all within the same second
    expect(quiet.map((m) => m.directMessages().length)).toEqual([0, 0, 0, 0, 0]);
  });

  it('manual runs wait an hour after the last run, and a message a newer run replaced before it was due is not sent', async () => {
    const { hearth, leader } = world;
    const { id, announcement } = await secretCheckin('plans-four', 'daily 15:00');
    const eu = hearth.member('eu');
    const wes = hearth.member('wes');
    await wes.run('preferences timezone', { zone: 'America/New_York' }); // 15:00 there is 20:00 UTC
    for (const member of [eu, wes]) await member.click(announcement, 'Subscribe');
    const at = db().select().from(checkinSchedules).all().find((s) => s.id === id)!.nextRunAt!;
    await hearth.clock.set(at);
    await hearth.runDueWork();
    expect(eu.directMessages()).toHaveLength(1);
    expect(wes.directMessages()).toHaveLength(0);

    await hearth.clock.advance(HOUR - 60_000);
    const early = await leader.run('checkin run', { id });
    expect(early.reply.content).toContain('a manual run waits an hour after the last');
    await hearth.clock.advance(60_000);
    const manual = await leader.run('checkin run', { id });
    expect(manual.reply.content).toContain('is on its way by direct message to 2 subscribers');
    const again = await leader.run('checkin run', { id });
    expect(again.reply.content).toContain('a manual run waits an hour after the last');
    await hearth.runDueWork();
    expect(eu.directMessages()).toHaveLength(2);
    expect(wes.directMessages()).toHaveLength(1);

    // 15:00 in New York: the scheduled run's message to wes was replaced by the manual one, so it stays unsent.
    await hearth.clock.set(at + 5 * HOUR);
    await hearth.runDueWork();
    expect(wes.directMessages()).toHaveLength(1);
  });

  it('scheduling answers at once and the announcement is posted through the outbox, once, even when Discord first fails', async () => {
    const { hearth, leader } = world;
    const channel = hearth.double.addChannel(hearth.guild, 'announce');
    hearth.double.failNext('POST', new RegExp(`/channels/${channel.id}/messages$`), 500, 0, 'Internal Server Error');
    const { reply } = await leader.run('checkin schedule', { channel: { id: channel.id }, when: 'daily 07:00', prompt: 'Announced?', delivery: 'direct-message' });
    expect(reply.content).toContain('the announcement with its **Subscribe** button is in');
    await hearth.runDueWork();
    expect(hearth.double.channelMessages(channel.id)).toEqual([]); // Discord failed: retried in a minute
    await hearth.clock.advance(60_000);
    await hearth.runDueWork();
    await hearth.restart();
    await hearth.runDueWork();
    const posted = hearth.double.channelMessages(channel.id);
    expect(posted).toHaveLength(1);
    expect(textOf(posted[0]!)).toContain('Announced?');
  });

  it('a check-in asked every hour reaches every subscriber at the run, whatever their zone, in time to answer', async () => {
    const { hearth } = world;
    const { id, announcement } = await secretCheckin('plans-hourly', '30 * * * *');
    const far = hearth.member('far');
    await far.run('preferences timezone', { zone: 'Pacific/Honolulu' });
    const subscribed = await far.click(announcement, 'Subscribe');
    const at = db().select().from(checkinSchedules).all().find((s) => s.id === id)!.nextRunAt!;
    expect(subscribed.reply.content).toContain(`<t:${at / 1000}:F>`); // at the run, not 10 hours later
    await hearth.clock.set(at);
    await hearth.runDueWork();
    const [dm] = far.directMessages();
    expect((await far.clickInDirectMessage(dm!, 'good')).reply.content).toContain('Thanks! You answered');
  });
});

import { describe, expect, it } from 'vitest';
import { allComponents, isEphemeral, textOf, type StoredMessage } from '../support/harness';
import { useHearth } from '../support/setup';
import { checkinAnswers, checkinRuns, checkinSchedules, checkinSubscriptions } from '../../src/checkins/schema';
import { outbox } from '../../src/outbox/schema';
import { claimDueRuns } from '../../src/checkins/runs';
import { closeDatabase, openDatabase } from '../../src/db/open';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('check-ins by direct message', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC; the server's zone is UTC
  const db = () => world.hearth.context.db;
  const labels = (message: StoredMessage) => allComponents(message.components).filter((c) => c.type === 2).map((c) => c.label);

  async function directCheckin(options: Record<string, string | boolean> = {}): Promise<{ id: number; announcement: StoredMessage }> {
    const { hearth, leader } = world;
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt: 'How are you today?', name: 'Daily', delivery: 'direct-message', ...options });
    expect(reply.content).toContain('the announcement with its **Subscribe** button is in');
    await hearth.runDueWork(); // the outbox posts the announcement
    const id = Number(/Check-in #(\d+)/.exec(reply.content)![1]);
    const announcement = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
    return { id, announcement };
  }

  it("subscribers get each run privately at its time in their own zone, answer from the direct message, and it counts in the report and the streak", async () => {
    const { hearth, leader } = world;
    const { id, announcement } = await directCheckin();
    expect(announcement.channelId).toBe(hearth.general.id);
    expect(textOf(announcement)).toContain('How are you today?');
    expect(labels(announcement)).toEqual(['Subscribe']);

    const ana = hearth.member('ana'); // no zone: the check-in's (UTC)
    const bo = hearth.member('bo');
    await bo.run('preferences timezone', { zone: 'America/New_York' }); // 09:00 there is 14:00 UTC
    const subscribed = await ana.click(announcement, 'Subscribe');
    expect(isEphemeral(subscribed.reply)).toBe(true);
    expect(subscribed.reply.content).toContain(`Subscribed to check-in #${id} **Daily**`);
    const viaCommand = await bo.run('checkin subscribe', { 'check-in': id });
    expect(viaCommand.reply.content).toContain(`<t:${Date.UTC(2026, 10, 26, 14) / 1000}:F>`); // 09:00 New York
    expect((await bo.run('checkin subscribe', { 'check-in': id })).reply.content).toContain('already subscribed');
    expect(hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes('How are you today?'))).toHaveLength(1); // only the announcement

    await hearth.clock.set(Date.UTC(2026, 10, 26, 9));
    await hearth.runDueWork();
    const [dm] = ana.directMessages();
    expect(dm!.content).toContain(`From **${hearth.guild.name}**`);
    expect(dm!.content).toContain('How are you today?');
    expect(labels(dm!)).toEqual(['rough', 'low', 'okay', 'good', 'great', 'Add a note', 'Stop these messages']);
    expect(bo.directMessages()).toEqual([]); // 04:00 in New York
    expect(hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes('How are you today?'))).toHaveLength(1);

    await hearth.clock.set(Date.UTC(2026, 10, 26, 14) - 1000);
    await hearth.runDueWork();
    expect(bo.directMessages()).toEqual([]);
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    expect(bo.directMessages()).toHaveLength(1);

    const answered = await ana.clickInDirectMessage(dm!, 'good');
    expect(answered.reply.content).toContain('Thanks! You answered');
    expect(answered.reply.content).toContain('Your streak: **1 check-in** in a row.');
    const opened = await ana.clickInDirectMessage(dm!, 'Add a note');
    const noted = await ana.submitModalInDirectMessage(opened, { 'Your note': 'Busy but fine' });
    expect(noted.reply.content).toContain('your note is saved');
    await bo.clickInDirectMessage(bo.directMessages()[0]!, 'great');
    expect(db().select().from(checkinAnswers).all().map((a) => [a.memberId, a.mood, a.note]).sort()).toEqual([[ana.id, 4, 'Busy but fine'], [bo.id, 5, null]].sort());

    // The next day: the streak goes on, and the report counts both days.
    await hearth.clock.set(Date.UTC(2026, 10, 27, 9));
    await hearth.runDueWork();
    const second = ana.directMessages()[1]!;
    expect((await ana.clickInDirectMessage(second, 'okay')).reply.content).toContain('Your streak: **2 check-ins** in a row.');
    const report = textOf((await leader.run('checkin report', { id, weeks: 1 })).reply);
    expect(report).toContain('Busy but fine');
    expect(report).toMatch(/Last 1 week: 2 runs/);
    expect(textOf((await ana.run('checkin streak')).reply)).toContain('2');

    const list = textOf((await leader.run('checkin list')).reply);
    expect(list).toContain('By direct message: **2 subscribers**');
    expect(list).toContain('1.5 answers per run over the last 2 runs, 75% of 2 subscribers'); // asked of subscribers, not the whole server
  });

  it('Stop these messages unsubscribes; a member with direct messages off gets nothing until they turn them on', async () => {
    const { hearth } = world;
    await hearth.clock.set(Date.UTC(2026, 10, 28, 12));
    const { id, announcement } = await directCheckin({ when: 'daily 13:00', prompt: 'Stop test?' });
    const cy = hearth.member('cy');
    const di = hearth.member('di');
    await cy.click(announcement, 'Subscribe');
    await di.click(announcement, 'Subscribe');
    const off = await di.run('preferences direct-messages', { state: 'off' });
    expect(off.reply.content).toContain('off');
    await hearth.clock.set(Date.UTC(2026, 10, 28, 13));
    await hearth.runDueWork();
    expect(di.directMessages().filter((m) => textOf(m).includes('Stop test?'))).toEqual([]);
    const [dm] = cy.directMessages().filter((m) => textOf(m).includes('Stop test?'));
    const stopped = await cy.clickInDirectMessage(dm!, 'Stop these messages');
    expect(stopped.reply.content).toContain(`Unsubscribed: Hearth sends you no more of check-in #${id}`);
    // Answering an old message after stopping is refused, and changes nothing.
    const late = await cy.clickInDirectMessage(dm!, 'great');
    expect(late.reply.content).toContain('Hearth keeps no answer from this message: you are not subscribed to this check-in');

    await di.run('preferences direct-messages', { state: 'on' });
    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    expect(cy.directMessages().filter((m) => textOf(m).includes('Stop test?'))).toHaveLength(1);
    expect(di.directMessages().filter((m) => textOf(m).includes('Stop test?'))).toHaveLength(1);
  });

  it('closed direct messages: the member is marked unreachable and counted in /checkin list', async () => {
    const { hearth, leader } = world;
    const { id, announcement } = await directCheckin({ when: 'daily 15:00', prompt: 'Unreachable?' });
    const ed = hearth.member('ed');
    await ed.click(announcement, 'Subscribe');
    hearth.double.closeDirectMessages(ed.id);
    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    const list = textOf((await leader.run('checkin list')).reply);
    expect(list).toContain('1 subscriber**, 1 of them not reachable (direct messages closed)');
    expect(id).toBeGreaterThan(0);
  });

  it('refuses subscribing to a paused, deleted, channel-posted or other server check-in, and clicks on a deleted one', async () => {
    const { hearth, leader } = world;
    const fi = hearth.member('fi');
    const { id, announcement } = await directCheckin({ when: 'daily 16:00', prompt: 'Refusals?' });
    await fi.click(announcement, 'Subscribe');
    await hearth.clock.advance(DAY);
    await hearth.runDueWork();
    const [dm] = fi.directMessages().filter((m) => textOf(m).includes('Refusals?'));

    const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 10:00', prompt: 'In the channel' });
    const channelId = Number(/Check-in #(\d+)/.exec(reply.content)![1]);
    const channelPosted = await fi.run('checkin subscribe', { 'check-in': channelId });
    expect(channelPosted.reply.content).toContain('is posted in');
    expect(channelPosted.reply.content).toContain('Only direct-message check-ins take subscribers');

    const other = hearth.double.addGuild('Elsewhere');
    const stranger = hearth.memberOf(other, 'stranger');
    const foreign = await stranger.run('checkin subscribe', { 'check-in': id });
    expect(foreign.reply.content).toContain(`There is no check-in #${id} in this server`);

    await leader.run('checkin pause', { id });
    const paused = await hearth.member('gus').run('checkin subscribe', { 'check-in': id });
    expect(paused.reply.content).toContain('is paused by a leader');

    const before = db().select().from(checkinSubscriptions).all().length;
    await leader.run('checkin delete', { id });
    expect(db().select().from(checkinSubscriptions).all().length).toBe(before - 1);
    const gone = await fi.run('checkin subscribe', { 'check-in': id });
    expect(gone.reply.content).toContain(`There is no check-in #${id} in this server`);
    const click = await fi.clickInDirectMessage(dm!, 'good');
    expect(click.reply.content).toContain('you are not subscribed to this check-in, or it no longer exists');
    const stop = await fi.clickInDirectMessage(dm!, 'Stop these messages');
    expect(stop.reply.content).toContain('You are not subscribed to this check-in, or it no longer exists');
  });

  it('a restart in the middle of a run sends the rest, none twice', async () => {
    const { hearth } = world;
    const { id, announcement } = await directCheckin({ when: 'daily 18:00', prompt: 'Restart run?' });
    const members = Array.from({ length: 12 }, (_, i) => hearth.member(`sub${i}`));
    for (const member of members) await member.click(announcement, 'Subscribe');
    await hearth.clock.set(db().select().from(checkinSchedules).all().find((c) => c.id === id)!.nextRunAt!);
    await hearth.runDueWork();
    expect(db().select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posted']);
    const got = () => members.map((m) => m.directMessages().filter((d) => textOf(d).includes('Restart run?')).length);
    expect(got().filter((n) => n === 1)).toHaveLength(5); // the pace: 5 a second
    await hearth.restart();
    for (let i = 0; i < 3; i++) {
      await hearth.clock.advance(1000);
      await hearth.runDueWork();
    }
    expect(got()).toEqual(Array(12).fill(1));
    expect(db().select().from(outbox).all().filter((e) => e.kind === 'checkin.direct-message' && e.status === 'pending')).toEqual([]);
  });

  it('a run claimed just before a stop, its messages not yet queued, is sent after the restart', async () => {
    const { hearth } = world;
    const { id, announcement } = await directCheckin({ when: 'daily 20:00', prompt: 'Claimed then stopped?' });
    const hal = hearth.member('hal');
    await hal.click(announcement, 'Subscribe');
    const at = db().select().from(checkinSchedules).all().find((c) => c.id === id)!.nextRunAt!;
    await hearth.stopBot();
    const stopped = openDatabase(hearth.databasePath);
    claimDueRuns(stopped, at); // what a process that died right after claiming leaves: the run 'posting'
    expect(stopped.select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posting']);
    closeDatabase(stopped);
    await hearth.clock.set(at);
    await hearth.startBot();
    await hearth.runDueWork();
    expect(hal.directMessages().filter((m) => textOf(m).includes('Claimed then stopped?'))).toHaveLength(1);
    expect(db().select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posted']);
  });
});

import { describe, expect, it } from 'vitest';
import { allComponents, isEphemeral, ManualClock, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth, type World } from '../support/setup';
import { checkinAnswers, checkinRuns } from '../../src/checkins/schema';

const at = (iso: string) => Date.parse(iso);
const seconds = (iso: string) => at(iso) / 1000;

/** A daily direct-message check-in at 09:00 New York time, and its announcement. */
async function directCheckin({ hearth, leader }: World, prompt: string): Promise<{ id: number; announcement: StoredMessage }> {
  const before = new Set(hearth.double.messages.keys());
  const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt, name: prompt, timezone: 'America/New_York', delivery: 'direct-message' });
  await hearth.runDueWork(); // the announcement
  const announcement = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
  return { id: Number(/Check-in #(\d+)/.exec(reply.content)![1]), announcement };
}
const received = (member: TestMember, prompt: string) => member.directMessages().filter((m) => textOf(m).includes(prompt));

// Each member gets a direct-message check-in at the schedule's wall-clock time in their own zone:
// east of the check-in's zone that is before the run's moment, west of it after.
describe('direct-message check-ins at each member’s own time', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC
  const db = () => world.hearth.context.db;

  async function at_(iso: string) {
    await world.hearth.clock.set(at(iso));
    await world.hearth.runDueWork();
  }

  it('east gets it in their morning before the run, west after it; answers from either count, and a newer run replaces a day only once its time comes', async () => {
    const { hearth, leader } = world;
    await hearth.clock.set(at('2026-11-25T12:00:00Z')); // 07:00 in New York, 13:00 in Berlin
    const prompt = 'Morning, how are you?';
    const { id, announcement } = await directCheckin(world, prompt); // 09:00 New York = 14:00 UTC

    const ana = hearth.member('ana-berlin'); // 09:00 Berlin = 08:00 UTC: today's has passed for her
    const bo = hearth.member('bo-la'); // 09:00 Los Angeles = 17:00 UTC
    const cy = hearth.member('cy'); // no zone: the check-in's
    await ana.run('preferences timezone', { zone: 'Europe/Berlin' });
    await bo.run('preferences timezone', { zone: 'America/Los_Angeles' });

    // Ana subscribes after her 09:00: today's run still lies ahead in New York, so it comes at once.
    const anaSubscribed = await ana.click(announcement, 'Subscribe');
    expect(anaSubscribed.reply.content).toContain(`<t:${seconds('2026-11-25T12:00:00Z')}:F>`);
    await hearth.runDueWork();
    expect(received(ana, prompt)).toHaveLength(1);
    expect(db().select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => [r.scheduledFor, r.status])).toEqual([[at('2026-11-25T14:00:00Z'), 'queued']]);

    // Bo and Cy join the run already on its way: each gets it at 09:00 in their zone.
    expect((await bo.run('checkin subscribe', { 'check-in': id })).reply.content).toContain(`<t:${seconds('2026-11-25T17:00:00Z')}:F>`);
    expect((await cy.click(announcement, 'Subscribe')).reply.content).toContain(`<t:${seconds('2026-11-25T14:00:00Z')}:F>`);
    await hearth.runDueWork();
    expect([received(bo, prompt), received(cy, prompt)]).toEqual([[], []]);

    // Ana answers before the run's moment in New York: it counts, with her streak.
    const first = received(ana, prompt)[0]!;
    expect((await ana.clickInDirectMessage(first, 'good')).reply.content).toContain('Your streak: **1 check-in** in a row.');

    await at_('2026-11-25T13:59:59Z');
    expect(received(cy, prompt)).toHaveLength(0);
    await at_('2026-11-25T14:00:00Z');
    expect(received(cy, prompt)).toHaveLength(1);
    expect(received(bo, prompt)).toHaveLength(0);
    expect(db().select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posted']);
    await at_('2026-11-25T16:59:59Z');
    expect(received(bo, prompt)).toHaveLength(0);
    await at_('2026-11-25T17:00:00Z');
    expect(received(bo, prompt)).toHaveLength(1);
    await bo.clickInDirectMessage(received(bo, prompt)[0]!, 'okay');

    // The next day: Ana's comes at 09:00 Berlin, six hours before the run; nobody else's yet.
    await at_('2026-11-26T07:59:59Z');
    expect(received(ana, prompt)).toHaveLength(1);
    await at_('2026-11-26T08:00:00Z');
    expect(received(ana, prompt)).toHaveLength(2);
    expect([received(bo, prompt), received(cy, prompt)].map((m) => m.length)).toEqual([1, 1]);
    expect((await ana.clickInDirectMessage(received(ana, prompt)[1]!, 'great')).reply.content).toContain('Your streak: **2 check-ins** in a row.');
    // Yesterday's still takes Cy's answer until today's reaches New York's 09:00.
    await at_('2026-11-26T13:00:00Z');
    expect((await cy.clickInDirectMessage(received(cy, prompt)[0]!, 'low')).reply.content).toContain('Your streak: **1 check-in** in a row.');
    expect(textOf((await ana.run('checkin streak')).reply)).toContain(`(#${id}): 2 runs in a row, longest 2, 2 answered in all`);

    await at_('2026-11-26T14:00:00Z');
    expect(received(cy, prompt)).toHaveLength(2);
    const late = await cy.clickInDirectMessage(received(cy, prompt)[0]!, 'okay');
    expect(late.reply.content).toContain('superseded');
    // Ana's early answer to today's is in the report once today's run has come.
    const report = textOf((await leader.run('checkin report', { id, weeks: 1 })).reply);
    expect(report).toMatch(/Last 1 week: 2 runs/);
    const moods = db().select().from(checkinAnswers).all().filter((a) => a.scheduleId === id).map((a) => [a.memberId, a.mood]);
    expect(moods.sort()).toEqual([[ana.id, 4], [ana.id, 5], [bo.id, 3], [cy.id, 2]].sort());
  });

  it('a restart between an early message and the run’s moment: the run still comes to the others, once, and replaces the one before', async () => {
    const { hearth } = world;
    await hearth.clock.set(at('2026-11-27T12:00:00Z'));
    const prompt = 'Restart between';
    const { id, announcement } = await directCheckin(world, prompt); // 09:00 New York = 14:00 UTC
    const ana = hearth.member('ana-restart');
    const cy = hearth.member('cy-restart');
    await ana.run('preferences timezone', { zone: 'Asia/Tokyo' }); // 09:00 Tokyo = 00:00 UTC, 14 hours ahead
    await ana.click(announcement, 'Subscribe');
    await cy.click(announcement, 'Subscribe');
    await at_('2026-11-28T00:00:00Z'); // today's went to both by 14:00; tomorrow's reaches Ana now
    expect([received(ana, prompt).length, received(cy, prompt).length]).toEqual([2, 1]);
    await hearth.restart();
    await at_('2026-11-28T13:59:00Z');
    // Until 14:00 in UTC (09:00 New York) yesterday's run takes Cy's answer.
    expect((await cy.clickInDirectMessage(received(cy, prompt)[0]!, 'good')).reply.content).toContain('Thanks! You answered');
    await at_('2026-11-28T14:00:00Z');
    await at_('2026-11-28T14:00:05Z');
    expect([received(ana, prompt).length, received(cy, prompt).length]).toEqual([2, 2]);
    expect(db().select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => r.status)).toEqual(['posted', 'posted']);
    expect((await cy.clickInDirectMessage(received(cy, prompt)[0]!, 'great')).reply.content).toContain('superseded');
  });
});

describe('direct-message check-ins at each member’s own time, across a change of clocks', () => {
  const spring = useHearth({ clock: new ManualClock(at('2027-03-26T12:00:00Z')) });

  it('follows each zone’s clock changes: 09:00 in Berlin across the night Europe moves its clocks', async () => {
    const { hearth } = spring; // New York is already on summer time (UTC-4), Berlin not yet (UTC+1)
    const prompt = 'Spring check-in';
    const { announcement } = await directCheckin(spring, prompt);
    const ana = hearth.member('ana-spring');
    await ana.run('preferences timezone', { zone: 'Europe/Berlin' });
    await ana.click(announcement, 'Subscribe');
    await hearth.runDueWork();
    expect(received(ana, prompt)).toHaveLength(1); // today's, at once: her 09:00 had passed, New York's had not
    const arrivals: number[] = [];
    for (let t = at('2027-03-27T00:00:00Z'); t <= at('2027-03-30T00:00:00Z'); t += 60 * 60_000) {
      await hearth.clock.set(t);
      await hearth.runDueWork();
      while (arrivals.length + 1 < received(ana, prompt).length) arrivals.push(t);
    }
    expect(arrivals.map((t) => new Date(t).toISOString())).toEqual([
      '2027-03-27T08:00:00.000Z', // 09:00 CET, five hours before 09:00 in New York
      '2027-03-28T07:00:00.000Z', // 09:00 CEST: the clocks went forward that night
      '2027-03-29T07:00:00.000Z',
    ]);
  });
});

describe('a direct-message run on its way to members east of the check-in’s zone, before its time', () => {
  const world = useHearth(); // 2026-11-25 12:00 UTC
  const db = () => world.hearth.context.db;
  const statuses = (id: number) => db().select().from(checkinRuns).all().filter((r) => r.scheduleId === id).map((r) => [new Date(r.scheduledFor).toISOString().slice(0, 10), r.status]);
  async function at_(iso: string) {
    await world.hearth.clock.set(at(iso));
    await world.hearth.runDueWork();
  }

  it('shows in /checkin list, holds off a manual run, answers nobody it has not reached, and a skip or a pause calls it off', async () => {
    const { hearth, leader } = world;
    await hearth.clock.set(at('2026-11-25T20:00:00Z'));
    const prompt = 'Called off?';
    const { id, announcement } = await directCheckin(world, prompt);
    const ana = hearth.member('ana-east'); // Berlin: hers at 08:00 UTC
    const cy = hearth.member('cy-ny'); // the check-in's zone: 14:00 UTC
    await ana.run('preferences timezone', { zone: 'Europe/Berlin' });
    await ana.click(announcement, 'Subscribe');
    await cy.click(announcement, 'Subscribe');

    await at_('2026-11-26T08:00:00Z');
    const early = received(ana, prompt)[0]!;
    const list = textOf((await leader.run('checkin list')).reply);
    expect(list).toContain(`<t:${seconds('2026-11-26T14:00:00Z')}:f>`);
    expect(list).toContain('already on its way to members east of America/New_York');
    const manual = await leader.run('checkin run', { id });
    expect(manual.reply.content).toContain('is already on its way to its subscribers');
    expect(received(cy, prompt)).toHaveLength(0);
    // Cy forges a click on the run that has not reached him: it names nothing, and keeps nothing.
    const good = allComponents(early.components).find((c) => c.label === 'good')!.custom_id!;
    const forged = await hearth.sendCustomIdInDirectMessage(cy, 'button', good);
    expect(forged.reply.content).toContain('Hearth keeps no answer from this message');
    expect(db().select().from(checkinAnswers).all().filter((a) => a.scheduleId === id)).toEqual([]);

    // The leader skips today: nobody else gets it, and Ana's copy takes no answer.
    expect((await leader.run('checkin skip', { id, date: '2026-11-26' })).reply.content).toContain('will not be posted on 2026-11-26');
    await at_('2026-11-26T14:00:05Z');
    expect(received(cy, prompt)).toHaveLength(0);
    expect((await ana.clickInDirectMessage(early, 'good')).reply.content).toContain('no longer exists');
    expect(statuses(id)).toEqual([['2026-11-26', 'skipped']]);

    // The next day's reaches Ana; a pause then calls it off, and a resume does not bring it back.
    await at_('2026-11-27T08:00:00Z');
    expect(received(ana, prompt)).toHaveLength(2);
    const paused = await leader.run('checkin pause', { id });
    expect(paused.reply.content).toContain('The run already on its way to members east of its zone is called off');
    await at_('2026-11-27T10:00:00Z');
    await leader.run('checkin resume', { id });
    await at_('2026-11-27T14:00:05Z');
    expect(received(cy, prompt)).toHaveLength(0);
    expect(statuses(id)).toEqual([['2026-11-26', 'skipped'], ['2026-11-27', 'skipped']]);
    await at_('2026-11-28T08:00:00Z');
    await at_('2026-11-28T14:00:05Z');
    expect([received(ana, prompt).length, received(cy, prompt).length]).toEqual([3, 1]);
    expect((await cy.clickInDirectMessage(received(cy, prompt)[0]!, 'good')).reply.content).toContain('Your streak: **1 check-in** in a row.');
  });

  it('a zone set after subscribing moves the next run to the new time; subscribing west after the run still brings it at one’s own time', async () => {
    const { hearth } = world;
    await hearth.clock.set(at('2026-11-28T15:00:00Z'));
    const prompt = 'Zone later?';
    const { announcement } = await directCheckin(world, prompt);
    const dan = hearth.member('dan-tokyo');
    await dan.click(announcement, 'Subscribe'); // no zone yet: New York's 09:00, 14:00 UTC
    expect(textOf((await dan.run('preferences timezone', { zone: 'Asia/Tokyo' })).reply)).toContain('Asia/Tokyo');
    await at_('2026-11-28T23:59:59Z');
    expect(received(dan, prompt)).toHaveLength(0);
    await at_('2026-11-29T00:00:00Z'); // 09:00 in Tokyo on the 29th
    expect(received(dan, prompt)).toHaveLength(1);

    await at_('2026-11-29T15:00:00Z'); // the 29th's run came at 14:00; 09:00 in Los Angeles is 17:00
    const eve = hearth.member('eve-la');
    await eve.run('preferences timezone', { zone: 'America/Los_Angeles' });
    expect((await eve.click(announcement, 'Subscribe')).reply.content).toContain(`<t:${seconds('2026-11-29T17:00:00Z')}:F>`);
    await at_('2026-11-29T16:59:59Z');
    expect(received(eve, prompt)).toHaveLength(0);
    await at_('2026-11-29T17:00:00Z');
    expect(received(eve, prompt)).toHaveLength(1);
    expect((await eve.clickInDirectMessage(received(eve, prompt)[0]!, 'great')).reply.content).toContain('Thanks! You answered');
  });

  it('in an anonymous check-in, answers given early east of its zone show in no report before the run is closed', async () => {
    const { hearth, leader } = world;
    await hearth.clock.set(at('2026-11-30T20:00:00Z'));
    const prompt = 'Anonymous early?';
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await leader.run('checkin schedule', { channel: { id: hearth.general.id }, when: 'daily 09:00', prompt, name: prompt, timezone: 'America/New_York', delivery: 'direct-message', anonymous: true });
    await hearth.runDueWork();
    const id = Number(/Check-in #(\d+)/.exec(reply.content)![1]);
    const announcement = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
    const east = ['an1', 'an2', 'an3'].map((name) => hearth.member(name));
    for (const member of east) {
      await member.run('preferences timezone', { zone: 'Europe/Berlin' });
      await member.click(announcement, 'Subscribe');
    }
    await at_('2026-12-01T08:00:00Z');
    for (const member of east) await member.clickInDirectMessage(received(member, prompt)[0]!, 'great');
    const report = async () => textOf((await leader.run('checkin report', { id, weeks: 1 })).reply);
    expect(await report()).toContain('Last 1 week: no runs shown'); // on its way, not yet run
    await at_('2026-12-01T14:00:00Z');
    expect(await report()).toContain('Last 1 week: no runs shown'); // run, and still taking answers
    await at_('2026-12-02T14:00:00Z'); // the next one closes it
    expect(await report()).toMatch(/Last 1 week: 1 run, 3(\.0)? answers per run, average mood \*\*5/);
  });
});

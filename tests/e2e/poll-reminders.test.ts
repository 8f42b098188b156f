import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { allComponents, isEphemeral, textOf, type StoredMessage, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { eq } from 'drizzle-orm';
import { outbox } from '../../src/outbox/schema';
import { polls } from '../../src/polls/schema';
import { closeDatabase, openDatabase } from '../../src/db/open';

const HOUR = 60 * 60_000;

describe('Remind me on polls, sent by direct message through the outbox', () => {
  const world = useHearth();

  async function createPoll(options: Record<string, string | boolean>, who: TestMember = world.leader): Promise<StoredMessage> {
    const { hearth } = world;
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await who.run('poll create', options);
    expect(reply.content).toMatch(/^Poll #\d+ is up/);
    return [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
  }
  const labels = (message: StoredMessage) => allComponents(message.components).filter((c) => c.type === 2).map((c) => c.label);

  it('a member asks to be reminded and gets one direct message an hour before the close, naming the server, with a link and a way to stop', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Picnic on Saturday?', choices: 'Yes | No', 'closes-in': '1d' });
    expect(labels(poll)).toEqual(['Yes', 'No', 'My vote', 'Retract', 'Remind me']);
    const ana = hearth.member('ana');
    const set = await ana.click(poll, 'Remind me');
    expect(isEphemeral(set.reply)).toBe(true);
    expect(set.reply.content).toContain('Reminder set: Hearth will send you a direct message about poll #');
    expect(set.reply.content).toContain('an hour before it closes');
    const again = await ana.click(poll, 'Remind me');
    expect(again.reply.content).toContain('Your reminder is already set');

    await hearth.runDueWork();
    expect(ana.directMessages()).toEqual([]); // not yet
    await hearth.clock.advance(23 * HOUR - 1000);
    await hearth.runDueWork();
    expect(ana.directMessages()).toEqual([]);
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    const [dm, ...more] = ana.directMessages();
    expect(more).toEqual([]);
    expect(dm!.content).toContain(`From **${hearth.guild.name}**`);
    expect(dm!.content).toContain('you have not voted yet: **Picnic on Saturday?**');
    expect(labels(dm!)).toEqual(['Open the poll', 'Stop these messages']);
    const link = allComponents(dm!.components).find((c) => c.label === 'Open the poll') as { url?: string };
    expect(link.url).toBe(`https://discord.com/channels/${hearth.guild.id}/${poll.channelId}/${poll.id}`);

    // Stop, clicked in the direct message (no server in the interaction): nothing else is waiting.
    const stopped = await ana.clickInDirectMessage(dm!, 'Stop these messages');
    expect(stopped.reply.content).toContain('There is no reminder waiting for poll #');
    await hearth.runDueWork();
    expect(ana.directMessages()).toHaveLength(1);
  });

  it('a member who voted before the reminder time gets nothing; one who retracted is reminded', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Movie night theme?', choices: 'Horror | Comedy', 'closes-in': '3h' });
    const bo = hearth.member('bo');
    const cy = hearth.member('cy');
    await bo.click(poll, 'Remind me');
    await cy.click(poll, 'Remind me');
    await bo.click(poll, 'Comedy');
    await cy.click(poll, 'Horror');
    await cy.click(poll, 'Retract');
    await hearth.clock.advance(2 * HOUR);
    await hearth.runDueWork();
    expect(bo.directMessages()).toEqual([]);
    expect(cy.directMessages()).toHaveLength(1);
  });

  it('less than an hour left: the reminder comes at once', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Pizza or sushi?', choices: 'Pizza | Sushi', 'closes-in': '30m' });
    const di = hearth.member('di');
    const set = await di.click(poll, 'Remind me');
    expect(set.reply.content).toContain('in a moment');
    await hearth.runDueWork();
    expect(di.directMessages()).toHaveLength(1);
    expect(textOf(di.directMessages()[0]!)).toContain('Pizza or sushi?');
  });

  it('cancelling from the confirmation stops the reminder; asking again sets it again', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Next book?', choices: 'Dune | Emma', 'closes-in': '5h' });
    const ed = hearth.member('ed');
    const set = await ed.click(poll, 'Remind me');
    const cancelled = await ed.click(set.reply, 'Cancel the reminder');
    expect(cancelled.reply.content).toContain('Done: Hearth will not remind you about poll #');
    await hearth.clock.advance(4 * HOUR);
    await hearth.runDueWork();
    expect(ed.directMessages()).toEqual([]);
    const again = await ed.click(poll, 'Remind me');
    expect(again.reply.content).toContain('Reminder set');
    await hearth.runDueWork();
    expect(ed.directMessages()).toHaveLength(1);
  });

  it('Remind me on a poll without a closing time, or already closed, is refused privately', async () => {
    const { hearth } = world;
    const open = await createPoll({ question: 'Favourite colour?', choices: 'Red | Blue' });
    expect(labels(open)).not.toContain('Remind me');
    const fi = hearth.member('fi');
    const pollId = open.embeds[0]!.author!.name.replace('Poll #', '');
    const forged = await hearth.sendCustomId(fi, 'button', `poll:remind:${pollId}`, open);
    expect(isEphemeral(forged.reply)).toBe(true);
    expect(forged.reply.content).toContain('has no closing time');

    const timed = await createPoll({ question: 'Bake sale?', choices: 'Yes | No', 'closes-in': '2h' });
    const remind = allComponents(timed.components).find((c) => c.label === 'Remind me')!.custom_id;
    await hearth.clock.advance(2 * HOUR);
    await hearth.runDueWork();
    expect(labels(hearth.double.messages.get(timed.id)!)).not.toContain('Remind me'); // the closing edit took it away
    const late = await hearth.sendCustomId(fi, 'button', remind, timed); // a click from a stale client
    expect(late.reply.content).toContain('so there is nothing left to remind you of');
    await hearth.runDueWork();
    expect(fi.directMessages()).toEqual([]);
  });

  it('a member with direct messages off, or who left the server, gets nothing', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Quiz night?', choices: 'Yes | No', 'closes-in': '30m' });
    const gus = hearth.member('gus');
    const hal = hearth.member('hal');
    await gus.click(poll, 'Remind me');
    await hal.click(poll, 'Remind me');
    await gus.run('preferences direct-messages', { state: 'off' });
    hearth.double.removeMember(hearth.guild, hal.id);
    await hearth.runDueWork();
    expect(gus.directMessages()).toEqual([]);
    expect(hal.directMessages()).toEqual([]);
    expect(hearth.double.unhandled).toEqual([]);
  });

  it('a member who deletes their data gets none of the reminders still waiting, and loses their preferences', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Forgotten?', choices: 'Yes | No', 'closes-in': '3h' });
    const soon = await createPoll({ question: 'Reminded already?', choices: 'Yes | No', 'closes-in': '30m' });
    const kit = hearth.member('kit');
    await kit.run('preferences timezone', { zone: 'Europe/Paris' });
    await kit.click(poll, 'Remind me');
    await kit.click(soon, 'Remind me');
    await hearth.runDueWork();
    expect(kit.directMessages()).toHaveLength(1);
    const rowsOfKit = () => hearth.context.db.select().from(outbox).all().filter((e) => e.payload.includes(kit.id) || e.key.includes(kit.id));
    expect(rowsOfKit().map((e) => e.status).sort()).toEqual(['delivered', 'pending']);
    const asked = await kit.run('privacy delete');
    await kit.click(asked.reply, 'Delete my data');
    expect(rowsOfKit()).toEqual([]); // the one sent too: it paired kit with the poll
    await hearth.clock.advance(2 * HOUR);
    await hearth.runDueWork();
    expect(kit.directMessages()).toHaveLength(1);
    expect((await kit.run('preferences show')).reply.content).toContain('Time zone: not set.');
  });

  it('closed direct messages mark the member unreachable for a week: not retried, shown to them, not filling leaders\' problem list', async () => {
    const { hearth } = world;
    const first = await createPoll({ question: 'Hike?', choices: 'Yes | No', 'closes-in': '30m' });
    const second = await createPoll({ question: 'Swim?', choices: 'Yes | No', 'closes-in': '40m' });
    const ida = hearth.member('ida');
    hearth.double.closeDirectMessages(ida.id);
    await ida.click(first, 'Remind me');
    await hearth.runDueWork();
    const posts = () => hearth.double.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${hearth.double.dmChannels.get(ida.id)}/messages`).length;
    expect(posts()).toBe(1);
    expect((await ida.run('preferences show')).reply.content).toContain("Discord refused Hearth's last direct message to you");
    const problems = await world.leader.run('settings show');
    expect(textOf(problems.reply)).not.toContain('does not accept direct messages'); // the member's choice, not a leader's problem

    await ida.click(second, 'Remind me');
    await hearth.clock.advance(10 * 60_000);
    await hearth.runDueWork();
    expect(posts()).toBe(1); // not tried again within the week

    // Turning direct messages on again lifts the mark, but Discord is tried at most once a day.
    const on = await ida.run('preferences direct-messages', { state: 'on' });
    expect(on.reply.content).toContain("Discord refused Hearth's last one to you less than a day ago, so Hearth tries again");
    const third = await createPoll({ question: 'Cycle?', choices: 'Yes | No', 'closes-in': '30m' });
    await ida.click(third, 'Remind me');
    await hearth.runDueWork();
    expect(posts()).toBe(1);
    await hearth.clock.advance(24 * HOUR);
    const fourth = await createPoll({ question: 'Climb?', choices: 'Yes | No', 'closes-in': '30m' });
    await ida.click(fourth, 'Remind me');
    await hearth.runDueWork();
    expect(posts()).toBe(2); // a day on: tried once more, refused again
    await ida.run('preferences direct-messages', { state: 'off' });
    await ida.run('preferences direct-messages', { state: 'on' });
    const fifth = await createPoll({ question: 'Row?', choices: 'Yes | No', 'closes-in': '30m' });
    await ida.click(fifth, 'Remind me');
    await hearth.runDueWork();
    expect(posts()).toBe(2);
  });

  it('a reminder not sent while direct messages were off can be asked for again, and is not called sent', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Quiet hours?', choices: 'Yes | No', 'closes-in': '2h' });
    const max = hearth.member('max');
    await max.click(poll, 'Remind me');
    await max.run('preferences direct-messages', { state: 'off' });
    await hearth.clock.advance(HOUR);
    await hearth.runDueWork();
    expect(max.directMessages()).toEqual([]);
    await max.run('preferences direct-messages', { state: 'on' });
    const again = await max.click(poll, 'Remind me');
    expect(again.reply.content).toContain('Reminder set');
    expect(again.reply.content).not.toContain('already reminded');
    await hearth.runDueWork();
    expect(max.directMessages()).toHaveLength(1);
  });

  it('a reminder not sent because the member voted in an anonymous poll leaves no log line naming them', async () => {
    const { hearth } = world;
    const poll = await createPoll({ question: 'Secret ballot?', choices: 'Yes | No', 'closes-in': '2h', anonymous: true });
    const lee = hearth.member('lee');
    await lee.click(poll, 'Remind me');
    await lee.click(poll, 'Yes');
    await hearth.clock.advance(HOUR);
    await hearth.runDueWork();
    expect(lee.directMessages()).toEqual([]);
    const skipped = hearth.logs.filter((line) => line.includes('a direct message was not sent'));
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.filter((line) => line.includes(lee.id))).toEqual([]);
  });
});

describe('direct messages: the shared pace, rate limits, restarts and stray clicks', () => {
  const world = useHearth();
  const dmEffects = () => world.hearth.context.db.select().from(outbox).all().filter((e) => e.kind === 'poll.reminder');

  async function pollClosingSoon(question: string): Promise<StoredMessage> {
    const before = new Set(world.hearth.double.messages.keys());
    await world.leader.run('poll create', { question, choices: 'a | b', 'closes-in': '30m' });
    return [...world.hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
  }

  it('at most DM_RATE (5) direct messages a second across the bot, each member exactly once', async () => {
    const { hearth } = world;
    const poll = await pollClosingSoon('Paced?');
    const members = Array.from({ length: 12 }, (_, i) => hearth.member(`paced${i}`));
    for (const member of members) await member.click(poll, 'Remind me');
    const sent = () => members.filter((m) => m.directMessages().length > 0).length;
    await hearth.runDueWork();
    expect(sent()).toBe(5);
    await hearth.clock.advance(999);
    await hearth.runDueWork();
    expect(sent()).toBe(5);
    await hearth.clock.advance(1);
    await hearth.runDueWork();
    expect(sent()).toBe(10);
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    expect(sent()).toBe(12);
    expect(members.every((m) => m.directMessages().length === 1)).toBe(true);
  });

  it("a 429 is waited out (Discord's retry-after) and the message still goes once", async () => {
    const { hearth } = world;
    await hearth.clock.advance(5000);
    const poll = await pollClosingSoon('Rate limited?');
    const jo = hearth.member('jo');
    await jo.click(poll, 'Remind me');
    hearth.double.rateLimitNext('POST', /^\/channels\/\d+\/messages$/, 3);
    await hearth.runDueWork();
    expect(jo.directMessages()).toEqual([]);
    expect(dmEffects().find((e) => e.key.endsWith(jo.id))!.lastError).toMatch(/^rate limited for 3\d{3} ms$/);
    await hearth.clock.advance(3100);
    await hearth.runDueWork();
    expect(jo.directMessages()).toHaveLength(1);
  });

  it('a restart in the middle sends the rest, and a message posted just before a crash is not posted again', async () => {
    const { hearth } = world;
    await hearth.clock.advance(5000);
    const poll = await pollClosingSoon('Restarted?');
    const members = Array.from({ length: 8 }, (_, i) => hearth.member(`restart${i}`));
    for (const member of members) await member.click(poll, 'Remind me');
    await hearth.runDueWork();
    expect(members.filter((m) => m.directMessages().length === 1)).toHaveLength(5);
    await hearth.restart();
    await hearth.clock.advance(1000);
    await hearth.runDueWork();
    expect(members.map((m) => m.directMessages().length)).toEqual(Array(8).fill(1));

    // A process that died after Discord took the message but before it was recorded as sent.
    const sentKey = dmEffects().find((e) => e.key.endsWith(`:${members[0]!.id}`))!.key;
    await hearth.stopBot();
    const db = openDatabase(hearth.databasePath);
    db.update(outbox).set({ status: 'pending', doneAt: null }).where(eq(outbox.key, sentKey)).run();
    closeDatabase(db);
    await hearth.startBot();
    await hearth.clock.advance(3 * 60_000); // its lease runs out
    await hearth.runDueWork();
    expect(dmEffects().find((e) => e.key === sentKey)!.status).toBe('delivered');
    expect(members[0]!.directMessages()).toHaveLength(1);
  });

  it('a click in a direct message on a poll deleted since, or on a control that is not for direct messages, gets a clear answer', async () => {
    const { hearth } = world;
    await hearth.clock.advance(5000);
    const poll = await pollClosingSoon('Deleted later?');
    const kim = hearth.member('kim');
    await kim.click(poll, 'Remind me');
    await hearth.runDueWork();
    const [dm] = kim.directMessages();
    hearth.context.db.delete(polls).where(eq(polls.question, 'Deleted later?')).run();
    const stop = await kim.clickInDirectMessage(dm!, 'Stop these messages');
    expect(isEphemeral(stop.reply)).toBe(true);
    expect(stop.reply.content).toContain('There is no reminder waiting for poll #');

    // The vote buttons only work in the server: copied into a direct message they are refused.
    const forgedDm = { ...dm!, id: `${dm!.id}0`, components: poll.components };
    const refused = await kim.clickInDirectMessage(forgedDm, 'a');
    expect(refused.reply.content).toContain('not one Hearth recognises');
  });

  it('a member who lost the channel or the poll\'s role since asking is not reminded', async () => {
    const { hearth } = world;
    const crew = hearth.double.addRole(hearth.guild, 'crew');
    const room = hearth.double.addChannel(hearth.guild, 'crew-room');
    const [hid, dropped, kept] = ['hid', 'dropped', 'kept'].map((name) => hearth.member(name, { roles: [crew.id] }));
    const before = new Set(hearth.double.messages.keys());
    await world.leader.run('poll create', { question: 'Crew outing?', choices: 'Yes | No', 'closes-in': '2h', role: { id: crew.id } }, { channel: room });
    const poll = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && !isEphemeral(m))!;
    for (const member of [hid!, dropped!, kept!]) expect((await member.click(poll, 'Remind me')).reply.content).toContain('Reminder set');
    hearth.double.setOverwrites(hearth.guild, room, [{ id: hid!.id, type: 1, allow: 0n, deny: PermissionFlagsBits.ViewChannel }]);
    dropped!.state.roles = [];
    await hearth.clock.advance(HOUR);
    await hearth.runDueWork();
    expect(hid!.directMessages()).toEqual([]);
    expect(dropped!.directMessages()).toEqual([]);
    expect(kept!.directMessages().map((m) => textOf(m))).toEqual([expect.stringContaining('Crew outing?')]);
  });

});

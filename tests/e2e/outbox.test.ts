import { beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { eq } from 'drizzle-orm';
import { LIBRARY_TRIES, ManualClock, eventually, textOf, type StoredMessage, type TestHearth, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { outbox } from '../../src/outbox/schema';
import { polls } from '../../src/polls/schema';
import { kudosRoundups } from '../../src/kudos/schema';
import { closeDatabase, openDatabase } from '../../src/db/open';
import { queueEffect } from '../../src/outbox/queue';
import { writeTx } from '../../src/db/write-tx';

const HOUR = 3_600_000;
const MINUTE = 60_000;

describe('Discord side effects go through one durable outbox', () => {
  // With discord.js's own retries: a 5xx is first retried by the library, then by the outbox.
  const world = useHearth({ libraryRetries: true });
  let hearth: TestHearth;
  let leader: TestMember;
  beforeAll(() => ({ hearth, leader } = world));

  const current = (message: StoredMessage) => hearth.double.messages.get(message.id)!;
  const showsFinalResults = (message: StoredMessage) => textOf(current(message)).includes(' · closed');
  const effectOf = (pollId: number) => hearth.context.db.select().from(outbox).where(eq(outbox.key, `poll.final-results:${pollId}`)).get();
  const editsOf = (message: StoredMessage) => hearth.double.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${message.channelId}/messages/${message.id}`);
  const editPath = (message: StoredMessage) => new RegExp(`^/channels/${message.channelId}/messages/${message.id}$`);

  /** Creates a poll that closes in an hour, with one vote, and returns its message and id. */
  async function timedPoll(question: string, who: TestMember = leader): Promise<{ message: StoredMessage; pollId: number }> {
    const before = new Set(hearth.double.messages.keys());
    const { reply } = await who.run('poll create', { question, choices: 'Tea | Coffee', 'closes-in': '1h' });
    expect(reply.content).toMatch(/^Poll #\d+ is up/);
    const message = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && textOf(m).includes(question))!;
    await hearth.memberOf(who.guild, `voter-${question.length}`).click(message, 'Tea');
    await hearth.double.waitFor(() => (current(message).edits >= 1 ? true : undefined), 'the live results to show the vote');
    const pollId = hearth.context.db.select().from(polls).all().find((p) => p.question === question)!.id;
    return { message, pollId };
  }

  it('retries a passing failure with growing pauses until the final results land', async () => {
    const { message, pollId } = await timedPoll('Retried until it lands?');
    const liveEdits = editsOf(message).length;
    hearth.double.failNext('PATCH', editPath(message), 500, 0, 'Internal Server Error', 2 * LIBRARY_TRIES);
    await hearth.clock.advance(HOUR);
    await hearth.runDueWork(); // the round the timer started, to its end
    expect(effectOf(pollId)).toMatchObject({ status: 'pending', attempts: 1, dueAt: hearth.clock.now() + MINUTE });
    expect(showsFinalResults(message)).toBe(false);

    await hearth.clock.advance(MINUTE); // second try fails too: the next pause is two minutes
    await hearth.runDueWork();
    expect(effectOf(pollId)).toMatchObject({ status: 'pending', attempts: 2, dueAt: hearth.clock.now() + 2 * MINUTE });
    await hearth.clock.advance(2 * MINUTE - 1);
    await hearth.runDueWork();
    expect(effectOf(pollId)!.attempts).toBe(2);

    await hearth.clock.advance(1);
    await hearth.runDueWork();
    expect(effectOf(pollId)!.status).toBe('delivered');
    expect(showsFinalResults(message)).toBe(true);
    expect(textOf(current(message))).toContain('Winner: **Tea**');
    const failed = Array<number>(LIBRARY_TRIES).fill(500);
    expect(editsOf(message).slice(liveEdits).map((r) => r.status)).toEqual([...failed, ...failed, 200]);
  });

  it('waits out a 429 for its retry-after, then delivers', async () => {
    const { message, pollId } = await timedPoll('Rate limited?');
    const liveEdits = editsOf(message).length;
    hearth.double.rateLimitNext('PATCH', editPath(message), 30);
    await hearth.clock.advance(HOUR);
    await eventually(() => effectOf(pollId)?.lastError?.includes('rate limited') === true, 'the rate-limited try');
    expect(effectOf(pollId)).toMatchObject({ status: 'pending', attempts: 0 }); // a rate limit is no failure: later pauses stay short

    await hearth.clock.advance(29_000); // Discord said 30 seconds: nothing is sent before then
    expect(editsOf(message)).toHaveLength(liveEdits + 1);
    await hearth.clock.advance(2_000);
    await eventually(() => effectOf(pollId)?.status === 'delivered', 'the delivery after the retry-after');
    expect(editsOf(message).slice(liveEdits).map((r) => r.status)).toEqual([429, 200]);
    expect(showsFinalResults(message)).toBe(true);
  });

  it('drops a permanent failure with one log line and never tries it again', async () => {
    const { message, pollId } = await timedPoll('Hidden from Hearth?');
    const liveEdits = editsOf(message).length;
    hearth.double.failNext('PATCH', editPath(message), 403, 50001, 'Missing Access');
    const logsBefore = hearth.logs.length;
    await hearth.clock.advance(HOUR);
    await eventually(() => effectOf(pollId)?.status === 'dropped', 'the effect to be dropped');
    expect(effectOf(pollId)!.lastError).toBe("Hearth cannot see that channel. Give Hearth's role the View Channel permission there.");

    await hearth.clock.advance(24 * HOUR);
    expect(editsOf(message)).toHaveLength(liveEdits + 1);
    const dropped = hearth.logs.slice(logsBefore).filter((line) => line.includes('a Discord side effect was dropped'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain(`poll.final-results:${pollId}`);
    expect(dropped[0]).toContain('"code":50001');

    // Leaders see it where they look after their settings, in their words, with the fix.
    const { reply } = await leader.run('settings show');
    const problems = reply.embeds[0]!.fields!.find((f) => f.name.startsWith('⚠️ Recent problems'))!;
    expect(problems.value).toContain(`Hearth gave up on the final results on poll #${pollId}: Hearth cannot see that channel. Give Hearth's role the View Channel permission there.`);
    // A week later the note is gone.
    await hearth.clock.advance(7 * 24 * HOUR);
    const later = await leader.run('settings show');
    expect(later.reply.embeds[0]!.fields!.some((f) => f.name.startsWith('⚠️ Recent problems'))).toBe(false);
  });

  it('a leader closing a poll hears at once whether the final results are on it, and a failed edit is still retried', async () => {
    const before = new Set(hearth.double.messages.keys());
    await leader.run('poll create', { question: 'Closed by hand?', choices: 'Yes | No' });
    const message = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && textOf(m).includes('Closed by hand?'))!;
    const pollId = hearth.context.db.select().from(polls).all().find((p) => p.question === 'Closed by hand?')!.id;
    hearth.double.failNext('PATCH', editPath(message), 502, 0, 'Bad Gateway', LIBRARY_TRIES);
    const { reply } = await leader.run('poll close', { poll: pollId });
    expect(reply.content).toContain('could not update the poll message just now');
    expect(effectOf(pollId)).toMatchObject({ status: 'pending', attempts: 1 });
    await hearth.clock.advance(MINUTE);
    await eventually(() => effectOf(pollId)?.status === 'delivered', 'the retry');
    expect(showsFinalResults(message)).toBe(true);
  });

  it('a server whose channel keeps failing or hangs does not delay another server', async () => {
    const other = hearth.double.addGuild('Elsewhere');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const host = hearth.memberOf(other, 'other-host');
    host.state.roles.push(hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild).id);

    const stuck = await timedPoll('Stuck server?');
    const broken = await Promise.all(['Broken one?', 'Broken two?', 'Broken three?'].map((q) => timedPoll(q)));
    const fine = await timedPoll('Healthy server?', host);
    const held = hearth.double.holdNext('PATCH', editPath(stuck.message));
    for (const { message } of broken) hearth.double.failNext('PATCH', editPath(message), 500, 0, 'Internal Server Error', 100);

    const closing = hearth.clock.advance(HOUR);
    await held.arrived;
    // Our server's first edit hangs and its others fail; the other server's lands meanwhile.
    await eventually(() => effectOf(fine.pollId)?.status === 'delivered', 'the other server to get its final results');
    expect(showsFinalResults(fine.message)).toBe(true);
    expect(effectOf(stuck.pollId)!.status).toBe('pending');
    held.release();
    await closing;
    await eventually(() => effectOf(stuck.pollId)?.status === 'delivered', 'the held edit to finish');
    for (const { pollId } of broken) expect(effectOf(pollId)).toMatchObject({ status: 'pending' });
  });

  it('a delivery that hangs holds up nothing else: polls still close and other servers get their results', async () => {
    const other = hearth.double.addGuild('Later server');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the bot to see the other server');
    const host = hearth.memberOf(other, 'later-host');
    host.state.roles.push(hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild).id);

    const hanging = await timedPoll('Hangs for long?');
    await hearth.clock.advance(30 * MINUTE);
    const later = await timedPoll('Closes while the other hangs?', host); // closes 30 minutes after the first
    const held = hearth.double.holdNext('PATCH', editPath(hanging.message));
    await hearth.clock.advance(30 * MINUTE);
    await held.arrived; // the first poll's final edit is stuck at Discord
    await hearth.clock.advance(30 * MINUTE);
    await hearth.context.scheduler.tick(); // the scheduler's round does not wait for the stuck edit
    await eventually(() => effectOf(later.pollId)?.status === 'delivered', 'the later poll to close and show its results');
    expect(hearth.context.db.select().from(polls).where(eq(polls.id, later.pollId)).get()!.status).toBe('closed');
    expect(effectOf(hanging.pollId)).toMatchObject({ status: 'pending', attempts: 1 });
    held.release();
    await eventually(() => effectOf(hanging.pollId)?.status === 'delivered', 'the stuck edit to finish');
  });

});

describe('a stop in the middle of delivering', () => {
  const world = useHearth();
  let hearth: TestHearth;
  let leader: TestMember;
  beforeAll(() => ({ hearth, leader } = world));

  /** The stored effects, read from the file (also while the bot is stopped). */
  const effects = () => {
    const db = openDatabase(hearth.databasePath);
    try {
      return db.select().from(outbox).all();
    } finally {
      closeDatabase(db);
    }
  };

  it('finishes the delivery under way, leaves the rest for the next start, and delivers each exactly once', async () => {
    const messages: StoredMessage[] = [];
    for (const question of ['First?', 'Second?', 'Third?']) {
      const before = new Set(hearth.double.messages.keys());
      await leader.run('poll create', { question, choices: 'a | b', 'closes-in': '1h' });
      messages.push([...hearth.double.messages.values()].find((m) => !before.has(m.id) && textOf(m).includes(question))!);
    }
    const editsOf = (message: StoredMessage) => hearth.double.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${message.channelId}/messages/${message.id}`);
    const held = hearth.double.holdNext('PATCH', new RegExp(`^/channels/${messages[0]!.channelId}/messages/${messages[0]!.id}$`));

    const closing = hearth.clock.advance(HOUR);
    await held.arrived; // the first final edit is on its way to Discord
    const stopping = hearth.stopBot();
    held.release();
    await stopping;
    await closing;
    expect(editsOf(messages[0]!)).toHaveLength(1);
    expect(editsOf(messages[1]!)).toHaveLength(0); // the stop came between deliveries
    expect(effects().map((e) => e.status).sort()).toEqual(['delivered', 'pending', 'pending']);
    expect(effects().filter((e) => e.status === 'pending').every((e) => e.attempts === 0 && e.dueAt <= hearth.clock.now())).toBe(true);

    await hearth.startBot();
    await eventually(() => effects().every((e) => e.status === 'delivered'), 'the rest to be delivered after the restart');
    await hearth.clock.advance(HOUR);
    expect(messages.map((m) => editsOf(m).length)).toEqual([1, 1, 1]);
  });

  it('an effect held by a process that died is delivered once its lease runs out, and only once', async () => {
    const before = new Set(hearth.double.messages.keys());
    await leader.run('poll create', { question: 'Crashed mid-delivery?', choices: 'a | b' });
    const message = [...hearth.double.messages.values()].find((m) => !before.has(m.id) && textOf(m).includes('Crashed mid-delivery?'))!;
    const pollId = hearth.context.db.select().from(polls).all().find((p) => p.question === 'Crashed mid-delivery?')!.id;
    await hearth.stopBot();

    // What a process that died mid-delivery leaves behind: the poll closed, its effect taken
    // (leased for two minutes) and never finished.
    const db = openDatabase(hearth.databasePath);
    const now = hearth.clock.now();
    db.update(polls).set({ status: 'closed', closedAt: now }).where(eq(polls.id, pollId)).run();
    writeTx(db, (tx) => queueEffect(tx, { key: `poll.final-results:${pollId}`, guildId: hearth.guild.id, kind: 'poll.final-results', payload: { pollId }, dueAt: now + 2 * MINUTE }, now));
    db.update(outbox).set({ attempts: 1 }).where(eq(outbox.key, `poll.final-results:${pollId}`)).run();
    closeDatabase(db);

    await hearth.startBot();
    const editsOf = () => hearth.double.requests.filter((r) => r.method === 'PATCH' && r.path === `/channels/${message.channelId}/messages/${message.id}`);
    expect(editsOf()).toHaveLength(0); // still leased to the process that died
    await hearth.clock.advance(2 * MINUTE);
    await eventually(() => effects().find((e) => e.key === `poll.final-results:${pollId}`)?.status === 'delivered', 'the delivery after the lease');
    expect(textOf(hearth.double.messages.get(message.id)!)).toContain(`Poll #${pollId} · closed`);
    await hearth.clock.advance(HOUR);
    expect(editsOf()).toHaveLength(1);
  });
});

describe('a roundup after a crash', () => {
  // Sunday 29 November 2026, 12:00 UTC: the roundup is due Monday 09:00.
  const world = useHearth({ clock: new ManualClock(Date.UTC(2026, 10, 29, 12, 0)) });
  let hearth: TestHearth;
  let leader: TestMember;
  beforeAll(() => ({ hearth, leader } = world));

  it('a roundup retried after a crash between posting it and recording it is not posted twice', async () => {
    const { db } = hearth.context;
    await leader.run('settings recognition-channel', { channel: { id: hearth.general.id } });
    await leader.run('kudos give', { member: { id: hearth.member('thanked').id }, value: 'Kindness', message: 'Thank you!' });
    const roundups = () => hearth.double.channelMessages(hearth.general.id).filter((m) => textOf(m).includes('Weekly kudos roundup'));
    await hearth.clock.set(Date.UTC(2026, 10, 30, 9, 0)); // Monday 09:00, the server's time zone is UTC
    await eventually(() => roundups().length === 1, 'the roundup');
    const key = `kudos.roundup:${hearth.guild.id}:2026-11-30`;
    await eventually(() => db.select().from(outbox).where(eq(outbox.key, key)).get()?.status === 'delivered', 'the roundup to be recorded');

    // As a crash right after Discord took the post would leave it: posted, but not recorded.
    writeTx(db, (tx) => {
      tx.update(outbox).set({ status: 'pending', doneAt: null, dueAt: hearth.clock.now() }).where(eq(outbox.key, key)).run();
      tx.update(kudosRoundups).set({ status: 'posting', messageId: null }).run();
    });
    await hearth.runDueWork();
    await eventually(() => db.select().from(outbox).where(eq(outbox.key, key)).get()?.status === 'delivered', 'the repeated delivery');
    expect(roundups()).toHaveLength(1); // Discord answered the repeat with the message already posted
    expect(db.select().from(kudosRoundups).all()).toMatchObject([{ status: 'posted', messageId: roundups()[0]!.id }]);
  });
});

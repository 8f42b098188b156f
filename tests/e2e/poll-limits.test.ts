// Abuse limits: with polls by members on, nobody can swamp a server (or, through the closing work,
// every other server Hearth serves). Refusals say why and change nothing; closing is fair.
import { describe, expect, it } from 'vitest';
import { isEphemeral, textOf, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { rowsOf } from '../support/community';
import { snowflake } from '../support/discord-double';
import { attachPollMessage, createPoll, validatePoll } from '../../src/polls/service';
import { createSchedule, validateSchedule } from '../../src/checkins/scheduling';

const HOUR = 3_600_000;

describe('poll limits', () => {
  const world = useHearth();
  const stored = () => rowsOf(world.hearth.context.db, 'SELECT * FROM polls').concat(rowsOf(world.hearth.context.db, 'SELECT * FROM poll_choices'));
  const posted = () => [...world.hearth.double.messages.values()].filter((m) => !isEphemeral(m)).length;
  const create = (who: TestMember, question: string) => who.run('poll create', { question, choices: 'Yes | No' });
  const idIn = (reply: string) => Number(/Poll #(\d+)/.exec(reply)![1]);
  let maya: TestMember;
  let mayasFirst: number;
  /** Polls stored straight through the service, as if created before the limits (a backlog). */
  function seed(guildId: string, channelId: string, n: number, closesIn: string | null, creatorId = 'someone') {
    const { db, clock } = world.hearth.context;
    for (let i = 0; i < n; i++) {
      const poll = createPoll(db, { guildId, channelId, creatorId }, validatePoll({ question: `Backlog ${i}?`, choices: 'a | b', multi: false, maxChoices: null, anonymous: i % 2 === 0, hideResults: false, closesIn, roleId: null }), clock.now());
      attachPollMessage(db, poll, snowflake());
    }
  }

  it('a member may have 3 polls open at once; the fourth is refused, saying so, and nothing is stored or posted', async () => {
    const { hearth, leader } = world;
    await leader.run('settings polls-by-members', { enabled: true });
    maya = hearth.member('maya');
    const ids: number[] = [];
    for (const n of [1, 2, 3]) ids.push(idIn((await create(maya, `Question ${n}?`)).reply.content));
    mayasFirst = ids[0]!;
    const before = { rows: stored(), posts: posted() };
    const refused = await create(maya, 'Question 4?');
    expect(isEphemeral(refused.reply)).toBe(true);
    expect(refused.reply.content).toBe('You already have 3 open polls here, the most a member may have at once (3). Close one with `/poll close`, or wait until one closes, then create this one.');
    expect({ rows: stored(), posts: posted() }).toEqual(before);

    // Another member is not held back by Maya's polls; closing one of hers makes room again.
    expect((await create(hearth.member('noor'), 'Noor asks?')).reply.content).toMatch(/^Poll #\d+ is up/);
    expect((await maya.run('poll close', { poll: mayasFirst })).reply.content).toContain('is closed');
    expect((await create(maya, 'Question 4?')).reply.content).toMatch(/^Poll #\d+ is up/);
  });

  it('refuses to close another member\'s poll without naming who created it', async () => {
    const { hearth } = world;
    const id = idIn((await create(hearth.member('olu'), 'Olu asks?')).reply.content);
    const before = stored();
    const refused = await hearth.member('nosy').run('poll close', { poll: id });
    expect(refused.reply.content).toBe(`Only the member who created poll #${id} or a leader can close it.`);
    expect(refused.reply.content).not.toMatch(/<@|olu/);
    expect(stored()).toEqual(before);
  });

  it('a leader is not held to the member limit, but everyone is held to 50 open polls per server', async () => {
    const { hearth, leader } = world;
    for (const n of [1, 2, 3, 4]) expect((await create(leader, `Leader question ${n}?`)).reply.content).toMatch(/^Poll #\d+ is up/);
    const open = () => (world.hearth.context.db.$client.prepare("SELECT count(*) AS n FROM polls WHERE status = 'open'").get() as { n: number }).n;
    seed(hearth.guild.id, hearth.general.id, 50 - open(), null);
    expect(open()).toBe(50);
    const before = { rows: stored(), posts: posted() };
    for (const who of [leader, hearth.member('newcomer')]) {
      const refused = await create(who, 'One too many?');
      expect(refused.reply.content).toBe('This server already has 50 open polls, the most Hearth allows at once (50). A leader can close some with `/poll close`, or wait until some close, then create this one.');
    }
    expect({ rows: stored(), posts: posted() }).toEqual(before);
  });

  it('closes a backlog a fair round at a time: another server\'s poll and check-in are not held up, and a stop is honoured', async () => {
    const { hearth } = world;
    const { double, clock } = hearth;
    const other = double.addGuild('Neighbours');
    const otherChannel = [...other.channels.values()][0]!;
    const busy = double.addGuild('Busy');
    const busyChannel = [...busy.channels.values()][0]!;
    // 60 polls in one server closing in an hour (before the limits existed), one poll and a check-in elsewhere at the same time.
    await clock.set(Math.ceil(clock.now() / 60_000) * 60_000);
    const { db } = hearth.context;
    seed(busy.id, busyChannel.id, 60, '1h');
    seed(other.id, otherChannel.id, 1, '1h');
    const at = clock.now() + HOUR;
    const checkinTime = new Date(at).toISOString().slice(11, 16);
    createSchedule(db, { guildId: other.id, channelId: otherChannel.id, createdBy: 'lead' }, validateSchedule(db, other.id, { when: `daily ${checkinTime}`, prompt: 'Neighbourly check-in', name: null, timezone: 'UTC', anonymous: false }, clock.now()), clock.now());
    hearth.context.scheduler.wake();
    const closedIn = (guildId: string) => (hearth.context.db.$client.prepare("SELECT count(*) AS n FROM polls WHERE guild_id = ? AND status = 'closed'").get(guildId) as { n: number }).n;

    const checkinPost = double.holdNext('POST', new RegExp(`^/channels/${otherChannel.id}/messages$`));
    void clock.set(at);
    await checkinPost.arrived;
    // The check-in went out after one round: 5 of the busy server's polls, and the other server's one.
    expect(closedIn(other.id)).toBe(1);
    expect(closedIn(busy.id)).toBe(5);

    const stopped = hearth.context.scheduler.stop();
    checkinPost.release();
    await stopped;
    expect(closedIn(busy.id)).toBe(5); // no round began after the stop
    expect(double.channelMessages(otherChannel.id).map(textOf).join('\n')).toContain('Neighbourly check-in');

    await hearth.restart(); // what was left is still due, and is closed after the start
    const pending = () => (hearth.context.db.$client.prepare("SELECT count(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;
    for (let round = 0; round < 30 && (closedIn(busy.id) < 60 || pending() > 0); round++) {
      await hearth.context.scheduler.tick();
      await hearth.context.outbox.idle();
    }
    expect(closedIn(busy.id)).toBe(60);
    expect(pending()).toBe(0);
    // 61 final results in two servers asked Discord for each server's member count once per process, not once per poll.
    expect(double.requests.filter((r) => r.method === 'GET' && r.path === `/guilds/${busy.id}`).length).toBeLessThanOrEqual(2);
  });
});

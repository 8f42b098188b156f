import { beforeAll, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { eventually, isEphemeral, textOf, TestMember, type TestHearth } from '../support/harness';
import { useHearth } from '../support/setup';
import { setUpCommunity, takePart, type Footprint } from '../support/footprints';
import { featureRowsOf, rowsOf } from '../support/community';
import { getTableName } from 'drizzle-orm';
import * as schema from '../../src/db/schema';
import { results, findPollById } from '../../src/polls/service';
import { surveyResults } from '../../src/surveys/results';
import { runSummaries } from '../../src/checkins';
import { leaderboard } from '../../src/kudos/standings';
import { privacyRetention, privacyServers } from '../../src/privacy/schema';
import type { GuildState } from '../support/discord-double';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Every row a server holds in every feature's table (found from the database's list of tables) and
 * privacy's own; `members`: only what members gave (check-ins keep posting runs meanwhile).
 */
function serverRows(hearth: TestHearth, guildId: string, members = false): number {
  const db = hearth.context.db;
  if (members) {
    return [schema.pollVotes, schema.surveyResponses, schema.checkinAnswers, schema.kudos]
      .map((table) => rowsOf(db, `SELECT * FROM ${getTableName(table)} WHERE ${table === schema.pollVotes ? 'poll_id IN (SELECT id FROM polls WHERE guild_id = ?)' : 'guild_id = ?'}`, guildId).length)
      .reduce((a, b) => a + b, 0);
  }
  const privacy = ['privacy_requests', 'privacy_erasures', 'privacy_retention'].flatMap((table) => rowsOf(db, `SELECT * FROM ${table} WHERE guild_id = ?`, guildId));
  return featureRowsOf(db, guildId).length + privacy.length;
}

describe('retention: a leader sets how long answers are kept', () => {
  const world = useHearth();
  let hearth: TestHearth;
  let leader: TestMember;
  let ann: TestMember;
  let print: Footprint;
  beforeAll(async () => {
    ({ hearth, leader } = world);
    const community = await setUpCommunity(hearth, leader, 'R');
    ann = hearth.member('ann');
    print = await takePart(hearth, community, ann, hearth.member('bob'));
    await leader.run('poll close', { poll: findPoll('Lunch R?') });
    await leader.run('survey close', { survey: hearth.context.db.select().from(schema.surveys).all()[0]!.id });
  });
  const findPoll = (question: string) => hearth.context.db.select().from(schema.polls).all().find((p) => p.question === question)!.id;
  const settingsRows = () => JSON.stringify(hearth.context.db.select().from(privacyRetention).all());

  it('refuses members who are not leaders, and months out of range, changing nothing', async () => {
    const refused = await ann.run('settings retention', { months: 6 });
    expect(refused.reply.content).toContain('Only leaders can use /settings');
    for (const months of [0, 121, -3]) {
      const { reply } = await leader.run('settings retention', { months });
      expect(isEphemeral(reply)).toBe(true);
      expect(reply.content).toContain('from 1 to 120');
    }
    expect(settingsRows()).toBe('[]');
  });

  it('switched on, removes text and member links older than the limit at once and every day after, keeping every count', async () => {
    const counts = () => {
      const db = hearth.context.db;
      const survey = db.select().from(schema.surveys).all()[0]!;
      return JSON.stringify({
        poll: results(db, findPollById(db, findPoll('Lunch R?'))!).choices.map((c) => c.count),
        survey: [surveyResults(db, hearth.guild.id, survey.id).submitted, survey.responses],
        checkins: runSummaries(db, hearth.guild.id, 0, Date.UTC(2030, 0)).map((r) => r.distribution),
        kudos: leaderboard(db, hearth.guild.id, ann.id, "all", null, "UTC", hearth.clock.now()),
      });
    };
    const before = counts();
    // Two months go by while Hearth is stopped.
    await hearth.stopBot();
    await hearth.clock.advance(61 * DAY);
    await hearth.startBot();

    const { reply } = await leader.run('settings retention', { months: 1 });
    expect(reply.content).toContain('Saved: retention is on.');
    expect(reply.content).toContain('1 month: every day');
    await hearth.clock.advance(0); // the first pass is due at once
    await eventually(() => hearth.logs.some((line) => line.includes('retention switched on: the first pass changed')), 'the first pass');
    const logged = JSON.parse(hearth.logs.find((line) => line.includes('retention switched on'))!) as Record<string, number>;
    expect(logged).toMatchObject({ 'polls.votes': 1, 'surveys.responses': 1, 'surveys.texts': 1, 'checkins.answers': 1, 'checkins.notes': 1, 'kudos.messages': 2 });

    expect(counts()).toBe(before);
    const db = hearth.context.db;
    const exported = JSON.parse((await ann.run('privacy export')).reply.files[0]!.data.toString('utf8'));
    expect(exported.polls.votes).toEqual([]);
    expect(exported.surveys.responses).toEqual([]);
    expect(exported.checkins.answers).toEqual([]);
    expect(exported.kudos.given).toMatchObject([{ message: '' }]);
    const notes = db.select().from(schema.checkinAnswers).all().map((a) => a.note);
    expect(notes).toEqual([null]);
    expect(JSON.stringify(db.select().from(schema.surveyAnswers).all())).not.toContain(print.answer);
    const received = await ann.run('kudos received');
    expect(textOf(received.reply)).toContain('message removed');

    // New answers are kept until they are old enough; the daily pass runs again a day later.
    const shown = await leader.run('settings show');
    expect(textOf(shown.reply)).toContain('Retention');
    expect(textOf(shown.reply)).toContain('1 month: every day');
    expect(hearth.context.db.select().from(privacyRetention).get()).toMatchObject({ months: 1, nextRunAt: hearth.clock.now() + DAY });

    const fresh = 'A fresh thank-you, kept for now';
    await hearth.member('cat').run('kudos give', { member: { id: ann.id }, value: 'Kindness', message: fresh });
    const firstPass = hearth.clock.now();
    await hearth.clock.advance(DAY);
    await eventually(() => hearth.context.db.select().from(privacyRetention).get()?.lastRunAt === firstPass + DAY, 'the next daily pass');
    expect(hearth.context.db.select().from(schema.kudos).all().map((k) => k.message)).toEqual(['', '', fresh]);

    const off = await leader.run('settings retention');
    expect(off.reply.content).toContain('Saved: retention is off.');
    expect(settingsRows()).toBe('[]');
  });
});

describe('when Hearth is removed from a server', () => {
  const world = useHearth();
  let hearth: TestHearth;
  beforeAll(() => ({ hearth } = world));

  /** A second server with a busy community, so the first keeps its data. */
  async function busyServer(name: string): Promise<{ guild: GuildState; owner: TestMember }> {
    const guild = hearth.double.addGuild(name);
    await eventually(() => hearth.context.client.guilds.cache.has(guild.id), 'the bot to see the new server');
    const owner = new TestMember(hearth, guild, guild.members.get(guild.ownerId)!);
    const community = await setUpCommunity(hearth, owner, name);
    await takePart(hearth, community, hearth.memberOf(guild, `${name}-ann`), hearth.memberOf(guild, `${name}-bob`));
    return { guild, owner };
  }
  const left = (guildId: string) => hearth.context.db.select().from(privacyServers).all().find((s) => s.guildId === guildId);
  const deletions = () => hearth.logs.filter((line) => line.includes('deleted everything Hearth held for a server')).length;

  it('a Discord outage is not a removal: nothing is scheduled', async () => {
    const { guild } = await busyServer('Outage');
    const outage = hearth.double.outage(guild);
    await eventually(() => hearth.context.client.guilds.cache.get(guild.id)?.available === false, 'the outage to reach the bot');
    outage.end();
    await eventually(() => hearth.context.client.guilds.cache.get(guild.id)?.available === true, 'the server to come back');
    expect(left(guild.id)).toMatchObject({ leftAt: null, deleteAt: null });
  });

  it('invited back within 30 days (while running, or while offline), the server keeps everything', async () => {
    const { guild } = await busyServer('Back');
    const rows = serverRows(hearth, guild.id, true);
    hearth.double.removeBot(guild);
    await eventually(() => left(guild.id)?.leftAt !== null, 'the removal to be recorded');
    expect(left(guild.id)).toMatchObject({ leftAt: hearth.clock.now(), deleteAt: hearth.clock.now() + 30 * DAY });
    hearth.double.inviteBot(guild);
    await eventually(() => left(guild.id)?.leftAt === null, 'the invitation to call the deletion off');

    hearth.double.removeBot(guild);
    await eventually(() => left(guild.id)?.leftAt !== null, 'the second removal');
    await hearth.stopBot();
    await hearth.clock.advance(20 * DAY);
    hearth.double.inviteBot(guild); // while Hearth is offline: it finds the server in READY
    await hearth.startBot();
    expect(left(guild.id)).toMatchObject({ leftAt: null, deleteAt: null });
    await hearth.stopBot();
    await hearth.clock.advance(20 * DAY);
    await hearth.startBot();
    expect(serverRows(hearth, guild.id, true)).toBe(rows);
  });

  it('not invited back, the data is deleted 30 days later, once, across restarts; other servers keep theirs', async () => {
    const { guild } = await busyServer('Gone');
    const back = [...hearth.double.guilds.values()].find((g) => g.name === 'Back')!.id;
    const home = serverRows(hearth, hearth.guild.id, true) + serverRows(hearth, back, true);
    expect(serverRows(hearth, guild.id)).toBeGreaterThan(10);
    const before = deletions();
    hearth.double.removeBot(guild);
    await eventually(() => left(guild.id)?.leftAt != null, 'the removal to be recorded');
    await hearth.stopBot();
    await hearth.clock.advance(30 * DAY - MINUTE);
    await hearth.startBot();
    expect(serverRows(hearth, guild.id)).toBeGreaterThan(10);
    await hearth.clock.advance(MINUTE);
    await eventually(() => deletions() === before + 1, 'the deletion');
    expect(serverRows(hearth, guild.id)).toBe(0);
    expect(left(guild.id)).toBeUndefined();
    expect(hearth.context.db.select().from(schema.outbox).all().some((e) => e.guildId === guild.id && e.status === 'pending')).toBe(false);

    await hearth.restart();
    await hearth.clock.advance(HOUR);
    expect(deletions()).toBe(before + 1);
    expect(serverRows(hearth, hearth.guild.id, true) + serverRows(hearth, back, true)).toBe(home);
  });

  it('removed while Hearth was offline, the removal counts from the next start', async () => {
    const { guild } = await busyServer('Quiet');
    await hearth.stopBot();
    guild.members.delete(hearth.double.botUser.id); // kicked while Hearth was down: not in READY any more
    await hearth.startBot();
    expect(left(guild.id)).toMatchObject({ leftAt: hearth.clock.now(), deleteAt: hearth.clock.now() + 30 * DAY });
  });
});

describe('/settings delete-all-data', () => {
  const world = useHearth();
  let hearth: TestHearth;
  let leader: TestMember;
  beforeAll(async () => {
    ({ hearth, leader } = world);
    await takePart(hearth, await setUpCommunity(hearth, leader, 'W'), hearth.member('ann'), hearth.member('bob'));
    await leader.run('settings timezone', { zone: 'Europe/Berlin' });
    await leader.run('settings retention', { months: 12 });
  });
  const owner = () => hearth.owner();

  it('is for the owner only, and a name that does not match deletes nothing', async () => {
    const rows = serverRows(hearth, hearth.guild.id);
    expect(rows).toBeGreaterThan(10);
    const member = await hearth.member('curious').run('settings delete-all-data');
    expect(member.reply.content).toContain('Only leaders can use /settings');
    const notOwner = await leader.run('settings delete-all-data');
    expect(notOwner.reply.content).toContain('Only the server owner');
    const opened = await owner().run('settings delete-all-data');
    const wrong = await owner().submitModal(opened, { 'Server name': hearth.guild.name.toLowerCase() });
    expect(isEphemeral(wrong.reply)).toBe(true);
    expect(wrong.reply.content).toContain('not this server\'s name exactly');
    // A forged submission from someone else is refused too.
    const forged = await leader.submitModal(opened, { 'Server name': hearth.guild.name });
    expect(forged.reply.content).toContain('Only the server owner');
    expect(serverRows(hearth, hearth.guild.id)).toBe(rows);
  });

  it('with the name typed exactly, deletes everything Hearth holds for the server at once', async () => {
    const other = hearth.double.addGuild('Neighbour');
    await eventually(() => hearth.context.client.guilds.cache.has(other.id), 'the second server');
    const host = hearth.memberOf(other, 'host');
    host.state.roles.push(hearth.double.addRole(other, 'Mods', PermissionFlagsBits.ManageGuild).id);
    await host.run('settings timezone', { zone: 'Asia/Tokyo' });
    const neighbour = serverRows(hearth, other.id);

    const opened = await owner().run('settings delete-all-data');
    expect(opened.record.callback!.data).toMatchObject({ title: "Delete all of Hearth's data here?" });
    const done = await owner().submitModal(opened, { 'Server name': `  ${hearth.guild.name} ` });
    expect(done.reply.content).toContain('Done: everything Hearth held for this server is deleted');
    expect(serverRows(hearth, hearth.guild.id)).toBe(0);
    expect(serverRows(hearth, other.id)).toBe(neighbour);
    expect(hearth.logs.filter((line) => line.includes('the server owner asked for it'))).toHaveLength(1);
    const shown = await leader.run('settings show');
    expect(textOf(shown.reply)).toContain('Off:');
    expect(textOf(shown.reply)).toContain('UTC');
  });
});

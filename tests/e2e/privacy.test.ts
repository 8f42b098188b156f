import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { allComponents, eventually, isEphemeral, textOf, type Seen, type StoredMessage, type TestHearth, type TestMember } from '../support/harness';
import { useHearth } from '../support/setup';
import { setUpCommunity, takePart, type Community, type Footprint } from '../support/footprints';
import * as schema from '../../src/db/schema';
import { privacyRequests } from '../../src/privacy/schema';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Every feature's rows: what "nothing changed" is checked against. */
const FEATURE_TABLES = [schema.polls, schema.pollChoices, schema.pollVotes, schema.surveys, schema.surveyResponses, schema.surveyAnswers, schema.checkinSchedules, schema.checkinAnswers, schema.kudos];

describe('/privacy: a member sees, takes and deletes their data', () => {
  const world = useHearth();
  let hearth: TestHearth;
  let leader: TestMember;
  let community: Community;
  let ann: TestMember;
  let bob: TestMember;
  let dee: TestMember;
  let annPrint: Footprint;
  beforeAll(async () => {
    ({ hearth, leader } = world);
    community = await setUpCommunity(hearth, leader, 'A');
    [ann, bob, dee] = ['ann', 'bob', 'dee'].map((name) => hearth.member(name)) as [TestMember, TestMember, TestMember];
    annPrint = await takePart(hearth, community, ann, bob);
    await takePart(hearth, community, dee, hearth.member('cat'));
  });

  const snapshot = () => JSON.stringify(FEATURE_TABLES.map((table) => hearth.context.db.select().from(table).all()));
  const requests = () => hearth.context.db.select().from(privacyRequests).all();
  const current = (message: StoredMessage) => hearth.double.messages.get(message.id);
  const labels = (message: StoredMessage) => allComponents(message.components).filter((c) => c.type === 2).map((c) => c.label);

  /** The member's export, parsed, without the moment it was made. */
  async function exportOf(member: TestMember) {
    const { reply } = await member.run('privacy export');
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.files).toHaveLength(1);
    const { exportedAt: _at, about: _about, ...data } = JSON.parse(reply.files[0]!.data.toString('utf8')) as Record<string, unknown>;
    return { reply, data: data as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  async function askToDelete(member: TestMember): Promise<Seen> {
    const asked = await member.run('privacy delete');
    expect(isEphemeral(asked.reply)).toBe(true);
    return asked;
  }

  it('/privacy info says what is kept, who sees it, for how long, and what happens when Hearth leaves', async () => {
    const { reply } = await hearth.member('curious').run('privacy info');
    expect(isEphemeral(reply)).toBe(true);
    const text = textOf(reply);
    for (const part of ['What Hearth keeps about you', 'Who sees what', 'Nobody, leaders included', 'How long it is kept', 'Off:', '/privacy export', '/privacy delete', 'kept 30 days']) expect(text).toContain(part);
  });

  it('/privacy export holds everything about a member active in every feature, and says why anonymous votes are not in it', async () => {
    const { reply, data } = await exportOf(ann);
    expect(reply.content).toContain('Here is everything Hearth keeps about you in this server');
    expect(reply.files[0]!.filename).toMatch(/^hearth-data-\d+-2026-11-25\.json$/);
    expect(data.member).toBe(ann.id);
    expect(data.server).toEqual({ id: hearth.guild.id, name: hearth.guild.name });
    expect(data.anonymous).toContain('no one (Hearth included) can link them to you');
    expect(data.polls.votes).toMatchObject([{ question: 'Lunch A?', choice: 'Tea' }]);
    expect(data.polls.anonymousVotes).toContain('not part of this export');
    expect(data.surveys.responses).toMatchObject([{ title: 'Feedback A', answers: [{ question: 'Anything to tell us?', answer: annPrint.answer }] }]);
    expect(data.checkins.answers).toMatchObject([{ checkin: 'Daily A', mood: 4, moodLabel: 'good', note: annPrint.note }]);
    expect(data.checkins.streaks).toMatchObject([{ checkin: 'Daily A', current: 1, longest: 1 }]);
    expect(data.kudos.given).toMatchObject([{ to: bob.id, value: 'Kindness', message: annPrint.kudosGiven }]);
    expect(data.kudos.received).toMatchObject([{ from: bob.id, value: 'Helpfulness', message: `bob thanks ann` }]);
    expect(data.settings.settings).toContain('no settings per member');
    expect(data.retention).toContain('Off');
  });

  it('/privacy delete lists what goes and asks to confirm; nothing changes until the button is pressed', async () => {
    const before = snapshot();
    const { reply } = await askToDelete(ann);
    const text = textOf(reply);
    for (const part of ['Delete your data in this server?', '1 vote in polls', '1 survey response', '1 check-in answer (1 note)', '1 kudos given and 1 received', 'cannot be undone']) expect(text).toContain(part);
    expect(labels(reply)).toEqual(['Delete my data', 'Cancel']);
    expect(snapshot()).toBe(before);
    const cancelled = await ann.click(reply, 'Cancel');
    expect(cancelled.reply.content).toBe('Cancelled: nothing was deleted.');
    expect(snapshot()).toBe(before);
    expect(requests()).toEqual([]);
  });

  it('confirmed, it deletes everything of hers: the poll and survey show the new counts, shout-outs go, others are unchanged', async () => {
    const deesBefore = (await exportOf(dee)).data;
    await hearth.clock.advance(3000); // live counts are refreshed at most every 3 seconds
    await eventually(() => textOf(current(community.poll)!).includes('2 members voted so far'), 'the poll to show both votes');
    const { reply } = await askToDelete(ann);
    const done = await ann.click(reply, 'Delete my data');
    expect(isEphemeral(done.reply)).toBe(true);
    const text = done.reply.content;
    for (const part of ['**Deleted.**', '1 vote', '1 survey response (1 answer)', '1 check-in answer (1 note)', '1 kudos given and 1 received', '2 shout-outs deleted from Discord']) expect(text).toContain(part);
    expect(labels(done.reply)).toEqual([]);

    for (const shoutOut of annPrint.shoutOuts) expect(current(shoutOut)).toBeUndefined();
    await hearth.clock.advance(0); // the outbox's round, which the deletion asked for, is due now
    await eventually(() => textOf(current(community.poll)!).includes('1 member voted so far'), 'the poll message to show one vote');
    await eventually(() => textOf(current(community.survey)!).includes('1 member answered so far'), 'the survey card to count one response');

    const after = (await exportOf(ann)).data;
    expect(after.polls.votes).toEqual([]);
    expect(after.surveys.responses).toEqual([]);
    expect(after.checkins.answers).toEqual([]);
    expect(after.checkins.streaks).toEqual([]);
    expect(after.kudos).toEqual({ given: [], received: [], removedAsLeader: [] });
    expect((await exportOf(dee)).data).toEqual(deesBefore);
  });

  it("leaves the member's id and what she wrote nowhere in the database file or its write-ahead log", async () => {
    const search = (needle: string) =>
      [hearth.databasePath, `${hearth.databasePath}-wal`].filter((file) => existsSync(file) && readFileSync(file).includes(Buffer.from(needle)));
    for (const needle of [ann.id, annPrint.note, annPrint.answer, annPrint.kudosGiven, 'bob thanks ann']) expect(search(needle), needle).toEqual([]);
    expect(search(dee.id)).not.toEqual([]); // the search does find what is there
  });

  it('a second /privacy delete the same day is refused and changes nothing', async () => {
    const before = snapshot();
    const { reply } = await ann.run('privacy delete');
    expect(isEphemeral(reply)).toBe(true);
    expect(reply.content).toContain('once a day');
    expect(snapshot()).toBe(before);
    expect(requests()).toEqual([]);
  });

  it('a confirmation pressed by someone else, a forged one, or one pressed after 5 minutes changes nothing', async () => {
    const { reply } = await askToDelete(dee);
    const before = snapshot();
    const intruder = await bob.click(reply, 'Delete my data');
    expect(isEphemeral(intruder.reply)).toBe(true);
    expect(intruder.reply.content).toContain('belongs to someone else');
    const id = requests()[0]!.id;
    const forged = await hearth.clickCustomId(dee, reply, `privacy:confirm:${id + 1000}`);
    expect(forged.reply.content).toContain('no longer valid');
    const garbled = await hearth.clickCustomId(dee, reply, 'privacy:confirm:1e3');
    expect(garbled.reply.content).toContain('not one Hearth recognises');
    expect(snapshot()).toBe(before);

    await hearth.clock.advance(5 * MINUTE + 1000);
    const late = await dee.click(reply, 'Delete my data');
    expect(late.reply.content).toContain('expired');
    expect(snapshot()).toBe(before);
    expect(requests()).toEqual([]);
  });

  it('/privacy forget is for leaders, with a member or the id of one who left, and the same confirmation', async () => {
    const eve = hearth.member('eve');
    await takePart(hearth, community, eve, hearth.member('fin'));
    const before = snapshot();
    const refused = await bob.run('privacy forget', { member: eve.id });
    expect(refused.reply.content).toContain('Only leaders can delete another member');
    const garbage = await leader.run('privacy forget', { member: 'eve, please' });
    expect(garbage.reply.content).toContain('Give the member as a mention');
    expect(snapshot()).toBe(before);
    expect(requests()).toEqual([]);

    hearth.guild.members.delete(eve.id); // she left the server and asked a leader by message
    const asked = await leader.run('privacy forget', { member: eve.id });
    expect(textOf(asked.reply)).toContain(`<@${eve.id}>'s data in this server`);
    expect(labels(asked.reply)).toEqual(['Delete their data', 'Cancel']);
    expect((await eve.click(asked.reply, 'Delete their data')).reply.content).toContain('belongs to someone else');
    const done = await leader.click(asked.reply, 'Delete their data');
    expect(done.reply.content).toContain('**Deleted.** Their data in this server is gone');
    const rows = hearth.context.db.select().from(schema.checkinAnswers).all().concat();
    expect(rows.some((r) => r.memberId === eve.id)).toBe(false);
    expect(hearth.context.db.select().from(schema.kudos).all().some((k) => k.giverId === eve.id || k.recipientId === eve.id)).toBe(false);

    const byMention = await leader.run('privacy forget', { member: `<@${dee.id}>` });
    expect(textOf(byMention.reply)).toContain(`<@${dee.id}>'s data`);
    expect((await leader.click(byMention.reply, 'Cancel')).reply.content).toContain('nothing was deleted');
  });

  it('says which shout-out Hearth could not delete, with a link, when Discord refuses', async () => {
    const gus = hearth.member('gus');
    const print = await takePart(hearth, community, gus, hearth.member('hal'));
    const stuck = print.shoutOuts[0]!;
    hearth.double.failNext('DELETE', new RegExp(`/messages/${stuck.id}$`), 403, 50001, 'Missing Access');
    const done = await gus.click((await askToDelete(gus)).reply, 'Delete my data');
    expect(done.reply.content).toContain('1 shout-out deleted from Discord');
    expect(done.reply.content).toContain('⚠️ Hearth could not delete 1 shout-out');
    expect(done.reply.content).toContain(`/${stuck.channelId}/${stuck.id}: Hearth cannot see that channel`);
    expect(current(stuck)).toBeDefined();
    expect(current(print.shoutOuts[1]!)).toBeUndefined();
    await hearth.clock.advance(HOUR);
    const shown = await leader.run('settings show');
    expect(textOf(shown.reply)).toContain('deleting a kudos shout-out a member asked to remove');
  });
});
